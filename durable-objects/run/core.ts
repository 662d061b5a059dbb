/** The RunObject's shared context: storage, identity (tenant, run id), clock, transactions, callback queueing. */
import type { ObjectEnv } from "../../src/contracts/object-env";
import { Sql, TxScope, hasSchema } from "../sql";
import { migrateRun } from "./schema";
import type { Ledger } from "../ledger/ledger";

/** A run's callbacks are one lane: no breaker (each callback is its own endpoint), the default in-flight cap. */
export const CALLBACK_LANE = "callbacks";

export class RunCore {
  readonly sql: Sql;
  /** Whether the schema exists: a run that never awaited anything stays empty (reads and probes create no storage). */
  ready: boolean;
  /** The callbacks' delivery ledger (set by ./boot.ts once the core exists). */
  ledger!: Ledger;
  /** When the alarm last ran (alarms are kept ALARM_GAP_MS apart, ./after-commit.ts). */
  lastAlarmAt = 0;
  /**
   * The alarm as this object last set it (null: none; undefined: not known
   * since the object started or its alarm began running): setting the same
   * time again is skipped, since each set is a storage commit.
   */
  alarmAt: number | null | undefined = undefined;
  private readonly txs: TxScope;
  /** tenant and run id once known: written once, never changed, read on every callback and log line */
  private known: { tenant: string; runId: string } | null = null;
  /** the last callback seq written, counted in memory after one read (forgotten when a transaction rolls back) */
  private lastSeq: number | undefined;

  constructor(
    readonly storage: DurableObjectStorage,
    readonly env: ObjectEnv,
    public clock: () => number = Date.now,
  ) {
    this.sql = new Sql(storage.sql);
    this.txs = new TxScope(storage);
    this.ready = hasSchema(this.sql);
    if (this.ready) migrateRun(this.sql, storage);
  }

  /** Creates the schema on the first write that needs it (an await). */
  ensureSchema(): void {
    if (this.ready) return;
    migrateRun(this.sql, this.storage);
    this.ready = true;
  }

  now(): number {
    return this.clock();
  }

  private meta(key: string): string | null {
    return this.sql.one<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key)?.value ?? null;
  }

  /** Records which tenant and run this object is (first write wins; names are derived from them). */
  identify(tenant: string, runId: string): void {
    if (this.identity() === null) {
      this.sql.run(`INSERT OR REPLACE INTO meta (key, value) VALUES ('tenant', ?), ('run_id', ?)`, tenant, runId);
    }
  }

  private identity(): { tenant: string; runId: string } | null {
    if (this.known) return this.known;
    const tenant = this.meta("tenant");
    const runId = this.meta("run_id");
    if (tenant !== null && runId !== null) this.known = { tenant, runId };
    return this.known;
  }

  tenant(): string {
    return this.identity()?.tenant ?? "";
  }

  runId(): string {
    return this.identity()?.runId ?? "";
  }

  /** One transaction (re-entrant); hooks from onCommit run after the outermost one commits. */
  tx<T>(fn: () => T): T {
    return this.txs.run(fn, () => (this.lastSeq = undefined));
  }

  onCommit(hook: () => void): void {
    this.txs.onCommit(hook);
  }

  /** Writes the one callback delivery of a settled await (inside the settling transaction). */
  queueCallback(step: string, type: string): void {
    const now = this.now();
    const id = `cb_${btoa(this.runId()).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}.${btoa(step).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_")}`;
    this.lastSeq ??= this.sql.one<{ s: number | null }>(`SELECT max(seq) AS s FROM callbacks`)?.s ?? 0;
    const seq = this.lastSeq + 1;
    const written = this.sql.run(
      `INSERT OR IGNORE INTO callbacks (id, step, type, status, attempts, created_at, next_attempt_at, seq) VALUES (?, ?, ?, 'queued', 0, ?, ?, ?)`,
      id, step, type, now, now, seq,
    );
    if (written > 0) {
      this.lastSeq = seq;
      this.onCommit(() => this.ledger.track(CALLBACK_LANE, [seq, 0], id, now));
    }
  }

  /** Constant-time comparison of two hex digests. */
  hashEqual(a: string, b: string): boolean {
    let diff = a.length ^ b.length;
    for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
    return diff === 0;
  }
}
