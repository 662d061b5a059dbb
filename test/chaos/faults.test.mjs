/**
 * Faults: a receiver that fails on purpose. For two flows every attempt is
 * answered, by a seeded pseudo-random draw per (webhook-id, n-th request),
 *   ~30% 500, ~10% no answer at all (it hangs until the service's timeout
 *   aborts the request), ~5% 429 with Retry-After: 1, the rest 200;
 * a third flow is gone: it answers 410 or 400 (by webhook-id), always.
 * The subscriptions retry fast (maxAttempts 4, backoff 1 s … 2 s).
 *
 * The gone flow opens its subscription's default breaker (20 consecutive
 * failed attempts, retryable or not): the deliveries not yet attempted then
 * wait with their attempts (one probe per 30 s fails one more). Once the
 * flaky flows are settled and everything still pending is the gone flow's
 * waiting backlog (bounded), every
 * delivery (GET …/fires/{eventId}) must agree with the receiver's own log of
 * that webhook-id: delivered iff an attempt got a 2xx (and it was the last),
 * failed iff the first non-retryable 4xx ended it, dead iff maxAttempts
 * attempts all failed retryably, queued iff nothing final was answered yet; attempts == requests the receiver saw
 * (a timed-out request counts); lastStatusCode == the last answer; no
 * request after a final answer; none delivered twice. The stats and the
 * `?status=dead|failed|queued` lists must match the counts derived from the
 * log. Unsubscribing the gone flow then skips its waiting deliveries
 * (`unsubscribed`) and nothing is pending.
 *
 * The hang path never answers, so "the receiver answered 200 but the service
 * had already timed out" cannot happen; the timeout is 1 s (not less) so that
 * an immediate answer cannot miss it on a busy 2-core machine either.
 *
 * Knobs (env): FAULTS_FIRES (300), FAULTS_SEED (20261122), FAULTS_TIMEOUT_MS (1000).
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { newWebhookSecret, pool, startWrangler, verifyWebhook } from "../e2e/lib/wrangler.mjs";
import { seededUniform, startScriptedReceiver } from "./lib/receiver.mjs";

const FIRES = Number(process.env.FAULTS_FIRES ?? 300);
const SEED = Number(process.env.FAULTS_SEED ?? 20261122);
const TIMEOUT_MS = Number(process.env.FAULTS_TIMEOUT_MS ?? 1000);
const CONCURRENCY = 8;
const SETTLE_BUDGET_MS = 150_000;

const NAME = "faults.evt";
const RETRY = { maxAttempts: 4, initialBackoffSeconds: 1, maxBackoffSeconds: 2 };
const FLAKY = ["flaky-a", "flaky-b"];
const GONE = "gone";
const FLOWS = [...FLAKY, GONE];
const RETRYABLE = (a) => a === "timeout" || a === 408 || a === 429 || (typeof a === "number" && a >= 500);
const OK = (a) => typeof a === "number" && a >= 200 && a < 300;

/** The receiver's script: what the n-th request of a webhook-id on a flow gets. */
function decide(record) {
  const flow = record.path.slice("/f/".length);
  if (flow === GONE) return { status: seededUniform(SEED, `gone:${record.webhookId}`) < 0.5 ? 410 : 400 };
  const u = seededUniform(SEED, `${record.webhookId}#${record.nth ?? 0}`);
  if (u < 0.3) return { status: 500 };
  if (u < 0.4) return "hang";
  if (u < 0.45) return { status: 429, headers: { "retry-after": "1" } };
  return { status: 200 };
}

let sb;
let receiver;
const secrets = new Map();

before(async () => {
  receiver = await startScriptedReceiver({ hangMaxMs: 30_000, decide });
  sb = await startWrangler({ inspector: false });
}, { timeout: 120_000 });

after(async () => {
  await sb?.stop();
  await receiver?.close();
}, { timeout: 30_000 });

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);

