/** A lane's state in memory: what it has in flight, where its first attempts stand, its kept protection state. */
import type { LaneState } from "../../src/domain/delivery-lane";
import type { Handed } from "./barriers";
import type { LaneConfig, RowKey } from "./types";

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
};

export function newLane(config: LaneConfig, state: LaneState): Lane {
  return { config, state, inFlight: new Map(), cursor: null, retryCheckAt: 0, scanMore: false, smoothedMs: null, probeOut: null };
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
}

/** Moves the cursor forward over a first attempt just handed. */
export function advance(lane: Lane, k: RowKey): void {
  if (lane.cursor === null || compareKeys(k, lane.cursor) > 0) lane.cursor = k;
}
