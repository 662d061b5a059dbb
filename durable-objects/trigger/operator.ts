/** Operator actions on a fire (replay, skip) and the flows' own status reports. */
import { AppError } from "../../src/errors";
import type { Core } from "./core";
import { requireFire, fireDeliveries, type DeliveryRow } from "./fires";
import { newDeliveryId } from "./ids";
import { listSubscriptions } from "./subscriptions";
import { leaseMs } from "./dispatch";
import type { DeliveryRef } from "./fire";

const UNDELIVERED = new Set(["queued"]);

/**
 * Delivers a fire again to its subscribed flows (or a subset) with new
 * delivery ids. Replay ignores manual mode: it is how manual deliveries are released.
 */
export function replayFire(core: Core, eventId: string, flows: string[] | null): { deliveries: DeliveryRef[]; send: { id: string; attempt: number }[] } {
  const row = core.requireActive();
  const ev = requireFire(core, eventId);
  const subs = listSubscriptions(core).filter((s) => s.target.type !== "pull");
  const wanted = flows ? subs.filter((s) => flows.includes(s.flow)) : subs;
  if (flows) {
    const unknown = flows.filter((f) => !subs.some((s) => s.flow === f));
    if (unknown.length) throw new AppError(400, "unknown_flow", `Not subscribed with an http or queue target: ${unknown.join(", ")}`);
  }
  if (wanted.length === 0) throw new AppError(409, "nothing_to_replay", "The trigger has no http or queue subscriptions to replay to");
  const now = core.now();
  return core.tx(() => {
    const existing = fireDeliveries(core, ev.seq);
    let n = existing.reduce((max, d) => Math.max(max, parseInt(d.id.split(".")[2], 36) + 1), 0);
    const deliveries: DeliveryRef[] = [];
    for (const s of wanted) {
      const id = newDeliveryId(row.name, ev.seq, n++);
      core.sql.run(
        `INSERT INTO deliveries (id, event_seq, flow, status, attempts, fired_at, next_attempt_at, lease_until, reason, updated_at) VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, 'replay', ?)`,
        id, ev.seq, s.flow, now, now, now + leaseMs(core), now,
      );
      deliveries.push({ deliveryId: id, flow: s.flow, status: "queued" });
    }
    const replaced = existing.filter((d) => wanted.some((s) => s.flow === d.flow)).map((d) => d.id);
    core.appendEvent("delivery.replayed", { eventId, deliveries: deliveries.map((d) => ({ deliveryId: d.deliveryId, flow: d.flow })), replaces: replaced });
    return { deliveries, send: deliveries.map((d) => ({ id: d.deliveryId, attempt: 1 })) };
  });
}

/** Skips every delivery of a fire that has not been delivered yet. */
export function skipFire(core: Core, eventId: string, reason: string): { skipped: string[] } {
  core.requireRow();
  const ev = requireFire(core, eventId);
  const now = core.now();
  return core.tx(() => {
    const open = fireDeliveries(core, ev.seq).filter((d) => UNDELIVERED.has(d.status));
    for (const d of open) {
      core.sql.run(`UPDATE deliveries SET status = 'skipped', reason = ?, next_attempt_at = NULL, lease_until = NULL, updated_at = ? WHERE id = ?`, reason, now, d.id);
      core.inflight.delete(d.id);
      core.appendEvent("delivery.skipped", { deliveryId: d.id, flow: d.flow, reason });
    }
    return { skipped: open.map((d) => d.id) };
  });
}

const REPORTABLE_FROM: Record<string, Set<string>> = {
  processing: new Set(["queued", "delivered", "processing"]),
  completed: new Set(["queued", "delivered", "processing"]),
  failed: new Set(["queued", "delivered", "processing"]),
};

/** POST /v1/deliveries/{id}/status: a flow says what it did with a delivery. */
export function reportStatus(core: Core, deliveryId: string, status: "processing" | "completed" | "failed", output: unknown, error: string | null) {
  core.requireRow();
  const now = core.now();
  return core.tx(() => {
    const d = core.sql.one<DeliveryRow>(`SELECT * FROM deliveries WHERE id = ?`, deliveryId);
    if (!d) throw new AppError(404, "not_found", `Delivery '${deliveryId}' not found`);
    if (d.status === status) return { deliveryId, status };
    if (!REPORTABLE_FROM[status].has(d.status)) {
      throw new AppError(409, "invalid_transition", `Delivery is '${d.status}'; it cannot become '${status}'`);
    }
    // A flow may report before the consumer records the 2xx: the report implies it was delivered.
    const deliveredAt = d.delivered_at ?? now;
    const latency = d.latency_ms ?? now - d.fired_at;
    core.sql.run(
      `UPDATE deliveries SET status = ?, output = ?, last_error = ?, delivered_at = ?, latency_ms = ?, attempts = max(attempts, 1), next_attempt_at = NULL, lease_until = NULL, updated_at = ? WHERE id = ?`,
      status, output === undefined ? null : JSON.stringify(output), status === "failed" ? error : d.last_error, deliveredAt, latency, now, deliveryId,
    );
    core.inflight.delete(deliveryId);
    core.sql.run(`UPDATE subscriptions SET reports = 1 WHERE flow = ? AND reports = 0`, d.flow);
    const type = status === "processing" ? "delivery.processing" : status === "completed" ? "delivery.completed" : "delivery.flow_failed";
    core.appendEvent(type, { deliveryId, flow: d.flow, ...(output !== undefined ? { output } : {}), ...(error ? { error } : {}) });
    return { deliveryId, status };
  });
}
