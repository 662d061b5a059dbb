/** A lane's state in memory: what it has in flight, where its first attempts stand, its kept protection state. */
import type { LaneState } from "../../src/domain/delivery-lane";
import type { Handed } from "./barriers";
import type { LaneConfig, LedgerRow, RowKey } from "./types";

export type Lane = {
  config: LaneConfig;
  state: LaneState;
  inFlight: Map<string, Handed>;
  /**
   * Every first attempt of this lane at or before the cursor is in flight:
   * the scan for more starts after it (null: from the owner's low-water mark).
   */
  cursor: RowKey | null;
  /** when to look for due retries again (0: at once; Infinity: none waiting) */
  retryCheckAt: number;
  /** the last scan stopped at its page budget with room left: scan again at once */
  scanMore: boolean;
  /** smoothed answer time of recent attempts (null: none since the object started) */
  smoothedMs: number | null;
  /** the breaker probe in flight */
  probeOut: string | null;
  /**
   * The lane's first attempts after its cursor, when known completely (in
   * key order, at most TAIL_MAX): new deliveries append to it as they
   * commit, so a hand-over takes them without reading SQLite. null: unknown
   * (after a start, a rewind or an overflow), the next hand-over scans.
   */
  tail: LedgerRow[] | null;
  /** A gated lane: an ask to its flow's gate is under way (no other hand-over asks for it meanwhile). */
  asking: boolean;
  /** A gated lane the gate did not serve in full: it asks again then (or when the gate wakes it). */
  gateRetryAt: number | null;
};

/** A known tail longer than this is dropped (the scan reads the backlog a page at a time). */
export const TAIL_MAX = 256;

export function newLane(config: LaneConfig, state: LaneState): Lane {
  return { config, state, inFlight: new Map(), cursor: null, retryCheckAt: 0, scanMore: false, smoothedMs: null, probeOut: null, tail: null, asking: false, gateRetryAt: null };
}

/** Key order: fire seq, then delivery number. */
export function compareKeys(a: RowKey, b: RowKey): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** The key just before `k` (a cursor there lets the scan find `k` again). */
function keyBefore(k: RowKey): RowKey {
  return [k[0], k[1] - 1];
}

/** Moves the cursor back so a first attempt at `k` is found by the next scan. */
export function rewind(lane: Lane, k: RowKey): void {
  if (lane.cursor !== null && compareKeys(k, lane.cursor) <= 0) lane.cursor = keyBefore(k);
  lane.tail = null;
}

/** A first attempt just committed: it joins the known tail when it comes after it, or the tail becomes unknown. */
export function append(lane: Lane, row: LedgerRow): void {
  if (lane.cursor !== null && compareKeys(row.key, lane.cursor) <= 0) return rewind(lane, row.key);
  if (lane.tail === null) return;
  const last = lane.tail[lane.tail.length - 1];
  if ((last && compareKeys(row.key, last.key) <= 0) || lane.tail.length >= TAIL_MAX) lane.tail = null;
  else lane.tail.push(row);
}

/** Moves the cursor forward over a first attempt just handed. */
export function advance(lane: Lane, k: RowKey): void {
  if (lane.cursor === null || compareKeys(k, lane.cursor) > 0) lane.cursor = k;
}
