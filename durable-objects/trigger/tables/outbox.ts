/**
 * The `outbox` table: side effects written in the transaction of the change
 * that causes them (D1 index rows under `d1:`, notices to run objects under
 * `run:`, flow notices under `flow:`), applied after commit and retried by
 * the alarm. A row that keeps failing is never given up: it is retried with
 * backoff capped at OUTBOX_MAX_BACKOFF_MS, logs one `outbox.retry` line per
 * failure and shows in the trigger's stats (`outbox.failing`) until it lands.
 */
import type { Core } from "../core";
import { backoffOf } from "../../../src/domain/outbox-backoff";
import { logEvent } from "../../../src/observability/log";
import { loadEntry } from "./entry";
import type { OutboxHealth } from "../../../src/contracts/views";

export type OutboxRow = { key: string; payload: string; rev: number; attempts: number };

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

/** Keeps a row that succeeded for now but has more to do later (its payload updated), unless it was replaced meanwhile. */
export function deferOutbox(core: Core, row: Pick<OutboxRow, "key" | "rev">, payload: unknown, at: number): void {
  core.sql.run(`UPDATE outbox SET payload = ?, next_at = ?, attempts = 0, last_error = NULL WHERE key = ? AND rev = ?`, JSON.stringify(payload), at, row.key, row.rev);
}

/** Backs a failed row off (exponentially, capped): it is retried for as long as it fails, and says so in the log. */
export function failOutbox(core: Core, row: Pick<OutboxRow, "key" | "attempts">, error: string, now: number): void {
  const next = now + backoffOf(row.attempts);
  core.sql.run(`UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE key = ?`, next, error.slice(0, 500), row.key);
  const t = loadEntry(core);
  logEvent("outbox.retry", { tenant: t?.tenant, trigger: t?.name, key: row.key.slice(0, 300), attempt: row.attempts + 1, nextAt: next, reason: error.slice(0, 200) }, "warn");
}

/** The earliest due time of a row, or null. */
export function nextOutboxDue(core: Core): number | null {
  return core.sql.one<{ t: number | null }>(`SELECT min(next_at) AS t FROM outbox`)?.t ?? null;
}

/** What the stats show of the outbox: rows waiting, rows failing (with the most attempts and that row's last error). */

/** Reads the outbox's state (a small table: rows leave it once applied). */
export function outboxHealth(core: Core): OutboxHealth {
  const c = core.sql.one<{ pending: number; failing: number | null; most: number | null }>(
    `SELECT count(*) AS pending, sum(attempts > 0) AS failing, max(attempts) AS most FROM outbox`,
  )!;
  const worst = (c.most ?? 0) > 0 ? core.sql.one<{ last_error: string | null }>(`SELECT last_error FROM outbox WHERE attempts = ? LIMIT 1`, c.most) : null;
  return { pending: c.pending, failing: c.failing ?? 0, maxAttempts: c.most ?? 0, lastError: worst?.last_error ?? null };
}
