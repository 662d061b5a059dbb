/**
 * The live tail in a real browser against `GET /v1/triggers/{name}/events/live` (SSE).
 *
 * What it checks: stored events arrive first, in seq order; a fire shows up
 * live; pause then resume misses nothing and repeats nothing (Last-Event-ID);
 * another tenant's trigger is a 404 shown to the user.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, startWrangler } from "../e2e/lib/wrangler.mjs";
import { failedLoad, go, launchBrowser, openTab, shot, signIn } from "./lib/browser.mjs";

const NAME = "tail.me";
const GLOBEX_KEY = "globex-tail-key";
let sb, browser, page, cons;

before(async () => {
  sb = await startWrangler({ tenant: "acme", extraKeys: [{ tenant: "globex", key: GLOBEX_KEY }] });
  assert.equal((await sb.api("PUT", `/v1/triggers/${NAME}`, { body: { type: "event" } })).status, 201);
  browser = await launchBrowser();
  ({ page, console: cons } = await openTab(await browser.newContext(), sb.baseUrl));
  await signIn(page, sb.apiKey);
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
  await sb?.stop();
}, { timeout: 30_000 });

const seqs = () => page.$$eval("[data-testid=live-events] li", (ls) => ls.map((l) => Number(l.getAttribute("data-seq"))));
const fire = async (n) => assert.equal((await sb.api("POST", `/v1/triggers/${NAME}/fire`, { body: { data: { n } } })).status, 202);

test("stored events first, then live fires, pause/resume without gaps or repeats", { timeout: 90_000 }, async () => {
  await go(page, `#/triggers/${NAME}/live`, "Live tail");
  await page.locator("[data-testid=live-events] li[data-type='trigger.registered']").waitFor();
  await page.getByText("live", { exact: true }).waitFor();
  await fire(1);
  await page.locator("[data-testid=live-events] li[data-type='trigger.fired']").waitFor({ timeout: 10_000 });
  await shot(page, "live-tail-real");
  await page.getByRole("button", { name: "Pause" }).click();
  for (let i = 2; i <= 4; i++) await fire(i);
  await page.getByRole("button", { name: "Resume" }).click();
  const events = (await sb.api("GET", `/v1/triggers/${NAME}/events?after=0&limit=500`)).json.events;
  await eventually(async () => (await seqs()).length === events.length, { timeoutMs: 15_000, what: "every stored event once" });
  const shown = await seqs();
  assert.deepEqual([...shown].reverse(), events.map((e) => e.seq), "in seq order, none twice, none skipped");
  cons.assertClean([], "the live tail");
});

test("another tenant's trigger: the stream answers 404 and the view says so", { timeout: 60_000 }, async () => {
  const g = await browser.newContext();
  try {
    const { page: gp, console: gc } = await openTab(g, sb.baseUrl);
    await signIn(gp, GLOBEX_KEY);
    await go(gp, `#/triggers/${NAME}/live`, "Live tail");
    await gp.getByText("The live stream stopped").waitFor();
    gc.assertClean([failedLoad(404)], "globex's live tail");
  } finally {
    await g.close();
  }
});
