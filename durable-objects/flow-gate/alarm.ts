/**
 * The flow gate's single alarm: it tells the flow's subscribed triggers
 * about a policy change (a page at a time, until every one has heard it),
 * wakes the triggers whose asks wait when room comes back by the clock (the
 * window, a hold, a probe, a lease), and keeps the flow's D1 row current
 * (coalesced: at most one write every few seconds).
 */
import type { ObjectEnv } from "../../src/contracts/object-env";
import { objectStub, triggerObjectName } from "../../src/contracts/objects";
import { TriggerIndex } from "../../src/store/trigger-index";
import { FlowIndex } from "../../src/store/flow-index";
import { encodeCursor } from "../../src/store/cursor";
import { FAN_OUT, mapBounded } from "../../src/domain/bounded";
import { logEvent } from "../../src/observability/log";
import type { GateCore } from "./core";
import { gateView } from "./view";

/** State changes reach D1 at most this often. */
const PROJECT_COALESCE_MS = 5_000;
const NOTIFY_PAGE = 100;
const RETRY_MS = 5_000;

const dirty = new WeakMap<GateCore, number>();

/** The D1 row is due (now, after a policy change; within seconds, after a state change). */
export function markDirty(core: GateCore, now: boolean): void {
  const at = now ? core.now() : core.now() + PROJECT_COALESCE_MS;
  const cur = dirty.get(core);
  if (cur === undefined || at < cur) dirty.set(core, at);
}

/** The earliest thing the alarm has to do, or null. */
function nextDue(core: GateCore): number | null {
  if (!core.ready) return null;
  const now = core.now();
  const gate = core.current();
  const times = [
    dirty.get(core) ?? null,
    core.notifying() ? now : null,
    gate.waitingTriggers(now).length ? gate.nextChangeAt(now) : null,
  ].filter((t): t is number => t !== null);
  return times.length ? Math.max(now, Math.min(...times)) : null;
}

export async function rearmGate(core: GateCore, ctx: DurableObjectState): Promise<void> {
  const at = nextDue(core);
  if (at === null) await ctx.storage.deleteAlarm();
  else await ctx.storage.setAlarm(at);
}

/** Wakes up to `max` waiting triggers, oldest ask first: each asks again at once. */
export async function wakeWaiting(core: GateCore, env: ObjectEnv, max: number): Promise<void> {
  const id = core.identity();
  if (!id) return;
  const names = core.current().waitingTriggers(core.now()).slice(0, max);
  await mapBounded(names, FAN_OUT, async (name) => {
    try {
      await objectStub(env.TRIGGERS, triggerObjectName(id.tenant, name)).gateWake(id.flow);
    } catch {
      // its next ask comes with its own retry
    }
  });
}

/** Tells the flow's subscribed triggers, a page at a time, whether (and how) the flow is gated now. */
async function notify(core: GateCore, env: ObjectEnv, maxPages = Number.POSITIVE_INFINITY): Promise<void> {
  const id = core.identity();
  const n = core.notifying();
  if (!id || !n) return;
  const p = core.policy();
  const mark = { version: p?.version ?? 0, gated: !!p && Object.keys(p.policy).length > 0, breaker: p?.policy.breaker !== undefined, rate: p?.policy.rateLimit !== undefined };
  const index = new TriggerIndex(env.DB, id.tenant);
  let after = n.after;
  for (let page = 0; page < maxPages; page++) {
    const { names, nextCursor } = await index.flowSubscriptions(id.flow, NOTIFY_PAGE, after ? encodeCursor([0, after]) : undefined);
    await mapBounded(names, FAN_OUT, (name) => objectStub(env.TRIGGERS, triggerObjectName(id.tenant, name)).gateChanged(id.flow, mark));
    if (!names.length) return finish(core, n.version);
    after = names[names.length - 1];
    core.tx(() => core.setNotifying({ version: n.version, after }));
    if (!nextCursor) return finish(core, n.version);
  }
}

function finish(core: GateCore, version: number): void {
  core.tx(() => {
    if (core.notifying()?.version === version) core.setNotifying(null);
  });
}

async function project(core: GateCore, env: ObjectEnv): Promise<void> {
  const at = dirty.get(core);
  const id = core.identity();
  if (at === undefined || at > core.now() || !id) return;
  dirty.delete(core);
  const v = gateView(core);
  try {
    await new FlowIndex(env.DB, id.tenant).put({ flow: id.flow, policy: v.policy, source: v.source, version: v.version, state: v.state }, core.now());
  } catch {
    markDirty(core, false);
  }
}

/**
 * A policy change reaches the flow's first NOTIFY_PAGE triggers before its
 * answer (a pause is in force when PUT or pause answers); the alarm tells
 * the rest, and retries what failed.
 */
export async function notifyNow(core: GateCore, env: ObjectEnv): Promise<void> {
  try {
    await notify(core, env, 1);
  } catch (e) {
    logEvent("after_commit.failed", { error: String((e as Error)?.message ?? e).slice(0, 200) }, "warn");
  }
}

export async function runGateAlarm(core: GateCore, env: ObjectEnv, ctx: DurableObjectState): Promise<void> {
  if (!core.ready) return;
  try {
    await notify(core, env);
    await wakeWaiting(core, env, 16);
    await project(core, env);
  } catch (e) {
    logEvent("after_commit.failed", { error: String((e as Error)?.message ?? e).slice(0, 200) }, "warn");
    await ctx.storage.setAlarm(core.now() + RETRY_MS);
    return;
  }
  await rearmGate(core, ctx);
}
