/**
 * The DELIVERIES queue message. One message is one attempt of one delivery
 * and carries what the consumer needs to send it: the owner (a trigger or a
 * run), the delivery id and attempt, the flow (or await step) whose target
 * to use, the owner's control version when it was handed over (the consumer's
 * cached targets must be at least that new), and the body to POST (absent
 * when too large for a message: the consumer then asks the owner). A probe
 * is a message with `p` set and no delivery: a barrier the ledger sends
 * through the queue to find lost messages.
 */

export interface DeliveryMessage {
  /** owner kind: absent for trigger deliveries, "run" for await callbacks (then `n` is the run id) */
  k?: "run";
  /** tenant */
  t: string;
  /** trigger name (or run id) */
  n: string;
  /** delivery id (a probe's id for probes) */
  d: string;
  /** attempt number (1-based) */
  a: number;
  /** flow of a trigger delivery, step of a callback */
  f?: string;
  /** the owner's control version when handed over */
  v?: number;
  /** the owner's registration the version belongs to (its registeredAt) */
  g?: number;
  /** the body to send (JSON), unless too large */
  b?: unknown;
  /** the target itself, for a delivery whose target is its own (an await's callback: one-off, never cached) */
  x?: TargetDef;
  /** set on probes */
  p?: 1;
  /** a delivery of a flow with a policy: the consumer starts it at the flow's gate first (docs/flow-control.md) */
  gf?: string;
}

import type { TargetDef } from "../schemas/subscription";

/** A body larger than this (as JSON) is not carried in the message (queue messages hold 128 KB). */
export const MAX_MESSAGE_BODY = 100_000;

/**
 * Several deliveries of one lane in one queue message: a hand-over of more
 * than one delivery to the same queue carries them together (a queue bills
 * and moves messages, not deliveries). The consumer treats each as its own
 * message; the pack is acknowledged once every delivery in it is.
 */
export interface DeliveryPack {
  pk: DeliveryMessage[];
}

/** What a delivery queue carries. */
export type DeliveryBody = DeliveryMessage | DeliveryPack;

/** Whether a queue body is a pack of delivery messages. */
export function isDeliveryPack(b: unknown): b is DeliveryPack {
  const p = b as Partial<DeliveryPack> | null;
  return !!p && Array.isArray(p.pk) && p.pk.length > 0 && p.pk.every(isDeliveryMessage);
}

/** Whether a queue body is a delivery message (anything else is acknowledged and dropped). */
export function isDeliveryMessage(b: unknown): b is DeliveryMessage {
  const m = b as Partial<DeliveryMessage> | null;
  return !!m && (m.k === undefined || m.k === "run") && typeof m.t === "string" && typeof m.n === "string" && typeof m.d === "string" && Number.isInteger(m.a);
}
