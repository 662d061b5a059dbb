/**
 * What the Durable Objects answer their readers: a trigger, its
 * subscriptions, stream events, fires and deliveries, stats, a schedule's
 * preview and a run's awaits. The objects build these shapes; the Worker
 * adds URLs and serves them (API.md). Both sides import them from here.
 */
import type { FlowPolicy } from "../schemas/flow";
import type { TriggerDef } from "../schemas/trigger";
import type { RetryPolicy } from "../domain/backoff";
import type { DeliveryRef, PollStateView } from "./rpc";

export type TriggerStatus = "active" | "retired" | "deprecated";

/** The `stats` object of a trigger (API.md "Triggers"). */
export type TriggerStats = {
  totalFires: number; lastFiredAt: number | null; activeSubscribers: number;
  delivered: number; failed: number; skipped: number; pending: number; dead: number;
  deduplicated: number; rejected: number; authFailures: number;
};

/** A subscription as readers see it: its definition, secrets redacted. */
type SubscriptionBase = { flow: string; mode: "auto" | "manual"; target: Record<string, unknown>; retry: RetryPolicy; subscribedAt: number };

/** The delivery state of an http or queue subscription: its breaker, a Retry-After hold, what waits and what is in flight. */
export type LaneView = { breaker: "closed" | "open" | "half_open"; breakerOpenedAt: number | null; heldUntil: number | null; inFlight: number };

/** A pull subscription shows its definition; an http or queue one its delivery state too. */
export type SubscriptionView = SubscriptionBase | (SubscriptionBase & LaneView & { waiting: number });

/** The trigger as GET answers it (secrets redacted; the Worker adds webhookUrl). A poll trigger's GET adds `poll.state`. */
export type TriggerView = Omit<TriggerDef, "source" | "poll"> & {
  name: string; scope: "flow"; status: TriggerStatus; source: string;
  registeredAt: number; updatedAt: number; lastActivityAt: number; retiredAt: number | null; retiredReason: string | null;
  subscriptions: Record<string, DistributiveOmit<SubscriptionView, "flow">>;
  stats: TriggerStats;
  /** schedule triggers: the next occurrence (null: none, or paused) */
  nextFireAt?: number | null;
  poll?: NonNullable<TriggerDef["poll"]> & { state?: PollStateView | null };
  version: number;
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** PUT …/triggers/{name}: whether it was created, the webhook path it held before (to release), and the trigger. */
export type Registered = { created: boolean; previousPath: string | null; trigger: TriggerView };

/** PUT …/subscriptions/{flow}: a generated secret is returned once. */
export type SubscriptionAnswer = SubscriptionView & { trigger: string; secret?: string };

/** POST …/rotate-secret: the new secret (once) and until when the previous one still signs. */
export type RotatedSecret = SubscriptionView & { trigger: string; secret: string; previousSecretExpiresAt: number | null };

/** One event of the append-only stream (the payload hidden when persistData is false). */
export type StreamEvent = { seq: number; id: string; type: string; ts: number; data: unknown };

export type EventsPage = { events: StreamEvent[]; nextCursor: string | null };

/** A pull subscription's pending events and its checkpoint. */
export type PullPage = { events: StreamEvent[]; checkpoint: number };

export type Checkpoint = { checkpoint: number };

/** One delivery of a fire. */
export type DeliveryView = {
  deliveryId: string; flow: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null;
  nextAttemptAt: number | null; deliveredAt: number | null; latencyMs: number | null; reason: string | null;
  /** why a skipped delivery was skipped (manual_mode, debounced, unsubscribed, …; null otherwise) */
  skipReason: string | null;
  /** what the flow reported with its status */
  output?: unknown;
};

/** One fire with its deliveries (API.md "Fires"); fields the fire did not record are absent. */
export type FireView = {
  eventId: string; seq: number; firedAt: number; status: "accepted" | "skipped"; skipReason: string | null; source: unknown;
  scheduledFor?: unknown; latenessMs?: unknown; details?: unknown; eventType?: unknown; headers?: unknown; chainDepth?: unknown;
  /** absent when persistData is false */
  data?: unknown;
  deliveryStatus: string;
  deliveries: DeliveryView[];
};

export type FiresPage = { fires: FireView[]; nextCursor: string | null };

/** GET /v1/deliveries/{id}: the delivery, its trigger and its fire. */
export type DeliveryLookup = DeliveryView & { trigger: string; eventId: string; delivery: DeliveryView };

export type Replayed = { eventId: string; deliveries: DeliveryRef[] };
export type FireSkipped = { eventId: string; skipped: string[] };
export type StatusReported = { deliveryId: string; status: "processing" | "completed" | "failed" };

/** The outbox's state, as stats show it. */
export type OutboxHealth = { pending: number; failing: number; maxAttempts: number; lastError: string | null };

/** GET …/stats: the trigger's stats, the last hour, latency, a 12-hour history, storage and outbox figures. */
export type StatsAnswer = TriggerStats & {
  firesLastHour: number; p50DeliveryMs: number | null; p99DeliveryMs: number | null;
  history: { bucketMs: number; buckets: { at: number; fires: number; failures: number }[] };
  /** schedule triggers: how late fires were */
  p50LatenessMs?: number | null; p99LatenessMs?: number | null;
  rowsWritten: number; rowsRead: number; outbox: OutboxHealth;
  /** cost accounting since the object started: delivery messages the queues took, outcome reports (object requests) it received */
  queueMessages: number; outcomeReports: number;
};

/** GET …/schedule: the next occurrences (jitter applied) and the rules they follow. */
export type SchedulePreview = {
  timezone: string; enabled: boolean; dst: { gap: string; fold: string };
  next: { at: number; iso: string; scheduledFor: number }[];
};

export type Backfilled = { fired: number; alreadyFired: number; eventIds: string[] };

export type AwaitStatus = "waiting" | "resolved" | "timed_out" | "cancelled";

/** One await of a run (API.md "Awaits"); the callback's secret redacted. */
export type AwaitView = {
  runId: string; step: string; kind: string; status: AwaitStatus; createdAt: number; expiresAt: number | null;
  settledAt?: number; result?: unknown; trigger?: string; match?: Record<string, unknown>; callback?: Record<string, unknown>;
};

/** PUT an await: a webhook await's resume token and a generated callback secret are returned once. */
export type AwaitPut = { created: boolean; await: AwaitView; resumeToken?: string; secret?: string };

/** A flow gate's policy and state (GET /v1/flows/{flow} adds what the triggers hold). */
export type GateView = {
  policy: FlowPolicy;
  version: number;
  source: string | null;
  state: {
    inFlight: number; breaker: "closed" | "open" | "half_open"; breakerOpenedAt: number | null; paused: boolean; heldUntil: number | null;
    /** deliveries that had to wait for the rate or the concurrency (a counter) */
    throttled: number;
    /** deliveries the asking triggers said wait at the gate, and the oldest of them */
    asking: number; oldestAskAt: number | null;
  };
  /** SQLite rows the gate wrote since its object started (cost accounting, like a trigger's stats.rowsWritten) */
  rowsWritten: number;
};

/** One page of a flow's activity log. */
export type ActivityPage = { entries: { seq: number; type: string; ts: number; data: unknown }[]; nextCursor: string | null };

/** What one trigger replayed of a flow's dead or failed deliveries (POST /v1/flows/{flow}/recover). */
export type RecoverPartAnswer = { matched: number; replayed: number; more: boolean; after: number | null };
