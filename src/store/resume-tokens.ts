/**
 * Resume tokens in D1: which run a token (by its SHA-256) resumes. The token
 * itself is never stored. `find` is the one lookup that starts without a
 * tenant: the token is the credential, and the row it finds names its tenant.
 */

export type ResumeTarget = { tenant: string; runId: string; step: string };

export class ResumeTokens {
  constructor(
    private readonly db: D1Database,
    readonly tenant: string,
  ) {}

  /** The run a token hash resumes, across tenants (the public /resume/{token} route). */
  static async find(db: D1Database, tokenHash: string): Promise<ResumeTarget | null> {
    const r = await db.prepare(`SELECT tenant, run_id, step FROM resume_tokens WHERE token_hash = ?`).bind(tokenHash).first<{ tenant: string; run_id: string; step: string }>();
    return r ? { tenant: r.tenant, runId: r.run_id, step: r.step } : null;
  }

  async put(tokenHash: string, runId: string, step: string, expiresAt: number): Promise<void> {
    await this.db
      .prepare(`INSERT OR REPLACE INTO resume_tokens (token_hash, tenant, run_id, step, expires_at) VALUES (?, ?, ?, ?, ?)`)
      .bind(tokenHash, this.tenant, runId, step, expiresAt)
      .run();
  }

  async remove(tokenHash: string): Promise<void> {
    await this.db.prepare(`DELETE FROM resume_tokens WHERE token_hash = ? AND tenant = ?`).bind(tokenHash, this.tenant).run();
  }
}
