/** The `lanes` table: each delivery lane's kept state (breaker, Retry-After hold, standing), one row per subscription that ever changed it. */
import { FRESH_LANE, type LaneState } from "../../../src/domain/delivery-lane";
import type { Core } from "../core";

export function loadLaneState(core: Core, lane: string): LaneState | null {
  const r = core.sql.one<{ state: string }>(`SELECT state FROM lanes WHERE lane = ?`, lane);
  return r ? { ...FRESH_LANE, ...(JSON.parse(r.state) as Partial<LaneState>) } : null;
}

export function saveLaneState(core: Core, lane: string, state: LaneState, at: number): void {
  core.sql.run(`INSERT OR REPLACE INTO lanes (lane, state, updated_at) VALUES (?, ?, ?)`, lane, JSON.stringify(state), at);
}

/** A removed subscription's lane state goes with it (a new subscription of that flow starts closed). */
export function deleteLaneState(core: Core, lane: string): void {
  core.sql.run(`DELETE FROM lanes WHERE lane = ?`, lane);
}
