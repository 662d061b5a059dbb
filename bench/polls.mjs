/**
 * Benchmark: poll triggers (issue 12's targets).
 *
 * A. One group of 10 poll triggers on one local provider source, every 5 s,
 *    for BENCH_POLL_SECONDS (60): one new item is added to the source every
 *    second. Half the triggers filter on the item's kind, a third transform
 *    it. Measured: provider calls in the window (target: periods ± 1), every
 *    item fired exactly once per matching trigger and never for the others,
 *    item added → fire recorded (stream ts) (target ≤ period + 100 ms), and
 *    its part after the poll (the poll that first saw the item → fire).
 *
 * B. 1,000 groups (one trigger each, its own source) every 5 s on one
 *    wrangler dev for the same window. Lateness is measured at the provider:
 *    each request against its group's grid t0 + k·P, t0 being the earliest
 *    any request of the group was against that grid (so lateness ≥ 0). Target p99 ≤ 1 s. Also: grid points with no
 *    request (missed polls), extra requests, and that retiring every trigger
 *    stops the polling (the groups are removed).
 *
 * Ceiling for B: the bench/ceiling Worker's Poller (one object per group: an
 * alarm on the same grid, one GET, one row) with 1,000 groups, on its own
 * wrangler dev in the same run, measured the same way.
 */
import { row, pool } from "./lib/measure.mjs";
import { fmt, must, readStream, summary } from "./lib/stream.mjs";
import { startCeiling } from "./lib/ceiling.mjs";
import { startProvider } from "../test/lib/poll-provider.mjs";

const SECONDS = Number(process.env.BENCH_POLL_SECONDS ?? 60);
const PERIOD_MS = 5_000;
const GROUP_TRIGGERS = 10;
const GROUPS = Number(process.env.BENCH_POLL_GROUPS ?? 1000);
const CONCURRENCY = 8;

export const name = "polls";
export const description = `poll triggers: a group of ${GROUP_TRIGGERS} triggers every 5 s for ${SECONDS} s with a new item each second; ${GROUPS} groups every 5 s: lateness at the provider vs a bare alarm poller`;
export const timeoutMs = (3 * SECONDS + 420) * 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const provider = await startProvider();
  const sources = provider.provider.sources;
  const requestsOf = (id) => sources.get(id)?.requests ?? [];
  let sb = null;
  let ceiling = null;
  try {
    sb = await h.startWrangler({ logLevel: "warn" });
    const a = await groupOfTen(h, sb, provider, requestsOf);
    const b = await manyGroups(h, sb, provider, requestsOf, "g");
    await sb.stop();
    sb = null;
    ceiling = await startCeiling(h);
    const c = await ceilingGroups(h, ceiling, provider, requestsOf);
    return [
      row({ metric: `A: provider calls for ${GROUP_TRIGGERS} triggers in ${SECONDS} s`, value: a.calls, unit: "", baseline: a.periods, baselineLabel: "periods", target: { op: "<=", value: a.periods + 1 }, note: `≥ ${a.periods - 1} needed too: ${a.calls >= a.periods - 1 ? "yes" : "NO"}` }),
      row({ metric: "A: items fired twice, missed or fired for a non-matching trigger", value: a.wrong, unit: "", target: { op: "<=", value: 0 }, note: `${a.items} items × ${GROUP_TRIGGERS} triggers: ${a.fires} fires expected ${a.expected}; ${a.detail}` }),
      row({ metric: "A: item added → fire recorded p99", value: a.latency.p99, unit: "ms", baseline: PERIOD_MS, baselineLabel: "one period", target: { op: "<=", value: PERIOD_MS + 100 }, note: `p50 ${fmt(a.latency.p50)} ms, max ${fmt(a.latency.max)} ms` }),
      row({ metric: "A: item added → fire recorded max", value: a.latency.max, unit: "ms", target: { op: "<=", value: PERIOD_MS + 100 } }),
      row({ metric: "A: poll that saw the item → fire recorded p99", value: a.afterPoll.p99, unit: "ms", target: { op: "<=", value: 100 }, note: `p50 ${fmt(a.afterPoll.p50)} ms, max ${fmt(a.afterPoll.max)} ms (the engine's part)` }),
      row({ metric: `B: ${GROUPS} groups, poll lateness at the provider p99`, value: b.lateness.p99, unit: "ms", baseline: c.lateness.p99, baselineLabel: "bare alarm poller, same groups", target: { op: "<=", value: 1000 }, note: `p50 ${fmt(b.lateness.p50)} ms, max ${fmt(b.lateness.max)} ms; ceiling p50 ${fmt(c.lateness.p50)} max ${fmt(c.lateness.max)}; ${b.polls} polls in the window` }),
      row({ metric: "B: poll lateness p50", value: b.lateness.p50, unit: "ms", baseline: c.lateness.p50, baselineLabel: "bare alarm poller" }),
      row({ metric: "B: grid points with no poll (missed) / extra polls", value: b.missed + b.extra, unit: "", baseline: c.missed + c.extra, baselineLabel: "bare alarm poller", target: { op: "<=", value: 0 }, note: `missed ${b.missed}, extra ${b.extra}; ceiling missed ${c.missed}, extra ${c.extra}` }),
      row({ metric: `B: registering ${GROUPS} poll triggers`, value: b.registerMs / 1000, unit: "s", note: `${CONCURRENCY} at a time` }),
      row({ metric: "B: polls after every trigger was retired", value: b.afterRetire, unit: "", target: { op: "<=", value: 0 }, note: "groups removed with their last trigger" }),
    ];
  } finally {
    await sb?.stop();
    await ceiling?.stop();
    await provider.close();
  }
}

