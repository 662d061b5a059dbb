/**
 * Benchmark: the tenant-wide fire feed (issue 20's target).
 *
 * A tenant with BENCH_FEED_TRIGGERS (1,000) event triggers, of which
 * BENCH_FEED_ACTIVE (100) fire BENCH_FEED_FIRES (5) times each after the others
 * went idle (the index's last activity is what decides which triggers a page
 * reads; the idle ones are registered more than the feed's one-minute slack
 * before the range starts). Then ×40 each:
 *
 * - `GET /v1/fires?since=<the range>&limit=50`: p50/p99 (target p50 ≤ 100 ms)
 *   and the triggers it read (target ≤ the active ones: O(active triggers));
 * - the same without `since` (newest first over everything: it stops reading
 *   once a full page is newer than the next trigger's last activity);
 * - the second page (its cursor);
 * - the same-run baselines: one trigger's own fires page
 *   (`GET /v1/triggers/{name}/fires?limit=50`, one object read) and a D1 list
 *   page (`GET /v1/triggers?limit=100`).
 *
 * Writes: the feed writes nothing; the SQLite rows a sample of the active
 * objects report written (`GET …/stats` rowsWritten) must not move while the
 * pages are read (target 0).
 *
 * Run on its own: `node bench/feed.mjs` (prints the table); it also exports
 * name/description/run like the other benchmarks, for bench/run.mjs.
 */
import { pathToFileURL } from "node:url";
import { row, textTable, pool } from "./lib/measure.mjs";
import { fmt, must, summary } from "./lib/stream.mjs";

const TRIGGERS = Number(process.env.BENCH_FEED_TRIGGERS ?? 1000);
const ACTIVE = Number(process.env.BENCH_FEED_ACTIVE ?? 100);
const FIRES = Number(process.env.BENCH_FEED_FIRES ?? 5);
const READS = 40;
const CONCURRENCY = 8;
/** The feed's allowance for index lag (src/data/fire-feed.ts ACTIVITY_SLACK_MS) plus a margin. */
const IDLE_GAP_MS = 65_000;

export const name = "feed";
export const description = `GET /v1/fires with ${TRIGGERS} triggers, ${ACTIVE} active in the range (${FIRES} fires each)`;
export const timeoutMs = 900_000;

async function timedGet(sb, path) {
  const t = performance.now();
  const r = await sb.api("GET", path, { timeoutMs: 30_000 });
  const ms = performance.now() - t;
  if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return { ms, r };
}

