/**
 * The PollGroupObject's shared context: storage, the clock, transactions and
 * the group's state row (identity, schedule, cursor, poll state). The tables'
 * SQL lives in the modules beside this one.
 */
import type { ObjectEnv } from "../../src/contracts/object-env";
import type { PollState } from "../../src/domain/poll";
import { Sql, TxScope, hasSchema } from "../sql";
import { migratePoll } from "./schema";

export type GroupState = {
  tenant: string;
  key: string;
  createdAt: number;
  /** the first poll's time: `every` periods count from it (null: not polled yet) */
  anchor: number | null;
  /** when the next poll is due (the schedule, or a retry after a failure); null while paused */
  nextAt: number | null;
  /** whether the first successful poll (the baseline) has been recorded */
  baselined: boolean;
  /** from the trigger that created the group */
  startFrom: "now" | "beginning";
  cursor: string | null;
  poll: PollState;
  /** numbers the seen ids in the order they were last seen */
  seenN: number;
  /** when members were last asked whether they still belong (orphan check) */
  verifiedAt: number;
  polls: number;
  /** lateness (ms) of the latest polls, newest last */
  lateness: number[];
  /** when the latest poll was due and when it started: the next one is at least a period later (absent in groups saved before it was kept) */
  lastPoll?: { dueAt: number; startedAt: number };
};

export class PollCore {
  readonly sql: Sql;
  ready: boolean;
  private cached: GroupState | null | undefined;
  private readonly txs: TxScope;

  constructor(
    readonly storage: DurableObjectStorage,
    /** The bindings; tests swap one to inject a fault. */
    public env: ObjectEnv,
    public clock: () => number = Date.now,
  ) {
    this.sql = new Sql(storage.sql);
    this.txs = new TxScope(storage);
    // a group that was never joined (a state read, a stale leave) stays empty
    this.ready = hasSchema(this.sql);
    if (this.ready) migratePoll(this.sql, storage);
  }

  now(): number {
    return this.clock();
  }

  ensureSchema(): void {
    if (this.ready) return;
    migratePoll(this.sql, this.storage);
    this.ready = true;
  }

  state(): GroupState | null {
    if (!this.ready) return null;
    if (this.cached === undefined) {
      const r = this.sql.one<{ value: string }>(`SELECT value FROM meta WHERE key = 'state'`);
      this.cached = r ? (JSON.parse(r.value) as GroupState) : null;
    }
    return this.cached;
  }

  saveState(s: GroupState): void {
    this.sql.run(`INSERT OR REPLACE INTO meta (key, value) VALUES ('state', ?)`, JSON.stringify(s));
    this.cached = s;
  }

  /** Everything gone: the group's last member left. */
  async destroy(): Promise<void> {
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
    this.ready = false;
    this.cached = undefined;
  }

  /** One transaction (re-entrant); the cached state is dropped if it throws; hooks run after commit. */
  tx<T>(fn: () => T): T {
    return this.txs.run(fn, () => void (this.cached = undefined));
  }
}