/** Part A: ten triggers of one group, a new item every second. */
async function groupOfTen(h, sb, provider, requestsOf) {
  const src = "shared";
  const script = (body) => fetch(`${provider.url}/provider/${src}/script`, { method: "POST", body: JSON.stringify(body) });
  await script({ items: [{ id: "baseline-1", kind: "a" }, { id: "baseline-2", kind: "b" }] });
  const names = Array.from({ length: GROUP_TRIGGERS }, (_, i) => `bench.poll.${i}`);
  const filtered = (i) => i % 2 === 1; // only kind "a"
  for (const [i, n] of names.entries()) {
    const body = { type: "poll", poll: { url: `${provider.url}/provider/${src}`, every: "5s", itemsPointer: "/items" } };
    if (filtered(i)) body.filter = { "data.kind": "a" };
    if (i % 3 === 0) body.transform = { pick: { item: "/id", kind: "/kind" } };
    await must(sb.api("PUT", `/v1/triggers/${n}`, { body }), [201], `register ${n}`);
  }
  // every trigger has joined (the group answers its state through each trigger)
  const deadline = Date.now() + 15_000;
  for (;;) {
    const views = await Promise.all(names.map((n) => sb.api("GET", `/v1/triggers/${n}`)));
    const groups = new Set(views.map((v) => v.json?.poll?.state?.group ?? null));
    if (groups.size === 1 && !groups.has(null) && requestsOf(src).length >= 1) break;
    if (Date.now() > deadline) throw new Error(`the ${GROUP_TRIGGERS} triggers did not form one group: ${[...groups].join(", ")}`);
    await sleep(250);
  }
  await sleep(1_000);
  h.log(`A: ${GROUP_TRIGGERS} triggers in one group; baseline polled`);

  const added = new Map(); // item id -> added at (epoch ms)
  const windowStart = Date.now();
  let k = 0;
  while (Date.now() < windowStart + SECONDS * 1000) {
    const id = `item-${String(k).padStart(4, "0")}`;
    // straight into the source, so "added" is exactly when the provider starts answering it
    provider.provider.sources.get(src).script.items.push({ id, kind: k % 2 === 0 ? "a" : "b", n: k });
    added.set(id, Date.now());
    k++;
    await sleep(1_000);
  }
  const windowEnd = Date.now();
  await sleep(PERIOD_MS + 2_000); // the last item's poll and fan-out
  const calls = requestsOf(src).filter((r) => r.at >= windowStart && r.at < windowEnd).length;
  const periods = Math.round((windowEnd - windowStart) / PERIOD_MS);
  h.log(`A: ${added.size} items added in ${fmt((windowEnd - windowStart) / 1000)} s; ${calls} provider calls (periods ${periods})`);

  const requestTimes = requestsOf(src).map((r) => r.at).sort((x, y) => x - y);
  const sawAt = (addedAt) => requestTimes.find((t) => t >= addedAt) ?? null;
  const latency = [], afterPoll = [];
  let fires = 0, expected = 0, twice = 0, missing = 0, wrongTrigger = 0, baselineFired = 0;
  for (const [i, n] of names.entries()) {
    const { events } = await readStream(sb, n, { types: ["trigger.fired"] });
    const byItem = new Map();
    for (const e of events) {
      const itemId = e.data?.poll?.itemId;
      if (!byItem.has(itemId)) byItem.set(itemId, []);
      byItem.get(itemId).push(e);
    }
    fires += events.length;
    for (const id of byItem.keys()) if (String(id).startsWith("baseline")) baselineFired++;
    for (const [id, at] of added) {
      const kind = Number(id.slice(5)) % 2 === 0 ? "a" : "b";
      const matches = !filtered(i) || kind === "a";
      const got = byItem.get(id) ?? [];
      if (matches) expected++;
      if (matches && got.length === 0) missing++;
      if (!matches && got.length > 0) wrongTrigger += got.length;
      if (got.length > 1) twice += got.length - 1;
      if (got.length) {
        latency.push(got[0].ts - at);
        const saw = sawAt(at);
        if (saw !== null) afterPoll.push(got[0].ts - saw);
      }
    }
  }
  for (const n of names) await sb.api("POST", `/v1/triggers/${n}/retire`, { body: { reason: "bench done" } });
  const wrong = twice + missing + wrongTrigger + baselineFired;
  return {
    calls, periods, items: added.size, fires, expected, wrong,
    detail: `twice ${twice}, missed ${missing}, non-matching ${wrongTrigger}, baseline items fired ${baselineFired}`,
    latency: summary(latency), afterPoll: summary(afterPoll),
  };
}

