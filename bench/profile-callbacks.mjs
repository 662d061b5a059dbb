/**
 * A short callback burst under the profiler, for what `npm run bench --
 * --profile awaits` cannot show (docs/performance.md "Tools": after about a
 * minute of sampling, Profiler.stop did not answer through wrangler's
 * inspector). N sleep awaits (default 1,500) over 30 runs, each with a signed
 * http callback to a local receiver, due within 3 s, LEAD_MS (9 s) after the
 * start; Signalbox is sampled from its start until the last callback. Prints
 * the drain (count ÷ (last callback − first due)) and the profile summary,
 * and writes the profile into bench/profiles/ (`awaitq-…`).
 *
 *   node bench/profile-callbacks.mjs            (N=…, LEAD_MS=…, BENCH_PROFILE_US=…)
 */
import * as h from "../test/e2e/lib/wrangler.mjs";
import { runLoad } from "./lib/measure.mjs";
import { findBundle, profileText, saveProfile, startProfile, summarizeProfile } from "./lib/profile.mjs";

const N = Number(process.env.N ?? 1_500);
const RUNS = 30;
const LEAD_MS = Number(process.env.LEAD_MS ?? 9_000);
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

let got = 0;
let last = 0;
const receiver = await h.startReceiver({ onRequest() { got++; last = Date.now(); } });
const sb = await h.startWrangler({ logLevel: "warn" });
try {
  const session = await startProfile(sb.inspectorPort);
  const headers = { authorization: `Bearer ${sb.apiKey}`, "content-type": "application/json" };
  const due = Date.now() + LEAD_MS;
  const load = await runLoad({ count: N, concurrency: 32, maxMs: 120_000, request: async (i) => {
    const durationMs = Math.max(1_000, due + Math.floor(Math.random() * 3_000) - Date.now());
    const res = await fetch(`${sb.baseUrl}/v1/runs/burst-${i % RUNS}/awaits/s${i}`, {
      method: "PUT", headers, body: JSON.stringify({ kind: "sleep", durationMs, callback: { type: "http", url: `${receiver.url}/cb`, secret: SECRET } }),
    });
    await res.text();
    return res.status === 201;
  } });
  const until = Date.now() + 90_000;
  while (got < load.ok && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  console.log(`${load.ok} awaits created; ${got} callbacks, drained at ${(got / ((last - due) / 1000)).toFixed(0)}/s`);
  const profile = await session.stop();
  console.log(`${profileText(summarizeProfile(profile, { bundle: findBundle(sb.sourceDir) }))}\n   (profile written to ${saveProfile(profile, "awaitq")})`);
} finally {
  await sb.stop();
  await receiver.close();
}
