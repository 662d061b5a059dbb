/**
 * The dashboard's views in a real browser (Debian's Chromium, playwright-core)
 * against a real `wrangler dev` started by the e2e harness: sign-in and key
 * handling, the CSP, the list with filters and live counts, the trigger and
 * schedule views and their actions, both fire forms (a 422 next to the
 * field), awaits, poll state, keyboard use, and no console error on any view.
 * Screenshots go to test/browser/screenshots/.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, eventually } from "../e2e/lib/wrangler.mjs";
import { failedLoad, go, shot, signIn } from "./lib/browser.mjs";
import { NAMES, fire } from "./lib/fixtures.mjs";
import { startSuite, stopSuite } from "./lib/suite.mjs";

/** Every .ts/.tsx file under dir. */
const uiSources = (dir) =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? uiSources(p) : /\.tsx?$/.test(n) ? [p] : [];
  });

let suite, sb, rx, browser, context, page, cons, order, api, getFire;
before(async () => {
  suite = await startSuite({ signedIn: false });
  ({ sb, rx, browser, context, page, cons, order, api, getFire } = suite);
}, { timeout: 150_000 });
after(() => stopSuite(suite), { timeout: 30_000 });

test("sign-in: a wrong key is refused; the right one is kept in sessionStorage only, never in the URL, a cookie or localStorage", { timeout: 60_000 }, async () => {
  await page.getByRole("heading", { name: "Sign in with an API key" }).waitFor();
  await shot(page, "01-sign-in");
  await page.getByLabel("API key").fill("not-a-key");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("This key was not accepted").waitFor();
  cons.assertClean([failedLoad(401)], "sign-in with a wrong key");
  await signIn(page, sb.apiKey);
  const where = await page.evaluate(() => ({
    session: sessionStorage.getItem("signalbox.apiKey"), local: localStorage.length, cookie: document.cookie, url: location.href,
  }));
  assert.equal(where.session, sb.apiKey);
  assert.equal(where.local, 0);
  assert.equal(where.cookie, "");
  assert.ok(!where.url.includes(sb.apiKey));
  await page.reload();
  await page.getByRole("heading", { level: 1, name: "Home" }).waitFor(); // the landing page: the fire feed
  await page.locator("[data-testid=feed], [data-testid=feed-empty]").first().waitFor();
  const other = await context.newPage();
  await other.goto(sb.baseUrl);
  await other.getByRole("heading", { name: "Sign in with an API key" }).waitFor(); // another tab asks again
  await other.close();
  cons.assertClean([], "the home page after sign-in");
  // a key the service stops accepting (revoked, rotated) is forgotten and asked for again
  await page.evaluate(() => sessionStorage.setItem("signalbox.apiKey", "revoked-key"));
  await page.reload();
  await page.getByText("The service no longer accepts the key of this tab").waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.getItem("signalbox.apiKey")), null);
  cons.assertClean([failedLoad(401)], "a revoked key");
  await signIn(page, sb.apiKey);
});

test("the page carries a strict CSP header, loads nothing inline, and the browser enforces it", { timeout: 30_000 }, async () => {
  const res = await fetch(`${sb.baseUrl}/`);
  const csp = res.headers.get("content-security-policy") ?? "";
  for (const d of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) {
    assert.ok(csp.includes(d), `CSP has ${d}: ${csp}`);
  }
  assert.ok(!/unsafe-inline|unsafe-eval|https?:/.test(csp), csp);
  // payloads are hostile: no source file of the UI may write HTML
  for (const file of uiSources(join(REPO_ROOT, "ui"))) {
    const text = readFileSync(file, "utf8");
    assert.ok(!/dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/.test(text), `${file} writes HTML or evaluates code`);
  }
  const html = await res.text();
  assert.ok(!/<script(?![^>]*\ssrc=)[^>]*>/.test(html), "no inline <script>");
  assert.ok(!/\sstyle=|<style/.test(html), "no inline style");
  for (const p of ["/v1/triggers", "/healthz", "/openapi.json", "/docs"]) {
    const r = await fetch(sb.baseUrl + p);
    assert.notEqual(r.headers.get("content-type")?.startsWith("text/html") && p !== "/docs", true, `${p} still reaches the Worker`);
    assert.equal(r.status, p === "/v1/triggers" ? 401 : 200, p);
  }
  const ran = await page.evaluate(async () => {
    const violation = new Promise((r) => document.addEventListener("securitypolicyviolation", (e) => r(e.violatedDirective), { once: true }));
    const s = document.createElement("script");
    s.textContent = "window.__inline = true";
    document.body.append(s);
    return { inline: window.__inline === true, violated: await Promise.race([violation, new Promise((r) => setTimeout(() => r(null), 2000))]) };
  });
  assert.equal(ran.inline, false, "inline script must not run");
  assert.match(String(ran.violated), /script-src/);
  cons.assertClean([/Content Security Policy/], "the CSP probe");
});

