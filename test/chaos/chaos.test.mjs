/**
 * Chaos: a private `wrangler dev` with persisted local state takes 10,000
 * requests (signed GitHub webhooks and manual fires, half each) at
 * concurrency 32 for two triggers with http subscribers (a local receiver
 * that stays up and answers 200). At about 1/3 and 2/3 of the load the
 * runtime is SIGKILLed (the workerd processes, then the rest of wrangler's
 * process group) and a new `wrangler dev` is started on the same state and
 * port while the load goes on.
 *
 * Client policy: each of the 10,000 request slots is tried until it gets a
 * 2xx; a try that fails (connection refused, reset, timeout or a non-2xx
 * answer) is counted and the slot is tried again after 200 ms with a *new*
 * request (new x-github-delivery / new request key), so the failed try can
 * be traced on its own.
 *   - refused: connection refused (never reached the service): must never
 *     show up in a stream;
 *   - in doubt: connection reset / timed out / 5xx (the service may have
 *     stored it before it died): may show up, at most once, and is then
 *     delivered like any other fire.
 *
 * Afterwards (bounded): every request that got a 2xx is in its trigger's
 * stream exactly once (by event id and by request key) and was delivered to
 * every subscriber at least once (one webhook-id per event and flow,
 * duplicates by webhook-id are allowed and printed); nothing is lost; the
 * stats agree. The counts are printed.
 *
 * The receiver answers 200 after 20 ms, like a flow doing some work. An
 * instant receiver lets the local consumer burst to over a thousand
 * deliveries a second, and wrangler dev's proxy process then holds a loopback
 * socket per delivery for seconds: we saw 10,000+ open files, and past the
 * 20,000 limit (EMFILE) the runtime stops accepting connections for minutes.
 *
 * Deliveries whose queue messages died with the runtime are found by the
 * objects' ledgers with a probe after the restart and sent again (see
 * test/chaos/recovery.test.mjs for the timing and duplicate bounds).
 *
 * Knobs (env): CHAOS_REQUESTS (10000), CHAOS_CONCURRENCY (32),
 * CHAOS_SETTLE_SECONDS (180), CHAOS_RECEIVER_DELAY_MS (20),
 * CHAOS_GH_FLOWS (subscribers of the webhook trigger, "ci-build,audit-log").
 * SIGNALBOX_E2E_LOG_FILE=<path> keeps wrangler's whole output.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { newWebhookSecret, pool, startWrangler, verifyWebhook } from "../e2e/lib/wrangler.mjs";
import { startScriptedReceiver } from "./lib/receiver.mjs";

const TOTAL = Number(process.env.CHAOS_REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.CHAOS_CONCURRENCY ?? 32);
const KILL_AT = [Math.round(TOTAL / 3), Math.round((2 * TOTAL) / 3)];
const RETRY_PAUSE_MS = 200;
// The local runtime runs one consumer invocation per queue at a time, each with at most 6 attempts in
// flight (docs/delivery.md): a 100 ms receiver caps local delivery near 60/s per queue, which would make
// this test about throughput. It is about durability, so the receiver answers in 20 ms.
const RECEIVER_DELAY_MS = Number(process.env.CHAOS_RECEIVER_DELAY_MS ?? 20);
const REQUEST_TIMEOUT_MS = 30_000;
const LOAD_BUDGET_MS = 240_000; // the load phase, kills and restarts included
const SETTLE_BUDGET_MS = Number(process.env.CHAOS_SETTLE_SECONDS ?? 180) * 1000; // after the load: until every stored fire is delivered

const GH = { name: "gh.push", path: "github", secret: `gh-${randomUUID()}`, flows: (process.env.CHAOS_GH_FLOWS ?? "ci-build,audit-log").split(",") };
const MANUAL = { name: "ops.manual", flows: ["runbook"] };
const TRIGGERS = [GH, MANUAL];
const RETRY = { maxAttempts: 20, initialBackoffSeconds: 1, maxBackoffSeconds: 5 };

let sb;
let receiver;
const flowSecrets = new Map(); // flow → whsec_

before(async () => {
  receiver = await startScriptedReceiver({ decide: () => ({ status: 200, delayMs: RECEIVER_DELAY_MS }) });
  sb = await startWrangler({ inspector: false });
}, { timeout: 120_000 });

after(async () => {
  await sb?.stop();
  await receiver?.close();
}, { timeout: 30_000 });

/** One try of a request (a github webhook or a manual fire carrying `key`); never throws. */
async function send(kind, key) {
  const data = { req: key, kind, sent: Date.now() };
  const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  if (kind === "webhook") {
    const body = JSON.stringify(data);
    const headers = {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", GH.secret).update(body).digest("hex")}`,
    };
    return classify(() => fetch(`${sb.baseUrl}/webhooks/${sb.tenant}/${GH.path}`, { method: "POST", headers, body, signal }), (j) => j?.id);
  }
  const headers = { "content-type": "application/json", authorization: `Bearer ${sb.apiKey}` };
  const body = JSON.stringify({ data });
  return classify(() => fetch(`${sb.baseUrl}/v1/triggers/${MANUAL.name}/fire`, { method: "POST", headers, body, signal }), (j) => j?.eventId);
}

