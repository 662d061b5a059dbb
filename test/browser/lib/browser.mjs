/**
 * Browser-test helpers: Debian's Chromium driven by playwright-core (never a
 * browser download), a console watcher that fails a test on any error the
 * page logs, sign-in, screenshots into test/browser/screenshots/.
 */
import { chromium } from "playwright-core";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import assert from "node:assert/strict";
import { REPO_ROOT } from "../../e2e/lib/wrangler.mjs";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
export const SCREENSHOT_DIR = join(REPO_ROOT, "test", "browser", "screenshots");

/** Launches Chromium (headless, no network but loopback in use). */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true, timeout: 30_000 });
}

/**
 * Records every console error and uncaught page error. `take(allow)` returns
 * and clears those not matching any of the `allow` patterns (e.g. the
 * "Failed to load resource … 422" line Chromium logs for an expected 422).
 */
export function watchConsole(page) {
  let errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()} @ ${m.location()?.url ?? ""}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  return {
    take(allow = []) {
      const bad = errors.filter((e) => !allow.some((re) => re.test(e)));
      errors = [];
      return bad;
    },
    assertClean(allow = [], where = "") {
      const bad = this.take(allow);
      assert.deepEqual(bad, [], `console errors${where ? ` on ${where}` : ""}:\n${bad.join("\n")}`);
    },
  };
}

/** The allowance for an expected refusal: Chromium logs each non-2xx fetch as "Failed to load resource". */
export const failedLoad = (status) => new RegExp(`Failed to load resource: the server responded with a status of ${status}`);

/** A new tab on the dashboard with a console watcher. */
export async function openTab(context, baseUrl, hash = "") {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const console = watchConsole(page);
  await page.goto(`${baseUrl}/${hash}`);
  return { page, console };
}

/** Signs in through the form. */
export async function signIn(page, key) {
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** Goes to a hash route and waits for the view's heading. */
export async function go(page, hash, heading) {
  await page.evaluate((h) => (location.hash = h), hash);
  if (heading) await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

/** Saves a full-page screenshot as test/browser/screenshots/<name>.png. */
export async function shot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