test("list: newest first with type, status, last fire and counts; filters by type, status, name prefix and flow, kept in the URL", { timeout: 60_000 }, async () => {
  await go(page, "#/triggers", "Triggers");
  await page.locator("tr[data-trigger]").first().waitFor();
  const names = await page.$$eval("tr[data-trigger]", (rows) => rows.map((r) => r.getAttribute("data-trigger")));
  assert.deepEqual(names, [...order].reverse());
  const row = page.locator(`tr[data-trigger="${NAMES.retired}"]`);
  assert.match(await row.innerText(), /event\s+retired\s+never\s+0\s+0\s+0\s+0/);
  await shot(page, "02-trigger-list");

  const filter = async (fields, expected) => {
    await go(page, "#/triggers", "Triggers");
    for (const [k, v] of Object.entries(fields)) {
      const el = page.locator(`.filters [name=${k}]`);
      if ((await el.evaluate((e) => e.tagName)) === "SELECT") await el.selectOption(v);
      else await el.fill(v);
    }
    await page.getByRole("button", { name: "Apply" }).click();
    for (const [k, v] of Object.entries(fields)) await page.waitForURL(new RegExp(`[?&]${k}=${encodeURIComponent(v).replace(/\./g, "\\.")}`));
    await eventually(async () => {
      const got = await page.$$eval("tr[data-trigger]", (rows) => rows.map((r) => r.getAttribute("data-trigger")));
      return JSON.stringify(got) === JSON.stringify(expected);
    }, { timeoutMs: 10_000, what: `filter ${JSON.stringify(fields)} → ${expected}` });
  };
  await filter({ type: "schedule" }, [NAMES.schedule]);
  await filter({ status: "retired" }, [NAMES.retired]);
  await filter({ q: "billing." }, [NAMES.dead, NAMES.queued]);
  await filter({ subscribedBy: "fulfil" }, [NAMES.form]);
  await shot(page, "03-trigger-list-filtered");
  // a shared link opens the same filtered view
  await page.goto(`${sb.baseUrl}/#/triggers?type=manual`);
  await page.locator(`tr[data-trigger="${NAMES.schema}"]`).waitFor();
  assert.equal(await page.locator("tr[data-trigger]").count(), 1);
  await go(page, "#/triggers?q=nothing-here", "Triggers");
  await page.getByTestId("list-empty").waitFor();
  cons.assertClean([], "the list");
});

test("list: the counts update while the page stays open (it re-reads the list every 5 s)", { timeout: 60_000 }, async () => {
  await go(page, "#/triggers", "Triggers");
  const cell = page.locator(`tr[data-trigger="${NAMES.form}"] td[data-col=fires]`);
  await cell.waitFor();
  const before = Number(await cell.innerText());
  for (let i = 0; i < 3; i++) await fire(sb, NAMES.form, { orderId: `live-${i}` });
  const url = page.url();
  await eventually(async () => Number(await cell.innerText()) === before + 3, { timeoutMs: 25_000, what: "the fires count to rise without a reload" });
  assert.equal(page.url(), url);
  await eventually(async () => Number(await page.locator(`tr[data-trigger="${NAMES.form}"] td[data-col=delivered]`).innerText()) >= 3, { timeoutMs: 25_000, what: "delivered count" });
  assert.match(await page.locator(`tr[data-trigger="${NAMES.form}"] td`).nth(3).innerText(), /ago|just now/);
  cons.assertClean([], "the live list");
});

