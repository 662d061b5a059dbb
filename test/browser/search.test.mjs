/**
 * Search in a real browser against `GET /v1/fires/{eventId}` and
 * `GET /v1/deliveries/{deliveryId}`: an event id and a delivery id open their
 * fire; another tenant's ids are "not found" for it.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startWrangler } from "../e2e/lib/wrangler.mjs";
import { failedLoad, go, launchBrowser, openTab, shot, signIn } from "./lib/browser.mjs";

const NAME = "find.me";
const GLOBEX_KEY = "globex-search-key";
let sb, browser, page, cons, eventId, deliveryId;

before(async () => {
  sb = await startWrangler({ tenant: "acme", extraKeys: [{ tenant: "globex", key: GLOBEX_KEY }] });
  assert.equal((await sb.api("PUT", `/v1/triggers/${NAME}`, { body: { type: "event" } })).status, 201);
  assert.equal((await sb.api("PUT", `/v1/triggers/${NAME}/subscriptions/pull-flow`, { body: { mode: "manual", target: { type: "http", url: "http://127.0.0.1:9/x" } } })).status, 201);
  const f = await sb.api("POST", `/v1/triggers/${NAME}/fire`, { body: { data: { q: 1 } } });
  assert.equal(f.status, 202, f.text);
  ({ eventId } = f.json);
  deliveryId = f.json.deliveries[0].deliveryId;
  browser = await launchBrowser();
  ({ page, console: cons } = await openTab(await browser.newContext(), sb.baseUrl));
  await signIn(page, sb.apiKey);
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
  await sb?.stop();
}, { timeout: 30_000 });

test("an event id opens its fire; a delivery id opens the fire with that delivery highlighted", { timeout: 60_000 }, async () => {
  await page.getByLabel("Event or delivery id").fill(eventId);
  await page.getByRole("button", { name: "Find" }).first().click();
  await page.getByRole("heading", { level: 1, name: eventId }).waitFor();
  assert.match(page.url(), new RegExp(`#/triggers/find\\.me/fires/${eventId}$`));
  await go(page, `#/search?id=${encodeURIComponent(deliveryId)}`);
  await page.locator(`tr.highlight[data-delivery="${deliveryId}"]`).waitFor();
  await shot(page, "search-real");
  cons.assertClean([], "search");
});

test("another tenant finds neither", { timeout: 60_000 }, async () => {
  const g = await browser.newContext();
  try {
    const { page: gp, console: gc } = await openTab(g, sb.baseUrl);
    await signIn(gp, GLOBEX_KEY);
    for (const id of [eventId, deliveryId]) {
      await go(gp, `#/search?id=${encodeURIComponent(id)}`);
      await gp.getByText(`Nothing found for ${id}`).waitFor();
    }
    gc.assertClean([failedLoad(404)], "globex's search");
  } finally {
    await g.close();
  }
});
