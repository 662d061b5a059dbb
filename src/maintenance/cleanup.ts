/**
 * The cleanup run, shared by POST /v1/maintenance/cleanup and the Worker's
 * daily cron. Candidates come from the D1 index, oldest first, one indexed
 * page at a time; each candidate's TriggerObject decides and acts (it is the
 * source of truth, the index may lag). Work is bounded: one run asks at most
 * `budget` objects, and `more` says the rest waits for the next run.
 */
import type { Env } from "../env";
import { TenantStore } from "../data/tenant-store";
import { listTenants, readCleanupStart, writeCleanupStart, type After, type Candidate } from "../store/trigger-removal";
import { isRpcFailure, type RpcFailure } from "../errors";
import type { DeletedItem, RetiredItem } from "../contracts/cleanup";
import { FAN_OUT, mapBounded } from "../domain/bounded";

const DAY_MS = 86_400_000;
export const CLEANUP_DEFAULTS = { retireAfterDays: 30, deleteStreamsAfterDays: 90 } as const;
/** Objects one API call asks at most (the body's `limit` may lower or raise it up to ROUTE_MAX_BUDGET). */
export const ROUTE_BUDGET = 500;
export const ROUTE_MAX_BUDGET = 1_000;
/** Objects one cron run asks at most, over all tenants (see docs/cleanup.md for why this fits the limits). */
const CRON_BUDGET = 4_000;
/** Tenants one cron run visits at most (each costs two D1 reads even when it has nothing to clean). */
const CRON_MAX_TENANTS = 1_000;
const PAGE = 100;

export type CleanupOptions = { dryRun: boolean; retireAfterDays: number; deleteStreamsAfterDays: number; budget: number; now: number };
export type CleanupReport = { dryRun: boolean; retired: RetiredItem[]; deleted: DeletedItem[]; more: boolean; examined: number };

type Decide<T> = (name: string) => Promise<T | null | RpcFailure>;

/**
 * Objects asked per second, at most. Each object a cleanup wakes stays in
 * memory until it has been idle for about 10 s (the runtime's eviction), with
 * its SQLite connection; the runtime's SQLite memory is limited per process
 * (512 MiB in the local runtime, about 2,000 resident trigger objects), and a
 * run that asked ~130 objects a second crashed it. 50 a second keeps a run at
 * well under half of that, and 4,000 objects (a cron run) take 80 s.
 */
const OBJECTS_PER_SECOND = 50;
let nextSlot = 0;

/** Waits for this isolate's next slot (shared by concurrent runs). */
async function paced(now = Date.now()): Promise<void> {
  const at = Math.max(now, nextSlot);
  nextSlot = at + 1000 / OBJECTS_PER_SECOND;
  if (at > now) await new Promise((r) => setTimeout(r, at - now));
}

/** Runs `fn` over `items`, at most FAN_OUT at a time. */
const pool = <T>(items: T[], fn: (item: T) => Promise<void>) => mapBounded(items, FAN_OUT, fn);

/**
 * One phase over a candidate list: pages until the list or the budget ends.
 * Declined candidates are passed over by the keyset, so they never hold a
 * page up. Answers the objects asked and whether candidates remain.
 */
async function phase<T>(
  tenant: string, budget: number, page: (after: After, limit: number) => Promise<Candidate[]>, decide: Decide<T>, out: T[],
): Promise<{ examined: number; more: boolean }> {
  let examined = 0;
  let after: After = null;
  while (examined < budget) {
    const want = Math.min(PAGE, budget - examined);
    const rows = await page(after, want + 1);
    const take = rows.slice(0, want);
    await pool(take, async (c) => {
      try {
        await paced();
        const r = await decide(c.name);
        if (r !== null && !isRpcFailure(r)) out.push(r);
      } catch (e) {
        console.error(JSON.stringify({ msg: "cleanup_failed", tenant, trigger: c.name, error: String((e as Error).message).slice(0, 200) }));
      }
    });
    examined += take.length;
    if (rows.length <= want) return { examined, more: false };
    const last = take[take.length - 1];
    after = { at: last.at, name: last.name };
  }
  return { examined, more: true };
}

/**
 * Cleans one tenant: deletes triggers retired before the deletion cutoff,
 * then retires idle ones. Deletions go first, so a trigger this run retires
 * is never deleted by the same run. Logs one JSON line (counts only).
 */
export async function cleanupTenant(store: TenantStore, o: CleanupOptions): Promise<CleanupReport> {
  const report: CleanupReport = { dryRun: o.dryRun, retired: [], deleted: [], more: false, examined: 0 };
  const deleteCut = o.now - o.deleteStreamsAfterDays * DAY_MS;
  const retireCut = o.now - o.retireAfterDays * DAY_MS;
  const del = await phase(
    store.tenant, o.budget, (after, limit) => store.removal.retired(deleteCut, after, limit),
    (name) => store.trigger(name).purgeIfRetiredBefore(store.tenant, name, deleteCut, o.dryRun), report.deleted,
  );
  report.examined += del.examined;
  report.more = del.more;
  if (!del.more && report.examined < o.budget) {
    const ret = await phase(
      store.tenant, o.budget - report.examined, (after, limit) => store.removal.idle(retireCut, after, limit),
      (name) => store.trigger(name).retireIfInactive(retireCut, o.retireAfterDays, o.dryRun), report.retired,
    );
    report.examined += ret.examined;
    report.more = ret.more;
  } else {
    report.more = true;
  }
  console.log(JSON.stringify({ msg: "cleanup", tenant: store.tenant, retired: report.retired.length, deleted: report.deleted.length, dryRun: o.dryRun, more: report.more }));
  return report;
}

/** Every tenant with triggers, starting with `start` and wrapping around to the ones before it. */
async function* tenantsFrom(db: D1Database, start: string): AsyncGenerator<string> {
  const ranges: [string, string | null][] = start === "" ? [["", null]] : [[start, null], ["", start]];
  for (const [from, below] of ranges) {
    let cursor = from;
    for (;;) {
      const page = await listTenants(db, cursor, below, PAGE);
      yield* page;
      if (page.length < PAGE) break;
      cursor = page[page.length - 1] + "\u0000";
    }
  }
}

/**
 * The cron: cleans every tenant with the defaults, within CRON_BUDGET objects
 * and CRON_MAX_TENANTS tenants (tests pass smaller limits). A run that stops early records the tenant it
 * stopped at, and the next run starts there (and wraps around), so every
 * tenant gets its turn however much one of them has to clean.
 */
export async function cleanupAllTenants(
  env: Env, now: number, limits: { budget: number; maxTenants: number } = { budget: CRON_BUDGET, maxTenants: CRON_MAX_TENANTS },
): Promise<{ tenants: number; more: boolean }> {
  const start = await readCleanupStart(env.DB);
  let left = limits.budget;
  let tenants = 0;
  let stoppedAt: string | null = null;
  for await (const tenant of tenantsFrom(env.DB, start)) {
    if (left <= 0 || tenants >= limits.maxTenants) {
      stoppedAt = tenant;
      break;
    }
    const r = await cleanupTenant(new TenantStore(env, tenant), { dryRun: false, ...CLEANUP_DEFAULTS, budget: left, now });
    tenants++;
    left -= r.examined;
    if (r.more) {
      stoppedAt = tenant;
      break;
    }
  }
  if (stoppedAt !== null && stoppedAt !== start) await writeCleanupStart(env.DB, stoppedAt);
  return { tenants, more: stoppedAt !== null };
}
