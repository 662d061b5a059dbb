/**
 * The trigger view's chart from the real `history` of
 * `GET /v1/triggers/{name}/stats` (bucketMs 600000, the last 12 h), on a
 * 12-hour time axis.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { eventually, startReceiver, startWrangler } from "../e2e/lib/wrangler.mjs";
import { go, launchBrowser, openTab, shot, signIn } from "./lib/browser.mjs";

const NAME = "chart.me";
let sb, rx, browser, page, cons;

before(async () => {
  rx = await startReceiver({ status: 500 });
  sb = await startWrangler({ tenant: "acme" });
  assert.equal((await sb.api("PUT", `/v1/triggers/${NAME}`, { body: { type: "event" } })).status, 201);
  assert.equal((await sb.api("PUT", `/v1/triggers/${NAME}/subscriptions/f`, { body: { target: { type: "http", url: `${rx.url}/x` }, retry: { maxAttempts: 1 } } })).status, 201);
  for (let i = 0; i < 5; i++) assert.equal((await sb.api("POST", `/v1/triggers/${NAME}/fire`, { body: { data: { i } } })).status, 202);
  browser = await launchBrowser();
  ({ page, console: cons } = await openTab(await browser.newContext(), sb.baseUrl));
  await signIn(page, sb.apiKey);
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
  await sb?.stop();
  await rx?.close();
}, { timeout: 30_000 });

test("the chart shows the fires and failures of the stats answer's history", { timeout: 60_000 }, async () => {
  await eventually(async () => (await sb.api("GET", `/v1/triggers/${NAME}/stats`)).json.dead === 5, { what: "five dead deliveries" });
  const { history } = (await sb.api("GET", `/v1/triggers/${NAME}/stats`)).json;
  assert.equal(history?.bucketMs, 600_000);
  await go(page, `#/triggers/${NAME}`, NAME);
  await page.getByTestId("history-chart").waitFor();
  const fires = history.buckets.reduce((n, b) => n + b.fires, 0);
  const failures = history.buckets.reduce((n, b) => n + b.failures, 0);
  assert.equal(fires, 5);
  assert.match(await page.locator("[data-testid=history-chart] figcaption").innerText(), new RegExp(`${fires} fires, ${failures} failures`));
  assert.equal(await page.locator("[data-testid=history-chart] rect.bar-fires").count(), history.buckets.length);
  // a 12 h axis: the one recent 10-minute bucket is a narrow bar at the right end, not a bar across the chart
  const svg = await page.locator("[data-testid=history-chart] svg").evaluate((e) => ({ width: e.viewBox.baseVal.width }));
  const bar = await page.locator("[data-testid=history-chart] rect.bar-fires").first().evaluate((r) => ({ x: r.x.baseVal.value, width: r.width.baseVal.value }));
  assert.ok(bar.width < svg.width / 60, `bar ${bar.width} wide on a ${svg.width} axis`);
  assert.ok(bar.x > svg.width * 0.95, `bar at ${bar.x} of ${svg.width}: the last 10 minutes`);
  assert.deepEqual(await page.locator("[data-testid=history-chart] text.axis-label").allTextContents().then((t) => t.slice(2)), ["12 h ago", "9 h ago", "6 h ago", "3 h ago", "now"]);
  await shot(page, "history-real");
  cons.assertClean([], "the chart");
});
