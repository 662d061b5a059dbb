/**
 * The object's shared context: storage, the clock, the transaction helper
 * with after-commit hooks, and the in-memory state kept beside SQLite (the
 * cached index entry and subscriptions, the stream head, the stats book, the
 * delivery ledger). Table modules in ./tables/ own the SQL; verbs compose them.
 */
import type { ObjectEnv } from "../../src/contracts/object-env";
import type { TriggerDef } from "../../src/schemas/trigger";
import type { RetryPolicy } from "../../src/domain/backoff";
import type { TargetDef } from "../../src/schemas/subscription";
import { Sql, TxScope, hasSchema } from "../sql";
import { migrate } from "./schema";
import type { Ledger } from "../ledger/ledger";
import { BodyCache } from "./body-cache";
import { OpenRows } from "./open-rows";
import type { TriggerStatus } from "../../src/contracts/views";
import type { BatchDef, DebounceDef, OrderingDef } from "../../src/schemas/shaping";

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

export type Subscription = {
  flow: string;
  mode: "auto" | "manual";
  target: TargetDef;
  retry: RetryPolicy;
  subscribedAt: number;
  checkpoint: number;
  /** the flow has reported a delivery's status at least once (overlap waits for its completed/failed) */
  reports: boolean;
  /** an http target's secret rotation: deliveries are signed with the previous secret too until `until` (undefined: keep the stored one) */
  rotation?: SecretRotation | null;
  /** ordering and debounce of this subscription's deliveries (./shaping.ts) */
  shaping: Shaping | null;
};

export type Shaping = { ordering?: OrderingDef; debounce?: DebounceDef; batch?: BatchDef };

export type SecretRotation = { previousSecret: string; until: number; rotatedAt: number };


export class Core {
  readonly sql: Sql;
  /** Whether the schema exists; false for an object nothing was ever registered in. */
  ready: boolean;
  /** Cached index entry (undefined: not read yet). */
  cachedRow: TriggerRow | null | undefined;
  /** Cached subscriptions, ordered by flow (undefined: not read yet). */
  cachedSubs: Subscription[] | undefined;
  /** The last stream seq (undefined: not read yet). */
  head: number | undefined;
  /** The last inbox id given (undefined: not read yet). */
  inboxHead: number | undefined;
  /** The delivery ledger (set by the object once the Core exists). */
  ledger!: Ledger;
  /** The last number given to a delivered outcome without a stream event (undefined: from the book). */
  settledSeq: number | undefined;
  /** The newest committed events, shaped for readers, kept while live listeners exist (bounded). */
  recentEvents: { seq: number; id: string; type: string; ts: number; data: unknown; bytes: number }[] = [];
  /** The data bytes of recentEvents (bounded by ./journal.ts). */
  recentBytes = 0;
  /** Called after events commit (the object pumps its live listeners); unset: none. */
  onEventsCommitted: (() => void) | undefined;
  livePumpQueued = false;
  /** First-attempt bodies of deliveries just created, taken by their hand-over (bounded in bytes). */
  readonly freshBodies = new BodyCache();
  /** The inbox rows still to process, as this instance stored them (bounded in bytes; ./open-rows.ts). */
  readonly openRows = new OpenRows();
  /** Deliveries skipped lately, for the consumer's control snapshot (bounded). */
  readonly recentlySkipped = new Set<string>();
  /** When the D1 stats snapshot and the stats checkpoint are due (null: nothing changed). */
  statsDueAt: number | null = null;
  /** A fire resolved an event await: its notice waits in the outbox for the next drain (the alarm drains it regardless). */
  runNotices = false;
  /** Long-polling pull readers waiting for the next fire. */
  readonly fireWaiters = new Set<() => void>();
  /** The schedule's next occurrences as last worked out (./schedule.ts): the spec they are of, the cursor they follow. */
  scheduleAhead: { key: string; from: number; times: number[] } | null = null;
  /** The alarm time as last set/read (undefined: not read yet). */
  alarmAt: number | null | undefined = undefined;
  /** Loaded lazily by ./stats.ts (kept here so every module shares one book). */
  book: unknown = undefined;
  private readonly txs: TxScope;

  constructor(
    readonly storage: DurableObjectStorage,
    /** The bindings; tests replace one (a failing D1, a failing queue) to inject faults. */
    public env: ObjectEnv,
    public clock: () => number = Date.now,
  ) {
    this.sql = new Sql(storage.sql);
    this.txs = new TxScope(storage);
    // An object that was never written stays empty: reads (a 404, a probe) must not create storage.
    this.ready = hasSchema(this.sql);
    if (this.ready) migrate(this.sql, storage);
  }

  /** Creates the schema on the first write that needs it (registration). */
  ensureSchema(): void {
    if (this.ready) return;
    migrate(this.sql, this.storage);
    this.ready = true;
  }

  now(): number {
    return this.clock();
  }

  /** Forgets cached state after a failed transaction rolled storage back. */
  invalidate(): void {
    this.cachedRow = undefined;
    this.cachedSubs = undefined;
    this.head = undefined;
    this.inboxHead = undefined;
    this.settledSeq = undefined;
    this.freshBodies.clear();
    this.openRows.forget();
  }

  /** Remembers a skipped delivery for the consumer (the newest 1,000). */
  noteSkipped(id: string): void {
    this.recentlySkipped.add(id);
    if (this.recentlySkipped.size > 1000) this.recentlySkipped.delete(this.recentlySkipped.values().next().value!);
  }

  /**
   * Runs fn in one SQLite transaction (re-entrant: an inner call joins the
   * outer one). Hooks registered with onCommit run after the outermost commit,
   * and are dropped, with the caches, if it throws.
   */
  tx<T>(fn: () => T): T {
    return this.txs.run(fn, () => this.invalidate());
  }

  /** Runs `hook` once the current transaction commits (at once outside a transaction). */
  onCommit(hook: () => void): void {
    this.txs.onCommit(hook);
  }

  /** Transactions committed since the object started (how many commits a burst of writes took). */
  get transactions(): number {
    return this.txs.committed;
  }
}
