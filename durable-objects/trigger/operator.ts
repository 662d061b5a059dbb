/** Operator actions on a fire (replay, skip) and the flows' own status reports. */
import { AppError } from "../../src/errors";
import { newDeliveryId } from "../../src/contracts/ids";
import type { DeliveryRef } from "../../src/contracts/rpc";
import type { Core } from "./core";
import { requireActiveEntry, requireEntry } from "./tables/entry";
import { allSubscriptions, markReports } from "./tables/subscriptions";
import { deliveriesOfFire, deliveryById, insertDelivery, nextDeliveryNumber, patchDelivery } from "./tables/deliveries";
import { recordEvent } from "./journal";
import { requireFire } from "./fire-views";
import { queueFlowNotice } from "./chain";
import { orderReplay } from "./shaping";

/**
 * Delivers a fire again to its subscribed flows (or a subset) with new
 * delivery ids. Replay ignores manual mode: it is how manual deliveries are released.
 */
export function replayFire(core: Core, eventId: string, flows: string[] | null): { deliveries: DeliveryRef[] } {
  const row = requireActiveEntry(core);
  const ev = requireFire(core, eventId);
  const subs = allSubscriptions(core).filter((s) => s.target.type !== "pull");
  const wanted = flows ? subs.filter((s) => flows.includes(s.flow)) : subs;
  if (flows) {
    const unknown = flows.filter((f) => !subs.some((s) => s.flow === f));
    if (unknown.length) throw new AppError(400, "unknown_flow", `Not subscribed with an http or queue target: ${unknown.join(", ")}`);
  }
  if (wanted.length === 0) throw new AppError(409, "nothing_to_replay", "The trigger has no http or queue subscriptions to replay to");
  const now = core.now();
  return core.tx(() => {
    const existing = deliveriesOfFire(core, ev.seq);
    let n = nextDeliveryNumber(core, ev.seq);
    const deliveries: DeliveryRef[] = [];
    for (const s of wanted) {
      const id = newDeliveryId(row.name, ev.seq, n);
      // a batch is replayed whole: the new delivery carries the batch's fires
      const members = existing.find((d) => d.flow === s.flow && d.members !== null)?.members ?? null;
      insertDelivery(core, orderReplay(core, row.name, s.flow, ev, { id, seq: ev.seq, n: n++, flow: s.flow, status: "queued", at: now, reason: "replay", members }));
      deliveries.push({ deliveryId: id, flow: s.flow, status: "queued" });
    }
    const replaced = existing.filter((d) => wanted.some((s) => s.flow === d.flow)).map((d) => d.id);
    recordEvent(core, "delivery.replayed", { eventId, seq: ev.seq, deliveries: deliveries.map((d) => ({ deliveryId: d.deliveryId, flow: d.flow })), replaces: replaced });
    return { deliveries };
  });
}

/** Skips every delivery of a fire that has not been delivered yet. */
export function skipFire(core: Core, eventId: string, reason: string): { skipped: string[] } {
  requireEntry(core);
  const ev = requireFire(core, eventId);
  const now = core.now();
  return core.tx(() => {
    const open = deliveriesOfFire(core, ev.seq).filter((d) => d.status === "queued");
    for (const d of open) {
      patchDelivery(core, d, { status: "skipped", reason, next_attempt_at: null }, now);
      core.noteSkipped(d.id);
      recordEvent(core, "delivery.skipped", { deliveryId: d.id, flow: d.flow, reason });
    }
    return { skipped: open.map((d) => d.id) };
  });
}

const REPORTABLE_FROM = new Set(["queued", "delivered", "processing"]);
const REPORT_EVENT = { processing: "delivery.processing", completed: "delivery.completed", failed: "delivery.flow_failed" } as const;

/** POST /v1/deliveries/{id}/status: a flow says what it did with a delivery. */
export function reportStatus(core: Core, deliveryId: string, status: "processing" | "completed" | "failed", output: unknown, error: string | null) {
  requireEntry(core);
  const now = core.now();
  return core.tx(() => {
    const d = deliveryById(core, deliveryId);
    if (!d) throw new AppError(404, "not_found", `Delivery '${deliveryId}' not found`);
    if (d.status === status) return { deliveryId, status, repeated: true };
    if (!REPORTABLE_FROM.has(d.status)) throw new AppError(409, "invalid_transition", `Delivery is '${d.status}'; it cannot become '${status}'`);
    // A flow may report before the consumer records the 2xx: the report implies it was delivered.
    patchDelivery(core, d, {
      status, output: output === undefined ? null : JSON.stringify(output), last_error: status === "failed" ? error : d.last_error,
      delivered_at: d.delivered_at ?? now, latency_ms: d.latency_ms ?? now - d.fired_at, attempts: Math.max(d.attempts, 1),
      next_attempt_at: null,
    }, now);
    markReports(core, d.flow);
    recordEvent(core, REPORT_EVENT[status], { deliveryId, flow: d.flow, from: d.status, ...(output !== undefined ? { output } : {}), ...(error ? { error } : {}) });
    if (status !== "processing") queueFlowNotice(core, d, status, output, error);
    return { deliveryId, status, repeated: false };
  });
}
