/**
 * The `inbox` table: webhook requests stored before their 202. Rows go
 * pending → processing → completed | failed; the raw request is dropped
 * after the inbox retention, the row itself (which maps the webhook's event
 * id to its fire) lives as long as the stream keeps the fire.
 */
import type { Core } from "../core";
import type { InboxRow, NewInboxRow } from "./inbox-row";

/** The next inbox id: read once, then counted in memory (a rolled-back transaction forgets it: Core.invalidate). */
export function nextInboxId(core: Core): number {
  core.inboxHead ??= core.sql.one<{ m: number | null }>(`SELECT max(id) AS m FROM inbox`)?.m ?? 0;
  return ++core.inboxHead;
}

export function insertInbox(core: Core, r: NewInboxRow): void {
  core.sql.run(
    `INSERT INTO inbox (id, event_id, received_at, method, headers, query, body, source_ip, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)`,
    r.id, r.event_id, r.received_at, r.method, r.headers, r.query, r.body, r.source_ip, r.received_at,
  );
}

/** Rows still to process (pending, or processing after a crash), oldest first. */
export function openInbox(core: Core, limit: number): InboxRow[] {
  return core.sql.all<InboxRow>(
    `SELECT id, event_id, received_at, method, headers, query, body, source_ip, attempts FROM inbox WHERE status IN ('pending', 'processing') ORDER BY id LIMIT ?`,
    limit,
  );
}

export function hasOpenInbox(core: Core): boolean {
  return core.sql.one(`SELECT 1 AS x FROM inbox WHERE status IN ('pending', 'processing') LIMIT 1`) !== null;
}

export function markProcessing(core: Core, id: number, at: number): void {
  core.sql.run(`UPDATE inbox SET status = 'processing', attempts = attempts + 1, updated_at = ? WHERE id = ?`, at, id);
}

export function completeInbox(core: Core, id: number, seq: number, at: number): void {
  core.sql.run(`UPDATE inbox SET status = 'completed', event_seq = ?, updated_at = ? WHERE id = ?`, seq, at, id);
}

export function failInbox(core: Core, id: number, error: string, seq: number | null, at: number): void {
  core.sql.run(`UPDATE inbox SET status = 'failed', error = ?, event_seq = ?, updated_at = ? WHERE id = ?`, error.slice(0, 500), seq, at, id);
}

/** Keeps the error of a failed processing attempt (the row stays open for the next attempt); `count`: the attempt was not counted before it. */
export function noteInboxError(core: Core, id: number, error: string, count = false): void {
  core.sql.run(`UPDATE inbox SET error = ?, attempts = attempts + ? WHERE id = ?`, error.slice(0, 500), count ? 1 : 0, id);
}

/** The fire seq a webhook event id was processed into (null: unknown or not processed yet). */
export function seqOfInboxEvent(core: Core, inboxId: number, eventId: string): number | null {
  const r = core.sql.one<{ event_id: string; event_seq: number | null }>(`SELECT event_id, event_seq FROM inbox WHERE id = ?`, inboxId);
  return r && r.event_id === eventId ? r.event_seq : null;
}

/**
 * Drops the stored request (body, headers, query) of settled rows last
 * updated before `before`, in id order from the row after `afterId`,
 * examining at most `limit` rows; stops at the first row that must stay.
 * Returns the last id handled (the caller keeps it as the cursor).
 */
export function dropRequests(core: Core, afterId: number, before: number, limit: number): { lastId: number; done: boolean } {
  const rows = core.sql.all<{ id: number; status: string; updated_at: number }>(`SELECT id, status, updated_at FROM inbox WHERE id > ? ORDER BY id LIMIT ?`, afterId, limit);
  let lastId = afterId;
  for (const r of rows) {
    if ((r.status !== "completed" && r.status !== "failed") || r.updated_at >= before) return { lastId, done: true };
    core.sql.run(`UPDATE inbox SET body = x'', headers = '{}', query = '{}' WHERE id = ?`, r.id);
    lastId = r.id;
  }
  return { lastId, done: rows.length < limit };
}

/** When the request of the row after `afterId` may be dropped, given the retention (null: no such row). */
export function nextRequestExpiry(core: Core, afterId: number, retentionMs: number): number | null {
  const r = core.sql.one<{ status: string; updated_at: number }>(`SELECT status, updated_at FROM inbox WHERE id > ? ORDER BY id LIMIT 1`, afterId);
  if (!r) return null;
  return r.status === "completed" || r.status === "failed" ? r.updated_at + retentionMs : null;
}

/** Deletes the oldest rows whose fire is at or below `seq` (gone from the stream), at most `limit`. */
export function deleteInboxThrough(core: Core, seq: number, limit: number): number {
  const rows = core.sql.all<{ id: number; status: string; event_seq: number | null }>(`SELECT id, status, event_seq FROM inbox ORDER BY id LIMIT ?`, limit);
  let n = 0;
  for (const r of rows) {
    if ((r.status !== "completed" && r.status !== "failed") || r.event_seq === null || r.event_seq > seq) break;
    n += core.sql.run(`DELETE FROM inbox WHERE id = ?`, r.id);
  }
  return n;
}
