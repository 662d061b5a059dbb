/**
 * The run's side of the delivery queues' consumer (DeliveryOwnerRpc): its
 * await callbacks are deliveries of the one ledger. A run that never
 * awaited anything answers null or does nothing, and writes nothing.
 */
import type { AttemptRef, DeliveryControl, OutcomeItem, OutcomesAnswer } from "../../src/contracts/rpc";
import type { RunCore } from "./core";
import { callbackBody, callbackControl, callbackRow, deadLetterCallback } from "./callbacks";
import { rearm } from "./after-commit";

export function controlOf(core: RunCore): DeliveryControl | null {
  return core.ready ? callbackControl(core) : null;
}

/** Records callback attempts' outcomes in one transaction; the freed room is handed over after the answer. */
export async function recordOutcomes(core: RunCore, waitUntil: (p: Promise<unknown>) => void, items: OutcomeItem[]): Promise<OutcomesAnswer | null> {
  if (!core.ready) return null;
  const answers = core.ledger.recordOutcomes(items);
  await rearm(core);
  waitUntil(core.ledger.handOver().then(() => rearm(core)));
  // callbacks carry their targets in their messages: the consumer keeps no control for a run
  return { answers, control: { version: 1, retired: false, targets: {}, skipped: [] } };
}

export function bodyOf(core: RunCore, id: string, attempt: number): Record<string, unknown> | null {
  if (!core.ready) return null;
  const c = callbackRow(core, id);
  return c ? callbackBody(core, c, attempt) : null;
}

export async function probeReturned(core: RunCore, probeId: string): Promise<void> {
  core.ledger.probeReturned(probeId);
  await rearm(core);
}

/** Which of a redelivered message's attempts are still due. */
export function currentAttempts(core: RunCore, items: AttemptRef[]): boolean[] | null {
  return core.ready ? core.ledger.currentAttempts(items) : null;
}

export function deadLetter(core: RunCore, id: string): void {
  if (core.ready) deadLetterCallback(core, id);
}