async function series(sb, path) {
  const ms = [];
  let last = null;
  for (let i = 0; i < READS; i++) {
    const t = await timedGet(sb, typeof path === "function" ? path() : path);
    ms.push(t.ms);
    last = t.r;
  }
  return { ...summary(ms), last };
}

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const sb = await h.startWrangler({ logLevel: "warn" });
  try {
    const names = Array.from({ length: TRIGGERS }, (_, i) => `feed.t${String(i).padStart(5, "0")}`);
    const idle = names.slice(ACTIVE);
    const active = names.slice(0, ACTIVE);
    let t = performance.now();
    await pool(idle.length, CONCURRENCY, (i) => must(sb.api("PUT", `/v1/triggers/${idle[i]}`, { body: { type: "event" } }), [201], `register ${idle[i]}`));
    h.log(`${idle.length} idle triggers registered in ${fmt((performance.now() - t) / 1000)} s; waiting ${IDLE_GAP_MS / 1000} s so they are idle before the range`);
    await new Promise((r) => setTimeout(r, IDLE_GAP_MS));
    const since = Date.now();
    t = performance.now();
    await pool(ACTIVE, CONCURRENCY, async (i) => {
      await must(sb.api("PUT", `/v1/triggers/${active[i]}`, { body: { type: "event" } }), [201], `register ${active[i]}`);
      for (let f = 0; f < FIRES; f++) await must(sb.api("POST", `/v1/triggers/${active[i]}/fire`, { body: { data: { i, f } } }), [202], "fire");
    });
    h.log(`${ACTIVE} active triggers registered and fired ${FIRES}× in ${fmt((performance.now() - t) / 1000)} s`);
    await new Promise((r) => setTimeout(r, 7_000)); // the coalesced stats (and their writes) settle first

    const sample = active.slice(0, 5);
    const written = async () => (await Promise.all(sample.map(async (n) => (await sb.api("GET", `/v1/triggers/${n}/stats`)).json.rowsWritten))).reduce((a, b) => a + b, 0);
    const writtenBefore = await written();

    const ranged = await series(sb, `/v1/fires?since=${since}&limit=50`);
    const rangedRead = Number(ranged.last.headers.get("x-signalbox-triggers-read"));
    const all = await series(sb, "/v1/fires?limit=50");
    const allRead = Number(all.last.headers.get("x-signalbox-triggers-read"));
    const cursor = (await timedGet(sb, `/v1/fires?since=${since}&limit=20`)).r.json.nextCursor;
    const second = cursor ? await series(sb, `/v1/fires?since=${since}&limit=20&cursor=${encodeURIComponent(cursor)}`) : { p50: null, p99: null };
    const one = await series(sb, `/v1/triggers/${active[0]}/fires?limit=50`);
    const list = await series(sb, "/v1/triggers?limit=100");
    const wrote = (await written()) - writtenBefore;
    // every fire once across the pages of the range
    let seen = 0;
    const ids = new Set();
    for (let c = null, p = 0; p < 100; p++) {
      const r = (await timedGet(sb, `/v1/fires?since=${since}&limit=200${c ? `&cursor=${encodeURIComponent(c)}` : ""}`)).r;
      for (const f of r.json.fires) (ids.add(f.eventId), seen++);
      c = r.json.nextCursor;
      if (!c) break;
    }
    h.log(`ranged p50 ${fmt(ranged.p50)} ms (read ${rangedRead}), all p50 ${fmt(all.p50)} ms (read ${allRead}), one trigger p50 ${fmt(one.p50)} ms, list p50 ${fmt(list.p50)} ms; ${ids.size} distinct of ${seen} paged`);
    return [
      row({ metric: `GET /v1/fires p50, ${TRIGGERS} triggers, ${ACTIVE} active in the range`, value: ranged.p50, unit: "ms", baseline: one.p50, baselineLabel: "one trigger's fires page", target: { op: "<=", value: 100 }, note: `p99 ${fmt(ranged.p99)} ms; list page (D1) p50 ${fmt(list.p50)} ms` }),
      row({ metric: "GET /v1/fires p99 (range)", value: ranged.p99, unit: "ms", baseline: one.p99, baselineLabel: "one trigger's fires page" }),
      row({ metric: "triggers read per page (range)", value: rangedRead, unit: "objects", baseline: ACTIVE, baselineLabel: "active in the range", target: { op: "<=", value: ACTIVE }, note: `of ${TRIGGERS} triggers` }),
      row({ metric: "GET /v1/fires p50, no since (newest over all)", value: all.p50, unit: "ms", baseline: one.p50, baselineLabel: "one trigger's fires page", note: `reads ${allRead} triggers` }),
      row({ metric: "GET /v1/fires p50, second page of 20 (cursor)", value: second.p50, unit: "ms", baseline: ranged.p50, baselineLabel: "first page of 50" }),
      row({ metric: "fires paged in the range, each once", value: ids.size, unit: "", baseline: ACTIVE * FIRES, baselineLabel: "fired", target: { op: ">=", value: ACTIVE * FIRES }, note: `${seen} rows over the pages` }),
      row({ metric: "SQLite rows written by 5 sampled objects during the reads", value: wrote, unit: "rows", target: { op: "<=", value: 0 } }),
    ];
  } finally {
    await sb.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const h = { ...(await import("../test/e2e/lib/wrangler.mjs")), log: (s) => console.log(`   ${s}`) };
  console.log(`== ${name}: ${description}`);
  const rows = await run(h);
  console.log(`\n${textTable(rows)}`);
  for (const r of rows.filter((r) => r.note)) console.log(`   note (${r.metric}): ${r.note}`);
  process.exit(rows.some((r) => r.pass === false) ? 1 : 0);
}
