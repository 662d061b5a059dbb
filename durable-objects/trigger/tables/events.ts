/**
 * The `events` table: the append-only stream, keyed by seq. Every read here
 * is a primary-key point or range read; scans that filter are bounded by a
 * budget of rows and say where they stopped, so no read grows with the stream.
 */
import type { Core } from "../core";
import { readMeta, writeMeta } from "./meta";

export type EventRow = { seq: number; id: string; type: string; ts: number; data: string };

/** The last seq ever written (retention never lowers it: the floor is kept in meta). */
export function headSeq(core: Core): number {
  if (core.head === undefined) {
    const max = core.sql.one<{ s: number | null }>(`SELECT max(seq) AS s FROM events`)?.s ?? 0;
    core.head = Math.max(max, readMeta<number>(core, "seq_floor") ?? 0);
  }
  return core.head;
}

/** Appends one event, its data already JSON (inside a transaction); returns its seq, id and time. */
export function appendEvent(core: Core, type: string, json: string, id: string, ts: number): { seq: number; id: string; ts: number } {
  const seq = headSeq(core) + 1;
  core.sql.run(`INSERT INTO events (seq, id, type, ts, data) VALUES (?, ?, ?, ?, ?)`, seq, id, type, ts, json);
  core.head = seq;
  return { seq, id, ts };
}

export function eventAt(core: Core, seq: number): EventRow | null {
  return core.sql.one<EventRow>(`SELECT seq, id, type, ts, data FROM events WHERE seq = ?`, seq);
}

/** The time of the first event at or after `seq` (null when there is none). */
export function eventTsFrom(core: Core, seq: number): number | null {
  return core.sql.one<{ ts: number }>(`SELECT ts FROM events WHERE seq >= ? ORDER BY seq LIMIT 1`, seq)?.ts ?? null;
}

export function lastEvent(core: Core): EventRow | null {
  return core.sql.one<EventRow>(`SELECT seq, id, type, ts, data FROM events ORDER BY seq DESC LIMIT 1`);
}

export function firstEvent(core: Core): EventRow | null {
  return core.sql.one<EventRow>(`SELECT seq, id, type, ts, data FROM events ORDER BY seq LIMIT 1`);
}

/**
 * Events after `after`, at most `limit`, only `types` when given, examining
 * at most `budget` rows. `scannedTo` is the last seq examined (a caller that
 * got fewer than `limit` may continue from there).
 */
export function eventsAfter(core: Core, after: number, limit: number, types: string[] | null, budget: number): { rows: EventRow[]; scannedTo: number; more: boolean } {
  const upto = after + budget;
  const typeFilter = types && types.length ? `AND type IN (${types.map(() => "?").join(",")})` : "";
  const rows = core.sql.all<EventRow>(
    `SELECT seq, id, type, ts, data FROM events WHERE seq > ? AND seq <= ? ${typeFilter} ORDER BY seq LIMIT ?`,
    after, upto, ...(types ?? []), limit + 1,
  );
  const head = headSeq(core);
  if (rows.length > limit) return { rows: rows.slice(0, limit), scannedTo: rows[limit - 1].seq, more: true };
  const scannedTo = Math.min(upto, head);
  return { rows, scannedTo, more: scannedTo < head };
}

/** Events after `after` without their payloads (for replaying counters), oldest first. */
export function eventsSinceLight(core: Core, after: number, limit: number): EventRow[] {
  return core.sql.all<EventRow>(
    `SELECT seq, id, type, ts, json_remove(data, '$.payload') AS data FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
    after, limit,
  );
}

/**
 * The newest seq among the first `chunk` events that are older than `before`
 * (null when the oldest event is not older): the end of one retention chunk.
 */
export function expiredChunkEnd(core: Core, before: number, chunk: number): number | null {
  return core.sql.one<{ s: number | null }>(
    `SELECT max(seq) AS s FROM (SELECT seq, ts FROM events ORDER BY seq LIMIT ?) WHERE ts < ?`,
    chunk, before,
  )?.s ?? null;
}

/** Deletes the events up to and including `seq`, keeping the seq floor so seqs are never reused. */
export function deleteEventsThrough(core: Core, seq: number): number {
  const floor = headSeq(core);
  const n = core.sql.run(`DELETE FROM events WHERE seq <= ?`, seq);
  if (n > 0 && seq >= floor) writeMeta(core, "seq_floor", floor);
  return n;
}
