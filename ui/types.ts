/** Shapes of the /v1 answers the dashboard reads (API.md); every field the server may omit is optional. */

type Stats = {
  totalFires?: number; lastFiredAt?: number | null; activeSubscribers?: number;
  delivered?: number; failed?: number; skipped?: number; pending?: number; dead?: number;
  deduplicated?: number; rejected?: number;
};

type HistoryBucket = { at: number; fires: number; failures: number };

export type DetailedStats = Stats & {
  firesLastHour?: number; p50DeliveryMs?: number | null; p99DeliveryMs?: number | null;
  history?: { bucketMs: number; buckets: HistoryBucket[] };
  /** side effects (index rows, notices) waiting or being retried; `failing` > 0 means some keep failing */
  outbox?: { pending: number; failing: number; maxAttempts: number; lastError: string | null };
};

export type TriggerSummary = {
  name: string; type: string; status: string; displayName?: string | null;
  registeredAt: number; lastActivityAt?: number; stats?: Stats; version: number;
};

export type TriggerPage = { triggers: TriggerSummary[]; nextCursor: string | null };

type Target = { type: string; url?: string; queue?: string; startFrom?: string; timeoutMs?: number; headers?: Record<string, string>; secret?: string };

/** A breaker's state: a subscription's own (no flow policy) or the flow's (a policy with `breaker`). */
export type BreakerState = "closed" | "open" | "half_open";

export type Subscription = {
  mode: string; subscribedAt?: number; target: Target;
  retry?: { maxAttempts?: number; initialBackoffSeconds?: number; maxBackoffSeconds?: number };
  /** delivery state, http and queue targets only */
  breaker?: BreakerState; breakerOpenedAt?: number | null; heldUntil?: number | null; waiting?: number; inFlight?: number;
};

type Schedule = {
  cron?: string; interval?: string; at?: string; every?: Record<string, unknown>; timezone?: string;
  enabled?: boolean; pauseNote?: string; overlap?: string; catchup?: string; jitterSeconds?: number;
  dst?: { gap?: string; fold?: string };
};

export type PollState = { lastPolledAt?: number | null; lastStatus?: number | null; lastError?: string | null; consecutiveFailures?: number; paused?: boolean; group?: string };

export type Trigger = TriggerSummary & {
  description?: string; source?: string; retiredAt?: number | null; retiredReason?: string | null;
  schema?: unknown; ui?: { form?: unknown }; schedule?: Schedule; webhook?: Record<string, unknown>;
  poll?: Record<string, unknown> & { state?: PollState }; config?: { persistData?: boolean };
  subscriptions?: Record<string, Subscription>; webhookUrl?: string; nextFireAt?: number | null;
  [k: string]: unknown;
};

export type SchedulePreview = { timezone?: string; enabled?: boolean; next: { at: number; iso: string }[] };

export type Delivery = {
  deliveryId: string; flow: string; status: string; attempts?: number; lastStatusCode?: number | null;
  lastError?: string | null; nextAttemptAt?: number | null; deliveredAt?: number | null; latencyMs?: number | null;
  reason?: string | null; output?: unknown;
};

export type Fire = {
  eventId: string; seq?: number; firedAt?: number; status: string; skipReason?: string | null; source?: string;
  eventType?: string | null; headers?: Record<string, string>; data?: unknown; scheduledFor?: number; latenessMs?: number;
  deliveryStatus?: string; deliveries?: Delivery[]; trigger?: string;
};

export type FirePage = { fires: Fire[]; nextCursor: string | null };

export type FireAnswer = {
  eventId: string; seq?: number; status: string; skipReason?: string | null;
  deliveries?: { deliveryId: string; flow: string; status: string }[];
};

export type StreamEvent = { seq: number; id?: string; type: string; ts?: number; data?: unknown };

export type Await = {
  runId: string; step: string; kind: string; status: string; createdAt?: number; expiresAt?: number; result?: unknown;
};

/** GET /v1/fires: one fire of the tenant-wide feed. */
export type FeedFire = {
  trigger: string; eventId: string; seq: number; firedAt: number; status: string; skipReason: string | null;
  source: string | null; eventType: string | null; deliveries: { deliveryId: string; flow: string; status: string }[];
};

export type FeedPage = { fires: FeedFire[]; nextCursor: string | null };

type AwaitCounts = { waiting: number; resolved: number; timed_out: number; cancelled: number };

/** GET /v1/runs: a run and its awaits by status. */
type RunSummary = { runId: string; awaits: AwaitCounts; updatedAt: number };

export type RunPage = { runs: RunSummary[]; nextCursor: string | null };

/** PUT /v1/flows/{flow}: every part optional; `{}` is no policy. */
export type FlowPolicy = {
  rateLimit?: { limit: number; periodSeconds: number }; concurrency?: number;
  breaker?: { failureThreshold: number; cooldownSeconds: number }; paused?: boolean;
};

export type FlowState = {
  waiting: number; inFlight: number; oldestWaitingAt: number | null;
  breaker: BreakerState; breakerOpenedAt: number | null; paused: boolean; heldUntil: number | null;
};

/** GET /v1/flows/{flow} (the list's items have no `subscriptions`). */
export type Flow = {
  flow: string; policy: FlowPolicy; state: FlowState;
  subscriptions?: { trigger: string; mode: string; target: Target }[];
};

export type FlowPage = { flows: Flow[]; nextCursor: string | null };

export type FlowActivity = { seq: number; type: string; ts: number; data: unknown };

export type FlowActivityPage = { entries: FlowActivity[]; nextCursor: string | null };

/** POST /v1/flows/{flow}/recover */
export type RecoverRequest = { since: number; until?: number; status: "dead" | "failed"; dryRun?: boolean; cursor?: string };

export type RecoverAnswer = { dryRun: boolean; matched: number; replayed: number; more?: boolean; cursor?: string };
