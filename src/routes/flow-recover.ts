/**
 * POST /v1/flows/{flow}/recover: replays the flow's dead or failed
 * deliveries of fires in a time range, each once, through the flow's policy.
 * Triggers are taken in name order; a call replays at most MAX_PER_CALL
 * fires and answers `more` and a cursor (the trigger and fire it stopped
 * after) when there is more. Its counts go to the flow's activity log.
 */
import type { TenantStore } from "../data/tenant-store";
import { AppError, isRpcFailure } from "../errors";
import type { RecoverRequest } from "../schemas/flow";

/** Fires replayed (or counted, in a dry run) per call. */
const MAX_PER_CALL = 10_000;
/** Subscribed triggers read per page. */
const PAGE = 100;

type Cursor = { trigger: string; after: number | null };

function decode(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  try {
    const c = JSON.parse(atob(cursor)) as Cursor;
    if (typeof c.trigger === "string" && (c.after === null || typeof c.after === "number")) return c;
  } catch {
    // below
  }
  throw new AppError(400, "invalid_cursor", "cursor is not one this endpoint gave");
}

const encode = (c: Cursor) => btoa(JSON.stringify(c));

export type RecoverAnswer = { dryRun: boolean; matched: number; replayed: number; more: boolean; cursor?: string };

export async function recoverFlow(store: TenantStore, flow: string, req: RecoverRequest, now: number): Promise<RecoverAnswer> {
  const until = req.until ?? now;
  if (until < req.since) throw new AppError(400, "invalid_range", "until must not be before since");
  const dryRun = req.dryRun === true;
  const start = decode(req.cursor);
  let budget = MAX_PER_CALL;
  let matched = 0;
  let replayed = 0;
  let stop: Cursor | null = null;
  // the triggers: the asked subset, else every trigger subscribed to the flow, in name order
  const names = async function* (): AsyncGenerator<string> {
    if (req.triggers) {
      yield* [...new Set(req.triggers)].sort();
      return;
    }
    let cursor: string | undefined;
    do {
      const page = await store.index.flowSubscriptions(flow, PAGE, cursor);
      yield* page.names;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  };
  for await (const trigger of names()) {
    if (start && trigger < start.trigger) continue;
    const after = start && trigger === start.trigger ? start.after : null;
    const r = await store.trigger(trigger).recoverFlow(flow, { status: req.status, since: req.since, until, after, limit: budget, dryRun });
    if (isRpcFailure(r)) continue; // a trigger deleted meanwhile has nothing to recover
    matched += r.matched;
    replayed += r.replayed;
    budget -= dryRun ? r.matched : r.replayed;
    if (r.more) {
      stop = { trigger, after: r.after };
      break;
    }
    if (budget <= 0) {
      stop = { trigger, after: Number.MAX_SAFE_INTEGER };
      break;
    }
  }
  if (!dryRun) await store.gate(flow).recovered(store.tenant, flow, { status: req.status, since: req.since, until, matched, replayed, more: stop !== null });
  return { dryRun, matched, replayed, more: stop !== null, ...(stop ? { cursor: encode(stop) } : {}) };
}
