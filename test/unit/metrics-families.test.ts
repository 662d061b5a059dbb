/** The Signalbox metric families: all present with HELP and TYPE even when empty, label sets enforced, rendered and parsed back. */
import { describe, expect, it } from "vitest";
import parse from "parse-prometheus-text-format";
import { SIGNALBOX_FAMILIES, signalboxFamilies } from "../../src/domain/metrics/families";
import { renderExposition } from "../../src/domain/metrics/exposition";

describe("signalboxFamilies", () => {
  it("lists every family API.md names, with the right types", () => {
    const types = Object.fromEntries(SIGNALBOX_FAMILIES.map((f) => [f.name, f.type]));
    expect(types).toEqual({
      signalbox_fires_total: "counter",
      signalbox_fires_skipped_total: "counter",
      signalbox_deliveries_total: "counter",
      signalbox_deliveries_pending: "gauge",
      signalbox_delivery_attempts_total: "counter",
      signalbox_delivery_latency_seconds: "histogram",
      signalbox_webhook_requests_total: "counter",
      signalbox_schedule_lateness_seconds: "histogram",
      signalbox_poll_failures_total: "counter",
      signalbox_schedule_missed_total: "counter",
      signalbox_delivery_pending_oldest_seconds: "gauge",
      signalbox_awaits: "gauge",
      signalbox_deliveries_waiting: "gauge",
      signalbox_subscription_breaker_open: "gauge",
      signalbox_subscription_breaker_opened_total: "counter",
      signalbox_flow_waiting: "gauge",
      signalbox_flow_in_flight: "gauge",
      signalbox_flow_breaker_open: "gauge",
      signalbox_flow_throttled_total: "counter",
    });
  });

  it("renders HELP and TYPE for every family with no series at all", () => {
    const parsed = parse(renderExposition(signalboxFamilies({})));
    expect(parsed.map((f) => f.name).sort()).toEqual(SIGNALBOX_FAMILIES.map((f) => f.name).sort());
    for (const f of parsed) {
      expect(f.help.length, f.name).toBeGreaterThan(0);
      expect(f.type, f.name).not.toBe("UNTYPED");
      expect(f.metrics, f.name).toEqual([]);
    }
  });

  it("carries the series given, histograms included", () => {
    const h = { labels: { trigger: "stripe.payment.succeeded" }, upperBounds: [0.05, 1], counts: [1, 1, 0], sum: 0.74 };
    const text = renderExposition(signalboxFamilies({
      signalbox_fires_total: [{ labels: { trigger: "stripe.payment.succeeded", type: "webhook", source: "webhook" }, value: 12 }],
      signalbox_delivery_latency_seconds: [h],
    }));
    expect(text).toContain('signalbox_fires_total{source="webhook",trigger="stripe.payment.succeeded",type="webhook"} 12\n');
    expect(text).toContain('signalbox_delivery_latency_seconds_bucket{trigger="stripe.payment.succeeded",le="+Inf"} 2\n');
    expect(text).toContain('signalbox_delivery_latency_seconds_count{trigger="stripe.payment.succeeded"} 2\n');
  });

  it("refuses series with other labels and unknown families", () => {
    expect(() => signalboxFamilies({ signalbox_awaits: [{ labels: { state: "waiting" }, value: 1 }] })).toThrow(/takes the labels \{status\}/);
    expect(() => signalboxFamilies({ signalbox_fires_total: [{ labels: { trigger: "t" }, value: 1 }] })).toThrow(/source,trigger,type/);
    expect(() => signalboxFamilies({ nope_total: [] } as never)).toThrow(/unknown/);
  });
});
