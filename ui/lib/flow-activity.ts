/** One line for each entry of a flow's activity log (GET /v1/flows/{flow}/activity). Pure. */
import type { FlowActivity, FlowPolicy } from "../types";
import { policySummary } from "./flow-policy";
import { utcText } from "./format";

type Data = Record<string, unknown>;

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const from = (d: Data) => (typeof d.trigger === "string" ? ` (from ${d.trigger})` : "");

/**
 * @example activityText({ seq: 1, type: "flow.paused", ts: 0, data: {} }) // "Paused: nothing is sent, deliveries wait"
 */
export function activityText(e: FlowActivity): string {
  const d: Data = e.data && typeof e.data === "object" ? (e.data as Data) : {};
  switch (e.type) {
    case "flow.updated": {
      const parts = policySummary(d.policy as FlowPolicy | undefined).filter((p) => p !== "paused");
      return `Policy set: ${parts.length ? parts.join(", ") : "none"}`;
    }
    case "flow.paused":
      return "Paused: nothing is sent, deliveries wait";
    case "flow.resumed":
      return "Resumed";
    case "flow.breaker_opened": {
      const why = num(d.statusCode) !== null ? `HTTP ${d.statusCode}` : typeof d.error === "string" && d.error ? d.error : null;
      return `Breaker opened after ${num(d.failures) ?? "?"} consecutive failures${why ? ` (last: ${why})` : ""}${from(d)}`;
    }
    case "flow.breaker_closed":
      return `Breaker closed${from(d)}`;
    case "flow.held": {
      const until = num(d.until);
      return `Held by Retry-After${until !== null ? ` until ${utcText(until)}` : ""}${from(d)}`;
    }
    case "flow.recovered": {
      const range = num(d.since) !== null ? ` from ${utcText(num(d.since)!)}${num(d.until) !== null ? ` to ${utcText(num(d.until)!)}` : ""}` : "";
      return `Recovered ${d.status ?? "?"} deliveries${range}: ${num(d.matched) ?? 0} matched, ${num(d.replayed) ?? 0} replayed${d.more ? " (more to go)" : ""}`;
    }
    default:
      return e.type;
  }
}
