/**
 * The Flows view of issue 21 in a real browser against a real `wrangler dev`:
 * the list (policy, live state, paging, no flicker on refresh); Pause holds
 * deliveries (the waiting count shows them) and Resume delivers them; the
 * policy editor (a valid change saved with the pause kept, an invalid one
 * answered by the API's error next to its field); Recover counts with a dry
 * run and replays dead deliveries once, and continues past a call's bound;
 * a trigger's subscription rows show an open breaker, a Retry-After hold
 * and the waiting counts.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, pool } from "../e2e/lib/wrangler.mjs";
import { startScriptedReceiver } from "../chaos/lib/receiver.mjs";
import { failedLoad, go, shot } from "./lib/browser.mjs";
import { fire } from "./lib/fixtures.mjs";
import { startSuite, stopSuite } from "./lib/suite.mjs";

const T = { orders: "flows.orders", billing: "flows.billing", alerts: "flows.alerts", status: "flows.status" };
const PAGED = Array.from({ length: 50 }, (_, i) => `zz-page-${String(i).padStart(2, "0")}`);

let suite, sb, page, cons, api, getFire, rx;
/** `/ok/*` 200, `/fail/*` 500, `/busy/*` 503 with Retry-After: 3600. */
const decide = (r) => (r.path.startsWith("/fail") ? { status: 500 } : r.path.startsWith("/busy") ? { status: 503, headers: { "retry-after": "3600" } } : { status: 200 });
const received = (prefix) => rx.requests.filter((r) => r.path.startsWith(prefix));
const put = async (path, body) => {
  const r = await api("PUT", path, { body });
  assert.ok([200, 201].includes(r.status), `PUT ${path}: ${r.status} ${r.text}`);
  return r.json;
};
const flowOf = async (flow) => (await api("GET", `/v1/flows/${flow}`)).json;
const sub = (url, maxAttempts = 1) => ({ target: { type: "http", url: `${rx.url}${url}` }, retry: { maxAttempts, initialBackoffSeconds: 1, maxBackoffSeconds: 1 } });
const text = (sel) => page.locator(sel).innerText();

before(async () => {
  rx = await startScriptedReceiver({ decide });
  suite = await startSuite({ signedIn: true });
  ({ sb, page, cons, api, getFire } = suite);
  for (const name of Object.values(T)) await put(`/v1/triggers/${name}`, { type: "event" });
  await put(`/v1/triggers/${T.orders}/subscriptions/shipping`, sub("/ok/shipping"));
  await put("/v1/flows/shipping", { rateLimit: { limit: 10, periodSeconds: 1 }, concurrency: 2 });
  await put(`/v1/triggers/${T.billing}/subscriptions/payments`, sub("/fail/payments"));
  await put(`/v1/triggers/${T.alerts}/subscriptions/pager`, sub("/fail/pager"));
  await put(`/v1/triggers/${T.status}/subscriptions/ops`, sub("/busy/ops", 3));
  await pool(PAGED.length, 8, (i) => put(`/v1/flows/${PAGED[i]}`, { concurrency: i + 1 }));
}, { timeout: 180_000 });
after(async () => {
  await stopSuite(suite);
  await rx?.close();
}, { timeout: 30_000 });

