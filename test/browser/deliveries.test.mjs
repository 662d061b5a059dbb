/**
 * Fires and deliveries in a real browser against a real `wrangler dev`: the
 * fire view (hostile payloads stay text), dead deliveries replayed one, all
 * and from the fire view, a queued delivery skipped, the live-tail and search
 * clients against answers in the contract's shape (the real endpoints are
 * tested in *.pending.mjs), and tenant isolation with a second tenant's key.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually } from "../e2e/lib/wrangler.mjs";
import { failedLoad, go, openTab, shot, signIn } from "./lib/browser.mjs";
import { NAMES, fire } from "./lib/fixtures.mjs";
import { GLOBEX_KEY, startSuite, stopSuite } from "./lib/suite.mjs";

let suite, sb, rx, browser, context, page, cons, order, api, getFire;
before(async () => {
  suite = await startSuite({ signedIn: true });
  ({ sb, rx, browser, context, page, cons, order, api, getFire } = suite);
}, { timeout: 150_000 });
after(() => stopSuite(suite), { timeout: 30_000 });

test("fire view: payload as text (hostile HTML stays text), source, event type, headers, deliveries with attempts and codes", { timeout: 60_000 }, async () => {
  const hostile = { orderId: '<img src=x onerror="window.__xss=1">', note: "<script>window.__xss=2</script>", amount: 5 };
  const { eventId } = await fire(sb, NAMES.form, hostile);
  await eventually(async () => (await getFire(NAMES.form, eventId)).deliveries?.[0]?.status === "delivered", { what: "delivered" });
  await go(page, `#/triggers/${NAMES.form}/fires/${eventId}`);
  await page.locator("[data-testid=deliveries] tr[data-status=delivered]").waitFor();
  const payload = await page.locator("#payload-h + pre.json").innerText();
  assert.deepEqual(JSON.parse(payload), hostile);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator("main img, main script").count(), 0);
  const facts = await page.locator("dl.facts").innerText();
  assert.match(facts, /Source\s+api/);
  assert.match(facts, /Event type\s+none/);
  const row = await page.locator("[data-testid=deliveries] tbody tr").innerText();
  assert.match(row, /fulfil\s+delivered\s+1\s+200/);
  await page.getByText("No request headers recorded").waitFor();
  await shot(page, "11-fire");
  cons.assertClean([], "the fire view");
});

test("dead deliveries: listed under Dead with the 500, replayed one from the list, all listed, and from the fire view", { timeout: 90_000 }, async () => {
  rx.state.failing = true;
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await fire(sb, NAMES.dead, { n: i })).eventId);
  for (const id of ids) await eventually(async () => (await getFire(NAMES.dead, id)).deliveries?.[0]?.status === "dead", { what: `${id} dead` });
  await go(page, `#/triggers/${NAMES.dead}/fires?status=dead`, "Fires with dead deliveries");
  for (const id of ids) await page.locator(`tr[data-event="${id}"]`).waitFor();
  assert.equal(await page.locator(`tr[data-event="${ids[0]}"] td.wrap`).innerText(), "ledger: dead, 1 attempt, HTTP 500");
  await shot(page, "12-dead-deliveries");
  rx.state.failing = false;
  const delivered = (f) => f.deliveries.some((d) => d.status === "delivered");

  await page.locator(`tr[data-event="${ids[0]}"]`).getByRole("button", { name: "Replay" }).click();
  await page.getByText(`Replayed ${ids[0]} to ledger.`).waitFor();
  await eventually(async () => delivered(await getFire(NAMES.dead, ids[0])), { what: "the replayed fire delivered" });

  await page.getByRole("button", { name: "Replay all 2 listed" }).click();
  await page.getByTestId("replay-confirm").getByRole("button", { name: "Replay 2 deliveries" }).click();
  await page.getByText("Replayed 2 dead deliveries of 2 fires to ledger.").waitFor();
  for (const id of ids.slice(1)) await eventually(async () => delivered(await getFire(NAMES.dead, id)), { what: `${id} delivered after replay all` });

  rx.state.failing = true;
  const { eventId } = await fire(sb, NAMES.dead, { n: 9 });
  await eventually(async () => (await getFire(NAMES.dead, eventId)).deliveries?.[0]?.status === "dead", { what: "dead again" });
  rx.state.failing = false;
  await go(page, `#/triggers/${NAMES.dead}/fires/${eventId}`);
  await page.locator("[data-testid=deliveries] tr[data-status=dead]").waitFor();
  await page.getByRole("button", { name: "Replay ledger" }).click();
  await page.getByText("Replayed: 1 new delivery queued.").waitFor();
  await page.locator("[data-testid=deliveries] tr[data-status=delivered]").waitFor({ timeout: 20_000 }); // the view follows it live
  assert.equal(await page.locator("[data-testid=deliveries] tr[data-status=dead]").count(), 1, "the dead one stays as history");
  cons.assertClean([], "the replays");
});

test("skip: a queued delivery (retrying in an hour) is skipped with the reason given", { timeout: 60_000 }, async () => {
  const { eventId } = await fire(sb, NAMES.queued, { refund: 1 });
  await eventually(async () => {
    const d = (await getFire(NAMES.queued, eventId)).deliveries?.[0];
    return d?.status === "queued" && d.attempts >= 1;
  }, { what: "a queued delivery after one failed attempt" });
  await go(page, `#/triggers/${NAMES.queued}/fires/${eventId}`);
  const row = page.locator("[data-testid=deliveries] tr[data-status=queued]");
  await row.waitFor();
  assert.match(await row.innerText(), /refunds\s+queued\s+1\s+500\s+.*in (\d+ min|1 h)/s);
  await shot(page, "13-fire-queued");
  await page.getByLabel("Skip reason").fill("customer cancelled");
  await page.getByRole("button", { name: "Skip", exact: true }).click();
  await page.getByText("Skipped 1 delivery.").waitFor();
  await page.locator("[data-testid=deliveries] tr[data-status=skipped]", { hasText: "customer cancelled" }).waitFor();
  const d = (await getFire(NAMES.queued, eventId)).deliveries[0];
  assert.equal(d.status, "skipped");
  assert.equal(d.reason, "customer cancelled");
  assert.equal(await page.getByRole("button", { name: "Skip", exact: true }).isDisabled(), true);
  cons.assertClean([], "the skip");
});

test("live tail client: reads SSE through fetch with the key header, reconnects with Last-Event-ID, pauses and resumes from the last id, filters, expands", { timeout: 60_000 }, async () => {
  const requests = [];
  const ev = (seq, type) => `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify({ seq, id: `evt_${seq}`, type, ts: Date.now(), data: { n: seq } })}\n\n`;
  await page.route(`**/v1/triggers/${NAMES.form}/events/live**`, async (route) => {
    const h = route.request().headers();
    requests.push({ url: route.request().url(), lastEventId: h["last-event-id"] ?? null, auth: h.authorization ?? null });
    const n = requests.length;
    const body = n === 1 ? `retry: 200\n\n${ev(1, "trigger.registered")}: ping\n\n${ev(2, "trigger.fired")}` : n === 2 ? ev(3, "delivery.succeeded") : ": ping\n\n";
    await route.fulfill({ status: 200, headers: { "content-type": "text/event-stream", "cache-control": "no-cache" }, body });
  });
  await go(page, `#/triggers/${NAMES.form}/live`, "Live tail");
  await eventually(async () => (await page.locator("[data-testid=live-events] li").count()) === 3, { timeoutMs: 10_000, what: "three events" });
  assert.equal(requests[0].auth, `Bearer ${sb.apiKey}`);
  assert.equal(requests[0].lastEventId, null);
  assert.equal(requests[1].lastEventId, "2", "the reconnect carries Last-Event-ID");
  assert.deepEqual(await page.$$eval("[data-testid=live-events] li", (ls) => ls.map((l) => l.getAttribute("data-seq"))), ["3", "2", "1"]);
  await page.getByTestId("live-type").selectOption("trigger.fired");
  assert.deepEqual(await page.$$eval("[data-testid=live-events] li", (ls) => ls.map((l) => l.getAttribute("data-seq"))), ["2"]);
  await page.locator("[data-testid=live-events] li summary").click();
  assert.deepEqual(JSON.parse(await page.locator("[data-testid=live-events] li pre.json").innerText()).data, { n: 2 });
  assert.equal(await page.getByRole("link", { name: "Open this fire" }).getAttribute("href"), `#/triggers/${NAMES.form}/fires/evt_2`);
  await page.getByTestId("live-type").selectOption("");
  await shot(page, "15-live-tail");
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByText("resuming continues after the last one").waitFor();
  const count = requests.length;
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(requests.length, count, "no request while paused");
  await page.getByRole("button", { name: "Resume" }).click();
  await eventually(() => requests.length > count, { timeoutMs: 5_000, what: "a request after resume" });
  assert.equal(requests[count].lastEventId, "3");
  assert.match(requests[count].url, /after=3/);
  await go(page, "#/triggers", "Triggers");
  await page.unroute(`**/v1/triggers/${NAMES.form}/events/live**`);
  cons.assertClean([], "the live tail");
});

