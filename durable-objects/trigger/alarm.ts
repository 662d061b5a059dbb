/**
 * The single alarm: it fires at the earliest due time of the outbox, the
 * stats checkpoint, the delivery ledger (due attempts, probes, lost
 * deliveries), the inbox, housekeeping and the schedule, does whatever is due
 * and re-arms itself, or deletes itself when nothing is due (an idle trigger
 * holds no alarm).
 */
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { hasOpenInbox } from "./tables/inbox";
import { nextOutboxDue } from "./tables/outbox";
import { drainProjection } from "./projection";
import { flushStats } from "./stats-flush";
import { runHousekeeping, nextHousekeepingDue } from "./housekeeping";
import { drainNotices } from "./notices";
import { drainFlowNotices } from "./chain";
import { drainPollSync } from "./poll-member";
import { runSchedule, nextScheduleDue } from "./schedule";

/** How soon the alarm retries an inbox row that was stored but not processed. */
export const INBOX_RETRY_MS = 2_000;
/** How long after a scheduled fire a stats flush that fell due with it waits. */
const FLUSH_AFTER_FIRE_MS = 250;

export async function runAlarm(core: Core, drainInbox: () => Promise<void>): Promise<void> {
  core.alarmAt = null;
  if (!loadEntry(core)) return;
  const fired = runSchedule(core);
  if (fired.some((o) => o.answer.status !== "deduplicated")) for (const wake of [...core.fireWaiters]) wake();
  // deliveries first (a scheduled fire's lateness), then the inbox and the drains to D1 and other objects
  await core.ledger.tick();
  if (hasOpenInbox(core)) await drainInbox();
  // each drain takes due outbox rows of its own kind: with none due (one read) none of them runs
  const outboxDue = nextOutboxDue(core);
  if (outboxDue !== null && outboxDue <= core.now()) {
    await drainProjection(core);
    await drainNotices(core);
    await drainFlowNotices(core);
    await drainPollSync(core);
  }
  // due by the clock after the drains (their I/O takes time): a pass due "now" is never later than this reading
  const hk = nextHousekeepingDue(core);
  const housekeeping = hk !== null && hk <= core.now();
  if (housekeeping) {
    // rows that left are checkpointed at once; a pass that removed nothing writes nothing to D1
    const { removed } = runHousekeeping(core);
    await flushStats(core, removed > 0);
  } else if (fired.length > 0 && core.statsDueAt !== null && core.statsDueAt <= core.now()) {
    // a scheduled fire's alarm leaves the flush (D1 writes) for a moment later: at the occurrence every
    // schedule of the same cron fires at once, and their flushes' I/O would hold up the deliveries
    core.statsDueAt = core.now() + FLUSH_AFTER_FIRE_MS;
  } else {
    await flushStats(core);
  }
  // (a pass moved the housekeeping time: the re-arm reads it again)
  await rearm(core, housekeeping ? undefined : hk);
}

/**
 * Sets the alarm to the earliest due time, or deletes it when nothing is due.
 * `housekeepingDue`: the housekeeping time when the caller has just read it (and nothing since moved it).
 */
export async function rearm(core: Core, housekeepingDue?: number | null): Promise<void> {
  const inbox = hasOpenInbox(core) ? core.now() + INBOX_RETRY_MS : null;
  const hk = housekeepingDue === undefined ? nextHousekeepingDue(core) : housekeepingDue;
  const candidates = [nextOutboxDue(core), core.statsDueAt, core.ledger.nextDue(), hk, inbox, nextScheduleDue(core)].filter((t): t is number => t !== null);
  if (candidates.length === 0) {
    await core.storage.deleteAlarm();
    core.alarmAt = null;
    return;
  }
  const at = Math.max(Math.min(...candidates), core.now() + 10);
  core.alarmAt = at;
  await core.storage.setAlarm(at);
}
