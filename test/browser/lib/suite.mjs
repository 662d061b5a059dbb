/**
 * One browser-suite fixture: a scripted receiver, a private `wrangler dev`
 * (tenant acme, plus a globex key), the seeded triggers, Chromium with one
 * tab on the dashboard (signed in when asked), and their teardown.
 */
import { startWrangler } from "../../e2e/lib/wrangler.mjs";
import { launchBrowser, openTab, signIn } from "./browser.mjs";
import { seed, startReceiver } from "./fixtures.mjs";

export const GLOBEX_KEY = "globex-browser-key";

/** Starts everything; stop it with stopSuite, whatever happened. */
export async function startSuite({ signedIn = false } = {}) {
  const s = {};
  try {
    s.rx = await startReceiver();
    s.sb = await startWrangler({ tenant: "acme", extraKeys: [{ tenant: "globex", key: GLOBEX_KEY }] });
    s.order = await seed(s.sb, s.rx.receiver.url);
    s.browser = await launchBrowser();
    s.context = await s.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await s.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: s.sb.baseUrl });
    ({ page: s.page, console: s.cons } = await openTab(s.context, s.sb.baseUrl));
    if (signedIn) await signIn(s.page, s.sb.apiKey);
  } catch (e) {
    await stopSuite(s);
    throw e;
  }
  s.api = (...a) => s.sb.api(...a);
  s.getFire = async (name, id) => (await s.sb.api("GET", `/v1/triggers/${name}/fires/${id}`)).json;
  return s;
}

export async function stopSuite(s) {
  await s?.browser?.close();
  await s?.sb?.stop();
  await s?.rx?.receiver.close();
}
