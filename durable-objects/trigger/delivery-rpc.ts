/**
 * The trigger's side of the delivery queues' consumer (DeliveryOwnerRpc):
 * its targets, a batch of outcomes, a large body, a returned barrier, a
 * dead letter. An object that was never registered (or was deleted) holds
 * no deliveries: it answers null or does nothing, and writes nothing.
 */
import type { AttemptRef, DeliveryControl, OutcomeItem, OutcomesAnswer } from "../../src/contracts/rpc";
import type { TriggerHost } from "./host";
import { deliveryControl, deliveryBody, recordDeadLetter } from "./delivery-store";
import { releaseIfSettled } from "./schedule";
import { loadEntry } from "./tables/entry";
import { deliveryById } from "./tables/deliveries";

/** This trigger's delivery targets (cached by the consumer by version). */
export function controlOf(host: TriggerHost): DeliveryControl | null {
  return loadEntry(host.core) ? deliveryControl(host.core) : null;
}

/** Records the outcomes of attempts in one transaction; answers the current control with them. */
export async function recordOutcomes(host: TriggerHost, items: OutcomeItem[]): Promise<OutcomesAnswer | null> {
  const core = host.core;
  if (!core.ready || !loadEntry(core)) return null;
  const answers = core.ledger.recordOutcomes(items);
  // the consumer waits for this answer before its next batch: the freed room is handed over after it
  await host.settle({ fires: releaseIfSettled(core), deliveries: true });
  return { answers, control: deliveryControl(core) };
}

/** The body of an attempt too large to travel in its message. */
export function bodyOf(host: TriggerHost, deliveryId: string, attempt: number): Record<string, unknown> | null {
  const d = host.core.ready ? deliveryById(host.core, deliveryId) : null;
  return d ? deliveryBody(host.core, d, attempt) : null;
}

/** A probe this object sent came back through the queue. */
export async function probeReturned(host: TriggerHost, probeId: string): Promise<void> {
  host.core.ledger.probeReturned(probeId);
  await host.settle({});
}

/** Which of a redelivered message's attempts are still due. */
export function currentAttempts(host: TriggerHost, items: AttemptRef[]): boolean[] | null {
  const core = host.core;
  return core.ready && loadEntry(core) ? core.ledger.currentAttempts(items) : null;
}

export function deadLetter(host: TriggerHost, deliveryId: string): void {
  if (host.core.ready) recordDeadLetter(host.core, deliveryId);
}
