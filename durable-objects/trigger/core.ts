/**
 * The object's shared context: storage, the index-entry row (cached), the
 * stream appender and in-memory bookkeeping. Feature modules take a Core.
 */
import type { Env } from "../../src/env";
import type { TriggerDef } from "../../src/schemas/trigger";
import { AppError } from "../../src/errors";
import { Sql, hasSchema } from "../sql";
import { migrate } from "./schema";
import { newEventId } from "./ids";

export type TriggerStatus = "active" | "retired" | "deprecated";

export type TriggerRow = {
  tenant: string;
  name: string;
  def: TriggerDef;
  status: TriggerStatus;
  source: string;
  version: number;
  registeredAt: number;
  updatedAt: number;
  lastActivityAt: number;
  retiredAt: number | null;
  retiredReason: string | null;
};

type RawRow = {
  tenant: string; name: string; def: string; status: string; source: string; version: number;
  registered_at: number; updated_at: number; last_activity_at: number; retired_at: number | null; retired_reason: string | null;
};

/** Test-only fault injection (set through runInDurableObject). */
export type Faults = { d1Failures: number; queueFailures: number; holdInbox: boolean };

export class Core {
  readonly sql: Sql;
  private cachedRow: TriggerRow | null | undefined;
  private lastSeq: number | null = null;
  /** Deliveries a consumer is working on right now (in memory: costs no writes). */
  readonly inflight = new Map<string, number>();
  /** When the D1 stats snapshot must be pushed (null: it is current as far as this instance knows). */
  statsDueAt: number | null = null;
  /** Number of event-await waiters (undefined: count on next use). */
  waiterCount: number | undefined = undefined;
  /** Long-polling pull readers waiting for the next fire. */
  readonly fireWaiters = new Set<() => void>();
  readonly faults: Faults = { d1Failures: 0, queueFailures: 0, holdInbox: false };
  /** The alarm time as last set/read (undefined: not read yet). */
  alarmAt: number | null | undefined = undefined;
  /** Earliest lease of a queued delivery as far as this instance knows (undefined: scan needed). */
  leaseDue: number | null | undefined = undefined;

  constructor(
    readonly storage: DurableObjectStorage,
    readonly env: Env,
    readonly clock: () => number = Date.now,
  ) {
    this.sql = new Sql(storage.sql);
    // An object that was never written stays empty: reads (a 404, a probe) must not create storage.
    this.ready = hasSchema(this.sql);
    if (this.ready) migrate(this.sql, storage);
  }

  /** Whether the schema exists; false for an object nothing was ever registered in. */
  ready: boolean;

  /** Creates the schema on the first write that needs it (registration). */
  ensureSchema(): void {
    if (this.ready) return;
    migrate(this.sql, this.storage);
    this.ready = true;
  }

  now(): number {
    return this.clock();
  }

  /** The index entry, or null when the trigger was never registered. */
  row(): TriggerRow | null {
    if (this.cachedRow !== undefined) return this.cachedRow;
    if (!this.ready) return null;
    const r = this.sql.one<RawRow>(`SELECT * FROM trigger WHERE id = 1`);
    this.cachedRow = r
      ? {
          tenant: r.tenant, name: r.name, def: JSON.parse(r.def), status: r.status as TriggerStatus, source: r.source,
          version: r.version, registeredAt: r.registered_at, updatedAt: r.updated_at, lastActivityAt: r.last_activity_at,
          retiredAt: r.retired_at, retiredReason: r.retired_reason,
        }
      : null;
    return this.cachedRow;
  }

  /** The index entry; 404 when missing. */
  requireRow(): TriggerRow {
    const r = this.row();
    if (!r) throw new AppError(404, "not_found", "Trigger not found");
    return r;
  }

  /** The index entry of a trigger that may take fires; 404 / 410 otherwise. */
  requireActive(): TriggerRow {
    const r = this.requireRow();
    if (r.status === "retired") throw new AppError(410, "trigger_retired", `Trigger '${r.name}' is retired`);
    return r;
  }

  /** Writes the index entry (call inside a transaction). */
  saveRow(r: TriggerRow): void {
    this.sql.run(
      `INSERT OR REPLACE INTO trigger (id, tenant, name, def, status, source, version, registered_at, updated_at, last_activity_at, retired_at, retired_reason)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      r.tenant, r.name, JSON.stringify(r.def), r.status, r.source, r.version, r.registeredAt, r.updatedAt, r.lastActivityAt, r.retiredAt, r.retiredReason,
    );
    this.cachedRow = r;
  }

  /** Forgets cached state after a failed transaction rolled storage back. */
  invalidate(): void {
    this.cachedRow = undefined;
    this.lastSeq = null;
  }

  /** Runs fn in one SQLite transaction; caches are dropped if it throws. */
  tx<T>(fn: () => T): T {
    try {
      return this.storage.transactionSync(fn);
    } catch (e) {
      this.invalidate();
      throw e;
    }
  }

  nextSeq(): number {
    if (this.lastSeq === null) this.lastSeq = this.sql.one<{ s: number | null }>(`SELECT max(seq) AS s FROM events`)?.s ?? 0;
    return this.lastSeq + 1;
  }

  currentSeq(): number {
    return this.nextSeq() - 1;
  }

  /** Appends one event to the stream (call inside a transaction). */
  appendEvent(type: string, data: unknown, id?: string): { seq: number; id: string; ts: number } {
    const seq = this.nextSeq();
    const eventId = id ?? newEventId(seq);
    const ts = this.now();
    this.sql.run(`INSERT INTO events (seq, id, type, ts, data) VALUES (?, ?, ?, ?, ?)`, seq, eventId, type, ts, JSON.stringify(data ?? null));
    this.lastSeq = seq;
    return { seq, id: eventId, ts };
  }
}
