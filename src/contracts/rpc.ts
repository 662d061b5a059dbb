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

/**
 * What a target answered to one attempt (statusCode null: timeout or network
 * error), or why the consumer did not attempt it (`skipped`: the flow is no
 * longer subscribed, the trigger is retired, the delivery was skipped).
 */
export type AttemptResult = { statusCode: number | null; error: string | null; retryAfterSeconds: number | null; skipped?: string };

/** An owner's delivery targets as the consumer caches them, by flow (or await step). */
export type DeliveryControl = {
  version: number;
  /** a retired trigger: every attempt is skipped */
  retired: boolean;
  targets: Record<string, TargetDef>;
  /** deliveries skipped lately (an attempt already in the queue for one of them is not sent) */
  skipped: string[];
};

/** The owner's answer to a batch of outcomes: one verdict per item, and its current control. */
export type OutcomesAnswer = { answers: ("recorded" | "stale")[]; control: DeliveryControl };

/** An event await registering on a trigger: matched at once from the lookback, or waiting. */
export type WaiterResult = { matched: { eventId: string; trigger: string; firedAt: number; data: unknown } | null };