test("list: every flow with its policy and live state, 50 a page over the cursor, refreshed without flicker", { timeout: 90_000 }, async () => {
  // the list reads the flows' index: wait until the API lists the last one
  await eventually(async () => {
    const p1 = (await api("GET", "/v1/flows?limit=50")).json;
    return p1.nextCursor && (await api("GET", `/v1/flows?limit=50&cursor=${encodeURIComponent(p1.nextCursor)}`)).json.flows.some((f) => f.flow === PAGED[49]);
  }, { what: "every flow indexed" });
  await go(page, "#/flows", "Flows");
  const row = page.locator('tr[data-flow="shipping"]');
  await row.waitFor();
  assert.equal(await row.locator("[data-col=policy]").innerText(), "10 per 1 s · 2 in flight");
  assert.equal(await row.locator("[data-col=waiting]").innerText(), "0");
  assert.equal(await row.locator("[data-col=inFlight]").innerText(), "0");
  assert.equal(await row.locator("[data-breaker]").getAttribute("data-breaker"), "closed");
  assert.equal(await row.locator("[data-col=paused]").innerText(), "no");
  assert.match(await page.locator('tr[data-flow="payments"] [data-col=policy]').innerText(), /no policy/);
  assert.equal(await page.locator("tr[data-flow]").count(), 50);
  assert.equal(await page.locator(`tr[data-flow="${PAGED[49]}"]`).count(), 0, "the 51st flow is on the next page");
  await shot(page, "flows-list");

  // a refresh keeps the table on screen: watch it across two polls
  await page.evaluate(() => {
    window.__tableGone = 0;
    new MutationObserver(() => { if (!document.querySelector("[data-testid=flow-table]")) window.__tableGone++; })
      .observe(document.querySelector("main"), { childList: true, subtree: true });
  });
  const before = await page.locator(".live-note time").getAttribute("datetime");
  await eventually(async () => (await page.locator(".live-note time").getAttribute("datetime")) !== before, { timeoutMs: 12_000, what: "a refresh" });
  assert.equal(await page.evaluate(() => window.__tableGone), 0, "the table never left the page while refreshing");

  await page.getByRole("link", { name: "More →" }).click();
  await page.locator(`tr[data-flow="${PAGED[49]}"]`).waitFor();
  assert.equal(await page.locator(`tr[data-flow="${PAGED[49]}"] [data-col=policy]`).innerText(), "50 in flight");
  assert.equal(await page.locator('tr[data-flow="shipping"]').count(), 0);
  await page.getByRole("link", { name: "← Back" }).click();
  await page.locator('tr[data-flow="shipping"]').waitFor();
  await page.getByRole("link", { name: "shipping", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "shipping" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "Flows", exact: true }).first().getAttribute("aria-current"), "page");
  assert.equal(await text("[data-testid=policy-summary]"), "10 per 1 s · 2 in flight");
  assert.equal(await page.locator(`[data-testid=flow-subscriptions] tr[data-trigger="${T.orders}"] a`).getAttribute("href"), `#/triggers/${T.orders}`);
  await shot(page, "flow-detail");
  cons.assertClean([], "the flows list");
});

test("Pause holds the flow's deliveries (the waiting count shows them, the list too); Resume delivers them; both are in the activity", { timeout: 90_000 }, async () => {
  await go(page, "#/flows/shipping", "shipping");
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await page.getByRole("button", { name: "Resume", exact: true }).waitFor();
  assert.equal(await text("[data-stat=paused] dd"), "paused");
  assert.equal((await flowOf("shipping")).state.paused, true);

  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await fire(sb, T.orders, { n: i })).eventId);
  await eventually(async () => (await text("[data-stat=waiting] dd")) === "3", { timeoutMs: 20_000, what: "3 waiting shown" });
  assert.equal(received("/ok/shipping").length, 0, "nothing was sent while paused");
  await shot(page, "flow-paused");

  await go(page, "#/flows", "Flows");
  const row = page.locator('tr[data-flow="shipping"]');
  await eventually(async () => (await row.locator("[data-col=waiting]").innerText()) === "3", { timeoutMs: 15_000, what: "the list's waiting count" });
  assert.equal(await row.locator("[data-col=paused]").innerText(), "paused");

  await go(page, "#/flows/shipping", "shipping");
  await page.getByRole("button", { name: "Resume", exact: true }).click();
  await page.getByRole("button", { name: "Pause", exact: true }).waitFor();
  assert.equal(await text("[data-stat=paused] dd"), "no");
  for (const id of ids) await eventually(async () => (await getFire(T.orders, id)).deliveries?.[0]?.status === "delivered", { what: `${id} delivered after resume` });
  assert.deepEqual(received("/ok/shipping").map((r) => r.json.eventId).sort(), [...ids].sort());
  await eventually(async () => (await text("[data-stat=waiting] dd")) === "0", { timeoutMs: 15_000, what: "nothing waiting shown" });
  const log = page.getByTestId("activity");
  await eventually(async () => (await log.locator("li[data-type='flow.resumed']").count()) === 1, { timeoutMs: 15_000, what: "flow.resumed in the activity" });
  assert.match(await log.locator("li[data-type='flow.paused']").innerText(), /Paused: nothing is sent, deliveries wait/);
  cons.assertClean([], "pause and resume");
});

