/**
 * One trigger's part of the tenant-wide fire feed (GET /v1/fires): its fires
 * in a time range, newest first, filtered, as light views. Reads only.
 *
 * The stream's seq order is its time order (one writer, one clock), so the
 * top of the range is found by a binary search over the primary key
 * (O(log n) one-row reads) and the scan walks down from there: at most
 * SCAN_BUDGET events a page, or, for failed and dead deliveries, the partial
 * index over them. Where it stopped early is answered as the `frontier`.
 */
import type { FeedFire, FeedPageAnswer, FeedPageRequest, FeedPosition } from "../../src/contracts/feed";
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import type { EventRow } from "./tables/events";
import { deliveriesOfFire } from "./tables/deliveries";
import { deliveryStatus } from "./fire-views";
import { SCAN_BUDGET } from "./reads";

type SeqTs = { seq: number; ts: number };

/** The highest seq whose event is at or before `ts` (null: every event is later, or there is none). */
function lastSeqAtOrBefore(core: Core, ts: number): number | null {
  const last = core.sql.one<SeqTs>(`SELECT seq, ts FROM events ORDER BY seq DESC LIMIT 1`);
  if (!last) return null;
  if (last.ts <= ts) return last.seq;
  const first = core.sql.one<SeqTs>(`SELECT seq, ts FROM events ORDER BY seq LIMIT 1`)!;
  if (first.ts > ts) return null;
  // invariant: the event at or below lo is at or before ts, the one at or below hi is after it
  let lo = first.seq;
  let hi = last.seq;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const at = core.sql.one<SeqTs>(`SELECT seq, ts FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT 1`, mid)!;
    if (at.ts <= ts) lo = mid;
    else hi = mid;
  }
  return core.sql.one<SeqTs>(`SELECT seq, ts FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT 1`, lo)!.seq;
}

function view(core: Core, name: string, ev: EventRow): FeedFire {
  const data = JSON.parse(ev.data) as { source?: string; skipReason?: string; eventType?: string };
  return {
    trigger: name, eventId: ev.id, seq: ev.seq, firedAt: ev.ts,
    status: ev.type === "trigger.fired" ? "accepted" : "skipped",
    skipReason: data.skipReason ?? null, source: data.source ?? null, eventType: data.eventType ?? null,
    deliveries: deliveriesOfFire(core, ev.seq).map((d) => ({ deliveryId: d.id, flow: d.flow, status: deliveryStatus(core, d) })),
  };
}

const position = (e: SeqTs): FeedPosition => ({ firedAt: e.ts, seq: e.seq });

/**
 * The trigger's fires in [since, before), newest first, at most `limit`.
 * @example feedPage(core, { since: 0, before: { firedAt: Date.now(), seq: Infinity }, limit: 50, status: "dead", flow: null, eventType: null })
 */
export function feedPage(core: Core, req: FeedPageRequest): FeedPageAnswer {
  const entry = loadEntry(core);
  const top = entry ? lastSeqAtOrBefore(core, req.before.firedAt) : null;
  if (!entry || top === null) return { fires: [], frontier: null };
  const status = req.status === "delivering" ? "queued" : req.status;
  const indexed = status === "failed" || status === "dead";
  // failed and dead come from their partial index (any distance); other scans examine a window of seqs
  const floor = indexed ? (lastSeqAtOrBefore(core, req.since - 1) ?? 0) : Math.max(0, top - SCAN_BUDGET);

  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => (where.push(clause), params.push(...values));
  if (indexed) {
    // driven by the partial index over failed and dead deliveries (the status is an enum value, inlined so the index applies)
    add(`e.seq IN (SELECT d.event_seq FROM deliveries d WHERE d.status = '${status}' AND d.event_seq <= ? AND d.event_seq > ?${req.flow !== null ? " AND d.flow = ?" : ""})`,
      top, floor, ...(req.flow !== null ? [req.flow] : []));
  } else {
    add(`e.seq <= ? AND e.seq > ?`, top, floor);
    const d = [`d.event_seq = e.seq`];
    const values: unknown[] = [];
    if (status !== null) (d.push(`d.status = ?`), values.push(status));
    if (req.flow !== null) (d.push(`d.flow = ?`), values.push(req.flow));
    if (values.length) add(`EXISTS (SELECT 1 FROM deliveries d WHERE ${d.join(" AND ")})`, ...values);
  }
  add(`e.type IN ('trigger.fired', 'trigger.skipped') AND e.ts >= ?`, req.since);
  add(`(e.ts < ? OR (e.ts = ? AND e.seq < ?))`, req.before.firedAt, req.before.firedAt, Math.min(req.before.seq, Number.MAX_SAFE_INTEGER));
  if (req.eventType !== null) add(`json_extract(e.data, '$.eventType') = ?`, req.eventType);
  const rows = core.sql.all<EventRow>(
    `SELECT e.seq, e.id, e.type, e.ts, e.data FROM events e WHERE ${where.join(" AND ")} ORDER BY e.seq DESC LIMIT ?`,
    ...params, req.limit + 1,
  );
  const fires = rows.slice(0, req.limit).map((ev) => view(core, entry.name, ev));
  if (rows.length > req.limit) return { fires, frontier: position(rows[req.limit - 1]) };
  if (indexed || floor === 0) return { fires, frontier: null };
  // the window (floor, top] is examined; below it is unread unless it is already before `since`
  const lowest = core.sql.one<SeqTs>(`SELECT seq, ts FROM events WHERE seq > ? ORDER BY seq LIMIT 1`, floor);
  const below = core.sql.one<SeqTs>(`SELECT seq, ts FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT 1`, floor);
  return { fires, frontier: lowest && below && below.ts >= req.since ? position(lowest) : null };
}
