/**
 * The `dedup` table: idempotency keys, provider delivery ids and schedule
 * occurrence keys, each with the fire it recorded and when it expires.
 * Expired keys are swept in key order, a bounded chunk at a time.
 */
import type { Core } from "../core";

/** `fingerprint`: the payload hash an idempotency key was recorded with (null: not kept, e.g. webhook and schedule keys). */
export type DedupHit = { eventId: string; seq: number; expiresAt: number; fingerprint: string | null };

export function findKey(core: Core, key: string): DedupHit | null {
  const r = core.sql.one<{ event_id: string; seq: number; expires_at: number; fingerprint: string | null }>(`SELECT event_id, seq, expires_at, fingerprint FROM dedup WHERE key = ?`, key);
  return r ? { eventId: r.event_id, seq: r.seq, expiresAt: r.expires_at, fingerprint: r.fingerprint } : null;
}

export function putKey(core: Core, key: string, eventId: string, seq: number, expiresAt: number, fingerprint: string | null = null): void {
  core.sql.run(`INSERT OR REPLACE INTO dedup (key, event_id, seq, expires_at, fingerprint) VALUES (?, ?, ?, ?, ?)`, key, eventId, seq, expiresAt, fingerprint);
}

/** Points a key stored before its fire existed (a webhook at ingest) at the fire's seq. */
export function setKeySeq(core: Core, key: string, eventId: string, seq: number): void {
  core.sql.run(`UPDATE dedup SET seq = ? WHERE key = ? AND event_id = ?`, seq, key, eventId);
}

/** The seq a key recorded for a given event id (scheduled fires are found this way). */
export function seqOfKey(core: Core, key: string, eventId: string): number | null {
  return core.sql.one<{ seq: number }>(`SELECT seq FROM dedup WHERE key = ? AND event_id = ?`, key, eventId)?.seq ?? null;
}

/**
 * Examines up to `chunk` keys after `afterKey` (in key order), deletes the
 * expired ones and reports where it stopped (null: the end was reached) and
 * the earliest expiry among the keys it kept.
 */
export function sweepKeys(core: Core, afterKey: string, chunk: number, now: number): { deleted: number; nextKey: string | null; earliestKept: number | null } {
  const rows = core.sql.all<{ key: string; expires_at: number }>(`SELECT key, expires_at FROM dedup WHERE key > ? ORDER BY key LIMIT ?`, afterKey, chunk);
  let deleted = 0;
  let earliest: number | null = null;
  for (const r of rows) {
    if (r.expires_at <= now) deleted += core.sql.run(`DELETE FROM dedup WHERE key = ?`, r.key);
    else earliest = earliest === null ? r.expires_at : Math.min(earliest, r.expires_at);
  }
  return { deleted, nextKey: rows.length === chunk ? rows[rows.length - 1].key : null, earliestKept: earliest };
}
