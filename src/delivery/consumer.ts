/**
 * The delivery queues' consumer (DELIVERIES, the fast queue; DELIVERIES_SLOW;
 * and their dead-letter queue). A message carries what an attempt needs; the
 * owner's targets come from a cache checked against the message's control
 * version (./control-cache.ts), so there is no call to the owner before an
 * attempt unless its targets changed.
 *
 * Outbound work is bounded: at most SEND_CONCURRENCY attempts (and owner
 * RPCs) at a time per invocation, taken in turns across lanes (owner + flow)
 * so a quiet lane never waits behind a busy one, and each attempt's timeout
 * starts when its request does. On the fast queue an answer slower than
 * FAST_LANE_SLOW_MS hands the rest of that lane's batch back unsent, and an
 * attempt gets at most FAST_LANE_BUDGET_MS: a slower one is cut off and handed
 * back too (no attempt counted); the lane then takes the slow queue. Outcomes go back to each owner in batches
 * (./outcome-reporter.ts) and a message is acknowledged once its outcome is
 * recorded; a barrier (`p`) is reported after every delivery of its owner in
 * the batch. Dead-lettered messages are reported so the delivery is marked dead.
 */
import type { Env } from "../env";
import type { DeliveryBody, DeliveryMessage } from "../contracts/messages";
import { deliveryMessages } from "./packs";
import type { AttemptResult, DeliveryControl, OutcomesAnswer } from "../contracts/rpc";
import type { DeliveryOwnerRpc } from "../contracts/object-rpc";
import type { ObjectStub } from "../contracts/objects";
import { FAST_LANE_BUDGET_MS, FAST_LANE_SLOW_MS, SEND_CONCURRENCY } from "../contracts/limits";
import { TenantStore } from "../data/tenant-store";
import { sendHttp } from "./send-http";
import { controlFor, remember } from "./control-cache";
import { outboundUrlProblem } from "../policy/outbound-urls";
import { queueTargetAllowed } from "../policy/queue-targets";
import { OutcomeReporter } from "./outcome-reporter";
import { roundRobin, runBounded } from "../domain/bounded";

/** A delivery's owner: its trigger, or the run whose await callback it is. */
type Owner = ObjectStub<DeliveryOwnerRpc>;

type Msg = Message<DeliveryMessage>;

function ownerOf(env: Env, m: DeliveryMessage): Owner {
  const store = new TenantStore(env, m.t);
  return m.k === "run" ? store.run(m.n) : store.trigger(m.n);
}

const skip = (reason: string): AttemptResult => ({ statusCode: null, error: null, retryAfterSeconds: null, skipped: reason });
const deferred: AttemptResult = { statusCode: null, error: null, retryAfterSeconds: null, deferred: "slow" };
const notStarted: AttemptResult = { statusCode: null, error: null, retryAfterSeconds: null, deferred: "gate" };

/**
 * Lanes this isolate found slow on the fast queue lately: their attempts
 * still waiting in the fast queue (handed over before the owner learned it)
 * go back unsent at once in the next invocations too, so the lane holds the
 * fast queue for one round, not one round per invocation that still finds
 * its attempts there. Bounded in count and kept briefly: the owner sends the
 * lane's next attempts to the slow queue once it hears of the first, and a
 * lane that turns fast again is not held back for long.
 */
const recentlySlow = new Map<string, number>();
const RECENTLY_SLOW_MS = 5_000;
const RECENTLY_SLOW_MAX = 1_000;

function markSlow(lane: string, now: number): void {
  recentlySlow.delete(lane);
  if (recentlySlow.size >= RECENTLY_SLOW_MAX) recentlySlow.delete(recentlySlow.keys().next().value!);
  recentlySlow.set(lane, now + RECENTLY_SLOW_MS);
}

function foundSlow(lane: string, now: number): boolean {
  const until = recentlySlow.get(lane);
  if (until === undefined) return false;
  if (until > now) return true;
  recentlySlow.delete(lane);
  return false;
}

