/** The RunObject's shared context: storage, identity (tenant, run id), clock, callback queueing. */
import type { Env } from "../../src/env";
import { Sql } from "../sql";

export class RunCore {
  readonly sql: Sql;
  /** callbacks a consumer is delivering right now (in memory) */
  readonly inflight = new Map<string, number>();
  alarmAt: number | null | undefined = undefined;
  /** callbacks queued by the current change, sent after commit */
  pendingSends: { id: string; attempt: number }[] = [];

  constructor(
    readonly storage: DurableObjectStorage,
    readonly env: Env,
    public clock: () => number = Date.now,
  ) {
    this.sql = new Sql(storage.sql);
  }

  now(): number {
    return this.clock();
  }

  private meta(key: string): string | null {
    return this.sql.one<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key)?.value ?? null;
  }

  /** Records which tenant and run this object is (first write wins; names are derived from them). */
  identify(tenant: string, runId: string): void {
    if (this.meta("tenant") === null) {
      this.sql.run(`INSERT OR REPLACE INTO meta (key, value) VALUES ('tenant', ?), ('run_id', ?)`, tenant, runId);
    }
  }

  tenant(): string {
    return this.meta("tenant") ?? "";
  }

  runId(): string {
    return this.meta("run_id") ?? "";
  }

  tx<T>(fn: () => T): T {
    try {
      return this.storage.transactionSync(fn);
    } catch (e) {
      this.pendingSends = [];
      throw e;
    }
  }

  /** Writes the one callback delivery of a settled await (inside the settling transaction). */
  queueCallback(step: string, type: string): void {
    const now = this.now();
    const id = `cb_${btoa(this.runId()).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.${btoa(step).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}`;
    this.sql.run(
      `INSERT OR IGNORE INTO callbacks (id, step, type, status, attempts, created_at, next_attempt_at, lease_until) VALUES (?, ?, ?, 'queued', 0, ?, ?, ?)`,
      id, step, type, now, now, now + 120_000,
    );
    this.pendingSends.push({ id, attempt: 1 });
  }

  /** Constant-time comparison of two hex digests. */
  hashEqual(a: string, b: string): boolean {
    let diff = a.length ^ b.length;
    for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
    return diff === 0;
  }
}
