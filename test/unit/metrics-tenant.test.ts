/** A tenant's figures as families: every figure of a snapshot lands in its family with the right labels; zeros are left out. */
import { describe, expect, it } from "vitest";
import parse from "parse-prometheus-text-format";
import { renderExposition, tenantFamilies } from "../../src/domain/metrics";
import { emptyStats } from "../../src/domain/trigger-stats/state";
import { observe } from "../../src/domain/trigger-stats/histogram";
import { metricsSnapshot, parseMetricsSnapshot } from "../../src/domain/trigger-stats/metrics-snapshot";

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const f = parse(text).find((x) => x.name === name);
  const m = f?.metrics.find((x: any) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v)) as any;
  return m === undefined ? undefined : Number(m.value ?? m.count);
}

describe("tenantFamilies", () => {
  const s = emptyStats();
  s.bySource = { schedule: 7, api: 2 };
  s.skipReasons = { overlap: 1 };
  s.flows = { billing: { delivered: 5, failed: 1, dead: 1, skipped: 0, attempts: 9, pending: 2, breakerOpen: 1, breakerOpened: 3 } };
  s.webhook = {};
  s.pending = 2;
  s.scheduleMissed = 3;
  s.pollFailures = 0;
  observe(s.latenessHist, 0.04);
  observe(s.latenessHist, 2);
  const snap = metricsSnapshot(s, 1_000);
  const text = renderExposition(tenantFamilies([{ name: "nightly", type: "schedule", metrics: snap }, { name: "old", type: "event", metrics: null }], { waiting: 4, resolved: 0 }, 31_000));

  it("maps every counter and gauge of the snapshot", () => {
    expect(sample(text, "signalbox_fires_total", { trigger: "nightly", type: "schedule", source: "schedule" })).toBe(7);
    expect(sample(text, "signalbox_fires_total", { trigger: "nightly", source: "api" })).toBe(2);
    expect(sample(text, "signalbox_fires_skipped_total", { trigger: "nightly", reason: "overlap" })).toBe(1);
    expect(sample(text, "signalbox_deliveries_total", { trigger: "nightly", flow: "billing", status: "dead" })).toBe(1);
    expect(sample(text, "signalbox_delivery_attempts_total", { trigger: "nightly", flow: "billing" })).toBe(9);
    expect(sample(text, "signalbox_deliveries_pending", { trigger: "nightly" })).toBe(2);
    expect(sample(text, "signalbox_delivery_pending_oldest_seconds", { trigger: "nightly" })).toBe(30);
    expect(sample(text, "signalbox_schedule_missed_total", { trigger: "nightly" })).toBe(3);
    expect(sample(text, "signalbox_awaits", { status: "waiting" })).toBe(4);
    expect(sample(text, "signalbox_deliveries_waiting", { trigger: "nightly", flow: "billing" })).toBe(2);
    expect(sample(text, "signalbox_subscription_breaker_open", { trigger: "nightly", flow: "billing" })).toBe(1);
    expect(sample(text, "signalbox_subscription_breaker_opened_total", { trigger: "nightly", flow: "billing" })).toBe(3);
  });

  it("renders the lateness histogram with cumulative buckets, sum and count", () => {
    expect(text).toContain('signalbox_schedule_lateness_seconds_bucket{trigger="nightly",le="0.05"} 1\n');
    expect(text).toContain('signalbox_schedule_lateness_seconds_bucket{trigger="nightly",le="+Inf"} 2\n');
    expect(text).toContain('signalbox_schedule_lateness_seconds_count{trigger="nightly"} 2\n');
    expect(text).toMatch(/signalbox_schedule_lateness_seconds_sum\{trigger="nightly"\} 2\.04/);
  });

  it("leaves zero series and triggers without figures out, never a family", () => {
    expect(text).not.toContain('status="resolved"');
    expect(text).not.toContain("signalbox_poll_failures_total{");
    expect(text).not.toContain('trigger="old"');
    expect(text).toContain("# TYPE signalbox_poll_failures_total counter");
    expect(text).not.toContain("signalbox_delivery_latency_seconds_bucket");
  });

  it("a snapshot round-trips through its stored text; anything else reads as none", () => {
    expect(parseMetricsSnapshot(JSON.stringify(snap))).toEqual(snap);
    expect(parseMetricsSnapshot("{}")).toBeNull();
    expect(parseMetricsSnapshot("not json")).toBeNull();
    expect(metricsSnapshot(emptyStats(), 5).pendingOldestAt).toBeNull();
  });
});
