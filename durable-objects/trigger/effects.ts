/** After a fire commits: wake long-polling readers, hand its deliveries to the queue, arm the alarm, apply notices. */
import type { Core } from "./core";
import { armAlarm } from "./arm";
import { SEND_RETRY_MS } from "../ledger/ledger";
import { drainNotices } from "./notices";
import { STATS_COALESCE_MS } from "./stats";
import type { FireOutcome } from "./pipeline";

export async function afterFire(core: Core, outcome: FireOutcome): Promise<void> {
  if (outcome.answer.status === "deduplicated") return;
  for (const wake of [...core.fireWaiters]) wake();
  const sent = outcome.answer.deliveries.length ? await core.ledger.handOver() : { failed: false };
  // the stats flush brings the alarm within seconds; it re-arms for the ledger (probes) from there
  await armAlarm(core, Math.min(core.statsDueAt ?? core.now() + STATS_COALESCE_MS, sent.failed ? core.now() + SEND_RETRY_MS : Infinity));
  await drainNotices(core);
}

export async function afterFires(core: Core, outcomes: FireOutcome[]): Promise<void> {
  for (const o of outcomes) await afterFire(core, o);
}

/** After a poll fan-out's fires committed together: one hand-over for all of them. */
export async function afterPollFires(core: Core, outcomes: FireOutcome[]): Promise<void> {
  const fresh = outcomes.filter((o) => o.answer.status !== "deduplicated");
  if (!fresh.length) return;
  for (const wake of [...core.fireWaiters]) wake();
  const sent = fresh.some((o) => o.answer.deliveries.length) ? await core.ledger.handOver() : { failed: false };
  await armAlarm(core, Math.min(core.statsDueAt ?? core.now() + STATS_COALESCE_MS, sent.failed ? core.now() + SEND_RETRY_MS : Infinity));
  await drainNotices(core);
}
