/** The delivery ledger's contracts with its owner: how it reads and writes rows, and how it reaches the queues. */
import type { AttemptDecision, RetryPolicy } from "../../src/domain/backoff";
import type { BreakerPolicy, LaneEvent, LaneState } from "../../src/domain/delivery-lane";
import type { DeliveryBody, DeliveryMessage } from "../../src/contracts/messages";
import type { AttemptResult } from "../../src/contracts/rpc";

/** A row's place in the owner's order of first attempts (a trigger: fire seq and delivery number). */
export type RowKey = readonly [number, number];

/** A ledger row as the store gives it; `raw` is the store's own row, handed back to it (no second read). */
export type LedgerRow = {
  id: string;
  lane: string;
  key: RowKey;
  status: string;
  attempts: number;
  /** when the next attempt is due (a first attempt: when it was created) */
  dueAt: number;
  timeoutMs: number;
  raw?: unknown;
};

/**
 * The fast queue's shards. First attempts of lanes that answer at once spread
 * over them, a consumer invocation's worth (SEND_CONCURRENCY) or more per
 * shard, so that many invocations attempt at once: each invocation makes at
 * most SEND_CONCURRENCY attempts at a time, and each queue runs its own
 * consumer invocations (locally one at a time per queue; deployed, each
 * shard's consumers scale and its throughput limit counts apart).
 */
export const FAST_QUEUES = ["fast", "fast1", "fast2", "fast3"] as const;

/** The delivery queues: the fast queue's shards (first attempts of lanes that answer at once), and the slow queue for everything else. */
export type QueueName = (typeof FAST_QUEUES)[number] | "slow";

/**
 * A lane as its owner configures it. `gone`: the lane's flow no longer takes
 * deliveries (unsubscribed): what it still has queued is skipped, a chunk per pass.
 */
export type LaneConfig = {
  lane: string; cap: number; breaker: BreakerPolicy | null; gone?: boolean; gated?: boolean;
  /** a gated lane whose flow has a rate limit: each attempt starts at the gate first (the consumer's check) */
  exactStarts?: boolean;
};

/** An attempt's decision, or a delivery the consumer did not attempt (its flow unsubscribed, its trigger retired, it was skipped). */
export type LedgerDecision = AttemptDecision | { status: "skipped"; reason: string };

export interface LedgerStore {
  /** The lanes with deliveries (subscriptions of http and queue targets); read on every hand-over, so cheap. */
  lanes(): LaneConfig[];
  /** Queued rows not attempted yet, after `after` in key order (null: from the start), of these lanes. */
  fresh(after: RowKey | null, lanes: string[], limit: number): LedgerRow[];
  /** Queued rows waiting for a retry that is due by `now`, earliest first. */
  dueRetries(lane: string, now: number, limit: number): LedgerRow[];
  /** Held deliveries (shaping) whose time has come join their lanes (the owner tracks them); cheap when none is due. */
  release?(now: number): void;
  /** When the next held delivery is due to be released (null: none). */
  nextRelease?(): number | null;
  /** A lane's held deliveries (a gone lane skips them too). */
  held?(lane: string, limit: number): LedgerRow[];
  /** A lane's attempt timeout (ms). */
  timeoutOf(lane: string): number;
  /** When the lane's earliest retry after `now` is due (null: none). */
  nextRetryAt(lane: string, now: number): number | null;
  row(id: string): LedgerRow | null;
  /** The queue message of one attempt (with the body to send, unless too large). */
  message(row: LedgerRow, attempt: number): DeliveryMessage;
  policy(row: LedgerRow): RetryPolicy;
  /** Writes an attempt's outcome (inside the ledger's transaction). */
  write(row: LedgerRow, attempt: number, decision: LedgerDecision, result: AttemptResult, at: number): void;
  /** Writes a failed breaker probe: the answer is kept, the attempt is not counted (inside the transaction). */
  writeProbeFailure(row: LedgerRow, attempt: number, result: AttemptResult, at: number): void;
  /** The lane's kept state (null: never written). */
  loadLane(lane: string): LaneState | null;
  /** Keeps the lane's state and records its events (inside the transaction). */
  saveLane(lane: string, state: LaneState, events: LaneEvent[], at: number): void;
}

/** A flow gate's answer to an ask (src/domain/flow/gate.ts). */
export type GateGrant = { granted: number; probe: boolean; retryAt: number | null };

/** An attempt's outcome as a flow gate learns it. */
export type GateReport = { ok: boolean; probe: boolean; statusCode: number | null; error: string | null; retryAfterSeconds: number | null };

export interface LedgerHost {
  now(): number;
  /** A gated lane asks its flow's gate to start `want` deliveries (lanes without `gated` never ask). */
  ask?(lane: string, want: number, oldestDueAt: number, leaseMs: number): Promise<GateGrant>;
  /** A gated lane's outcomes and the permits it gives back unused, for its flow's gate (in the background). */
  report?(lane: string, outcomes: GateReport[], unused: number): void;
  tx<T>(fn: () => T): T;
  queue(name: QueueName): Queue<DeliveryBody>;
  /** A barrier message (no delivery) for finding lost messages in a queue. */
  probe(id: string): DeliveryMessage;
}
