/** The DELIVERIES queue message: one message is one attempt of one delivery. */

export interface DeliveryMessage {
  /** kind: absent for trigger deliveries, "run" for await callbacks (then `n` is the run id) */
  k?: "run";
  /** tenant */
  t: string;
  /** trigger name (or run id) */
  n: string;
  /** delivery id */
  d: string;
  /** attempt number this message is for (1-based) */
  a: number;
}

/** Whether a queue body is a delivery message (anything else is acknowledged and dropped). */
export function isDeliveryMessage(b: unknown): b is DeliveryMessage {
  const m = b as Partial<DeliveryMessage> | null;
  return !!m && (m.k === undefined || m.k === "run") && typeof m.t === "string" && typeof m.n === "string" && typeof m.d === "string" && Number.isInteger(m.a);
}
