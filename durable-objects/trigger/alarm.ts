/**
 * The single alarm: it fires at the earliest due time of the outbox, the
 * delivery leases, housekeeping (and, with schedules, the next occurrence),
 * does whatever is due and re-arms itself.
 */
import type { Core } from "./core";
import { drainProjection, nextProjectionDue, flushStats } from "./projection";
import { resendExpired, nextLeaseDue } from "./dispatch";
import { runHousekeeping, nextHousekeepingDue } from "./housekeeping";
import { inboxPending } from "./inbox";
import { drainNotices } from "./waiters";
import { runSchedule, nextScheduleDue } from "./schedule";
import type { FireOutcome } from "./fire";

/** How soon the alarm retries an inbox row that was stored but not processed. */
export const INBOX_RETRY_MS = 2_000;

export async function runAlarm(core: Core, drainInbox: () => Promise<void>, send: (o: FireOutcome[]) => Promise<void>): Promise<void> {
  core.alarmAt = null;
  if (!core.row()) return;
  const now = core.now();
  await send(runSchedule(core));
  if (inboxPending(core)) await drainInbox();
  await drainProjection(core);
  await flushStats(core);
  await drainNotices(core);
  if (core.leaseDue === undefined || (core.leaseDue !== null && core.leaseDue <= now)) {
    await resendExpired(core);
    core.leaseDue = nextLeaseDue(core);
  }
  if (nextHousekeepingDue(core) <= now) {
    runHousekeeping(core);
    await flushStats(core, true);
  }
  await rearm(core);
}

/** Sets the alarm to the earliest due time, or deletes it when nothing is due. */
export async function rearm(core: Core): Promise<void> {
  if (core.leaseDue === undefined) core.leaseDue = nextLeaseDue(core);
  const inbox = inboxPending(core) ? core.now() + INBOX_RETRY_MS : null;
  const candidates = [nextProjectionDue(core), core.statsDueAt, core.leaseDue, core.row() ? nextHousekeepingDue(core) : null, inbox, nextScheduleDue(core)].filter((t): t is number => t !== null);
  if (candidates.length === 0) {
    await core.storage.deleteAlarm();
    core.alarmAt = null;
    return;
  }
  const at = Math.max(Math.min(...candidates), core.now() + 10);
  core.alarmAt = at;
  await core.storage.setAlarm(at);
}