test("policy editor: a valid change is saved (the pause kept), an invalid value shows the API's error next to its field", { timeout: 60_000 }, async () => {
  await go(page, "#/flows/shipping", "shipping");
  const form = page.getByTestId("policy-form");
  assert.equal(await form.getByLabel("Concurrency", { exact: true }).inputValue(), "2");
  assert.equal(await form.getByLabel("Rate limit: attempts").inputValue(), "10");
  // paused elsewhere, the view not re-read yet: a save keeps the pause (PUT replaces the whole policy; the editor reads the pause as it is)
  assert.equal(await text("[data-stat=paused] dd"), "no");
  assert.equal(await api("POST", "/v1/flows/shipping/pause").then((r) => r.status), 200);
  await form.getByLabel("Concurrency", { exact: true }).fill("4");
  await form.getByLabel("Breaker: failures").fill("5");
  await form.getByLabel("Breaker: cooldown (s)").fill("30");
  await form.getByRole("button", { name: "Save policy" }).click();
  await form.getByText("Policy saved.").waitFor();
  const saved = await flowOf("shipping");
  assert.deepEqual(saved.policy, { rateLimit: { limit: 10, periodSeconds: 1 }, concurrency: 4, breaker: { failureThreshold: 5, cooldownSeconds: 30 }, paused: true });
  await eventually(async () => (await text("[data-testid=policy-summary]")) === "10 per 1 s · 4 in flight · breaker after 5 failures, 30 s cooldown", { timeoutMs: 10_000, what: "the new summary" });
  assert.equal(await api("POST", "/v1/flows/shipping/resume").then((r) => r.status), 200);

  await form.getByLabel("Concurrency", { exact: true }).fill("0");
  await form.getByLabel("Rate limit: window (s)").fill("");
  await form.getByRole("button", { name: "Save policy" }).click();
  const box = form.locator(".error-box");
  await box.waitFor();
  assert.match(await box.innerText(), /concurrency/);
  assert.match(await box.innerText(), /invalid_request · HTTP 400/);
  assert.match(await form.locator("[data-field=concurrency] .field-error").innerText(), /\S/);
  assert.equal(await form.getByLabel("Concurrency", { exact: true }).getAttribute("aria-invalid"), "true");
  assert.match(await form.locator('[data-field="rateLimit.periodSeconds"] .field-error').innerText(), /\S/);
  assert.equal(await form.getByText("Policy saved.").count(), 0);
  const kept = await flowOf("shipping");
  assert.equal(kept.policy.concurrency, 4, "a refused PUT changed nothing");
  assert.equal(kept.policy.rateLimit.periodSeconds, 1);
  await shot(page, "flow-policy-error");
  cons.assertClean([failedLoad(400)], "the policy editor");
});

test("Recover: a dry run counts the dead deliveries, Recover (after asking) replays them once, to the endpoint the subscription has now", { timeout: 120_000 }, async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await fire(sb, T.billing, { n: i })).eventId);
  for (const id of ids) await eventually(async () => (await getFire(T.billing, id)).deliveries?.[0]?.status === "dead", { what: `${id} dead` });
  await put(`/v1/triggers/${T.billing}/subscriptions/payments`, sub("/ok/payments"));

  await go(page, "#/flows/payments", "payments");
  const form = page.getByTestId("recover-form");
  await form.getByLabel("Since").selectOption("1h");
  await form.getByLabel("Deliveries").selectOption("dead");
  await form.getByRole("button", { name: "Dry run" }).click();
  await page.getByTestId("recover-count").getByText("3 would be replayed").waitFor();
  assert.equal(received("/ok/payments").length, 0, "a dry run replays nothing");

  await form.getByRole("button", { name: "Recover…" }).click();
  const dialog = page.getByTestId("recover-confirm");
  assert.equal(await dialog.locator("#recover-q").innerText(), "Replay 3 dead deliveries of payments?");
  await shot(page, "flow-recover-confirm");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.equal(await dialog.count(), 0);
  await form.getByRole("button", { name: "Recover…" }).click();
  await page.getByTestId("recover-confirm").getByRole("button", { name: "Recover", exact: true }).click();
  await page.getByTestId("recover-done").getByText("Matched 3, replayed 3").waitFor();
  assert.doesNotMatch(await text("[data-testid=recover-done]"), /Continue/, "no more to go");
  for (const id of ids) await eventually(async () => (await getFire(T.billing, id)).deliveries.some((d) => d.status === "delivered"), { what: `${id} delivered` });
  assert.deepEqual(received("/ok/payments").map((r) => r.json.eventId).sort(), [...ids].sort());

  await form.getByRole("button", { name: "Dry run" }).click();
  await page.getByTestId("recover-count").getByText("0 would be replayed").waitFor();
  await eventually(async () => (await page.locator("[data-testid=activity] li[data-type='flow.recovered']").count()) === 1, { timeoutMs: 15_000, what: "flow.recovered in the activity" });
  assert.match(await text("[data-testid=activity] li[data-type='flow.recovered']"), /Recovered dead deliveries from .*: 3 matched, 3 replayed/);

  await form.getByLabel("Since").selectOption("at");
  await form.getByLabel("From (local time)").fill("2026-01-02T10:00");
  await form.getByLabel("Until (optional, local time)").fill("2026-01-01T10:00");
  await form.getByRole("button", { name: "Dry run" }).click();
  await page.getByText("Until must not be before since").waitFor();
  cons.assertClean([], "recover");
});