/** A refused start waits in the invocation for the window's room when it comes within this long; later, the delivery goes back. */
const START_WAIT_MS = 1_000;

/**
 * A delivery of a flow with a policy starts only when its flow's gate says
 * so, right before it is sent: the gate's exact rate window counts starts,
 * so the queue's latency cannot bunch them (docs/flow-control.md). A gate
 * that cannot be reached starts nothing: the delivery waits, unattempted.
 */
async function startAtGate(env: Env, m: DeliveryMessage): Promise<boolean> {
  const gate = new TenantStore(env, m.t).gate(m.gf!);
  try {
    const first = await gate.start();
    if (first.ok) return true;
    const wait = first.retryAt === null ? Number.POSITIVE_INFINITY : first.retryAt - Date.now();
    if (wait > START_WAIT_MS) return false;
    await new Promise((r) => setTimeout(r, Math.max(0, wait)));
    return (await gate.start()).ok;
  } catch {
    return false;
  }
}

async function attempt(env: Env, owner: Owner, control: DeliveryControl | null, m: DeliveryMessage, budgetMs: number | undefined): Promise<AttemptResult> {
  if (control?.retired) return skip("trigger_retired");
  if (control?.skipped.includes(m.d)) return skip("skipped");
  const target = m.x ?? control?.targets[m.f ?? ""];
  if (!target || target.type === "pull") return skip("unsubscribed");
  // the deployment's policy at send time too (a target stored before it changed)
  if (target.type === "http" && outboundUrlProblem(env, target.url)) return skip("target_refused");
  if (target.type === "queue" && !queueTargetAllowed(env, m.t, target.queue)) return skip("target_refused");
  const body = m.b ?? (await owner.deliveryBody(m.d, m.a));
  if (body === null || body === undefined) return skip("event_gone");
  // the last step before the request leaves: a rate-limited flow's start is counted as close to its arrival as we can
  if (m.gf && !(await startAtGate(env, m))) return notStarted;
  if (target.type === "http") return sendHttp(target, m.d, JSON.stringify(body), Date.now(), budgetMs);
  const q = env[target.queue] as Queue | undefined;
  const started = Date.now();
  try {
    if (!q || typeof q.send !== "function") throw new Error(`no queue binding '${target.queue}'`);
    await q.send(body);
    return { statusCode: 200, error: null, retryAfterSeconds: null, ms: Date.now() - started };
  } catch (e) {
    return { statusCode: null, error: `queue send failed: ${(e as Error).message}`.slice(0, 300), retryAfterSeconds: null, ms: Date.now() - started };
  }
}

/** One owner's part of a batch: its control, its reporter, its lanes. */
type Group = { key: string; owner: Owner; deliveries: Msg[]; probes: Msg[]; control: DeliveryControl | null; reporter: OutcomeReporter | null };

/**
 * A redelivered message (its earlier run ended before it was acknowledged)
 * may carry attempts whose outcomes were recorded: those are acknowledged,
 * not made again. The owner says which are still due.
 */
async function dropRecorded(g: Group): Promise<void> {
  const again = g.deliveries.filter((m) => m.attempts > 1);
  if (!again.length) return;
  const current = await g.owner.currentAttempts(again.map((m) => ({ id: m.body.d, attempt: m.body.a })));
  if (!current) return;
  const done = new Set(again.filter((_, i) => !current[i]));
  for (const m of done) m.ack();
  g.deliveries = g.deliveries.filter((m) => !done.has(m));
}

async function prepare(env: Env, g: Group): Promise<void> {
  await dropRecorded(g);
  // deliveries that carry their own target (callbacks) need no control; the others use the owner's, cached by version
  const needControl = g.deliveries.some((m) => !m.body.x);
  if (needControl) {
    const minVersion = Math.max(...g.deliveries.map((m) => m.body.v ?? 0));
    const generations = g.deliveries.map((m) => m.body.g).filter((x): x is number => x !== undefined);
    const generation = generations.length ? Math.max(...generations) : undefined;
    g.control = await controlFor(g.key, minVersion, generation, [...new Set(g.deliveries.map((m) => m.body.f ?? ""))], () => g.owner.deliveryControl());
    if (!g.control) {
      g.deliveries.forEach((m) => m.ack()); // the owner no longer exists
      g.deliveries = [];
      return;
    }
  }
  g.reporter = new OutcomeReporter((items) => g.owner.recordOutcomes(items), (a) => remember(g.key, a.control), g.deliveries.length);
}

