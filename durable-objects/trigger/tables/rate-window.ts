/** The `rate_window` table: the fixed window of `config.rateLimit` (one row). */
import type { RateWindow } from "../../../src/domain/rate-limit";
import type { Core } from "../core";

export function loadRateWindow(core: Core): RateWindow | null {
  const r = core.sql.one<{ window_start: number; count: number }>(`SELECT window_start, count FROM rate_window WHERE id = 1`);
  return r ? { windowStart: r.window_start, count: r.count } : null;
}

export function saveRateWindow(core: Core, w: RateWindow): void {
  core.sql.run(`INSERT OR REPLACE INTO rate_window (id, window_start, count) VALUES (1, ?, ?)`, w.windowStart, w.count);
}