test(`faults: ${FIRES} fires × ${FLOWS.length} flows against a failing receiver end as the retry policy says`, { timeout: 300_000 }, async () => {
  const t0 = Date.now();
  let r = await sb.api("PUT", `/v1/triggers/${NAME}`, { body: { type: "event" } });
  assert.equal(r.status, 201, r.text);
  for (const flow of FLOWS) {
    const secret = newWebhookSecret();
    secrets.set(flow, secret);
    r = await sb.api("PUT", `/v1/triggers/${NAME}/subscriptions/${flow}`, {
      body: { target: { type: "http", url: `${receiver.url}/f/${flow}`, secret, timeoutMs: TIMEOUT_MS }, retry: RETRY },
    });
    assert.equal(r.status, 201, r.text);
  }

  // --- fire
  const answers = await pool(FIRES, CONCURRENCY, (i) => sb.api("POST", `/v1/triggers/${NAME}/fire`, { body: { data: { n: i } } }));
  for (const a of answers) {
    assert.equal(a.status, 202, a.text);
    assert.equal(a.json.deliveries.length, FLOWS.length);
  }
  const eventIds = answers.map((a) => a.json.eventId);
  const fireMs = Date.now() - t0;

  // --- settle: nothing hanging, and what is pending is the gone flow's backlog behind its open breaker (bounded)
  const settleDeadline = Date.now() + SETTLE_BUDGET_MS;
  const goneSub = async () => (await sb.api("GET", `/v1/triggers/${NAME}`)).json.subscriptions[GONE];
  let stats;
  let gone;
  for (;;) {
    stats = (await sb.api("GET", `/v1/triggers/${NAME}/stats`)).json;
    gone = await goneSub();
    if (gone.breaker !== "closed" && stats.pending === gone.waiting && receiver.hanging() === 0) break;
    assert.ok(Date.now() < settleDeadline, `not settled within ${SETTLE_BUDGET_MS} ms: pending ${stats.pending}, gone breaker ${gone.breaker} waiting ${gone.waiting}, hanging ${receiver.hanging()}`);
    await sleep(1_000);
  }
  await sleep(1_500); // a request that should not come would come now
  stats = (await sb.api("GET", `/v1/triggers/${NAME}/stats`)).json;
  const settleMs = Date.now() - t0 - fireMs;

  // --- the service's view of every delivery
  const fires = await pool(eventIds.length, CONCURRENCY, async (i) => {
    const f = await sb.api("GET", `/v1/triggers/${NAME}/fires/${eventIds[i]}`);
    assert.equal(f.status, 200, f.text);
    return f.json;
  });

  // --- compare with the receiver's log
  const derived = { delivered: 0, failed: 0, dead: 0, queued: 0 };
  const byStatus = { delivered: 0, failed: 0, dead: 0, queued: 0, other: 0 };
  const mismatches = [];
  const answersSeen = new Map(); // answer → count
  const attemptsHist = new Map();
  const gaps = [];
  const gapsAfter429 = [];
  let requestsAfterFinal = 0;
  let probeRequests = 0;
  let deliveredTwice = 0;
  let badSignatures = 0;
  let wrongFlowOrEvent = 0;
  const deadFires = new Set();
  const failedFires = new Set();
  const queuedFires = new Set();
  const knownIds = new Set();
  for (const fire of fires) {
    for (const d of fire.deliveries) {
      knownIds.add(d.deliveryId);
      const log = [...(receiver.byWebhookId.get(d.deliveryId) ?? [])].sort((a, b) => a.seq - b.seq);
      // expected final status, from the log alone
      let expected = null;
      let finalAt = -1;
      for (let i = 0; i < log.length; i++) {
        const a = log[i].answer;
        answersSeen.set(a, (answersSeen.get(a) ?? 0) + 1);
        if (OK(a)) {
          expected = "delivered";
          finalAt = i;
          break;
        }
        if (!RETRYABLE(a)) {
          expected = "failed";
          finalAt = i;
          break;
        }
        if (i === RETRY.maxAttempts - 1) {
          expected = "dead";
          finalAt = i;
          break;
        }
      }
      expected ??= "queued"; // nothing final answered yet: it waits
      // behind the gone flow's open breaker a probe's failure keeps the delivery waiting with its attempts
      const probed = d.flow === GONE && d.status === "queued" && log.length > 0 && log.every((q) => !OK(q.answer));
      if (probed) {
        expected = "queued";
        finalAt = -1;
        probeRequests += log.length;
      }
      if (finalAt >= 0 && log.length > finalAt + 1) requestsAfterFinal += log.length - finalAt - 1;
      if (log.filter((q) => OK(q.answer)).length > 1) deliveredTwice++;
      derived[expected]++;
      byStatus[d.status in byStatus ? d.status : "other"]++;
      attemptsHist.set(d.attempts, (attemptsHist.get(d.attempts) ?? 0) + 1);
      if (d.status === "dead") deadFires.add(fire.eventId);
      if (d.status === "failed") failedFires.add(fire.eventId);
      if (d.status === "queued") queuedFires.add(fire.eventId);
      const last = log[log.length - 1]?.answer;
      const lastCode = last === "timeout" || last === undefined ? null : last;
      const problems = [];
      if (d.status !== expected) problems.push(`status ${d.status}, log says ${expected}`);
      if (d.attempts !== (probed ? 0 : log.length)) problems.push(`attempts ${d.attempts}, receiver saw ${log.length}`);
      if (d.lastStatusCode !== lastCode) problems.push(`lastStatusCode ${d.lastStatusCode}, last answer ${last}`);
      if (problems.length) mismatches.push(`${d.flow} ${d.deliveryId}: ${problems.join("; ")} [${log.map((q) => q.answer).join(",")}]`);
      for (let i = 0; i < log.length; i++) {
        const q = log[i];
        if (!verifyWebhook(secrets.get(d.flow), { "webhook-id": q.webhookId, "webhook-timestamp": q.timestamp, "webhook-signature": q.signature }, q.body, { nowMs: q.startedAt })) badSignatures++;
        if (q.path !== `/f/${d.flow}` || q.json?.eventId !== fire.eventId || q.json?.attempt !== i + 1) wrongFlowOrEvent++;
        if (i > 0 && log[i - 1].endedAt !== null) {
          const gap = q.startedAt - log[i - 1].endedAt;
          gaps.push(gap);
          if (log[i - 1].answer === 429) gapsAfter429.push(gap);
        }
      }
    }
  }
  const strangers = [...receiver.byWebhookId.keys()].filter((id) => !knownIds.has(id)).length;
  const deliveries = FIRES * FLOWS.length;

  // the service's own lists
  const listed = async (status) => {
    const ids = new Set();
    let cursor = null;
    for (let page = 0; page < 100; page++) {
      const res = await sb.api("GET", `/v1/triggers/${NAME}/fires?status=${status}&limit=500${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(res.status, 200, res.text);
      for (const f of res.json.fires) ids.add(f.eventId);
      cursor = res.json.nextCursor;
      if (!cursor) break;
    }
    return ids;
  };
  const listedDead = await listed("dead");
  const listedFailed = await listed("failed");
  const listedQueued = await listed("queued");

  gaps.sort((a, b) => a - b);
  gapsAfter429.sort((a, b) => a - b);
  const totalMs = Date.now() - t0;
  console.log(
    [
      `faults: ${FIRES} fires × ${FLOWS.length} flows = ${deliveries} deliveries; retry ${JSON.stringify(RETRY)}, timeoutMs ${TIMEOUT_MS}, seed ${SEED}`,
      `  fire ${(fireMs / 1000).toFixed(1)} s, settle ${(settleMs / 1000).toFixed(1)} s, total ${(totalMs / 1000).toFixed(1)} s`,
      `  receiver: ${receiver.requests.length} requests; answers ${[...answersSeen].map(([a, n]) => `${a}=${n}`).join(", ")}`,
      `  attempts per delivery: ${[...attemptsHist].sort((a, b) => a[0] - b[0]).map(([a, n]) => `${a}×${n}`).join(", ")}`,
      `  service: delivered ${byStatus.delivered}, failed ${byStatus.failed}, dead ${byStatus.dead}, queued ${byStatus.queued}, other ${byStatus.other}`,
      `  receiver log says: delivered ${derived.delivered}, failed ${derived.failed}, dead ${derived.dead}, queued ${derived.queued}`,
      `  gone flow: breaker ${gone.breaker} since ${gone.breakerOpenedAt}, waiting ${gone.waiting}, probe requests ${probeRequests}`,
      `  stats: delivered ${stats.delivered}, failed ${stats.failed}, dead ${stats.dead}, pending ${stats.pending}, totalFires ${stats.totalFires}`,
      `  lists: ?status=dead ${listedDead.size} fires, ?status=failed ${listedFailed.size} fires, ?status=queued ${listedQueued.size}`,
      `  mismatches ${mismatches.length}, requests after a final answer ${requestsAfterFinal}, delivered twice ${deliveredTwice}, bad signatures ${badSignatures}, wrong flow/event/attempt ${wrongFlowOrEvent}, unknown webhook-ids ${strangers}`,
      `  gap between attempts (end of one → start of next): min ${gaps[0]} ms, p50 ${pct(gaps, 50)} ms, max ${gaps[gaps.length - 1]} ms; after a 429 (Retry-After: 1): min ${gapsAfter429[0]} ms, p50 ${pct(gapsAfter429, 50)} ms`,
      ...mismatches.slice(0, 10).map((m) => `  mismatch: ${m}`),
    ].join("\n"),
  );

  assert.deepEqual(mismatches, [], "every delivery agrees with the receiver's log");
  assert.equal(requestsAfterFinal, 0, "no request after a final answer");
  assert.equal(deliveredTwice, 0, "nothing delivered twice");
  assert.equal(badSignatures, 0, "every attempt is signed");
  assert.equal(wrongFlowOrEvent, 0, "every attempt carries its flow, event and attempt number");
  assert.equal(strangers, 0, "no webhook-id the service does not know");
  assert.equal(byStatus.other, 0, "every delivery is delivered, failed, dead or waiting");
  assert.equal(byStatus.delivered + byStatus.failed + byStatus.dead + byStatus.queued, deliveries);
  // the flaky flows are settled: only the gone flow waits
  const flaky = fires.flatMap((f) => f.deliveries.filter((d) => d.flow !== GONE));
  assert.deepEqual(flaky.filter((d) => d.status === "queued").map((d) => d.deliveryId), [], "the flaky flows have nothing waiting");
  // the gone flow fails at once each time it is tried, until its breaker opens; the rest wait with their attempts
  const goneDeliveries = fires.flatMap((f) => f.deliveries.filter((d) => d.flow === GONE));
  assert.equal(goneDeliveries.length, FIRES);
  const goneFailed = goneDeliveries.filter((d) => d.status === "failed");
  const goneWaiting = goneDeliveries.filter((d) => d.status === "queued");
  assert.equal(goneFailed.length + goneWaiting.length, FIRES);
  for (const d of goneFailed) {
    assert.equal(d.attempts, 1, `${d.deliveryId}`);
    assert.ok([400, 410].includes(d.lastStatusCode), `${d.deliveryId}: ${d.lastStatusCode}`);
  }
  for (const d of goneWaiting) assert.equal(d.attempts, 0, `${d.deliveryId} waits with its attempts`);
  assert.ok(goneFailed.length >= 20, `the breaker opens after 20 failures, not before (${goneFailed.length} failed)`);
  assert.ok(goneWaiting.length > 0, "the breaker kept the rest of the gone flow's backlog from failing");
  assert.equal(gone.waiting, goneWaiting.length, "the subscription's waiting count");
  // the faults really happened (the draws are seeded, so these hold for the default seed)
  assert.ok(derived.dead > 0, "some deliveries ran out of attempts");
  assert.ok(answersSeen.get("timeout") > 0 && answersSeen.get(429) > 0 && answersSeen.get(500) > 0, "every kind of fault was injected");
  // stats and lists match the receiver-derived counts
  assert.equal(stats.pending, goneWaiting.length);
  assert.equal(stats.totalFires, FIRES);
  assert.equal(stats.delivered, derived.delivered, "stats.delivered");
  assert.equal(stats.failed, derived.failed, "stats.failed");
  assert.equal(stats.dead, derived.dead, "stats.dead");
  assert.deepEqual([...listedDead].sort(), [...deadFires].sort(), "?status=dead lists the fires with a dead delivery");
  assert.deepEqual([...listedFailed].sort(), [...failedFires].sort(), "?status=failed lists the fires with a failed delivery");
  assert.deepEqual([...listedQueued].sort(), [...queuedFires].sort(), "?status=queued lists the fires with a waiting delivery");

  // --- unsubscribing the gone flow skips its waiting backlog (bounded)
  const requestsBefore = receiver.requests.length;
  r = await sb.api("DELETE", `/v1/triggers/${NAME}/subscriptions/${GONE}`);
  assert.ok(r.status === 200 || r.status === 204, r.text);
  const dropDeadline = Date.now() + 60_000;
  for (;;) {
    stats = (await sb.api("GET", `/v1/triggers/${NAME}/stats`)).json;
    if (stats.pending === 0) break;
    assert.ok(Date.now() < dropDeadline, `the unsubscribed backlog was not skipped within 60 s: pending ${stats.pending}`);
    await sleep(500);
  }
  assert.equal(receiver.requests.length, requestsBefore, "no attempt after unsubscribing");
  assert.equal(stats.failed, derived.failed, "the skipped backlog did not fail");
});
