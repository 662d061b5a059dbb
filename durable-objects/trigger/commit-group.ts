/**
 * Group commit: writes that arrive while a group is open run in one
 * transaction, so requests that come in together share one commit (one
 * fsync, each index page written once) instead of paying one each. The
 * group runs on the next turn of the event loop (setTimeout 0: no added
 * delay when the object is idle), and each caller's promise settles after
 * the group's transaction: its answer, like any write's, leaves the object
 * only once the commit is durable (the output gate).
 *
 * A work item that throws an AppError (a refusal: 409, 410, 422, 429, …)
 * gets it and leaves the others alone; its writes before the throw, if any,
 * would stay in the group, so the items that use this (an API fire, a
 * webhook's store, a chained fire) refuse before they write. Any other error rolls the whole
 * group back and every item gets it: nothing is half stored.
 */
import { AppError } from "../../src/errors";
import type { Core } from "./core";

type Item = { work: (core: Core) => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };

export class CommitGroup {
  private pending: Item[] = [];

  /** `core` answers the object's current core when the group runs (it is replaced when the trigger is deleted). */
  constructor(private readonly core: () => Core) {}

  /** Runs `work` in the next group's transaction and answers its result once that transaction committed. */
  join<T>(work: (core: Core) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.length === 1) setTimeout(() => this.run(), 0);
    });
  }

  private run(): void {
    const group = this.pending;
    this.pending = [];
    const core = this.core();
    let results: ({ ok: true; value: unknown } | { ok: false; error: AppError })[];
    try {
      results = core.tx(() =>
        group.map((item) => {
          try {
            return { ok: true as const, value: item.work(core) };
          } catch (e) {
            if (e instanceof AppError) return { ok: false as const, error: e };
            throw e;
          }
        }),
      );
    } catch (e) {
      for (const item of group) item.reject(e);
      return;
    }
    group.forEach((item, i) => {
      const r = results[i];
      if (r.ok) item.resolve(r.value);
      else item.reject(r.error);
    });
  }
}
