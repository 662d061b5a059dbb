/**
 * The ledger's window on its lanes, in memory: per lane what is in flight,
 * the cursor into its first attempts and its protection state, kept in step
 * with the owner's store. The hand-over (./hand-over.ts), the outcomes
 * (./outcomes.ts) and the ledger's own API (./ledger.ts) share it; its
 * members are the ledger folder's, not the owner's.
 */
import { FRESH_LANE, type BreakerPolicy } from "../../src/domain/delivery-lane";
import { Barriers, PROBE_AFTER_MS, QUEUES, type Handed } from "./barriers";
import { advance, newLane, rewind, type Lane } from "./lane";
import { FAST_QUEUES, type LedgerHost, type LedgerStore, type QueueName } from "./types";

/** A lane without a breaker (a run's callbacks): it never opens. */
const NO_BREAKER: BreakerPolicy = { failureThreshold: Number.POSITIVE_INFINITY, cooldownSeconds: 30 };

/** A lane that answers slowly has at most this many attempts in flight (they hold the slow queue while they run). */
const SLOW_IN_FLIGHT = 8;

export class LaneWindow {
  lanes: Map<string, Lane> | undefined;
  readonly barriers = new Barriers();
  /** When a failed queue send is tried again (null: none failed). */
  sendRetryAt: number | null = null;
  /** Counts for tests and the log: re-sent because a barrier showed them lost. */
  resentLost = 0;
  /**
   * The fast queue's shard the next send starts at (./hand-over.ts, shards
   * taken in turns). It starts at a random shard: many objects that each
   * hand over a little (10,000 runs' callbacks, triggers firing once) spread
   * over the shards instead of all starting at the first.
   */
  fastTurn = Math.floor(Math.random() * FAST_QUEUES.length);
  /** Cost accounting since the object started (stats): delivery messages the queues took, and outcome reports received. */
  messagesSent = 0;
  outcomeReports = 0;

  /** When this instance started: only what became due before it can have been handed by an earlier one. */
  private readonly startedAt: number;

  constructor(
    readonly host: LedgerHost,
    readonly store: LedgerStore,
  ) {
    this.startedAt = host.now();
  }

  /**
   * The lanes, in step with the store's configuration. The first call after a
   * start treats what may have been in flight before it (per lane the first
   * `cap` first attempts and due retries that were due before the start) as
   * handed to any queue: barriers through each decide what was lost.
   */
  sync(): Map<string, Lane> {
    const first = this.lanes === undefined;
    const lanes = (this.lanes ??= new Map());
    const now = this.host.now();
    const seen = new Set<string>();
    for (const config of this.store.lanes()) {
      seen.add(config.lane);
      const have = lanes.get(config.lane);
      if (have) {
        have.config = config;
        continue;
      }
      const lane = newLane(config, this.store.loadLane(config.lane) ?? FRESH_LANE);
      lanes.set(config.lane, lane);
      if (first && !config.gone) this.markInDoubt(lane, now);
    }
    for (const [name, lane] of lanes) if (!seen.has(name) && lane.inFlight.size === 0) lanes.delete(name);
    return lanes;
  }

  /**
   * What an earlier instance may have left in a queue: retries and probes
   * only ever take the slow queue; first attempts of a lane that stands fast
   * only the fast queue's shards (a slow or open lane's may have taken any).
   */
  private markInDoubt(lane: Lane, now: number): void {
    const rows = [...this.store.fresh(null, [lane.config.lane], lane.config.cap), ...this.store.dueRetries(lane.config.lane, now, lane.config.cap)];
    const fastOnly = lane.state.standing === "fast" && lane.state.breaker === "closed";
    for (const r of rows.filter((x) => x.dueAt < this.startedAt)) {
      const awaiting: QueueName[] = r.attempts > 0 ? ["slow"] : fastOnly ? [...FAST_QUEUES] : [...QUEUES];
      lane.inFlight.set(r.id, { attempt: r.attempts + 1, key: r.key, fresh: r.attempts === 0, probe: false, at: now - PROBE_AFTER_MS, order: 0, timeoutMs: r.timeoutMs, awaiting, lostAt: null });
      if (r.attempts === 0) advance(lane, r.key);
    }
  }

  /** A lane's room: its cap, or fewer while it stands slow (its attempts hold the slow queue longer). */
  capOf(lane: Lane): number {
    return lane.state.standing === "slow" ? Math.min(lane.config.cap, SLOW_IN_FLIGHT) : lane.config.cap;
  }

  laneOf(id: string): Lane | undefined {
    for (const lane of (this.lanes ?? this.sync()).values()) if (lane.inFlight.has(id)) return lane;
    return undefined;
  }

  breakerOf(lane: Lane): BreakerPolicy {
    return lane.config.breaker ?? NO_BREAKER;
  }

  release(lane: Lane, id: string): Handed | undefined {
    const h = lane.inFlight.get(id);
    lane.inFlight.delete(id);
    if (lane.probeOut === id) lane.probeOut = null;
    return h;
  }

  /** Puts an unsettled delivery back to waiting (not attempted, lost, or its send failed). */
  putBack(lane: Lane, id: string): void {
    const h = this.release(lane, id);
    if (!h) return;
    if (h.fresh) rewind(lane, h.key);
    else lane.retryCheckAt = 0;
  }

  *allHanded(): Iterable<Handed> {
    for (const lane of this.sync().values()) yield* lane.inFlight.values();
  }
}
