/**
 * The one post-commit path of a TriggerObject (ARCHITECTURE.md invariant 11).
 * After a transaction commits, `afterCommit` decides what follows:
 *
 * 1. the alarm, armed first, before any awaited I/O, no later than the
 *    earliest of the stats flush (every change sets it within seconds, and
 *    the alarm then does everything below again), a stored webhook's retry
 *    and the ledger's own due time: a reset right after the commit still
 *    finds the work due;
 * 2. for changes a list must show at once (registration, subscriptions), the
 *    D1 projection and poll membership, before the answer;
 * 3. everything else in the background, after the answer: the hand-over of
 *    new or freed deliveries, run notices, flow notices. The ingress never
 *    waits on a delivery.
 */
import type { Core } from "./core";
import type { FireOutcome } from "./pipeline";
import { INBOX_RETRY_MS, rearm } from "./alarm";
import { STATS_COALESCE_MS } from "./stats";
import { drainProjection } from "./projection";
import { drainPollSync } from "./poll-member";
import { drainNotices } from "./notices";
import { drainFlowNotices } from "./chain";
import { logEvent } from "../../src/observability/log";

export type Committed = {
  /** fires were recorded: wake pull readers, hand their deliveries over, apply run notices */
  fires?: FireOutcome[];
  /** deliveries were created, settled or freed (replay, skip, outcomes): hand over */
  deliveries?: boolean;
  /** flow notices (chained fires) were queued */
  flowNotices?: boolean;
  /** the index entry or a subscription changed: apply the D1 projection before answering */
  project?: boolean;
  /** a webhook request was stored for processing */
  inbox?: boolean;
};

/** Makes sure the single alarm fires no later than `at` (cached: no storage read per fire). */
async function armAlarm(core: Core, at: number): Promise<void> {
  if (!Number.isFinite(at)) return;
  at = Math.max(at, 1); // the runtime refuses times <= 0 (a test's clock may start there): "at once"
  if (core.alarmAt === undefined) core.alarmAt = await core.storage.getAlarm();
  if (core.alarmAt === null || at < core.alarmAt) {
    core.alarmAt = at;
    await core.storage.setAlarm(at);
  }
}

export async function afterCommit(core: Core, waitUntil: (p: Promise<unknown>) => void, c: Committed): Promise<void> {
  const now = core.now();
  const fresh = (c.fires ?? []).filter((o) => o.answer.status !== "deduplicated");
  if (fresh.length) for (const wake of [...core.fireWaiters]) wake();
  const handOver = !!c.deliveries || fresh.some((o) => o.answer.deliveries.length > 0);
  const background = handOver || fresh.length > 0 || !!c.flowNotices;
  await armAlarm(core, Math.min(
    core.statsDueAt ?? Infinity,
    background ? now + STATS_COALESCE_MS : Infinity,
    c.inbox ? now + INBOX_RETRY_MS : Infinity,
    // with the stats flush due within seconds, only what cannot wait for it (that wake re-arms for the rest)
    (core.statsDueAt !== null ? core.ledger.urgentDue() : core.ledger.nextDue()) ?? Infinity,
  ));
  if (c.project) {
    await drainProjection(core);
    await drainPollSync(core);
    await rearm(core);
  }
  // only new fires' deliveries (nothing freed): the hand-over may wait for the previous fire's
  const burst = !c.deliveries && handOver;
  if (background) waitUntil(followUp(core, handOver, burst, fresh.length > 0, !!c.flowNotices));
}

async function followUp(core: Core, handOver: boolean, burst: boolean, notices: boolean, flowNotices: boolean): Promise<void> {
  try {
    // a fire's hand-over waits for the previous fire's (a burst leaves together); freed room does not
    const sent = handOver ? await core.ledger.handOver({ burst }) : { failed: false };
    // a failed send comes back sooner than the stats flush the first arm covered
    if (sent.failed) await armAlarm(core, core.ledger.nextDue() ?? Infinity);
    if (notices) await drainNotices(core, true);
    if (flowNotices) await drainFlowNotices(core);
  } catch (e) {
    logEvent("after_commit.failed", { error: String((e as Error)?.message ?? e).slice(0, 200) }, "warn");
  }
}
