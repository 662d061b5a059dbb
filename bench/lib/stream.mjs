/**
 * Helpers shared by the webhooks, schedules and awaits benchmarks: reading a
 * trigger's stream page by page, a duration-bounded load runner, and small
 * request/statistics utilities.
 */
import { percentile, runLoad } from "./measure.mjs";

/**
 * Reads a trigger's stream from `after` (a seq) to its current end, following
 * nextCursor. Returns the events and the seq to resume from next time.
 * Bounded by maxPages (a runaway stream cannot keep the benchmark forever).
 *
 * @param {{ api: Function }} sb from startWrangler
 * @returns {Promise<{ events: Array<{seq:number,id:string,type:string,ts:number,data:any}>, last: number }>}
 */
export async function readStream(sb, trigger, { after = 0, types = null, limit = 500, maxPages = 200 } = {}) {
  const events = [];
  let last = after;
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set("cursor", cursor);
    else q.set("after", String(after));
    if (types) q.set("types", types.join(","));
    const r = await sb.api("GET", `/v1/triggers/${encodeURIComponent(trigger)}/events?${q}`, { timeoutMs: 30_000 });
    if (r.status !== 200) throw new Error(`GET events of ${trigger}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    for (const e of r.json.events) {
      events.push(e);
      if (e.seq > last) last = e.seq;
    }
    cursor = r.json.nextCursor;
    if (!cursor) return { events, last };
  }
  throw new Error(`stream of ${trigger}: more than ${maxPages} pages`);
}

/**
 * Runs `request(i)` with `concurrency` in flight for `durationMs` (closed
 * loop): no request starts after the deadline; the ones in flight finish and
 * are counted. Same result shape as runLoad.
 */
export async function runFor({ durationMs, concurrency, request }) {
  const r = await runLoad({ count: Number.POSITIVE_INFINITY, concurrency, request, maxMs: durationMs });
  return { ...r, truncated: false };
}

/** Throws unless the answer's status is one of `statuses`; returns the answer. */
export async function must(p, statuses, what) {
  const r = await p;
  if (!statuses.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 500)}`);
  return r;
}

/** p50/p99/max (and count) of an unsorted array of numbers; nulls when empty. */
export function summary(values) {
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s.length ? s[s.length - 1] : null, min: s.length ? s[0] : null };
}

/** Wall-clock epoch ms when a receiver record's request began (from its hrAt). */
export const wallAt = (record) => performance.timeOrigin + record.hrAt;

/** First value of a header from a node IncomingHttpHeaders object. */
export function headerOf(headers, name) {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v ?? null;
}

export const fmt = (v, d = 1) => (v == null ? "—" : Number(v).toFixed(d));
