/** The `schedule_state` and `schedule_buffer` tables: the schedule's cursor, its last fire and buffered occurrences. */
import type { Core } from "../core";

export type ScheduleState = { cursor: number; lastFireSeq: number | null };

export function loadScheduleState(core: Core): ScheduleState | null {
  const r = core.sql.one<{ cursor: number; last_fire_seq: number | null }>(`SELECT cursor, last_fire_seq FROM schedule_state WHERE id = 1`);
  return r ? { cursor: r.cursor, lastFireSeq: r.last_fire_seq } : null;
}

/** Starts (or restarts) the cursor at `at`: nothing before it is caught up. */
export function resetCursor(core: Core, at: number): void {
  core.sql.run(`INSERT INTO schedule_state (id, cursor, last_fire_seq) VALUES (1, ?, NULL) ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor`, at);
}

export function setCursor(core: Core, at: number): void {
  core.sql.run(`UPDATE schedule_state SET cursor = ? WHERE id = 1`, at);
}

export function setLastFire(core: Core, seq: number): void {
  core.sql.run(`UPDATE schedule_state SET last_fire_seq = ? WHERE id = 1`, seq);
}

export function bufferedCount(core: Core): number {
  return core.sql.one<{ n: number }>(`SELECT count(*) AS n FROM schedule_buffer`)!.n;
}

export function hasBuffered(core: Core): boolean {
  return core.sql.one(`SELECT 1 AS x FROM schedule_buffer LIMIT 1`) !== null;
}

export function bufferOccurrence(core: Core, occ: number): void {
  core.sql.run(`INSERT OR IGNORE INTO schedule_buffer (scheduled_for) VALUES (?)`, occ);
}

/** Takes the oldest buffered occurrence out of the buffer (null when empty). */
export function takeBuffered(core: Core): number | null {
  const next = core.sql.one<{ scheduled_for: number }>(`SELECT scheduled_for FROM schedule_buffer ORDER BY scheduled_for LIMIT 1`);
  if (!next) return null;
  core.sql.run(`DELETE FROM schedule_buffer WHERE scheduled_for = ?`, next.scheduled_for);
  return next.scheduled_for;
}
