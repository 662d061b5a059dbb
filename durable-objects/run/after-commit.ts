/**
 * The RunObject's one post-commit path: the alarm first (before any awaited
 * I/O, so a reset after the commit still finds the work due), then the
 * outbox and the callbacks' hand-over, then the alarm again for what they
 * changed. One alarm, at the earliest of the awaits' deadlines, the outbox,
 * the ledger and the removal of settled awaits.
 */
import type { RunCore } from "./core";
import { KEEP_SETTLED_MS } from "./awaits";
import { drainRunOutbox } from "./outbox";

/** Alarms at most this far apart: many deadlines close together are settled a few at a time, not one alarm each. */
const ALARM_GAP_MS = 200;

export async function settleEffects(core: RunCore): Promise<void> {
  await rearm(core);
  await drainRunOutbox(core);
  await core.ledger.handOver();
  await rearm(core);
}

/** The next deadline, the oldest settlement and the outbox's next row: one statement (rearm runs after every change and outcome). */
const NEXT_TIMES = `SELECT (SELECT min(expires_at) FROM awaits WHERE status = 'waiting') AS deadline,
  (SELECT min(settled_at) FROM awaits WHERE status != 'waiting') AS settled, (SELECT min(next_at) FROM outbox) AS outbox`;

export async function rearm(core: RunCore): Promise<void> {
  const t = core.sql.one<{ deadline: number | null; settled: number | null; outbox: number | null }>(NEXT_TIMES);
  const purge = t?.settled ?? null;
  const times = [t?.deadline ?? null, t?.outbox ?? null, core.ledger.nextDue(), purge === null ? null : purge + KEEP_SETTLED_MS].filter((x): x is number => x !== null);
  if (!times.length) {
    if (core.alarmAt === null) return;
    await core.storage.deleteAlarm();
    core.alarmAt = null;
    return;
  }
  const at = Math.max(Math.min(...times), core.now() + 5, core.lastAlarmAt + ALARM_GAP_MS);
  // the same time again changes nothing, and each set is a storage commit (a burst of outcomes re-arms often)
  if (at === core.alarmAt) return;
  await core.storage.setAlarm(at);
  core.alarmAt = at;
}
