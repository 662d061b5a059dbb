/** The live tail's row facts (ui/lib/event-summary.ts) and the chart's time axis (ui/lib/time-axis.ts). */
import { describe, expect, it } from "vitest";
import { eventSummary } from "../../ui/lib/event-summary";
import { placeOnAxis } from "../../ui/lib/time-axis";

describe("eventSummary", () => {
  it("names the flows and statuses of fires and deliveries", () => {
    expect(eventSummary({ seq: 1, type: "trigger.fired", data: { source: "webhook", eventType: "push", deliveries: [{ deliveryId: "d", flow: "ci", status: "queued" }] } }))
      .toEqual({ flows: [{ flow: "ci", status: "queued" }], detail: "webhook, push" });
    expect(eventSummary({ seq: 2, type: "delivery.failed", data: { flow: "ci", statusCode: 503, willRetry: true } })).toEqual({ flows: [{ flow: "ci", status: "retrying" }], detail: "HTTP 503" });
    expect(eventSummary({ seq: 3, type: "delivery.failed", data: { flow: "ci", statusCode: 400, willRetry: false, outcome: "failed" } }).flows).toEqual([{ flow: "ci", status: "failed" }]);
    expect(eventSummary({ seq: 4, type: "delivery.dead", data: { flow: "ci", attempts: 3, lastStatusCode: 500 } })).toEqual({ flows: [{ flow: "ci", status: "dead" }], detail: "HTTP 500, 3 attempts" });
    expect(eventSummary({ seq: 5, type: "delivery.succeeded", data: { flow: "ci", statusCode: 200, latencyMs: 12 } })).toEqual({ flows: [{ flow: "ci", status: "delivered" }], detail: "HTTP 200, 12 ms" });
    expect(eventSummary({ seq: 6, type: "delivery.skipped", data: { flow: "ci", reason: "manual_mode" } })).toEqual({ flows: [{ flow: "ci", status: "skipped" }], detail: "manual_mode" });
    expect(eventSummary({ seq: 7, type: "trigger.skipped", data: { source: "api", skipReason: "filter" } })).toEqual({ flows: [], detail: "api, skipped: filter" });
    expect(eventSummary({ seq: 8, type: "delivery.replayed", data: { deliveries: [{ deliveryId: "x", flow: "ci" }] } })).toEqual({ flows: [{ flow: "ci", status: "queued" }], detail: "replayed" });
    expect(eventSummary({ seq: 9, type: "trigger.registered", data: { type: "event" } })).toEqual({ flows: [], detail: null });
  });
});

describe("placeOnAxis", () => {
  const now = Date.UTC(2026, 0, 1, 12);
  it("puts one recent 10-minute bucket in the last 1/72 of a 12 h axis, not across it", () => {
    const [b] = placeOnAxis([{ at: now - 600_000, fires: 5 }], 600_000, now, 12, 720);
    expect(b.x).toBeCloseTo(710, 5);
    expect(b.width).toBeCloseTo(10, 5);
  });
  it("places each bucket at its own time and drops what is older than the axis", () => {
    const placed = placeOnAxis([{ at: now - 13 * 3_600_000 }, { at: now - 6 * 3_600_000 }, { at: now - 12 * 3_600_000 - 300_000 }], 600_000, now, 12, 720);
    expect(placed.map((p) => [Math.round(p.x), Math.round(p.width)])).toEqual([[360, 10], [0, 5]]);
  });
});
