/**
 * Webhook path ownership for one tenant, in D1: claimed synchronously when a
 * trigger is registered (the unique key decides between two racing
 * registrations) and read by the ingress to route a request.
 */

/** How long a fresh claim is protected from takeover (its registration may still be running). */
export const CLAIM_GRACE_MS = 60_000;

export type PathRoute = { name: string; methods: string[] | null; maxBody: number | null };

export class WebhookPaths {
  constructor(
    private readonly db: D1Database,
    readonly tenant: string,
  ) {}

  /** The trigger a path belongs to, with what the index knows of its methods and body cap. */
  async route(path: string): Promise<PathRoute | null> {
    const r = await this.db
      .prepare(
        `SELECT p.trigger_name AS name, t.webhook_methods AS methods, t.webhook_max_body AS max_body
         FROM webhook_paths p LEFT JOIN triggers t ON t.tenant = p.tenant AND t.name = p.trigger_name AND t.webhook_path = p.path
         WHERE p.tenant = ? AND p.path = ?`,
      )
      .bind(this.tenant, path)
      .first<{ name: string; methods: string | null; max_body: number | null }>();
    if (!r) return null;
    return { name: r.name, methods: r.methods ? r.methods.split(",") : null, maxBody: r.max_body };
  }

  /** Claims a free path for `trigger`; answers the owner after the attempt (and since when it holds it). */
  async claim(path: string, trigger: string, now: number): Promise<{ owner: string; claimedAt: number }> {
    const [, owner] = await this.db.batch<{ trigger_name: string; claimed_at: number }>([
      this.db.prepare(`INSERT INTO webhook_paths (tenant, path, trigger_name, claimed_at) VALUES (?, ?, ?, ?) ON CONFLICT (tenant, path) DO NOTHING`).bind(this.tenant, path, trigger, now),
      this.db.prepare(`SELECT trigger_name, claimed_at FROM webhook_paths WHERE tenant = ? AND path = ?`).bind(this.tenant, path),
    ]);
    const row = owner.results[0];
    return { owner: row.trigger_name, claimedAt: row.claimed_at };
  }

  /** Moves a path from a stale owner to `to` (only if `from` still holds it). */
  async takeOver(path: string, from: string, to: string, now: number): Promise<boolean> {
    const r = await this.db
      .prepare(`UPDATE webhook_paths SET trigger_name = ?, claimed_at = ? WHERE tenant = ? AND path = ? AND trigger_name = ?`)
      .bind(to, now, this.tenant, path, from)
      .run();
    return (r.meta.changes ?? 0) > 0;
  }

  /** Frees a path `trigger` holds (no-op when another trigger holds it). */
  async release(path: string, trigger: string): Promise<void> {
    await this.db.prepare(`DELETE FROM webhook_paths WHERE tenant = ? AND path = ? AND trigger_name = ?`).bind(this.tenant, path, trigger).run();
  }
}
