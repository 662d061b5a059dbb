/**
 * Benchmark: schedule precision. 20 schedule triggers on a per-second cron
 * (`*\/1 * * * * *`, 6 fields), each with an http subscription to a local
 * receiver, for 60 s (BENCH_SCHEDULE_SECONDS to change it, e.g. 15 for a quick run).
 *
 * Lateness = when the receiver got the delivery − the occurrence's
 * scheduledFor (read from the stream's trigger.fired events, joined by
 * eventId). Also checked: per trigger, the occurrences fired inside the window
 * are consecutive seconds (the first and last second are ignored), each fire
 * is delivered once (deduped by webhook-id), no schedule.missed events, and
 * nothing fires after the triggers are retired.
 */
import { row } from "./lib/measure.mjs";
import { fmt, headerOf, must, readStream, summary, wallAt } from "./lib/stream.mjs";

const SECONDS = Number(process.env.BENCH_SCHEDULE_SECONDS ?? 60);
const TRIGGERS = 20;
const CRON = "*/1 * * * * *";
/** After the window: how long deliveries of the window's fires may take to arrive. */
const SETTLE_MS = 20_000;
const LATENESS_P99_TARGET = 100;

export const name = "schedules";
export const description = `${TRIGGERS} schedule triggers on \`${CRON}\` with one http subscriber each, ${SECONDS} s: delivery lateness vs scheduledFor, gaps, duplicates, schedule.missed`;
export const timeoutMs = (SECONDS + 150) * 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @param {typeof import("../test/e2e/lib/wrangler.mjs") & { log: (s: string) => void }} h */
export async function run(h) {
  const secret = h.newWebhookSecret();
  /** eventId -> Map(webhook-id -> [records]) */
  const byEvent = new Map();
  let badSignatures = 0;
  let received = 0;
  const receiver = await h.startReceiver({
    onRequest(r) {
      received++;
      if (!h.verifyWebhook(secret, r.headers, r.body)) badSignatures++;
      const eventId = r.json?.eventId;
      const wid = headerOf(r.headers, "webhook-id");
      let m = byEvent.get(eventId);
      if (!m) byEvent.set(eventId, (m = new Map()));
      if (!m.has(wid)) m.set(wid, []);
      m.get(wid).push({ at: wallAt(r), trigger: r.json?.trigger, firedAt: r.json?.firedAt });
    },
  });
  const names = Array.from({ length: TRIGGERS }, (_, i) => `bench.sched.${String(i).padStart(2, "0")}`);
  let sb = null;
  let retired = false;
  try {
    sb = await h.startWrangler({ logLevel: "warn" });
    for (const n of names) {
      await must(sb.api("PUT", `/v1/triggers/${n}`, { body: { type: "schedule", displayName: `bench ${n}`, schedule: { cron: CRON } } }), [201, 200], `register ${n}`);
      await must(sb.api("PUT", `/v1/triggers/${n}/subscriptions/receiver`, { body: { target: { type: "http", url: `${receiver.url}/s/${n}`, secret } } }), [201, 200], `subscribe ${n}`);
    }
    const preview = await sb.api("GET", `/v1/triggers/${names[0]}/schedule?count=3`);
    h.log(`${TRIGGERS} triggers registered and subscribed; next of ${names[0]}: ${preview.text.slice(0, 200)}`);

    const windowStart = Date.now();
    h.log(`window: ${SECONDS} s from ${new Date(windowStart).toISOString()}`);
    for (let left = SECONDS * 1000; left > 0; left -= 10_000) {
      await sleep(Math.min(10_000, left));
      h.log(`  ${Math.round((Date.now() - windowStart) / 1000)} s: ${received} deliveries received`);
    }
    const windowEnd = Date.now();

    // Read the streams (fired, skipped, missed) and wait, bounded, until every fire in the window was delivered.
    const streams = new Map(names.map((n) => [n, { after: 0, fired: [], skipped: [], missed: [] }]));
    const readAll = async () => {
      for (const n of names) {
        const s = streams.get(n);
        const { events, last } = await readStream(sb, n, { after: s.after, types: ["trigger.fired", "trigger.skipped", "schedule.missed"] });
        s.after = last;
        for (const e of events) (e.type === "trigger.fired" ? s.fired : e.type === "trigger.skipped" ? s.skipped : s.missed).push(e);
      }
    };
    const inWindow = (e) => e.data?.scheduledFor >= windowStart && e.data?.scheduledFor <= windowEnd;
    const undelivered = () => names.reduce((acc, n) => acc + streams.get(n).fired.filter((e) => inWindow(e) && !byEvent.has(e.id)).length, 0);
    const settleDeadline = Date.now() + SETTLE_MS;
    for (;;) {
      await readAll();
      if (undelivered() === 0 || Date.now() > settleDeadline) break;
      await sleep(500);
    }

    // Retire, then check that nothing scheduled after the retire fires.
    for (const n of names) await must(sb.api("POST", `/v1/triggers/${n}/retire`, { body: { reason: "bench done" } }), [200], `retire ${n}`);
    retired = true;
    const retiredAt = Date.now();
    await sleep(2_500);
    await readAll();
    const firedAfterRetire = names.reduce((acc, n) => acc + streams.get(n).fired.filter((e) => e.data?.scheduledFor > retiredAt).length, 0);

    // Analysis.
    const lo = Math.ceil(windowStart / 1000) * 1000 + 1000; // ignore the first and last second at the edges
    const hi = Math.floor(windowEnd / 1000) * 1000 - 1000;
    const expectedPerTrigger = hi >= lo ? (hi - lo) / 1000 + 1 : 0;
    let gaps = 0;
    let skippedInWindow = 0;
    let duplicateOccurrences = 0;
    let missedEvents = 0;
    let missedOccurrences = 0;
    let notDelivered = 0;
    let deliveredTwice = 0; // one fire, several delivery ids
    let redelivered = 0; // one delivery id received more than once
    const lateness = [];
    const bySecond = new Map(); // scheduledFor -> [receive − scheduledFor] (the order deliveries of one second arrive in)
    const fireLateness = []; // stream ts (fire recorded) − scheduledFor
    const pipeline = []; // receive − stream ts
    const serviceLateness = []; // data.latenessMs as recorded by the service
    const skipReasons = new Map();
    const perTriggerGaps = [];
    for (const n of names) {
      const s = streams.get(n);
      missedEvents += s.missed.length;
      missedOccurrences += s.missed.reduce((a, e) => a + (e.data?.count ?? 0), 0);
      const occ = new Map();
      for (const e of s.fired) occ.set(e.data.scheduledFor, (occ.get(e.data.scheduledFor) ?? 0) + 1);
      for (const [, k] of occ) if (k > 1) duplicateOccurrences += k - 1;
      let g = 0;
      for (let t = lo; t <= hi; t += 1000) if (!occ.has(t)) g++;
      gaps += g;
      if (g) perTriggerGaps.push(`${n}: ${g}`);
      for (const e of s.skipped) {
        if (!inWindow(e)) continue;
        skippedInWindow++;
        const reason = e.data?.skipReason ?? e.data?.reason ?? "?";
        skipReasons.set(reason, (skipReasons.get(reason) ?? 0) + 1);
      }
      for (const e of s.fired) {
        if (!inWindow(e)) continue;
        const sf = e.data.scheduledFor;
        fireLateness.push(e.ts - sf);
        if (typeof e.data.latenessMs === "number") serviceLateness.push(e.data.latenessMs);
        const got = byEvent.get(e.id);
        if (!got) {
          notDelivered++;
          continue;
        }
        if (got.size > 1) deliveredTwice += got.size - 1;
        for (const recs of got.values()) if (recs.length > 1) redelivered += recs.length - 1;
        const first = Math.min(...[...got.values()].flat().map((r) => r.at));
        lateness.push(first - sf);
        bySecond.set(sf, [...(bySecond.get(sf) ?? []), first - sf]);
        pipeline.push(first - e.ts);
      }
    }
    const L = summary(lateness);
    const F = summary(fireLateness);
    const P = summary(pipeline);
    const S = summary(serviceLateness);
    const firedInWindow = names.reduce((a, n) => a + streams.get(n).fired.filter(inWindow).length, 0);
    h.log(`fires in window ${firedInWindow} (expected ≈ ${TRIGGERS * Math.floor((windowEnd - windowStart) / 1000)}), delivered ${lateness.length}, not delivered ${notDelivered}`);
    h.log(`lateness (receive − scheduledFor): p50 ${fmt(L.p50)} ms, p99 ${fmt(L.p99)} ms, max ${fmt(L.max)} ms`);
    h.log(`  of which fire recorded (stream ts − scheduledFor): p50 ${fmt(F.p50)} p99 ${fmt(F.p99)} max ${fmt(F.max)}; delivery (receive − stream ts): p50 ${fmt(P.p50)} p99 ${fmt(P.p99)} max ${fmt(P.max)}`);
    const rankP50 = (k) => summary([...bySecond.values()].filter((xs) => xs.length > k).map((xs) => [...xs].sort((a, b) => a - b)[k])).p50;
    const ranks = [0, 5, 11, TRIGGERS - 1].map((k) => `${k + 1}: ${fmt(rankP50(k))}`).join(", ");
    if (process.env.BENCH_SCHEDULE_DEBUG) h.log(`  per second (first/last arrival): ${[...bySecond].sort((a, b) => a[0] - b[0]).map(([sf, xs]) => `${(sf / 1000) % 100}:${Math.round(Math.min(...xs))}/${Math.round(Math.max(...xs))}`).join(" ")}`);
    h.log(`  lateness by arrival rank within a second (p50 over seconds, ms): ${ranks}`);
    h.log(`  service latenessMs: p50 ${fmt(S.p50)} p99 ${fmt(S.p99)} max ${fmt(S.max)}`);
    h.log(`gaps ${gaps} (${perTriggerGaps.join(", ") || "none"}), skipped ${skippedInWindow} ${JSON.stringify(Object.fromEntries(skipReasons))}, schedule.missed events ${missedEvents} (${missedOccurrences} occurrences), duplicate occurrences ${duplicateOccurrences}, delivered twice ${deliveredTwice}, redelivered ${redelivered}, bad signatures ${badSignatures}, fired after retire ${firedAfterRetire}`);

    const windowNote = `${firedInWindow} fires in the ${fmt((windowEnd - windowStart) / 1000)} s window, ${lateness.length} delivered; p50 lateness of the k-th arrival within a second: ${ranks} ms`;
    return [
      row({ metric: "delivery lateness p50 (receive − scheduledFor)", value: L.p50, unit: "ms", note: windowNote }),
      row({ metric: "delivery lateness p99", value: L.p99, unit: "ms", target: { op: "<=", value: LATENESS_P99_TARGET } }),
      row({ metric: "delivery lateness max", value: L.max, unit: "ms" }),
      row({ metric: "fire recorded − scheduledFor p50 / p99 (stream ts)", value: F.p50, unit: "ms", note: `p99 ${fmt(F.p99)} ms, max ${fmt(F.max)} ms: the alarm's part of the lateness` }),
      row({ metric: "receive − fire recorded p50 / p99", value: P.p50, unit: "ms", note: `p99 ${fmt(P.p99)} ms, max ${fmt(P.max)} ms: the delivery pipeline's part (queue + http)` }),
      row({ metric: `missing occurrences (gaps, ${TRIGGERS} triggers × ${expectedPerTrigger} inner seconds)`, value: gaps, unit: "", target: { op: "<=", value: 0 }, note: [perTriggerGaps.length ? `per trigger: ${perTriggerGaps.join(", ")}` : "", skippedInWindow ? `${skippedInWindow} recorded as trigger.skipped ${JSON.stringify(Object.fromEntries(skipReasons))}` : ""].filter(Boolean).join("; ") }),
      row({ metric: "duplicate occurrences or deliveries", value: duplicateOccurrences + deliveredTwice + redelivered, unit: "", target: { op: "<=", value: 0 }, note: duplicateOccurrences + deliveredTwice + redelivered ? `${duplicateOccurrences} occurrences fired twice, ${deliveredTwice} fires delivered under two ids, ${redelivered} delivery ids received twice` : "" }),
      row({ metric: "fires in the window not delivered", value: notDelivered, unit: "", target: { op: "<=", value: 0 }, note: badSignatures ? `${badSignatures} bad signatures` : "" }),
      row({ metric: "schedule.missed events", value: missedEvents, unit: "", target: { op: "<=", value: 0 }, note: missedEvents ? `${missedOccurrences} occurrences` : "" }),
      row({ metric: "fires scheduled after retire", value: firedAfterRetire, unit: "", target: { op: "<=", value: 0 } }),
    ];
  } finally {
    if (sb && !retired) {
      for (const n of names) await sb.api("POST", `/v1/triggers/${n}/retire`, { body: { reason: "bench aborted" } }).catch(() => {});
    }
    await sb?.stop();
    await receiver.close();
  }
}
