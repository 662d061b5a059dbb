/** After a fire commits: wake long-polling readers, arm the alarm (lease, stats) before sending, send, apply notices. */
import type { Core } from "./core";
import { armAlarm, sendDeliveries } from "./dispatch";
import { drainNotices } from "./notices";
import { leaseMs } from "./lease";
import { STATS_COALESCE_MS } from "./stats-flush";
import type { FireOutcome } from "./pipeline";

export async function afterFire(core: Core, outcome: FireOutcome): Promise<void> {
  if (outcome.answer.status === "deduplicated") return;
  for (const wake of [...core.fireWaiters]) wake();
  const now = core.now();
  // armed first, so a crash between commit and send is recovered by the lease
  // (earlier leases are already covered by the armed alarm; only the new ones can move it)
  await armAlarm(core, Math.min(core.statsDueAt ?? now + STATS_COALESCE_MS, outcome.send.length ? now + leaseMs(core) : Infinity));
  await sendDeliveries(core, outcome.send);
  await drainNotices(core);
}

export async function afterFires(core: Core, outcomes: FireOutcome[]): Promise<void> {
  for (const o of outcomes) await afterFire(core, o);
}
