/**
 * The `dedup` table: idempotency keys, provider delivery ids and schedule
 * occurrence keys, each with the fire it recorded and when it expires.
 * Expired keys are swept earliest first through an index on `expires_at`,
 * a bounded chunk at a time.
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

/** The seq a key recorded for a given event id (scheduled fires are found this way). */
export function seqOfKey(core: Core, key: string, eventId: string): number | null {
  return core.sql.one<{ seq: number }>(`SELECT seq FROM dedup WHERE key = ? AND event_id = ?`, key, eventId)?.seq ?? null;
}

/**
 * Deletes up to `chunk` expired keys, earliest expiry first. It reads only
 * keys that expired (the `dedup_by_expiry` index), so live keys cost nothing
 * however many there are. Returns how many it deleted.
 */
export function sweepExpiredKeys(core: Core, now: number, chunk: number): number {
  return core.sql.run(`DELETE FROM dedup WHERE key IN (SELECT key FROM dedup WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)`, now, chunk);
}

/** When the first key expires (one index read), or null when there is none. */
export function earliestKeyExpiry(core: Core): number | null {
  return core.sql.one<{ t: number | null }>(`SELECT min(expires_at) AS t FROM dedup`)?.t ?? null;
}