test("trigger view: webhook URL with copy, redacted secret as is, subscriptions with target and retry, stats, history chart or its empty state", { timeout: 60_000 }, async () => {
  const gh = (await api("GET", `/v1/triggers/${NAMES.webhook}`)).json;
  await page.locator(`a[href="#/triggers/${NAMES.webhook}"]`).first().click();
  await page.getByRole("heading", { level: 1, name: NAMES.webhook }).waitFor();
  assert.equal(await page.getByTestId("webhook-url").innerText(), gh.webhookUrl);
  await page.getByRole("button", { name: "Copy URL" }).click();
  await page.getByRole("button", { name: "Copied" }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), gh.webhookUrl);
  await page.getByText("Show the trigger as JSON").click();
  const def = await page.locator("pre.json").innerText();
  assert.ok(def.includes('"secret": "********"'), def);
  assert.ok(!def.includes("gh-s3cret-value"));
  await shot(page, "04-trigger-webhook");

  await go(page, `#/triggers/${NAMES.form}`, NAMES.form);
  const subs = await page.getByTestId("subscriptions").innerText();
  assert.match(subs, new RegExp(`fulfil\\s+auto\\s+http ${rx.receiver.url}/ok`));
  assert.match(subs, /8 attempts, backoff 5 s → 3600 s/);
  const stats = (await api("GET", `/v1/triggers/${NAMES.form}/stats`)).json;
  await eventually(async () => (await page.locator("[data-stat=totalFires] dd").innerText()) === String(stats.totalFires), { timeoutMs: 10_000, what: "stats shown" });
  assert.equal(await page.locator("[data-stat=firesLastHour] dd").innerText(), String(stats.firesLastHour));
  assert.match(await page.locator("[data-stat=p50DeliveryMs] dd").innerText(), /\d+(\.\d)? (ms|s)/);
  if (stats.history) await page.getByTestId("history-chart").waitFor();
  else await page.getByTestId("history-empty").waitFor();
  assert.equal(await page.getByTestId("recent-fires").locator("li").count(), 3);
  await shot(page, "05-trigger");

  // the chart renders the stats answer's `history` (the shape main adds), here injected into the real answer
  const now = Date.now();
  const buckets = Array.from({ length: 72 }, (_, i) => ({ at: now - (72 - i) * 600_000, fires: i % 12 === 0 ? 3 : 0, failures: i === 60 ? 2 : 0 }));
  await page.route(`**/v1/triggers/${NAMES.form}/stats`, async (route) => {
    const real = await route.fetch();
    await route.fulfill({ response: real, json: { ...(await real.json()), history: { bucketMs: 600_000, buckets } } });
  });
  await page.reload();
  await page.getByTestId("history-chart").waitFor();
  assert.equal(await page.locator("[data-testid=history-chart] rect.bar-fires").count(), 72);
  assert.equal(await page.locator("[data-testid=history-chart] rect.bar-failures").count(), 1);
  assert.match(await page.locator("[data-testid=history-chart] figcaption").innerText(), /18 fires, 2 failures, 10 min buckets/);
  await shot(page, "06-trigger-history-chart");
  await page.unroute(`**/v1/triggers/${NAMES.form}/stats`);
  cons.assertClean([], "the trigger views");
});