test("search client: an event id and a delivery id open the fire (answers in the contract's shape); an unknown id says so", { timeout: 60_000 }, async () => {
  const { eventId, deliveries } = await fire(sb, NAMES.form, { orderId: "search-me" });
  const deliveryId = deliveries[0].deliveryId;
  await page.route("**/v1/fires/*", async (route) => route.fulfill({ json: { ...(await getFire(NAMES.form, eventId)), trigger: NAMES.form } }));
  await page.route("**/v1/deliveries/*", async (route) => route.fulfill({ json: { deliveryId, trigger: NAMES.form, eventId, delivery: (await getFire(NAMES.form, eventId)).deliveries[0] } }));
  await page.getByLabel("Event or delivery id").fill(eventId);
  await page.getByRole("button", { name: "Find" }).first().click();
  await page.waitForURL(new RegExp(`#/triggers/${NAMES.form.replace(".", "\\.")}/fires/${eventId}$`));
  await page.getByRole("heading", { level: 1, name: eventId }).waitFor();
  await go(page, `#/search?id=${encodeURIComponent(deliveryId)}`);
  await page.waitForURL(/\?delivery=dlv_/);
  await page.locator(`tr.highlight[data-delivery="${deliveryId}"]`).waitFor();
  await page.unroute("**/v1/fires/*");
  await page.unroute("**/v1/deliveries/*");
  await go(page, "#/search?id=evt_nothing_here");
  await page.getByText("Nothing found for evt_nothing_here").waitFor();
  await shot(page, "16-search");
  cons.assertClean([failedLoad(404)], "the search");
});

