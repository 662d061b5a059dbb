/** Reading fires: one fire with its deliveries, and fires having a delivery in a given status. */
import { AppError } from "../../src/errors";
import { inboxIdOfEventId, seqOfEventId } from "../../src/contracts/ids";
import type { DeliveryView, FireView, FiresPage } from "../../src/contracts/views";
import type { Core } from "./core";
import { requireEntry } from "./tables/entry";
import { eventAt, firstEvent, headSeq, type EventRow } from "./tables/events";
import { BLOCKED, deliveriesOfFire, deliveryById, fireSeqsWithStatus, type DeliveryRow } from "./tables/deliveries";
import type { DeliveryRef } from "../../src/contracts/rpc";
import { seqOfInboxEvent } from "./tables/inbox";
import { seqOfKey } from "./tables/dedup";
import { SCAN_BUDGET } from "./reads";

/** A delivery's status as readers see it: a queued one already handed to the queue is "delivering". */
export function deliveryStatus(core: Core, d: Pick<DeliveryRow, "id" | "status">): string {
  return d.status === "queued" && core.ledger.isHanded(d.id) ? "delivering" : d.status;
}

export function deliveryView(core: Core, d: DeliveryRow): DeliveryView {
  return {
    deliveryId: d.id, flow: d.flow, status: deliveryStatus(core, d),
    attempts: d.attempts, lastStatusCode: d.last_status_code, lastError: d.last_error,
    // a held delivery (shaping) leaves at its debounce time, or (ordering: null) when its key's earlier one settles
    nextAttemptAt: d.status !== "queued" ? null : d.hold_until === null ? d.next_attempt_at : d.hold_until === BLOCKED ? null : d.hold_until,
    deliveredAt: d.delivered_at, latencyMs: d.latency_ms,
    reason: d.reason, skipReason: d.status === "skipped" ? d.reason : null, output: d.output === null ? undefined : JSON.parse(d.output),
  };
}

/** The seq a fire id points at: evt_ ids encode it; webhook ids go through the inbox; scheduled ids through their occurrence key. */
function seqOfFire(core: Core, eventId: string): number | null {
  const seq = seqOfEventId(eventId);
  if (seq !== null) return seq;
  const inbox = inboxIdOfEventId(eventId);
  if (inbox !== null) return seqOfInboxEvent(core, inbox, eventId);
  const occ = /^sch_([0-9a-z]{9})_[0-9a-f]{16}$/.exec(eventId);
  if (occ) return seqOfKey(core, `occ:${parseInt(occ[1], 36)}`, eventId);
  const keyed = /^(pol|flw)_[0-9a-f]{16}_[0-9a-f]{16}$/.exec(eventId);
  if (keyed) return seqOfKey(core, `id:${eventId}`, eventId);
  return null;
}

/** Finds a fire's stream event by its id. */
function findFireEvent(core: Core, eventId: string): EventRow | null {
  const seq = seqOfFire(core, eventId);
  if (seq === null) return null;
  const ev = eventAt(core, seq);
  if (!ev || ev.id !== eventId || (ev.type !== "trigger.fired" && ev.type !== "trigger.skipped")) return null;
  return ev;
}

export function requireFire(core: Core, eventId: string): EventRow {
  const ev = findFireEvent(core, eventId);
  if (!ev) throw new AppError(404, "not_found", `Fire '${eventId}' not found`);
  return ev;
}

/**
 * The fire's delivery state, derived from its deliveries: pending while any is
 * queued/delivering/processing, else dead, failed, completed, delivered or
 * skipped (worst first); "none" when it had no deliveries.
 * @internal (exported for tests)
 */
export function deliveryState(statuses: string[]): string {
  if (statuses.length === 0) return "none";
  for (const s of ["queued", "delivering", "processing"]) if (statuses.includes(s)) return "pending";
  for (const s of ["dead", "failed"]) if (statuses.includes(s)) return s;
  if (statuses.every((s) => s === "skipped")) return "skipped";
  return statuses.every((s) => s === "completed" || s === "skipped") ? "completed" : "delivered";
}

function fireView(core: Core, ev: EventRow): FireView {
  const data = JSON.parse(ev.data) as Record<string, unknown>;
  const persist = requireEntry(core).def.config?.persistData !== false;
  const own = deliveriesOfFire(core, ev.seq);
  // a fire that joined a batch shows the batch's delivery
  const joined = ((data.deliveries ?? []) as DeliveryRef[]).filter((r) => r.batched && !own.some((d) => d.id === r.deliveryId));
  const deliveries = [...own, ...joined.map((r) => deliveryById(core, r.deliveryId)).filter((d): d is DeliveryRow => d !== null)].map((d) => deliveryView(core, d));
  return {
    eventId: ev.id, seq: ev.seq, firedAt: ev.ts,
    status: ev.type === "trigger.fired" ? "accepted" : "skipped",
    skipReason: (data.skipReason as string | undefined) ?? null,
    source: data.source,
    ...(data.scheduledFor !== undefined ? { scheduledFor: data.scheduledFor, latenessMs: data.latenessMs } : {}),
    ...(data.details !== undefined ? { details: data.details } : {}),
    ...(data.eventType !== undefined ? { eventType: data.eventType } : {}),
    ...(data.headers !== undefined ? { headers: data.headers } : {}),
    ...(data.chainDepth !== undefined ? { chainDepth: data.chainDepth } : {}),
    ...(persist ? { data: data.payload } : {}),
    deliveryStatus: deliveryState(deliveries.map((d) => d.status)),
    deliveries,
  };
}

export function getFire(core: Core, eventId: string): FireView {
  requireEntry(core);
  return fireView(core, requireFire(core, eventId));
}

/** GET …/fires?status=: newest first; the cursor is the seq the page (or its scan budget) stopped at. */
export function listFires(core: Core, status: string | null, limit: number, before: number | null): FiresPage {
  requireEntry(core);
  const top = Math.min(before ?? Number.MAX_SAFE_INTEGER, headSeq(core) + 1);
  let seqs: number[];
  let next: number | null;
  if (status) {
    const r = fireSeqsWithStatus(core, status, top, limit, SCAN_BUDGET);
    seqs = r.seqs;
    next = r.scannedTo;
  } else {
    const from = Math.max(0, top - SCAN_BUDGET);
    const rows = core.sql.all<{ s: number }>(`SELECT seq AS s FROM events WHERE seq < ? AND seq >= ? AND type IN ('trigger.fired', 'trigger.skipped') ORDER BY seq DESC LIMIT ?`, top, from, limit + 1).map((r) => r.s);
    seqs = rows.slice(0, limit);
    next = rows.length > limit ? seqs[seqs.length - 1] : from > (firstEvent(core)?.seq ?? 0) ? from : null;
  }
  const fires = seqs.map((s) => eventAt(core, s)).filter((e): e is EventRow => e !== null).map((e) => fireView(core, e));
  return { fires, nextCursor: next === null ? null : String(next) };
}
