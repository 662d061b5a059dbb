/**
 * /docs in Chromium on a real `wrangler dev`: the API reference renders the
 * document's operations with every request on this origin (nothing from a
 * CDN or Scalar's font host), and without console errors: it works offline.
 * Authentication is required (a bearer key), not optional.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startWrangler } from "../e2e/lib/wrangler.mjs";
import { launchBrowser, shot, watchConsole } from "./lib/browser.mjs";

let sb;
let browser;

before(async () => {
  sb = await startWrangler();
  browser = await launchBrowser();
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
  await sb?.stop();
}, { timeout: 30_000 });

test("the API reference renders from same-origin assets only", { timeout: 60_000 }, async () => {
  const page = await browser.newPage();
  const console = watchConsole(page);
  const foreign = [];
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(`${sb.baseUrl}/`) && !/^(data|blob):/.test(url)) foreign.push(url);
  });
  await page.goto(`${sb.baseUrl}/docs`, { waitUntil: "networkidle" });
  await page.getByText("Webhook signature presets").first().waitFor({ timeout: 20_000 });
  for (const tag of ["Triggers", "Subscriptions", "Fires", "Awaits"]) assert.ok(await page.getByText(tag, { exact: true }).count(), `tag ${tag} listed`);
  // the reference renders its sections after the sidebar: wait for the one that says how to authenticate
  // (the two words are separate elements, so this reads the whole body's text)
  await page.waitForFunction(() => /Authentication\s+(Required|Optional)/.test(document.body.innerText), null, { timeout: 30_000 });
  const body = await page.innerText("body");
  assert.match(body, /Webhook ingress/);
  // the API needs a bearer key: the reference says so (it said "Authentication Optional")
  assert.match(body, /Authentication\s+Required/);
  assert.doesNotMatch(body, /Authentication\s+Optional/);
  assert.deepEqual(foreign, [], "requests to other origins");
  console.assertClean([], "/docs");
  await shot(page, "docs");
});
