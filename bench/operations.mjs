/**
 * Benchmark: operations (issue 13's targets).
 *
 * Metrics: a tenant with BENCH_OPS_TRIGGERS (1,000) event triggers, one fire
 * each, a subscriber on every tenth. `GET /v1/metrics` ×40 after the stats
 * flush: p50/p99 (target p50 ≤ 100 ms) beside the same run's read of the
 * same rows through the list API (`GET /v1/triggers`, 2 pages of 500), and
 * the D1 rows the scrape read (the route reports D1's own rows_read; target:
 * O(triggers), i.e. ≤ triggers + a few) — it calls no object by construction.
 *
 * Cleanup: the same triggers plus BENCH_OPS_IDLE (9,000) more (10,000 in
 * all) with no subscriber. A dry run (retireAfterDays 0) must write nothing
 * (the list's status counts and a sample of versions unchanged); then real
 * calls of 1,000 at a time retire the 9,900 without subscribers, and calls
 * with deleteStreamsAfterDays 0 delete them. Measured: calls and seconds for
 * each, objects per second, and from that a cron run's time for its budget
 * of 4,000 objects (against the 15 minutes a cron invocation may run).
 */
import { row, pool } from "./lib/measure.mjs";
import { fmt, must, summary } from "./lib/stream.mjs";

const TRIGGERS = Number(process.env.BENCH_OPS_TRIGGERS ?? 1000);
const IDLE = Number(process.env.BENCH_OPS_IDLE ?? 9000);
const SCRAPES = 40;
const CONCURRENCY = 8;
const CRON_BUDGET = 4000;

export const name = "operations";
export const description = `GET /v1/metrics with ${TRIGGERS} triggers vs listing the same rows; cleanup of ${TRIGGERS + IDLE} triggers (dry run, retire, delete)`;
export const timeoutMs = 900_000;