test("schedule: time zone, DST policy with defaults, next five fire times with UTC on hover; pause/resume with If-Match, a conflict shown; retire and reactivate", { timeout: 60_000 }, async () => {
  await go(page, `#/triggers/${NAMES.schedule}`, NAMES.schedule);
  assert.equal(await page.getByTestId("schedule-tz").innerText(), "America/New_York");
  assert.match(await page.getByTestId("schedule-dst").innerText(), /gap skip, fold once \(default\)/);
  const times = page.locator("[data-testid=next-times] li time");
  await eventually(async () => (await times.count()) === 5, { timeoutMs: 10_000, what: "five next fire times" });
  const preview = (await api("GET", `/v1/triggers/${NAMES.schedule}/schedule?count=5`)).json;
  assert.deepEqual(await times.evaluateAll((ts) => ts.map((t) => Date.parse(t.getAttribute("datetime")))), preview.next.map((n) => n.at));
  assert.match(await times.first().getAttribute("title"), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  assert.match(await times.first().innerText(), /in \d+ (s|min|h)/);
  await shot(page, "07-trigger-schedule");

  const v0 = (await api("GET", `/v1/triggers/${NAMES.schedule}`)).json.version;
  await page.getByRole("button", { name: "Pause schedule" }).click();
  await page.getByRole("button", { name: "Resume schedule" }).waitFor();
  const paused = (await api("GET", `/v1/triggers/${NAMES.schedule}`)).json;
  assert.equal(paused.schedule.enabled, false);
  assert.equal(paused.version, v0 + 1);
  assert.equal(paused.schedule.dst.gap, "skip", "the rest of the definition is kept");
  await page.getByText("paused", { exact: true }).waitFor();
  // someone else changes the trigger: the page's version is stale, the PUT is refused and the user is told
  assert.equal((await api("PUT", `/v1/triggers/${NAMES.schedule}`, { body: { ...strip(paused), displayName: "Nightly report" } })).status, 200);
  await page.getByRole("button", { name: "Resume schedule" }).click();
  await page.getByText("The action failed").waitFor();
  await page.locator(".error-box", { hasText: "409" }).waitFor();
  cons.assertClean([failedLoad(409)], "the pause conflict");
  await page.reload();
  await page.getByRole("button", { name: "Resume schedule" }).click();
  await page.getByRole("button", { name: "Pause schedule" }).waitFor();
  assert.equal((await api("GET", `/v1/triggers/${NAMES.schedule}`)).json.schedule.enabled, true);

  await page.getByRole("button", { name: "Retire…" }).click();
  await page.getByLabel("Reason").fill("moved to the new report");
  await page.getByRole("button", { name: "Retire now" }).click();
  await page.getByText(/Retired .*moved to the new report/).waitFor();
  const retired = (await api("GET", `/v1/triggers/${NAMES.schedule}`)).json;
  assert.equal(retired.status, "retired");
  assert.equal(retired.retiredReason, "moved to the new report");
  await page.getByRole("button", { name: "Reactivate" }).click();
  await page.getByRole("button", { name: "Retire…" }).waitFor();
  assert.equal((await api("GET", `/v1/triggers/${NAMES.schedule}`)).json.status, "active");
  cons.assertClean([], "the schedule actions");
});

function strip(view) {
  const { name, scope, status, registeredAt, updatedAt, lastActivityAt, retiredAt, retiredReason, subscriptions, stats, webhookUrl, nextFireAt, version, ...def } = view;
  return def;
}

test("fire form from ui.form: text, number, checkbox, select, textarea and json fields; the answer; a 422 next to its fields; dedup", { timeout: 60_000 }, async () => {
  await go(page, `#/triggers/${NAMES.form}/fire`, `Fire ${NAMES.form}`);
  await page.getByText("Form from the trigger's ui.form.").waitFor();
  await page.getByLabel("Order id").fill("A-1");
  await page.getByLabel("Amount").fill("12.5");
  await page.getByLabel("Express shipping").check();
  await page.getByLabel("Region").selectOption({ label: "us" });
  await page.getByLabel("Note").fill("leave at the door");
  await page.getByLabel("Metadata").fill('{bad');
  await page.getByRole("button", { name: "Fire", exact: true }).click();
  await page.locator("[data-field=meta] .field-error", { hasText: "Not valid JSON" }).waitFor();
  await page.getByLabel("Metadata").fill('{"gift": true}');
  await page.getByRole("button", { name: "Fire", exact: true }).click();
  const result = page.getByTestId("fire-result");
  await result.waitFor();
  assert.equal(await result.getAttribute("data-status"), "accepted");
  const eventId = await result.locator("a code").innerText();
  assert.deepEqual((await getFire(NAMES.form, eventId)).data, { orderId: "A-1", amount: 12.5, express: true, region: "us", note: "leave at the door", meta: { gift: true } });
  await shot(page, "08-fire-form-ui");

  await page.getByLabel("Order id").fill("");
  await page.getByLabel("Amount").fill("0");
  await page.getByRole("button", { name: "Fire", exact: true }).click();
  await page.locator("[data-field=amount] .field-error").waitFor();
  await page.locator("[data-field=orderId] .field-error").waitFor();
  assert.match(await page.locator("[data-field=orderId] .field-error").innerText(), /orderId/);
  assert.equal(await page.getByLabel("Amount").getAttribute("aria-invalid"), "true");
  await page.locator(".error-box", { hasText: "Nothing was fired: fix the fields marked above" }).filter({ hasText: "HTTP 422" }).waitFor();
  await shot(page, "09-fire-form-422");
  cons.assertClean([failedLoad(422)], "the ui.form 422");

  await page.getByLabel("Order id").fill("A-2");
  await page.getByLabel("Amount").fill("3");
  await page.getByLabel(/Idempotency key/).fill("order-A-2");
  await page.getByRole("button", { name: "Fire", exact: true }).click();
  await page.locator("[data-testid=fire-result][data-status=accepted]").waitFor();
  assert.equal(await page.locator("[data-field=amount] .field-error").count(), 0, "old problems are cleared");
  await page.getByRole("button", { name: "Fire", exact: true }).click();
  await page.locator("[data-testid=fire-result][data-status=deduplicated]").waitFor();
  cons.assertClean([], "the ui.form fire");
});

test("fire form from a JSON Schema: fields from properties, 422 problems next to each field, manual-mode delivery shown skipped; JSON editor without a schema, a filtered fire shown skipped with its reason", { timeout: 60_000 }, async () => {
  await go(page, `#/triggers/${NAMES.schema}/fire`, `Fire ${NAMES.schema}`);
  await page.getByText("Form from the trigger's JSON Schema.").waitFor();
  assert.equal(await page.locator("[data-field]").evaluateAll((fs) => fs.map((f) => f.getAttribute("data-field")).join(",")), "email,age,plan,newsletter");
  await page.getByLabel("age", { exact: true }).fill("12");
  await page.getByRole("button", { name: "Fire", exact: true }).click();
  for (const f of ["email", "plan", "age"]) await page.locator(`[data-field=${f}] .field-error`).waitFor();
  assert.match(await page.locator("[data-field=age] .field-error").innerText(), /18/);
  await shot(page, "10-fire-form-schema-422");
  cons.assertClean([failedLoad(422)], "the schema 422");
  await page.getByLabel("E-mail").fill("ada@example.com");
  await page.getByLabel("age", { exact: true }).fill("36");
  await page.getByRole("combobox", { name: "plan", exact: true }).selectOption({ label: "pro" });
  await page.getByLabel("newsletter", { exact: true }).check();
  await page.getByRole("button", { name: "Fire", exact: true }).click();
  const result = page.locator("[data-testid=fire-result][data-status=accepted]");
  await result.waitFor();
  assert.match(await result.innerText(), /crm\s+skipped/);
  const eventId = await result.locator("a code").innerText();
  assert.deepEqual((await getFire(NAMES.schema, eventId)).data, { email: "ada@example.com", age: 36, plan: "pro", newsletter: true });

  await go(page, `#/triggers/${NAMES.plain}/fire`, `Fire ${NAMES.plain}`);
  await page.getByText("write the payload as JSON").waitFor();
  await page.getByLabel(/Payload/).fill('{"text": "hi", "n": [1, 2]}');
  await page.getByRole("button", { name: "Fire", exact: true }).click();
  const plain = page.locator("[data-testid=fire-result][data-status=accepted]");
  await plain.waitFor();
  assert.deepEqual((await getFire(NAMES.plain, await plain.locator("a code").innerText())).data, { text: "hi", n: [1, 2] });
  await page.getByLabel(/Payload/).fill('{"keep": false}');
  await page.getByRole("button", { name: "Fire", exact: true }).click();
  const skipped = page.locator("[data-testid=fire-result][data-status=skipped]");
  await skipped.waitFor();
  assert.match(await skipped.innerText(), /skipped: filter/);
  cons.assertClean([], "the schema and JSON forms");
});

test("awaits of a run: step, kind, status and times", { timeout: 30_000 }, async () => {
  await go(page, "#/runs", "Runs");
  await page.getByLabel("Open a run by id").fill("run-42");
  await page.getByRole("button", { name: "Open" }).click();
  await page.waitForURL(/#\/runs\/run-42$/);
  const table = page.getByTestId("awaits");
  await table.waitFor();
  assert.match(await table.locator("tr[data-step=nap]").innerText(), /nap\s+sleep\s+waiting\s+(.*ago|just now)\s+in (59 min|1 h)/);
  assert.match(await table.locator("tr[data-step=approval]").innerText(), /approval\s+webhook\s+waiting/);
  await shot(page, "14-awaits");
  await go(page, "#/runs/no-such-run");
  await page.getByText("has no awaits").waitFor();
  cons.assertClean([], "the awaits");
});

test("poll state on the trigger view: rendered when the view carries poll.state, an empty state when not", { timeout: 30_000 }, async () => {
  const r = await api("PUT", "/v1/triggers/feed.items", { body: { type: "poll", poll: { url: `${rx.receiver.url}/ok`, every: "1h", itemsPointer: "/items", idPointer: "/id" } } });
  assert.ok([200, 201].includes(r.status), r.text);
  // the group polls within a second of the registration, so the real view soon has a state: the
  // empty state is checked on a view without one, then a failing group's state
  await page.route("**/v1/triggers/feed.items", async (route) => {
    const real = await route.fetch();
    const body = await real.json();
    const { state: _state, ...poll } = body.poll ?? {};
    await route.fulfill({ response: real, json: { ...body, poll } });
  });
  await go(page, "#/triggers/feed.items", "feed.items");
  await page.getByRole("heading", { name: "Poll state" }).waitFor();
  await page.getByText("No poll state reported yet").waitFor();
  await page.unroute("**/v1/triggers/feed.items");
  await page.route("**/v1/triggers/feed.items", async (route) => {
    const real = await route.fetch();
    const body = await real.json();
    await route.fulfill({ response: real, json: { ...body, poll: { ...body.poll, state: { lastPolledAt: Date.now() - 4000, lastStatus: null, lastError: "timed out after 10000 ms", consecutiveFailures: 2, paused: false, group: "g1" } } } });
  });
  await page.reload();
  const facts = page.getByTestId("poll-state");
  await facts.waitFor();
  assert.match(await facts.innerText(), /Last polled\s+.*4 s ago.*Last status\s+none \(no answer\)\s+Last error\s+timed out after 10000 ms\s+Consecutive failures\s+2\s+Paused\s+no\s+Group\s+g1/s);
  await page.unroute("**/v1/triggers/feed.items");
  cons.assertClean([], "the poll view");
});

test("keyboard: the list, a trigger and its actions are reachable with Tab, with a visible focus ring", { timeout: 30_000 }, async () => {
  await page.goto(`${sb.baseUrl}/#/triggers`);
  await page.locator("tr[data-trigger]").first().waitFor();
  const first = await page.locator("tr[data-trigger]").first().getAttribute("data-trigger");
  let reached = false;
  for (let i = 0; i < 30 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate((n) => document.activeElement?.textContent === n && document.activeElement.tagName === "A", first);
  }
  assert.ok(reached, "the first trigger's link is reachable by Tab");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "focus is visible");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: first }).waitFor();
  cons.assertClean([], "keyboard use");
});