test("tenant isolation: a globex key sees none of acme's triggers, fires (home feed included) or searches", { timeout: 60_000 }, async () => {
  const g = await browser.newContext();
  try {
    const { page: gp, console: gc } = await openTab(g, sb.baseUrl);
    await signIn(gp, GLOBEX_KEY);
    // home: no fire and no failure of acme's
    await gp.getByTestId("feed-empty").waitFor();
    await gp.getByTestId("no-failures").waitFor();
    assert.deepEqual((await api("GET", "/v1/fires", { key: GLOBEX_KEY })).json.fires, []);
    await go(gp, "#/triggers", "Triggers");
    await gp.getByTestId("list-empty").waitFor();
    assert.match(await gp.getByTestId("list-empty").innerText(), /No triggers yet/);
    assert.equal(await gp.locator("tr[data-trigger]").count(), 0);
    assert.deepEqual((await api("GET", "/v1/triggers", { key: GLOBEX_KEY })).json.triggers, []);
    await shot(gp, "17-tenant-isolation");
    const acmeFire = (await api("GET", `/v1/triggers/${NAMES.form}/fires?limit=1`)).json.fires[0].eventId;
    await go(gp, `#/triggers/${NAMES.form}`);
    await gp.getByText("No such trigger (for this key)").waitFor();
    await go(gp, `#/triggers/${NAMES.form}/fires/${acmeFire}`);
    await gp.getByText("No such fire").waitFor();
    await go(gp, `#/search?id=${acmeFire}`);
    await gp.getByText(`Nothing found for ${acmeFire}`).waitFor();
    assert.equal(await gp.locator("[data-testid=subscriptions], [data-testid=deliveries], [data-testid=trigger-table]").count(), 0);
    gc.assertClean([failedLoad(404)], "globex's views");
  } finally {
    await g.close();
  }
});
