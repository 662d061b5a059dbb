/** Reading fires: one fire with its deliveries, and fires having a delivery in a given status. */
import { AppError } from "../../src/errors";
import type { Core } from "./core";
import { seqOfEventId, deliveryIdPrefix } from "./ids";
import { seqOfWebhookEvent } from "./inbox";

export type DeliveryRow = {
  id: string; event_seq: number; flow: string; status: string; attempts: number; fired_at: number;
  next_attempt_at: number | null; lease_until: number | null; last_status_code: number | null; last_error: string | null;
  delivered_at: number | null; latency_ms: number | null; reason: string | null; output: string | null; updated_at: number;
};

type EventRow = { seq: number; id: string; type: string; ts: number; data: string };

export function deliveryView(core: Core, d: DeliveryRow) {
  return {
    deliveryId: d.id, flow: d.flow, status: d.status === "queued" && core.inflight.has(d.id) ? "delivering" : d.status,
    attempts: d.attempts, lastStatusCode: d.last_status_code, lastError: d.last_error,
    nextAttemptAt: d.status === "queued" ? d.next_attempt_at : null, deliveredAt: d.delivered_at, latencyMs: d.latency_ms,
    reason: d.reason, output: d.output === null ? undefined : JSON.parse(d.output),
  };
}

/** Finds a fire's stream event by its id (evt_ ids encode the seq; other ids go through the dedup table). */
export function findFireEvent(core: Core, eventId: string): EventRow | null {
  let seq = seqOfEventId(eventId) ?? seqOfWebhookEvent(core, eventId);
  // scheduled fires: sch_<time base36>_<hash>; the occurrence's dedup key holds the seq
  const occ = /^sch_([0-9a-z]{9})_[0-9a-f]{16}$/.exec(eventId);
  if (seq === null && occ) seq = core.sql.one<{ seq: number }>(`SELECT seq FROM dedup WHERE key = ? AND event_id = ?`, `occ:${parseInt(occ[1], 36)}`, eventId)?.seq ?? null;
  if (seq === null) return null;
  const ev = core.sql.one<EventRow>(`SELECT seq, id, type, ts, data FROM events WHERE seq = ?`, seq);
  if (!ev || ev.id !== eventId || (ev.type !== "trigger.fired" && ev.type !== "trigger.skipped")) return null;
  return ev;
}

export function fireDeliveries(core: Core, seq: number): DeliveryRow[] {
  const prefix = deliveryIdPrefix(core.requireRow().name, seq);
  return core.sql.all<DeliveryRow>(`SELECT * FROM deliveries WHERE id > ? AND id < ? ORDER BY id`, prefix, prefix + "\uffff");
}

/**
 * The fire's delivery state, derived from its deliveries: pending while any is
 * queued/delivering/processing, else dead, failed, completed, delivered or
 * skipped (worst first); "none" when it had no deliveries.
 */
export function deliveryState(statuses: string[]): string {
  if (statuses.length === 0) return "none";
  for (const s of ["queued", "delivering", "processing"]) if (statuses.includes(s)) return "pending";
  for (const s of ["dead", "failed"]) if (statuses.includes(s)) return s;
  if (statuses.every((s) => s === "skipped")) return "skipped";
  return statuses.every((s) => s === "completed" || s === "skipped") ? "completed" : "delivered";
}

function fireView(core: Core, ev: EventRow) {
  const data = JSON.parse(ev.data) as Record<string, unknown>;
  const persist = core.requireRow().def.config?.persistData !== false;
  const { payload, source, skipReason, ...rest } = data;
  void rest;
  return {
    eventId: ev.id, seq: ev.seq, firedAt: ev.ts,
    status: ev.type === "trigger.fired" ? "accepted" : "skipped",
    skipReason: (skipReason as string | undefined) ?? null,
    source,
    ...(data.scheduledFor !== undefined ? { scheduledFor: data.scheduledFor, latenessMs: data.latenessMs } : {}),
    ...(data.details !== undefined ? { details: data.details } : {}),
    ...(persist ? { data: payload } : {}),
    ...withDeliveries(fireDeliveries(core, ev.seq).map((d) => deliveryView(core, d))),
  };
}

function withDeliveries(deliveries: ReturnType<typeof deliveryView>[]) {
  return { deliveryStatus: deliveryState(deliveries.map((d) => d.status)), deliveries };
}

export function getFire(core: Core, eventId: string) {
  core.requireRow();
  const ev = findFireEvent(core, eventId);
  if (!ev) throw new AppError(404, "not_found", `Fire '${eventId}' not found`);
  return fireView(core, ev);
}

export function requireFire(core: Core, eventId: string): EventRow {
  const ev = findFireEvent(core, eventId);
  if (!ev) throw new AppError(404, "not_found", `Fire '${eventId}' not found`);
  return ev;
}

/** GET …/fires?status=: newest first, cursor = the last seq returned. */
export function listFires(core: Core, status: string | null, limit: number, before: number | null) {
  core.requireRow();
  const max = before ?? Number.MAX_SAFE_INTEGER;
  const seqs = status
    ? core.sql.all<{ s: number }>(`SELECT DISTINCT event_seq AS s FROM deliveries WHERE status = ? AND event_seq < ? ORDER BY event_seq DESC LIMIT ?`, status, max, limit + 1).map((r) => r.s)
    : core.sql.all<{ s: number }>(`SELECT seq AS s FROM events WHERE type IN ('trigger.fired', 'trigger.skipped') AND seq < ? ORDER BY seq DESC LIMIT ?`, max, limit + 1).map((r) => r.s);
  const page = seqs.slice(0, limit);
  const fires = page
    .map((s) => core.sql.one<EventRow>(`SELECT seq, id, type, ts, data FROM events WHERE seq = ?`, s))
    .filter((e): e is EventRow => e !== null)
    .map((e) => fireView(core, e));
  return { fires, nextCursor: seqs.length > limit ? String(page[page.length - 1]) : null };
}