/**
 * Lateness of each request of each source against the grid of its first
 * request (t0 + k·P), for the requests in [from, to); missed grid points and
 * extra requests in that window.
 */
function gridLateness(requestsOf, ids, from, to) {
  const lateness = [];
  let missed = 0, extra = 0, polls = 0;
  for (const id of ids) {
    const times = requestsOf(id).map((r) => r.at).sort((x, y) => x - y);
    if (!times.length) {
      missed += Math.round((to - from) / PERIOD_MS);
      continue;
    }
    // the grid's origin: the earliest any request of the source was against t0 + k·P (so lateness ≥ 0)
    const kOf = (t) => Math.floor((t - times[0] + PERIOD_MS / 2) / PERIOD_MS);
    const t0 = Math.min(...times.map((t) => t - kOf(t) * PERIOD_MS));
    const hit = new Map();
    for (const t of times) {
      if (t < from || t >= to) continue;
      polls++;
      const k = kOf(t);
      if (hit.has(k)) extra++;
      else hit.set(k, t);
      lateness.push(t - (t0 + k * PERIOD_MS));
    }
    // the grid points whose poll was due in the window (a late one still lands near its point)
    for (let k = Math.ceil((from - t0) / PERIOD_MS); t0 + k * PERIOD_MS < to - 1_000; k++) if (!hit.has(k)) missed++;
  }
  return { lateness: summary(lateness), missed, extra, polls };
}

/** Part B: GROUPS groups of one trigger each. */
async function manyGroups(h, sb, provider, requestsOf, prefix) {
  const ids = Array.from({ length: GROUPS }, (_, i) => `${prefix}${i}`);
  for (const id of ids) provider.provider.sources.set(id, { script: { items: [{ id: "x" }], once: [] }, requests: [] });
  const t = performance.now();
  await pool(GROUPS, CONCURRENCY, (i) => must(sb.api("PUT", `/v1/triggers/bench.groups.${i}`, { body: { type: "poll", poll: { url: `${provider.url}/provider/${ids[i]}`, every: "5s", itemsPointer: "/items" } } }), [201], `register group ${i}`));
  const registerMs = performance.now() - t;
  h.log(`B: ${GROUPS} poll triggers registered in ${fmt(registerMs / 1000)} s`);
  await sleep(PERIOD_MS + 1_000);
  const from = Date.now();
  await sleep(SECONDS * 1000);
  const to = Date.now();
  const g = gridLateness(requestsOf, ids, from, to);
  h.log(`B: ${g.polls} polls in ${fmt((to - from) / 1000)} s: lateness p50 ${fmt(g.lateness.p50)} p99 ${fmt(g.lateness.p99)} max ${fmt(g.lateness.max)} ms; missed ${g.missed}, extra ${g.extra}`);
  await pool(GROUPS, CONCURRENCY, (i) => sb.api("POST", `/v1/triggers/bench.groups.${i}/retire`, { body: { reason: "bench done" } }));
  await sleep(3_000); // retires reach their groups through the triggers' outboxes
  const retiredAt = Date.now();
  await sleep(PERIOD_MS + 2_000);
  const afterRetire = ids.reduce((acc, id) => acc + requestsOf(id).filter((r) => r.at > retiredAt).length, 0);
  h.log(`B: all retired; ${afterRetire} polls afterwards`);
  return { ...g, registerMs, afterRetire };
}

/** The ceiling: GROUPS bare pollers on the same grid. */
async function ceilingGroups(h, ceiling, provider, requestsOf) {
  const ids = Array.from({ length: GROUPS }, (_, i) => `c${i}`);
  for (const id of ids) provider.provider.sources.set(id, { script: { items: [{ id: "x" }], once: [] }, requests: [] });
  const start = (i, path) => fetch(`${ceiling.baseUrl}/${path}?id=${ids[i]}&url=${encodeURIComponent(`${provider.url}/provider/${ids[i]}`)}&everyMs=${PERIOD_MS}`, { method: "POST" }).then((r) => r.text());
  await pool(GROUPS, CONCURRENCY, (i) => start(i, "poll"));
  await sleep(PERIOD_MS + 1_000);
  const from = Date.now();
  await sleep(SECONDS * 1000);
  const to = Date.now();
  const g = gridLateness(requestsOf, ids, from, to);
  h.log(`ceiling: ${g.polls} polls: lateness p50 ${fmt(g.lateness.p50)} p99 ${fmt(g.lateness.p99)} max ${fmt(g.lateness.max)} ms; missed ${g.missed}, extra ${g.extra}`);
  await pool(GROUPS, CONCURRENCY, (i) => start(i, "poll-stop"));
  return g;
}