/** Delivers a batch's groups: bounded, in turns across lanes, probes after their owner's deliveries. */
async function deliver(env: Env, groups: Group[], fast: boolean): Promise<void> {
  await runBounded(groups.map((g) => () => prepare(env, g).catch((e) => fail(g, e))), SEND_CONCURRENCY);
  const slowLanes = new Set<string>();
  const lanes = new Map<string, { g: Group; m: Msg }[]>();
  for (const g of groups) for (const m of g.deliveries) {
    const lane = `${g.key}|${m.body.f ?? ""}`;
    lanes.set(lane, [...(lanes.get(lane) ?? []), { g, m }]);
  }
  const tasks = roundRobin([...lanes.entries()].map(([lane, items]) => items.map(({ g, m }) => async () => {
    if (!g.reporter) return;
    let result: AttemptResult;
    if (slowLanes.has(lane) || (fast && foundSlow(lane, Date.now()))) result = deferred;
    else {
      try {
        result = await attempt(env, g.owner, g.control, m.body, fast ? FAST_LANE_BUDGET_MS : undefined);
      } catch (e) {
        result = { statusCode: null, error: `delivery error: ${(e as Error).message}`.slice(0, 300), retryAfterSeconds: null };
      }
      // a lane that turned slow holds the fast queue for one round at most: the rest of its batch goes back
      if (fast && (result.deferred || (result.ms ?? 0) > FAST_LANE_SLOW_MS)) {
        slowLanes.add(lane);
        if (result.deferred !== "gate") markSlow(lane, Date.now());
      }
    }
    g.reporter.add(m, result);
  })));
  await runBounded(tasks, SEND_CONCURRENCY);
  await runBounded(groups.map((g) => async () => {
    try {
      await g.reporter?.drain();
      for (const p of g.probes) {
        await g.owner.probeReturned(p.body.d);
        p.ack();
      }
    } catch (e) {
      fail(g, e);
    }
  }), SEND_CONCURRENCY);
}

/** Unsettled messages come back later; settled ones were acked (a retry after an ack is ignored). */
function fail(g: Group, e: unknown): void {
  console.error(JSON.stringify({ msg: "delivery consumer error", error: String((e as Error)?.message ?? e).slice(0, 200) }));
  [...g.deliveries, ...g.probes].forEach((m) => m.retry({ delaySeconds: 5 }));
  g.reporter = null;
}

export async function consumeDeliveries(batch: MessageBatch<DeliveryBody>, env: Env): Promise<void> {
  const dead = batch.queue.endsWith("-dlq");
  const byOwner = new Map<string, Msg[]>();
  // a pack (several deliveries of one lane) counts as a message per delivery (./packs.ts)
  for (const msg of deliveryMessages(batch.messages)) {
    const key = `${msg.body.k ?? "trigger"}|${msg.body.t}|${msg.body.n}`;
    byOwner.set(key, [...(byOwner.get(key) ?? []), msg]);
  }
  const groups: Group[] = [...byOwner].map(([key, msgs]) => ({
    key, owner: ownerOf(env, msgs[0].body), deliveries: msgs.filter((m) => !m.body.p), probes: msgs.filter((m) => m.body.p), control: null, reporter: null,
  }));
  if (!dead) return deliver(env, groups, !batch.queue.endsWith("-slow"));
  await runBounded(groups.map((g) => async () => {
    try {
      for (const m of g.deliveries) await g.owner.deadLetter(m.body.d);
      [...g.deliveries, ...g.probes].forEach((m) => m.ack());
    } catch (e) {
      fail(g, e);
    }
  }), SEND_CONCURRENCY);
}