/** What a try came to: accepted (2xx), refused (never connected), in_doubt (cut off, timed out, 5xx) or rejected (4xx). */
async function classify(doFetch, idOf) {
  let res;
  try {
    res = await doFetch();
  } catch (e) {
    const code = e.cause?.code ?? e.name ?? "error";
    return { outcome: code === "ECONNREFUSED" ? "refused" : "in_doubt", code };
  }
  let text = "";
  try {
    text = await res.text();
  } catch (e) {
    return { outcome: "in_doubt", code: `body:${e.cause?.code ?? e.name}` };
  }
  if (res.status >= 200 && res.status < 300) {
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      // checked below
    }
    return { outcome: "accepted", status: res.status, id: idOf(json), answer: json?.status };
  }
  return { outcome: res.status >= 500 ? "in_doubt" : "rejected", code: `HTTP ${res.status}`, status: res.status, text: text.slice(0, 200) };
}

/** The trigger.fired / trigger.skipped events of a trigger after seq `after`, paging through the stream. */
async function readFires(name, after = 0, timeoutMs = 30_000) {
  const out = [];
  for (let page = 0; page < 1_000; page++) {
    const r = await sb.api("GET", `/v1/triggers/${name}/events?after=${after}&limit=500&types=trigger.fired,trigger.skipped`, { timeoutMs });
    assert.equal(r.status, 200, r.text);
    out.push(...r.json.events);
    if (!r.json.nextCursor) return out;
    after = Number(r.json.nextCursor);
  }
  throw new Error(`stream of ${name} did not end within 1000 pages`);
}

/** A progress line at most every 15 s (to follow a long run; the counts are printed at the end). */
let lastProgress = 0;
function progress(line, force = false) {
  if (!force && Date.now() - lastProgress < 15_000) return;
  lastProgress = Date.now();
  console.log(`  … ${new Date().toISOString().slice(11, 19)} ${line}`);
}

/** The request key a stream event carries (webhook: parsed body; manual fire: data). */
const reqKeyOf = (ev) => ev.data?.payload?.req ?? null;

