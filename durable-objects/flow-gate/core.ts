/**
 * The FlowGateObject's shared context: its SQLite (identity, policy, the
 * gate's checkpoint, the activity log, the notify outbox), the clock and the
 * transaction helper, and the Gate itself (src/domain/flow/gate.ts) rebuilt
 * from the checkpoint on first use.
 */
import { Sql, TxScope, applyMigrations, hasSchema } from "../sql";
import { Gate, EMPTY_GATE, type GateState } from "../../src/domain/flow/gate";
import type { FlowPolicy } from "../../src/schemas/flow";

const MIGRATIONS = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID`,
  `CREATE TABLE activity (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, ts INTEGER NOT NULL, data TEXT NOT NULL)`,
];

/** Who the gate is, and what its policy says (version counts every change). */
export type GateIdentity = { tenant: string; flow: string };
export type StoredPolicy = { policy: FlowPolicy; version: number; source: string | null; createdAt: number; updatedAt: number };

/** How many activity entries a flow keeps (the oldest leave as new ones come). */
const ACTIVITY_KEEP = 10_000;

export class GateCore {
  readonly sql: Sql;
  ready: boolean;
  private gate: Gate | undefined;
  private readonly txs: TxScope;
  private cache = new Map<string, unknown>();

  constructor(
    readonly storage: DurableObjectStorage,
    public clock: () => number = Date.now,
  ) {
    this.sql = new Sql(storage.sql);
    this.txs = new TxScope(storage);
    this.ready = hasSchema(this.sql);
    if (this.ready) applyMigrations(this.sql, storage, MIGRATIONS);
  }

  now(): number {
    return this.clock();
  }

  ensureSchema(): void {
    if (this.ready) return;
    applyMigrations(this.sql, this.storage, MIGRATIONS);
    this.ready = true;
  }

  tx<T>(fn: () => T): T {
    return this.txs.run(fn, () => {
      this.cache.clear();
      this.gate = undefined;
    });
  }

  onCommit(hook: () => void): void {
    this.txs.onCommit(hook);
  }

  private read<T>(key: string): T | null {
    if (!this.ready) return null;
    if (!this.cache.has(key)) {
      const r = this.sql.one<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key);
      this.cache.set(key, r ? JSON.parse(r.value) : null);
    }
    return this.cache.get(key) as T | null;
  }

  private write(key: string, value: unknown): void {
    this.sql.run(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, JSON.stringify(value));
    this.cache.set(key, value);
  }

  identity(): GateIdentity | null {
    return this.read<GateIdentity>("identity");
  }

  identify(id: GateIdentity): void {
    if (!this.identity()) this.write("identity", id);
  }

  policy(): StoredPolicy | null {
    return this.read<StoredPolicy>("policy");
  }

  savePolicy(p: StoredPolicy): void {
    this.write("policy", p);
    this.gate = undefined; // the next use builds the gate on the new policy, from the checkpoint
  }

  /** The gate on the current policy, its window and permits from the last checkpoint. */
  current(): Gate {
    this.gate ??= new Gate(this.policy()?.policy ?? {}, this.read<GateState>("checkpoint") ?? EMPTY_GATE);
    return this.gate;
  }

  /** The subscribed triggers still to tell about a policy change (its version, and the last trigger told). */
  notifying(): { version: number; after: string } | null {
    return this.read<{ version: number; after: string }>("notify");
  }

  setNotifying(n: { version: number; after: string } | null): void {
    if (n) this.write("notify", n);
    else {
      this.sql.run(`DELETE FROM meta WHERE key = 'notify'`);
      this.cache.set("notify", null);
    }
  }

  /** One row, written before a grant's answer leaves the object: a crash never forgets a grant. */
  checkpoint(): void {
    this.write("checkpoint", this.current().state(this.now()));
  }

  /** Appends to the flow's activity log (inside a transaction), keeping the newest ACTIVITY_KEEP. */
  record(type: string, data: Record<string, unknown>): number {
    const seq = (this.sql.one<{ s: number | null }>(`SELECT max(seq) AS s FROM activity`)?.s ?? 0) + 1;
    this.sql.run(`INSERT INTO activity (seq, type, ts, data) VALUES (?, ?, ?, ?)`, seq, type, this.now(), JSON.stringify(data));
    if (seq > ACTIVITY_KEEP && seq % 100 === 0) this.sql.run(`DELETE FROM activity WHERE seq <= ?`, seq - ACTIVITY_KEEP);
    return seq;
  }

  activity(after: number, limit: number): { seq: number; type: string; ts: number; data: unknown }[] {
    if (!this.ready) return [];
    return this.sql.all<{ seq: number; type: string; ts: number; data: string }>(`SELECT seq, type, ts, data FROM activity WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
      .map((r) => ({ ...r, data: JSON.parse(r.data) }));
  }
}
