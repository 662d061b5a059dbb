/**
 * Shapes that cross the Worker / Durable Object boundary (RPC arguments and
 * answers). Both sides import them from here; neither reaches into the
 * other's internals for a type.
 */
import type { TargetDef } from "../schemas/subscription";
import type { PollSpec } from "../domain/poll/types";

/** Where a fire came from (the stream's `data.source`). */
export type FireSource = "api" | "webhook" | "schedule" | "poll" | "flow" | "import";

/** POST …/fire as the object takes it. */
export type FireRequest = { data: unknown; source: "api"; idempotencyKey?: string; flows?: string[] };

export type DeliveryRef = { deliveryId: string; flow: string; status: string; batched?: boolean };

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
 * error) and how long the attempt took (`ms`), or why the consumer did not
 * attempt it: `skipped` (the flow is no longer subscribed, the trigger is
 * retired, the delivery was skipped) settles the delivery; `deferred` hands
 * it back to wait again without counting an attempt (`slow`: the fast queue
 * gave up on its lane, which takes the slow queue from now on).
 */
export type AttemptResult = {
  statusCode: number | null; error: string | null; retryAfterSeconds: number | null;
  ms?: number; skipped?: string; deferred?: "slow" | "gate";
};

/** An owner's delivery targets as the consumer caches them, by flow (or await step). */
export type DeliveryControl = {
  version: number;
  /** the owner's registration (a trigger deleted and registered again starts over at version 1) */
  generation?: number;
  /** a retired trigger: every attempt is skipped */
  retired: boolean;
  targets: Record<string, TargetDef>;
  /** deliveries skipped lately (an attempt already in the queue for one of them is not sent) */
  skipped: string[];
};

/** One attempt of one delivery. */
export type AttemptRef = { id: string; attempt: number };

/** One attempt's outcome as the consumer reports it to the delivery's owner. */
export type OutcomeItem = AttemptRef & { result: AttemptResult };

/** The owner's answer to a batch of outcomes: one verdict per item, and its current control. */
export type OutcomesAnswer = { answers: ("recorded" | "stale")[]; control: DeliveryControl };

/** An event await registering on a trigger: matched at once from the lookback, or waiting. */
export type WaiterResult = { matched: { eventId: string; trigger: string; firedAt: number; data: unknown } | null };

/** What a flow trigger fires with (API.md "Flow triggers"), and the depth of the chain so far. */
export type FlowNotice = {
  flow: string; status: "completed" | "failed"; output: unknown; error: string | null;
  trigger: string; eventId: string; deliveryId: string; depth: number;
};

/** A poll trigger joining (or re-joining, after an update) its poll group. */
export type PollMember = {
  tenant: string;
  name: string;
  /** the trigger's version: an older join never overwrites a newer one */
  version: number;
  /** the trigger's `poll` block, headers included (the group polls with them) */
  poll: PollSpec;
};

/** One item of a poll answer, as the group fans it out. */
export type PollFanItem = { id: string; item: unknown };

/**
 * What a poll group hands one member: new items to fire, items that cannot
 * be fired (no usable id) to record as skipped, or a poll.failed /
 * poll.recovered event. Repeats are harmless (ids are derived).
 */
export type PollFanOut = {
  group: string;
  /** unique per fan-out row and group lifetime: the trigger records an event once per ref */
  ref: string;
  items?: PollFanItem[];
  invalid?: { key: string; item: unknown; message: string }[];
  event?: { type: "poll.failed" | "poll.recovered"; data: Record<string, unknown> };
};

/** The member's answer: `member: false` when it no longer belongs to the group (retired, or polls elsewhere now). */
export type PollFanOutAnswer = { member: boolean; fired: number; skipped: number; deduplicated: number };

/** A group's `poll.state` (API.md "Poll triggers"). */
export type PollStateView = {
  lastPolledAt: number | null; lastStatus: number | null; lastError: string | null; consecutiveFailures: number; paused: boolean; group: string;
};

/** Import / sync preview of a definition with plain secrets: whether the trigger would change, and each subscription. */
export type DefinitionPreview = { trigger: boolean; subscriptions: Record<string, "created" | "updated" | "unchanged"> };

/** What a trigger keeps of a flow's policy: its version, and whether the flow-wide breaker replaces the subscription's own. */
export type GateMark = { version: number; gated: boolean; breaker: boolean; rate?: boolean };

/** A trigger's part of POST /v1/flows/{flow}/recover: dead or failed deliveries of fires in [since, until], after `after` (an event seq). */
export type RecoverPart = { status: "dead" | "failed"; since: number; until: number; after: number | null; limit: number; dryRun: boolean };