test("Recover past 10,000: the answer's `more` shows Continue, which sends its cursor with the same range (answers in the contract's shape)", { timeout: 60_000 }, async () => {
  const bodies = [];
  await page.route("**/v1/flows/payments/recover", async (route) => {
    const b = JSON.parse(route.request().postData());
    bodies.push(b);
    const answer = b.dryRun ? { dryRun: true, matched: 10_000, replayed: 0, more: true, cursor: "c1" }
      : b.cursor === "c1" ? { dryRun: false, matched: 2, replayed: 2, more: false }
      : { dryRun: false, matched: 10_000, replayed: 10_000, more: true, cursor: "c1" };
    await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(answer) });
  });
  try {
    await go(page, "#/flows/payments", "payments");
    const form = page.getByTestId("recover-form");
    await form.getByLabel("Since").selectOption("24h");
    await form.getByLabel("Until (optional, local time)").fill("");
    await form.getByLabel("Deliveries").selectOption("failed");
    await form.getByRole("button", { name: "Recover…" }).click();
    await page.getByTestId("recover-count").getByText("10,000+ would be replayed").waitFor();
    await page.getByTestId("recover-confirm").getByRole("button", { name: "Recover", exact: true }).click();
    const done = page.getByTestId("recover-done");
    await done.getByText("Matched 10,000, replayed 10,000").waitFor();
    await done.getByRole("button", { name: "Continue" }).click();
    await done.getByText("Matched 10,002, replayed 10,002").waitFor();
    assert.match(await done.innerText(), /over 2 calls\.$/);
    assert.equal(await done.getByRole("button", { name: "Continue" }).count(), 0);
    assert.equal(bodies.length, 3);
    const [dry, first, next] = bodies;
    assert.equal(dry.dryRun, true);
    assert.ok(Math.abs(Date.now() - 86_400_000 - dry.since) < 60_000, "since is 24 h back");
    assert.deepEqual(first, { since: dry.since, status: "failed" });
    assert.deepEqual(next, { since: dry.since, status: "failed", cursor: "c1" });
    cons.assertClean([], "recover's continue");
  } finally {
    await page.unroute("**/v1/flows/payments/recover");
  }
});

test("trigger view: a subscription whose endpoint always fails shows its breaker open (and when), a Retry-After hold, the waiting counts", { timeout: 150_000 }, async () => {
  const events = Array.from({ length: 25 }, (_, n) => ({ name: T.alerts, data: { n } }));
  assert.equal((await api("POST", "/v1/events", { body: { events } })).status, 200);
  await fire(sb, T.status, { up: false });
  const subs = async (name) => (await api("GET", `/v1/triggers/${name}`)).json.subscriptions;
  await eventually(async () => (await subs(T.alerts)).pager.breaker === "open", { timeoutMs: 90_000, what: "pager's breaker open" });
  await eventually(async () => ((await subs(T.status)).ops.heldUntil ?? 0) > Date.now(), { timeoutMs: 30_000, what: "ops held by Retry-After" });
  // the 25 may all have been sent before it opened: fires from now on wait (a failed probe keeps them waiting)
  for (let n = 0; n < 3; n++) await fire(sb, T.alerts, { late: n });

  await go(page, `#/triggers/${T.alerts}`, T.alerts);
  const row = page.locator('[data-testid=subscriptions] tr[data-flow="pager"]');
  await row.locator("[data-breaker=open]").waitFor();
  assert.match(await row.locator("[data-col=state]").innerText(), /open\s+opened (just now|\d+ s ago)/);
  assert.match(await row.getAttribute("class"), /row-bad/);
  await eventually(async () => {
    const p = (await subs(T.alerts)).pager;
    return (await row.locator("[data-col=counts]").innerText()) === `${p.waiting} waiting · ${p.inFlight} in flight` && p.waiting > 0;
  }, { timeoutMs: 20_000, what: "the row's counts equal the API's, some waiting" });
  assert.equal(await row.locator("a").getAttribute("href"), "#/flows/pager");
  await shot(page, "trigger-breaker-open");

  await go(page, `#/triggers/${T.status}`, T.status);
  const held = page.locator('[data-testid=subscriptions] tr[data-flow="ops"]');
  await held.locator("[data-col=heldUntil]").waitFor();
  assert.match(await held.locator("[data-col=heldUntil]").innerText(), /held until .* · in \d+ min/);

  await go(page, "#/flows", "Flows");
  await page.locator('tr[data-flow="pager"] [data-breaker=open]').waitFor();
  await go(page, "#/flows/pager", "pager");
  assert.equal(await page.locator("[data-stat=breaker] [data-breaker]").getAttribute("data-breaker"), "open");
  cons.assertClean([], "the breaker views");
});