test("no console error on any view (visited again in one tab)", { timeout: 60_000 }, async () => {
  const { eventId } = (await api("GET", `/v1/triggers/${NAMES.form}/fires?limit=1`)).json.fires[0];
  const views = [
    ["#/", "Home"], ["#/?status=dead", "Home"], ["#/runs", "Runs"], ["#/runs?status=all", "Runs"],
    ["#/triggers", "Triggers"], [`#/triggers/${NAMES.form}`, NAMES.form], [`#/triggers/${NAMES.schedule}`, NAMES.schedule],
    [`#/triggers/${NAMES.webhook}`, NAMES.webhook], [`#/triggers/${NAMES.form}/fires`, "Fires"],
    [`#/triggers/${NAMES.dead}/fires?status=failed`, "Fires with failed deliveries"], [`#/triggers/${NAMES.form}/fires/${eventId}`, eventId],
    [`#/triggers/${NAMES.form}/fire`, `Fire ${NAMES.form}`], [`#/triggers/${NAMES.schema}/fire`, `Fire ${NAMES.schema}`],
    ["#/search", "Find a fire or a delivery"], ["#/runs/run-42", "Awaits of run run-42"], ["#/nowhere", "Not found"],
  ];
  for (const [hash, heading] of views) {
    await go(page, hash, heading);
    await page.waitForTimeout(300);
    cons.assertClean([], hash);
  }
  await shot(page, "18-not-found");
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in with an API key" }).waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, "sign-out forgets the key");
});
