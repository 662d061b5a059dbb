/**
 * What the cleanup reads from and removes in D1 for one tenant: candidate
 * pages (oldest first, keyset-paged on an index, so a page costs the same at
 * any size of the index) and the statements that drop a deleted trigger's
 * rows (its index entry, its subscription rows, its webhook path claims).
 * The candidates are only hints: each trigger's object makes the decision.
 */

/** A candidate and the time it is ordered by (last activity, or retirement). */
export type Candidate = { name: string; at: number };
/** Where the previous page ended. */
export type After = { at: number; name: string } | null;

export class TriggerRemoval {
  constructor(
    private readonly db: D1Database,
    readonly tenant: string,
  ) {}

  /** Active triggers with no subscription row and no activity after `cutoff` (reads triggers_by_activity). */
  async idle(cutoff: number, after: After, limit: number): Promise<Candidate[]> {
    const { results } = await this.db
      .prepare(
        `SELECT t.name, t.last_activity_at AS at FROM triggers t
         WHERE t.tenant = ? AND t.status = 'active' AND t.last_activity_at <= ?
           AND (t.last_activity_at > ? OR (t.last_activity_at = ? AND t.name > ?))
           AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.tenant = t.tenant AND s.trigger_name = t.name AND s.removed = 0)
         ORDER BY t.last_activity_at, t.name LIMIT ?`,
      )
      .bind(this.tenant, cutoff, after?.at ?? -1, after?.at ?? -1, after?.name ?? "", limit)
      .all<Candidate>();
    return results;
  }

  /** Retired triggers whose retirement is no later than `cutoff` (reads triggers_by_retired_at). */
  async retired(cutoff: number, after: After, limit: number): Promise<Candidate[]> {
    const { results } = await this.db
      .prepare(
        `SELECT name, retired_at AS at FROM triggers
         WHERE tenant = ? AND retired_at IS NOT NULL AND retired_at <= ? AND status = 'retired'
           AND (retired_at > ? OR (retired_at = ? AND name > ?))
         ORDER BY retired_at, name LIMIT ?`,
      )
      .bind(this.tenant, cutoff, after?.at ?? -1, after?.at ?? -1, after?.name ?? "", limit)
      .all<Candidate>();
    return results;
  }

  /**
   * Drops a trigger's rows in one batch: its index entry, its subscription
   * rows and the webhook paths it holds (only claims made no later than
   * `claimedBy`, so a registration racing the removal keeps its fresh claim).
   */
  async remove(name: string, claimedBy: number): Promise<void> {
    await this.db.batch([
      this.db.prepare(`DELETE FROM triggers WHERE tenant = ? AND name = ?`).bind(this.tenant, name),
      this.db.prepare(`DELETE FROM subscriptions WHERE tenant = ? AND trigger_name = ?`).bind(this.tenant, name),
      this.db.prepare(`DELETE FROM webhook_paths WHERE tenant = ? AND trigger_name = ? AND claimed_at <= ?`).bind(this.tenant, name, claimedBy),
    ]);
  }
}

/**
 * Tenants that have triggers, ascending, from `from` (inclusive) up to
 * `below` (exclusive, null: no bound). A recursive skip-scan over the
 * primary key: one index seek per tenant, never a walk over their triggers.
 * This is the one cross-tenant read; only the cron uses it.
 */
export async function listTenants(db: D1Database, from: string, below: string | null, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `WITH RECURSIVE t(tenant, n) AS (
         SELECT (SELECT min(tenant) FROM triggers WHERE tenant >= ?1), 1
         UNION ALL
         SELECT (SELECT min(tenant) FROM triggers WHERE tenant > t.tenant), n + 1 FROM t WHERE t.tenant IS NOT NULL AND n < ?3
       )
       SELECT tenant FROM t WHERE tenant IS NOT NULL AND (?2 IS NULL OR tenant < ?2)`,
    )
    .bind(from, below, limit)
    .all<{ tenant: string }>();
  return results.map((r) => r.tenant);
}

/** The tenant the next cron run starts with ('' : the first); a run that stops early leaves its place here. */
export async function readCleanupStart(db: D1Database): Promise<string> {
  const r = await db.prepare(`SELECT start_tenant FROM cleanup_state WHERE id = 1`).first<{ start_tenant: string }>();
  return r?.start_tenant ?? "";
}

export async function writeCleanupStart(db: D1Database, tenant: string): Promise<void> {
  await db
    .prepare(`INSERT INTO cleanup_state (id, start_tenant) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET start_tenant = excluded.start_tenant`)
    .bind(tenant)
    .run();
}
