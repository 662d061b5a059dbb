/**
 * The operator's views of issue 20 in a real browser against a real
 * `wrangler dev`: "Replay all" on a status tab replays only that status's
 * flows after a confirmation (a healthy flow receives nothing); the home page's
 * fire feed (every trigger, newest first, live, filters in the URL) and its
 * failures at a glance; the runs list; the fire form following its deliveries
 * live; the live tail's rows naming flows and statuses.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually } from "../e2e/lib/wrangler.mjs";
import { go, shot } from "./lib/browser.mjs";
import { NAMES, fire } from "./lib/fixtures.mjs";
import { startSuite, stopSuite } from "./lib/suite.mjs";

const SPLIT = "pay.split";
let suite, sb, rx, page, cons, api, getFire;
before(async () => {
  suite = await startSuite({ signedIn: true });
  ({ sb, rx, page, cons, api, getFire } = suite);
  const put = async (path, body) => assert.ok([200, 201].includes((await api("PUT", path, { body })).status), path);
  await put(`/v1/triggers/${SPLIT}`, { type: "event", displayName: "Split payment" });
  await put(`/v1/triggers/${SPLIT}/subscriptions/healthy`, { target: { type: "http", url: `${rx.receiver.url}/ok/split` } });
  await put(`/v1/triggers/${SPLIT}/subscriptions/flaky`, { target: { type: "http", url: `${rx.receiver.url}/flaky/split` }, retry: { maxAttempts: 1 } });
}, { timeout: 150_000 });
after(() => stopSuite(suite), { timeout: 30_000 });

const received = (prefix) => rx.receiver.requests.filter((r) => r.path.startsWith(prefix)).length;
const status = (f, flow) => f.deliveries.find((d) => d.flow === flow && d.status !== "queued")?.status;
const ids = [];

test("Replay all on the Dead tab: a confirmation names the deliveries per flow; only the dead flow gets them, the healthy flow nothing", { timeout: 120_000 }, async () => {
  rx.state.failing = true;
  for (let i = 0; i < 3; i++) ids.push((await fire(sb, SPLIT, { n: i })).eventId);
  for (const id of ids) {
    await eventually(async () => {
      const f = await getFire(SPLIT, id);
      return status(f, "healthy") === "delivered" && status(f, "flaky") === "dead";
    }, { what: `${id}: healthy delivered, flaky dead` });
  }
  const healthyBefore = received("/ok/split");
  const flakyBefore = received("/flaky/split");
  assert.equal(healthyBefore, 3);

  await go(page, `#/triggers/${SPLIT}/fires?status=dead`, "Fires with dead deliveries");
  for (const id of ids) await page.locator(`tr[data-event="${id}"].row-bad`).waitFor();
  await page.getByRole("button", { name: "Replay all 3 listed" }).click();
  const dialog = page.getByTestId("replay-confirm");
  assert.equal(await dialog.locator("#replay-q").innerText(), "Replay 3 dead deliveries of 3 fires: flaky (3)?");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.equal(await dialog.count(), 0, "cancel sends nothing");
  await page.waitForTimeout(500);
  assert.equal(received("/flaky/split"), flakyBefore);

  rx.state.failing = false;
  await page.getByRole("button", { name: "Replay all 3 listed" }).click();
  await shot(page, "replay-all-confirm");
  await page.getByTestId("replay-confirm").getByRole("button", { name: "Replay 3 deliveries" }).click();
  await page.getByText("Replayed 3 dead deliveries of 3 fires to flaky.").waitFor();
  for (const id of ids) await eventually(async () => (await getFire(SPLIT, id)).deliveries.some((d) => d.flow === "flaky" && d.status === "delivered"), { what: `${id} flaky delivered` });
  await new Promise((r) => setTimeout(r, 1_500));
  assert.equal(received("/ok/split"), healthyBefore, "the healthy flow received nothing new");
  assert.equal(received("/flaky/split"), flakyBefore + 3, "one new delivery per dead one");
  for (const id of ids) {
    const ds = (await getFire(SPLIT, id)).deliveries;
    assert.deepEqual(ds.map((d) => `${d.flow}:${d.status}`).sort(), ["flaky:dead", "flaky:delivered", "healthy:delivered"]);
  }
  cons.assertClean([], "replay all");
});

test("home: every trigger's fires newest first, each delivery's flow and status; a new fire shows without a reload; filters live in the URL", { timeout: 90_000 }, async () => {
  await page.goto(`${sb.baseUrl}/`);
  await page.getByRole("heading", { level: 1, name: "Home" }).waitFor();
  const feed = page.getByTestId("feed");
  await feed.locator(`tr[data-event="${ids[2]}"]`).waitFor();
  const rows = await feed.locator("tbody tr").evaluateAll((trs) => trs.map((t) => t.getAttribute("data-event")));
  const api3 = (await api("GET", "/v1/fires?limit=50")).json.fires.map((f) => f.eventId);
  assert.deepEqual(rows, api3, "the page shows the feed as the API answers it");
  const row = feed.locator(`tr[data-event="${ids[2]}"]`);
  assert.equal(await row.getAttribute("class"), "row-bad", "a fire with a dead delivery stands out");
  assert.equal(await row.locator(".delivery[data-flow=healthy][data-status=delivered]").count(), 1);
  assert.equal(await row.locator(".delivery[data-flow=flaky][data-status=dead]").count(), 1);

  const { eventId } = await fire(sb, NAMES.form, { orderId: "live-1", amount: 3 });
  await feed.locator(`tbody tr:first-child[data-event="${eventId}"]`).waitFor({ timeout: 10_000 }); // live: polled, no reload
  await feed.locator(`tr[data-event="${eventId}"] .delivery[data-flow=fulfil][data-status=delivered]`).waitFor({ timeout: 10_000 });
  await shot(page, "home");

  await page.locator(".filters [name=status]").selectOption("dead");
  await page.locator(".filters [name=trigger]").fill("pay.");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/#\/\?status=dead&trigger=pay\./);
  await eventually(async () => (await feed.locator("tbody tr").count()) === 3, { what: "three fires with a dead delivery", timeoutMs: 10_000 });
  // a shared link opens the same view
  await page.goto(`${sb.baseUrl}/#/?flow=fulfil`);
  await feed.locator(`tr[data-event="${eventId}"]`).waitFor();
  const flows = await feed.locator("tbody tr").evaluateAll((trs) => trs.every((t) => t.querySelector(".delivery[data-flow=fulfil]")));
  assert.equal(flows, true, "only fires with a delivery to fulfil");
  assert.equal(await page.locator(".filters [name=flow]").inputValue(), "fulfil");
  cons.assertClean([], "the home feed");
});

test("failures at a glance: dead and failed per trigger, highlighted, with the tenant-wide totals from the list", { timeout: 60_000 }, async () => {
  const all = async () => (await api("GET", "/v1/triggers?limit=500")).json.triggers;
  await eventually(async () => (await all()).find((t) => t.name === SPLIT)?.stats?.dead === 3, { what: "the index shows pay.split's three dead", timeoutMs: 20_000 });
  await page.goto(`${sb.baseUrl}/`);
  const card = page.getByTestId("failures");
  const expectRow = card.locator(`tr[data-trigger="${SPLIT}"].row-bad td[data-col=dead]`);
  await expectRow.waitFor({ timeout: 15_000 });
  assert.equal(await expectRow.innerText(), "3");
  const triggers = await all();
  const dead = triggers.reduce((n, t) => n + (t.stats?.dead ?? 0), 0);
  const failed = triggers.reduce((n, t) => n + (t.stats?.failed ?? 0), 0);
  await eventually(async () => (await card.locator("[data-stat=dead] dd").innerText()) === String(dead), { what: `tenant-wide dead ${dead}`, timeoutMs: 15_000 });
  assert.equal(await card.locator("[data-stat=failed] dd").innerText(), String(failed));
  assert.match(await card.getAttribute("class"), /has-failures/);
  await shot(page, "home-failures");
  const listed = await card.locator("tbody tr").evaluateAll((trs) => trs.map((t) => t.getAttribute("data-trigger")));
  assert.deepEqual(listed.sort(), triggers.filter((t) => (t.stats?.dead ?? 0) + (t.stats?.failed ?? 0) > 0).map((t) => t.name).sort());
  await expectRow.locator("a").click();
  await page.getByRole("heading", { level: 1, name: "Fires with dead deliveries" }).waitFor();
  // the trigger list: failing triggers stand out, healthy ones do not
  await go(page, "#/triggers", "Triggers");
  await page.locator(`tr[data-trigger="${SPLIT}"].row-bad td.bad[data-col=dead]`).waitFor();
  assert.equal(await page.locator(`tr[data-trigger="${NAMES.schedule}"]`).getAttribute("class"), null);
  cons.assertClean([], "failures at a glance");
});

test("runs list: waiting runs with their counts, each opening to its awaits; other statuses on their tabs", { timeout: 60_000 }, async () => {
  assert.equal((await api("PUT", "/v1/runs/run-7/awaits/later", { body: { kind: "sleep", durationMs: 3_600_000 } })).status, 201);
  assert.equal((await api("DELETE", "/v1/runs/run-7/awaits/later")).status, 200);
  await go(page, "#/runs", "Runs");
  const row = page.locator("[data-testid=runs] tr[data-run=run-42]");
  await row.waitFor({ timeout: 15_000 });
  assert.equal(await row.locator("td[data-col=waiting]").innerText(), "2");
  assert.equal(await page.locator("[data-testid=runs] tr[data-run=run-7]").count(), 0, "run-7 has nothing waiting");
  await shot(page, "runs");
  await page.getByRole("link", { name: "Cancelled" }).click();
  await page.locator("[data-testid=runs] tr[data-run=run-7] td[data-col=cancelled]").waitFor({ timeout: 15_000 });
  await page.getByRole("link", { name: "Waiting" }).click();
  await row.getByRole("link", { name: "run-42" }).click();
  await page.getByRole("heading", { level: 1, name: "Awaits of run run-42" }).waitFor();
  await page.getByTestId("awaits").locator("tr[data-step=nap]").waitFor();
  cons.assertClean([], "the runs list");
});

test("the fire form follows its deliveries until they settle, without a reload", { timeout: 60_000 }, async () => {
  await go(page, `#/triggers/${NAMES.form}/fire`, `Fire ${NAMES.form}`);
  await page.getByLabel("Order id").fill("form-live");
  await page.getByLabel("Amount").fill("4");
  await page.getByRole("button", { name: "Fire", exact: true }).click();
  const result = page.locator("[data-testid=fire-result][data-status=accepted]");
  await result.waitFor();
  await result.locator("li[data-flow=fulfil][data-status=delivered]").waitFor({ timeout: 10_000 });
  await result.getByText("Every delivery has settled.").waitFor();
  cons.assertClean([], "the fire form");
});

test("live tail rows name the flows and their status", { timeout: 60_000 }, async () => {
  await go(page, `#/triggers/${SPLIT}/live`, "Live tail");
  const fired = page.locator(`[data-testid=live-events] li[data-type='trigger.fired']`).first();
  await fired.waitFor();
  assert.equal(await fired.locator(".delivery[data-flow=healthy]").count(), 1);
  assert.equal(await fired.locator(".delivery[data-flow=flaky]").count(), 1);
  const dead = page.locator(`[data-testid=live-events] li[data-type='delivery.dead']`).first();
  await dead.waitFor();
  assert.equal(await dead.locator(".delivery[data-flow=flaky][data-status=dead]").count(), 1);
  assert.match(await dead.locator("summary").innerText(), /HTTP 500, 1 attempt/);
  await shot(page, "live-tail-flows");
  cons.assertClean([], "the live tail");
});
