/**
 * The `outbox` table: side effects written in the transaction of the change
 * that causes them (D1 index rows under `d1:`, notices to run objects under
 * `run:`), applied after commit and retried with backoff by the alarm. A row
 * that keeps failing is parked after MAX_ATTEMPTS so it cannot hold up others.
 */
import type { Core } from "../core";

export type OutboxRow = { key: string; payload: string; rev: number; attempts: number };

/** After this many failed attempts a row is parked (kept with its error, no longer retried on its own). */
export const MAX_ATTEMPTS = 20;
const PARKED_AT = Number.MAX_SAFE_INTEGER;

/** Queues (or replaces) a row; call inside the change's transaction. */
export function queueOutbox(core: Core, key: string, payload: unknown, dueAt: number): void {
  core.sql.run(
    `INSERT INTO outbox (key, payload, rev, attempts, next_at) VALUES (?, ?, 1, 0, ?)
     ON CONFLICT(key) DO UPDATE SET payload = excluded.payload, rev = outbox.rev + 1, attempts = 0, next_at = min(outbox.next_at, excluded.next_at)`,
    key, JSON.stringify(payload), dueAt,
  );
}

/** Due rows whose key starts with `prefix`, in key order. */
export function dueOutbox(core: Core, prefix: string, now: number, limit: number): OutboxRow[] {
  return core.sql.all<OutboxRow>(
    `SELECT key, payload, rev, attempts FROM outbox WHERE key >= ? AND key < ? AND next_at <= ? ORDER BY key LIMIT ?`,
    prefix, prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1), now, limit,
  );
}

/** Removes a row once applied, unless it was replaced meanwhile. */
export function doneOutbox(core: Core, row: Pick<OutboxRow, "key" | "rev">): void {
  core.sql.run(`DELETE FROM outbox WHERE key = ? AND rev = ?`, row.key, row.rev);
}

/** Backs a failed row off (exponentially, at most a minute), or parks it after MAX_ATTEMPTS. */
export function failOutbox(core: Core, row: Pick<OutboxRow, "key" | "attempts">, error: string, now: number): void {
  const next = row.attempts + 1 >= MAX_ATTEMPTS ? PARKED_AT : now + Math.min(1000 * 2 ** row.attempts, 60_000);
  core.sql.run(`UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE key = ?`, next, error.slice(0, 500), row.key);
}

/** The earliest due time of a row that is not parked, or null. */
export function nextOutboxDue(core: Core): number | null {
  return core.sql.one<{ t: number | null }>(`SELECT min(next_at) AS t FROM outbox WHERE next_at < ?`, PARKED_AT)?.t ?? null;
}