test(`chaos: ${TOTAL} requests at concurrency ${CONCURRENCY}, runtime SIGKILLed twice under load`, { timeout: 600_000 }, async () => {
  const t0 = Date.now();
  // --- setup: one webhook trigger with two subscribers, one manual trigger with one
  let r = await sb.api("PUT", `/v1/triggers/${GH.name}`, {
    body: { type: "webhook", webhook: { path: GH.path, auth: { type: "hmac", provider: "github", secret: GH.secret } } },
  });
  assert.equal(r.status, 201, r.text);
  r = await sb.api("PUT", `/v1/triggers/${MANUAL.name}`, { body: { type: "manual" } });
  assert.equal(r.status, 201, r.text);
  for (const t of TRIGGERS) {
    for (const flow of t.flows) {
      const secret = newWebhookSecret();
      flowSecrets.set(flow, secret);
      r = await sb.api("PUT", `/v1/triggers/${t.name}/subscriptions/${flow}`, {
        body: { target: { type: "http", url: `${receiver.url}/d/${flow}`, secret, timeoutMs: 10_000 }, retry: RETRY },
      });
      assert.equal(r.status, 201, r.text);
    }
  }

  // --- load with two kills
  const accepted = new Map(); // request key → { trigger, id }
  const failedTries = new Map(); // request key → { outcome, code, trigger }
  const codes = new Map(); // failure code → count
  const kills = [];
  let done = 0;
  let inFlight = 0;
  let loadOver = false;
  const loadDeadline = Date.now() + LOAD_BUDGET_MS;

  const chaosMonkey = (async () => {
    for (const at of KILL_AT) {
      while (done < at && !loadOver) await sleep(20);
      if (loadOver) return;
      const k = { atAccepted: done, inFlight, killedAt: Date.now() };
      const { workerd } = await sb.kill();
      k.workerd = workerd.length;
      await sb.restart({ startTimeoutMs: 90_000 });
      k.downMs = Date.now() - k.killedAt;
      kills.push(k);
      progress(`kill ${kills.length}: SIGKILLed at ${k.atAccepted} accepted (${k.inFlight} in flight), up again after ${(k.downMs / 1000).toFixed(1)} s`, true);
    }
  })();

  const tLoad = Date.now();
  await pool(TOTAL, CONCURRENCY, async (i) => {
    const kind = i % 2 === 0 ? "webhook" : "manual";
    const trigger = kind === "webhook" ? GH.name : MANUAL.name;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > loadDeadline) throw new Error(`load did not finish within ${LOAD_BUDGET_MS} ms (${done} of ${TOTAL} accepted)`);
      const key = `r${i}.${attempt}`;
      inFlight++;
      const res = await send(kind, key);
      inFlight--;
      progress(`load: ${done} accepted, ${failedTries.size} failed tries, ${inFlight} in flight, receiver ${receiver.requests.length}`);
      if (res.outcome === "accepted") {
        assert.equal(res.answer, "accepted", `request ${key} answered ${JSON.stringify(res)}`);
        assert.equal(typeof res.id, "string", `request ${key} answered without an id`);
        accepted.set(key, { trigger, id: res.id });
        done++;
        return;
      }
      failedTries.set(key, { outcome: res.outcome, code: res.code, trigger });
      codes.set(res.code, (codes.get(res.code) ?? 0) + 1);
      await sleep(RETRY_PAUSE_MS);
    }
  });
  loadOver = true;
  await chaosMonkey;
  const loadMs = Date.now() - tLoad;
  assert.equal(kills.length, 2, "the runtime was killed twice during the load");
  assert.equal(accepted.size, TOTAL);

  const refusedKeys = [...failedTries].filter(([, f]) => f.outcome === "refused").map(([k]) => k);
  const inDoubtKeys = new Set([...failedTries].filter(([, f]) => f.outcome === "in_doubt").map(([k]) => k));
  const rejectedKeys = [...failedTries].filter(([, f]) => f.outcome === "rejected").map(([k]) => k);

  // --- settle: every accepted request in its stream, then every fired event delivered to each subscriber
  const tSettle = Date.now();
  const settleDeadline = tSettle + SETTLE_BUDGET_MS;
  const acceptedIds = new Map(TRIGGERS.map((t) => [t.name, new Set()]));
  for (const a of accepted.values()) acceptedIds.get(a.trigger).add(a.id);
  // Incremental bookkeeping, so that waiting costs the (busy) service and this process little:
  // the streams are read from the last seq seen, the receiver's log from the last request seen.
  const streams = new Map(TRIGGERS.map((t) => [t.name, []]));
  const streamAfter = new Map(TRIGGERS.map((t) => [t.name, 0]));
  const streamedIds = new Map(TRIGGERS.map((t) => [t.name, new Set()]));
  const readMore = async () => {
    for (const t of TRIGGERS) {
      const evs = await readFires(t.name, streamAfter.get(t.name));
      for (const ev of evs) {
        streams.get(t.name).push(ev);
        streamedIds.get(t.name).add(ev.id);
        streamAfter.set(t.name, ev.seq);
      }
    }
  };
  const got = new Map([...flowSecrets.keys()].map((f) => [f, new Set()])); // flow → eventIds received
  let receiverSeen = 0;
  const catchUpReceiver = () => {
    for (; receiverSeen < receiver.requests.length; receiverSeen++) {
      const q = receiver.requests[receiverSeen];
      const flow = q.path.slice("/d/".length);
      if (q.json?.eventId && got.has(flow)) got.get(flow).add(q.json.eventId);
    }
  };
  let missingDeliveries = Infinity;
  let missingInStream = Infinity;
  let stats = {};
  let lastSettleError = null;
  for (;;) {
    if (Date.now() > settleDeadline) break; // the assertions below say what is missing
    try {
      await readMore();
      stats = {};
      for (const t of TRIGGERS) stats[t.name] = (await sb.api("GET", `/v1/triggers/${t.name}/stats`, { timeoutMs: 30_000 })).json;
    } catch (e) {
      lastSettleError = e; // a busy service may time out a read: try again
      await sleep(3_000);
      continue;
    }
    missingInStream = 0;
    for (const t of TRIGGERS) for (const id of acceptedIds.get(t.name)) if (!streamedIds.get(t.name).has(id)) missingInStream++;
    catchUpReceiver();
    missingDeliveries = 0;
    for (const t of TRIGGERS) {
      for (const ev of streams.get(t.name)) {
        if (ev.type !== "trigger.fired") continue;
        for (const flow of t.flows) if (!got.get(flow).has(ev.id)) missingDeliveries++;
      }
    }
    const pending = TRIGGERS.reduce((n, t) => n + (stats[t.name]?.pending ?? 1), 0);
    progress(`settling: ${missingInStream} accepted not yet streamed, ${missingDeliveries} deliveries missing, ${pending} pending, receiver ${receiver.requests.length}`);
    if (missingInStream === 0 && missingDeliveries === 0 && pending === 0) break;
    await sleep(3_000);
  }
  if (lastSettleError) console.log(`  (a read while settling failed and was retried: ${lastSettleError.message})`);
  await sleep(2_000); // late duplicates, if any, arrive now
  // the final word: the whole streams again (not the incremental copy) and the stats
  let finalReadError = null;
  try {
    const fresh = new Map();
    for (const t of TRIGGERS) fresh.set(t.name, await readFires(t.name, 0, 60_000));
    for (const [k, v] of fresh) streams.set(k, v);
    for (const t of TRIGGERS) stats[t.name] = (await sb.api("GET", `/v1/triggers/${t.name}/stats`, { timeoutMs: 60_000 })).json;
  } catch (e) {
    finalReadError = e; // reported (and failed) below, after the counts
  }
  const settleMs = Date.now() - tSettle;

  // --- the stream: accepted exactly once, refused never, in-doubt at most once, nothing else
  const streamById = new Map();
  const streamByKey = new Map();
  let duplicateStreamIds = 0;
  let duplicateStreamKeys = 0;
  let unknownStreamKeys = 0;
  let skippedFires = 0;
  const streamedInDoubt = new Map(TRIGGERS.map((t) => [t.name, 0]));
  for (const t of TRIGGERS) {
    for (const ev of streams.get(t.name)) {
      if (ev.type !== "trigger.fired") skippedFires++;
      if (streamById.has(ev.id)) duplicateStreamIds++;
      streamById.set(ev.id, { trigger: t.name, ev });
      const key = reqKeyOf(ev);
      if (streamByKey.has(key)) duplicateStreamKeys++;
      streamByKey.set(key, ev);
      if (!accepted.has(key) && !failedTries.has(key)) unknownStreamKeys++;
      if (inDoubtKeys.has(key)) streamedInDoubt.set(t.name, streamedInDoubt.get(t.name) + 1);
    }
  }
  let streamedExactlyOnce = 0;
  const acceptedMissing = [];
  const acceptedMismatched = [];
  for (const [key, a] of accepted) {
    const ev = streamByKey.get(key);
    const byId = streamById.get(a.id);
    if (!ev || !byId) acceptedMissing.push(key);
    else if (ev.id !== a.id || byId.trigger !== a.trigger) acceptedMismatched.push(key);
    else streamedExactlyOnce++;
  }
  const refusedStreamed = refusedKeys.filter((k) => streamByKey.has(k));
  const rejectedStreamed = rejectedKeys.filter((k) => streamByKey.has(k));

  // --- deliveries: per subscriber, one webhook-id per event, every fired event, signatures valid
  const perFlow = new Map();
  let badSignatures = 0;
  const duplicates = [];
  for (const f of flowSecrets.keys()) perFlow.set(f, { requests: 0, webhookIds: new Set(), eventToWebhookId: new Map(), idsPerEvent: 0 });
  const seenWebhookId = new Map();
  for (const q of receiver.requests) {
    const flow = q.path.slice("/d/".length);
    const pf = perFlow.get(flow);
    if (!pf) continue;
    pf.requests++;
    if (!verifyWebhook(flowSecrets.get(flow), { "webhook-id": q.webhookId, "webhook-timestamp": q.timestamp, "webhook-signature": q.signature }, q.body, { nowMs: q.startedAt })) badSignatures++;
    const n = (seenWebhookId.get(q.webhookId) ?? 0) + 1;
    seenWebhookId.set(q.webhookId, n);
    if (n === 2) duplicates.push({ flow, webhookId: q.webhookId, eventId: q.json?.eventId });
    pf.webhookIds.add(q.webhookId);
    const prev = pf.eventToWebhookId.get(q.json?.eventId);
    if (prev && prev !== q.webhookId) pf.idsPerEvent++;
    pf.eventToWebhookId.set(q.json?.eventId, q.webhookId);
  }
  let lost = 0;
  const lostSample = [];
  const flowRows = [];
  for (const t of TRIGGERS) {
    const fired = streams.get(t.name).filter((e) => e.type === "trigger.fired");
    for (const flow of t.flows) {
      const pf = perFlow.get(flow);
      let acceptedDelivered = 0;
      for (const ev of fired) {
        if (!pf.eventToWebhookId.has(ev.id)) {
          lost++;
          if (lostSample.length < 10) lostSample.push(`${flow}:${ev.id}`);
        }
      }
      for (const id of acceptedIds.get(t.name)) if (pf.eventToWebhookId.has(id)) acceptedDelivered++;
      const strangers = [...pf.eventToWebhookId.keys()].filter((id) => !streamById.has(id)).length;
      flowRows.push({ trigger: t.name, flow, fired: fired.length, accepted: acceptedIds.get(t.name).size, acceptedDelivered, distinctWebhookIds: pf.webhookIds.size, requests: pf.requests, duplicateRequests: pf.requests - pf.webhookIds.size, idsPerEventConflicts: pf.idsPerEvent, unknownEvents: strangers });
    }
  }

  // --- print the counts
  const totalMs = Date.now() - t0;
  const codeList = [...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}=${n}`).join(", ") || "none";
  const lines = [
    `chaos: ${TOTAL} request slots (${TOTAL / 2} github webhooks, ${TOTAL / 2} manual fires), concurrency ${CONCURRENCY}`,
    `  load ${(loadMs / 1000).toFixed(1)} s (${Math.round(TOTAL / (loadMs / 1000))} accepted/s), settle ${(settleMs / 1000).toFixed(1)} s, total ${(totalMs / 1000).toFixed(1)} s`,
    ...kills.map((k, i) => `  kill ${i + 1}: after ${k.atAccepted} accepted, ${k.inFlight} requests in flight, ${k.workerd} workerd processes SIGKILLed, down ${(k.downMs / 1000).toFixed(1)} s until healthy again`),
    `  accepted (2xx): ${accepted.size}`,
    `  refused (connection refused, retried as a new request): ${refusedKeys.length}`,
    `  in doubt (reset/timeout/5xx, retried as a new request): ${inDoubtKeys.size}; of them stored anyway (in the stream once, delivered): ${[...streamedInDoubt.values()].reduce((a, b) => a + b, 0)}`,
    `  other non-2xx answers: ${rejectedKeys.length}; failure codes: ${codeList}`,
    `  streamed exactly once: ${streamedExactlyOnce} of ${accepted.size} accepted; missing ${acceptedMissing.length}, mismatched ${acceptedMismatched.length}`,
    `  stream: ${TRIGGERS.map((t) => `${t.name} ${streams.get(t.name).length} fires`).join(", ")}; duplicate ids ${duplicateStreamIds}, duplicate request keys ${duplicateStreamKeys}, unknown ${unknownStreamKeys}, skipped ${skippedFires}; refused but streamed ${refusedStreamed.length}`,
    ...flowRows.map((f) => `  subscriber ${f.trigger} → ${f.flow}: distinct webhook-ids ${f.distinctWebhookIds} (fired ${f.fired}, accepted ${f.accepted}, accepted delivered ${f.acceptedDelivered}), requests ${f.requests}, duplicate deliveries ${f.duplicateRequests}, two ids for one event ${f.idsPerEventConflicts}, unknown events ${f.unknownEvents}`),
    `  duplicate deliveries by webhook-id (allowed): ${duplicates.length}${duplicates.length ? ` e.g. ${duplicates.slice(0, 5).map((d) => `${d.flow}:${d.webhookId}`).join(", ")}` : ""}`,
    `  bad signatures: ${badSignatures}`,
    `  lost (stored fire not delivered to a subscriber): ${lost}${lostSample.length ? ` e.g. ${lostSample.join(", ")}` : ""}`,
    ...TRIGGERS.map((t) => `  stats ${t.name}: totalFires ${stats[t.name]?.totalFires} delivered ${stats[t.name]?.delivered} pending ${stats[t.name]?.pending} failed ${stats[t.name]?.failed} dead ${stats[t.name]?.dead}`),
  ];
  if (finalReadError) lines.push(`  the final read of the streams/stats FAILED (${finalReadError.message}); counts above use the last successful reads`);
  console.log(lines.join("\n"));

  assert.equal(finalReadError, null, "the streams and stats could be read after the load");

  // --- assertions
  assert.equal(acceptedMissing.length, 0, `accepted but not in the stream: ${acceptedMissing.slice(0, 10).join(", ")}`);
  assert.equal(acceptedMismatched.length, 0, `accepted with another id in the stream: ${acceptedMismatched.slice(0, 10).join(", ")}`);
  assert.equal(streamedExactlyOnce, TOTAL, "every accepted request is in its trigger's stream");
  assert.equal(duplicateStreamIds, 0, "no event id twice in a stream");
  assert.equal(duplicateStreamKeys, 0, "no request recorded twice");
  assert.equal(unknownStreamKeys, 0, "no stream event that no request explains");
  assert.equal(skippedFires, 0, "no fire skipped");
  assert.equal(refusedStreamed.length, 0, `refused requests in the stream: ${refusedStreamed.slice(0, 10).join(", ")}`);
  assert.equal(rejectedStreamed.length, 0, `requests answered 4xx in the stream: ${rejectedStreamed.slice(0, 10).join(", ")}`);
  assert.equal(rejectedKeys.length, 0, `no 4xx answers expected: ${[...failedTries].filter(([, f]) => f.outcome === "rejected").slice(0, 5).map(([k, f]) => `${k} ${f.code}`).join(", ")}`);
  assert.ok(refusedKeys.length > 0, "requests were refused while the runtime was down");
  assert.equal(badSignatures, 0, "every delivery verifies");
  assert.equal(lost, 0, `stored fires not delivered: ${lostSample.join(", ")}`);
  for (const f of flowRows) {
    assert.equal(f.acceptedDelivered, f.accepted, `${f.flow}: every accepted request delivered`);
    assert.equal(f.distinctWebhookIds, f.fired, `${f.flow}: one webhook-id per fired event`);
    assert.equal(f.idsPerEventConflicts, 0, `${f.flow}: one delivery id per event`);
    assert.equal(f.unknownEvents, 0, `${f.flow}: no delivery of an event outside the stream`);
  }
  for (const t of TRIGGERS) {
    const fired = streams.get(t.name).filter((e) => e.type === "trigger.fired").length;
    const s = stats[t.name];
    assert.equal(s.totalFires, fired, `${t.name}: stats.totalFires`);
    assert.equal(s.pending, 0, `${t.name}: stats.pending`);
    assert.equal(s.delivered, fired * t.flows.length, `${t.name}: stats.delivered`);
    assert.equal(s.failed, 0, `${t.name}: stats.failed`);
    assert.equal(s.dead, 0, `${t.name}: stats.dead`);
  }
});