async function timed(fn) {
  const t = performance.now();
  const r = await fn();
  return { ms: performance.now() - t, r };
}

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const receiver = await h.startReceiver();
  const sb = await h.startWrangler({ logLevel: "warn" });
  try {
    const names = Array.from({ length: TRIGGERS }, (_, i) => `ops.t${String(i).padStart(5, "0")}`);
    const reg = await timed(() => pool(TRIGGERS, CONCURRENCY, async (i) => {
      await must(sb.api("PUT", `/v1/triggers/${names[i]}`, { body: { type: "event" } }), [201], `register ${names[i]}`);
      if (i % 10 === 0) await must(sb.api("PUT", `/v1/triggers/${names[i]}/subscriptions/sink`, { body: { target: { type: "http", url: `${receiver.url}/s` } } }), [201], "subscribe");
      await must(sb.api("POST", `/v1/triggers/${names[i]}/fire`, { body: { data: { i } } }), [202], "fire");
    }));
    h.log(`${TRIGGERS} triggers registered and fired in ${fmt(reg.ms / 1000)} s`);
    await new Promise((r) => setTimeout(r, 7_000)); // the coalesced stats reach D1 within 5 s

    const scrape = [], list = [];
    let rowsRead = null, bytes = 0, series = 0;
    for (let i = 0; i < SCRAPES; i++) {
      const s = await timed(() => fetch(`${sb.baseUrl}/v1/metrics`, { headers: { authorization: `Bearer ${sb.apiKey}` } }).then(async (res) => ({ res, text: await res.text() })));
      if (s.r.res.status !== 200) throw new Error(`metrics: HTTP ${s.r.res.status}`);
      scrape.push(s.ms);
      rowsRead = Number(s.r.res.headers.get("x-signalbox-d1-rows-read"));
      bytes = s.r.text.length;
      series = s.r.text.split("\n").filter((l) => l.startsWith("signalbox_fires_total{")).length;
      const l = await timed(async () => {
        const a = await sb.api("GET", "/v1/triggers?limit=500");
        await sb.api("GET", `/v1/triggers?limit=500&cursor=${encodeURIComponent(a.json.nextCursor)}`);
      });
      list.push(l.ms);
    }
    const S = summary(scrape), L = summary(list);
    h.log(`metrics: p50 ${fmt(S.p50)} ms p99 ${fmt(S.p99)} ms (${bytes} bytes, ${series} fires_total series, D1 rows read ${rowsRead}); list of the same rows p50 ${fmt(L.p50)} ms`);

    // cleanup: 9,000 more idle triggers
    const idle = Array.from({ length: IDLE }, (_, i) => `ops.idle${String(i).padStart(5, "0")}`);
    const regIdle = await timed(() => pool(IDLE, CONCURRENCY, (i) => must(sb.api("PUT", `/v1/triggers/${idle[i]}`, { body: { type: "event" } }), [201], `register ${idle[i]}`)));
    h.log(`${IDLE} idle triggers registered in ${fmt(regIdle.ms / 1000)} s`);
    await new Promise((r) => setTimeout(r, 3_000));
    const total = TRIGGERS + IDLE;
    const withoutSubscriber = total - Math.ceil(TRIGGERS / 10);
    const sampleVersions = async () => Promise.all([names[1], names[2], idle[0], idle[IDLE - 1]].map(async (n) => (await sb.api("GET", `/v1/triggers/${n}`)).json.version + (await sb.api("GET", `/v1/triggers/${n}`)).json.status));
    const versionsBefore = await sampleVersions();
    const dry = await timed(() => sb.api("POST", "/v1/maintenance/cleanup", { body: { dryRun: true, retireAfterDays: 0, deleteStreamsAfterDays: 0, limit: 1000 }, timeoutMs: 120_000 }));
    if (dry.r.status !== 200) throw new Error(`dry run: HTTP ${dry.r.status} ${dry.r.text.slice(0, 300)}`);
    const dryWrote = (await sampleVersions()).filter((v, i) => v !== versionsBefore[i]).length;
    h.log(`dry run: would retire ${dry.r.json.retired.length} (of the first 1,000 examined) in ${fmt(dry.ms)} ms; sample changed: ${dryWrote}`);

    const loop = async (body) => {
      let calls = 0, done = 0, ms = 0;
      for (;;) {
        const r = await timed(() => sb.api("POST", "/v1/maintenance/cleanup", { body: { dryRun: false, limit: 500, ...body }, timeoutMs: 300_000 }));
        if (r.r.status !== 200) throw new Error(`cleanup: HTTP ${r.r.status} ${r.r.text.slice(0, 300)}`);
        calls++;
        ms += r.ms;
        done += r.r.json.retired.length + r.r.json.deleted.length;
        if (!r.r.json.more || calls > 40) return { calls, done, ms };
      }
    };
    const retire = await loop({ retireAfterDays: 0, deleteStreamsAfterDays: 3650 });
    h.log(`retire: ${retire.done} in ${retire.calls} calls, ${fmt(retire.ms / 1000)} s`);
    const del = await loop({ retireAfterDays: 3650, deleteStreamsAfterDays: 0 });
    h.log(`delete: ${del.done} in ${del.calls} calls, ${fmt(del.ms / 1000)} s`);
    const left = await sb.api("GET", "/v1/triggers?limit=500&status=retired");
    const perSecond = (retire.done + del.done) / ((retire.ms + del.ms) / 1000);
    const cronRunSeconds = CRON_BUDGET / perSecond;
    return [
      row({ metric: `GET /v1/metrics p50, ${TRIGGERS} triggers`, value: S.p50, unit: "ms", baseline: L.p50, baselineLabel: "listing the same rows (2 pages)", target: { op: "<=", value: 100 }, note: `p99 ${fmt(S.p99)} ms; ${bytes} bytes, ${series} fires_total series` }),
      row({ metric: "GET /v1/metrics p99", value: S.p99, unit: "ms", baseline: L.p99, baselineLabel: "listing the same rows" }),
      row({ metric: "D1 rows read per scrape", value: rowsRead, unit: "rows", baseline: TRIGGERS, baselineLabel: "triggers", target: { op: "<=", value: TRIGGERS + 10 }, note: "D1's own rows_read of the scrape's queries; no object is called" }),
      row({ metric: "cleanup dry run: sampled triggers changed", value: dryWrote, unit: "", target: { op: "<=", value: 0 }, note: `would retire ${dry.r.json.retired.length} of the first 1,000 examined, ${fmt(dry.ms)} ms` }),
      row({ metric: `cleanup: retired (no subscriber, ${total} triggers)`, value: retire.done, unit: "", baseline: withoutSubscriber, baselineLabel: "without a subscriber", target: { op: ">=", value: withoutSubscriber }, note: `${retire.calls} calls of ≤ 500, ${fmt(retire.ms / 1000)} s` }),
      row({ metric: "cleanup: deleted (retired, storage removed)", value: del.done, unit: "", baseline: retire.done, baselineLabel: "retired", target: { op: ">=", value: retire.done }, note: `${del.calls} calls, ${fmt(del.ms / 1000)} s; retired left in the list: ${left.json.triggers.length}` }),
      row({ metric: "cleanup throughput", value: perSecond, unit: "objects/s" }),
      row({ metric: `one cron run (budget ${CRON_BUDGET} objects) at that rate`, value: cronRunSeconds, unit: "s", target: { op: "<=", value: 900 }, note: `10,000 triggers: ${Math.ceil(10_000 / CRON_BUDGET)} runs to retire, as many to delete` }),
    ];
  } finally {
    await sb.stop();
    await receiver.close();
  }
}
