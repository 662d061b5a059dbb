/**
 * The run's alarm: awaits past their deadline time out (an event waiter is
 * removed from its trigger), settled awaits older than KEEP_SETTLED_MS go
 * with their callback and resume-token rows, the ledger does its part, and
 * the post-commit path re-arms.
 */
import type { RunCore } from "./core";
import { expire, KEEP_SETTLED_MS, type AwaitRow } from "./awaits";
import { queueAwaitCounts } from "./await-counts";
import { queueOp } from "./outbox";
import { leaveTrigger } from "./await-rpc";
import { settleEffects } from "./after-commit";

export async function runAlarm(core: RunCore): Promise<void> {
  if (!core.ready) return;
  core.lastAlarmAt = core.now();
  core.alarmAt = undefined; // this alarm is running: the next one is not known until it is set
  const now = core.now();
  const due = core.sql.all<AwaitRow>(`SELECT * FROM awaits WHERE status = 'waiting' AND expires_at <= ? LIMIT 1000`, now);
  core.tx(() => {
    let settled = 0;
    for (const a of due) {
      if (!expire(core, a, false)) continue;
      settled++;
      leaveTrigger(core, a);
    }
    // one counts push for the whole pass (it reads the counts when it is sent)
    if (settled) queueAwaitCounts(core);
  });
  // settled awaits are kept 7 days for inspection, then removed with their token row
  const old = core.sql.all<AwaitRow>(`SELECT * FROM awaits WHERE status != 'waiting' AND settled_at <= ? LIMIT 1000`, now - KEEP_SETTLED_MS);
  core.tx(() => {
    for (const a of old) {
      core.sql.run(`DELETE FROM awaits WHERE step = ?`, a.step);
      core.sql.run(`DELETE FROM callbacks WHERE step = ? AND status != 'queued'`, a.step);
      if (a.token_hash) queueOp(core, `untoken:${a.step}`, { op: "untoken", tokenHash: a.token_hash });
    }
    if (old.length) queueAwaitCounts(core);
  });
  await core.ledger.tick();
  await settleEffects(core);
}
