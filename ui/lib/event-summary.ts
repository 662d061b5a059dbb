/**
 * What a live-tail row shows beside an event's type: the flows it concerns
 * with their status, and a short detail (source, event type, HTTP status,
 * reason). Pure; reads the stream event's `data` as the objects write it.
 */
import type { StreamEvent } from "../types";

export type EventSummary = { flows: { flow: string; status: string }[]; detail: string | null };

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" && v ? v : null);
const http = (code: unknown) => (typeof code === "number" ? `HTTP ${code}` : null);
const join = (...parts: (string | null)[]) => parts.filter(Boolean).join(", ") || null;

/**
 * @example eventSummary({ seq: 3, type: "delivery.dead", data: { flow: "ledger", attempts: 3, lastStatusCode: 500 } })
 * // { flows: [{ flow: "ledger", status: "dead" }], detail: "HTTP 500, 3 attempts" }
 */
export function eventSummary(ev: StreamEvent): EventSummary {
  const d = (ev.data && typeof ev.data === "object" ? ev.data : {}) as Data;
  const flow = str(d.flow);
  const one = (status: string, detail: string | null): EventSummary => ({ flows: flow ? [{ flow, status }] : [], detail });
  switch (ev.type) {
    case "trigger.fired": {
      const refs = Array.isArray(d.deliveries) ? (d.deliveries as Data[]) : [];
      return {
        flows: refs.filter((r) => str(r.flow)).map((r) => ({ flow: r.flow as string, status: str(r.status) ?? "queued" })),
        detail: join(str(d.source), str(d.eventType)),
      };
    }
    case "trigger.skipped":
      return { flows: [], detail: join(str(d.source), str(d.skipReason) ? `skipped: ${d.skipReason}` : null) };
    case "delivery.succeeded":
      return one("delivered", join(http(d.statusCode), typeof d.latencyMs === "number" ? `${d.latencyMs} ms` : null));
    case "delivery.failed":
      return one(d.willRetry ? "retrying" : str(d.outcome) ?? "failed", join(http(d.statusCode), str(d.error)));
    case "delivery.dead":
      return one("dead", join(http(d.lastStatusCode), typeof d.attempts === "number" ? `${d.attempts} attempt${d.attempts === 1 ? "" : "s"}` : null));
    case "delivery.skipped":
      return one("skipped", str(d.reason));
    case "delivery.replayed": {
      const refs = Array.isArray(d.deliveries) ? (d.deliveries as Data[]) : [];
      return { flows: refs.filter((r) => str(r.flow)).map((r) => ({ flow: r.flow as string, status: "queued" })), detail: "replayed" };
    }
    default:
      return { flows: flow ? [{ flow, status: "" }] : [], detail: null };
  }
}
