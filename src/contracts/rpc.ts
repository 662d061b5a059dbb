/**
 * Shapes that cross the Worker / Durable Object boundary (RPC arguments and
 * answers). Both sides import them from here; neither reaches into the
 * other's internals for a type.
 */
import type { TargetDef } from "../schemas/subscription";

/** Where a fire came from (the stream's `data.source`). */
export type FireSource = "api" | "webhook" | "schedule" | "poll" | "flow" | "import";

/** POST …/fire as the object takes it. */
export type FireRequest = { data: unknown; source: "api"; idempotencyKey?: string; flows?: string[] };

export type DeliveryRef = { deliveryId: string; flow: string; status: string };

/** The answer to a fire (API.md "Fires"). */
export type FireAnswer = {
  eventId: string;
  seq: number;
  status: "accepted" | "deduplicated" | "skipped";
  skipReason: string | null;
  deliveries: DeliveryRef[];
};

/** A webhook request as the Worker hands it to the object that owns its path. */
export type IngestRequest = {
  path: string;
  method: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: ArrayBuffer;
  sourceIp: string | null;
};

export type IngestAnswer =
  | { kind: "not_mine" }
  | { kind: "stored"; id: string; status: "accepted" | "deduplicated" }
  | { kind: "challenge"; challenge: string };

/** The consumer's claim of one delivery attempt. */
export type Claim =
  | { action: "drop"; reason: string }
  | { action: "retry"; delaySeconds: number }
  | { action: "deliver"; deliveryId: string; attempt: number; target: TargetDef; body: string; timeoutMs: number };

/** What a target answered to one attempt (statusCode null: timeout or network error). */
export type AttemptResult = { statusCode: number | null; error: string | null; retryAfterSeconds: number | null };

export type OutcomeAnswer = { action: "ack" } | { action: "retry"; delaySeconds: number };

/** An event await registering on a trigger: matched at once from the lookback, or waiting. */
export type WaiterResult = { matched: { eventId: string; trigger: string; firedAt: number; data: unknown } | null };
