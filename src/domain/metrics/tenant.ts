/**
 * A tenant's figures as the Signalbox metric families: one snapshot per
 * trigger (from the D1 index) and the awaits by status, in; families with
 * their series, out. Zero series are left out (API.md allows it), families
 * never are.
 */
import type { Histogram } from "../trigger-stats/histogram";
import type { MetricsSnapshot } from "../trigger-stats/metrics-snapshot";
import type { HistogramSeries, MetricFamily, ScalarSeries } from "./exposition";
import { signalboxFamilies, type SignalboxFamilyName } from "./families";

export type TriggerFigures = { name: string; type: string; metrics: MetricsSnapshot | null };

const DELIVERY_STATUSES = ["delivered", "failed", "dead", "skipped"] as const;

function histogramSeries(trigger: string, h: Histogram): HistogramSeries | null {
  if (!h || h.count === 0) return null;
  return { labels: { trigger }, upperBounds: h.bounds, counts: h.counts, sum: h.sum };
}

/**
 * The families for a tenant. `nowMs` dates the backlog age.
 * @example tenantFamilies([], {}, 0).length // 15
 */
export function tenantFamilies(triggers: TriggerFigures[], awaits: Record<string, number>, nowMs: number): MetricFamily[] {
  const out: Partial<Record<SignalboxFamilyName, (ScalarSeries | HistogramSeries)[]>> = {};
  const add = (family: SignalboxFamilyName, s: ScalarSeries | HistogramSeries | null) => {
    if (s === null || ("value" in s && s.value === 0)) return;
    (out[family] ??= []).push(s);
  };
  for (const { name: trigger, type, metrics: m } of triggers) {
    if (!m) continue;
    for (const [source, n] of Object.entries(m.bySource)) add("signalbox_fires_total", { labels: { trigger, type, source }, value: n });
    for (const [reason, n] of Object.entries(m.skipReasons)) add("signalbox_fires_skipped_total", { labels: { trigger, reason }, value: n });
    for (const [flow, c] of Object.entries(m.flows)) {
      for (const status of DELIVERY_STATUSES) add("signalbox_deliveries_total", { labels: { trigger, flow, status }, value: Math.max(0, c[status]) });
      add("signalbox_delivery_attempts_total", { labels: { trigger, flow }, value: c.attempts });
      add("signalbox_deliveries_waiting", { labels: { trigger, flow }, value: Math.max(0, c.pending ?? 0) });
      add("signalbox_subscription_breaker_open", { labels: { trigger, flow }, value: c.breakerOpen ?? 0 });
      add("signalbox_subscription_breaker_opened_total", { labels: { trigger, flow }, value: c.breakerOpened ?? 0 });
    }
    add("signalbox_deliveries_pending", { labels: { trigger }, value: m.pending });
    if (m.pendingOldestAt !== null) add("signalbox_delivery_pending_oldest_seconds", { labels: { trigger }, value: Math.max(0, (nowMs - m.pendingOldestAt) / 1000) });
    add("signalbox_delivery_latency_seconds", histogramSeries(trigger, m.latency));
    for (const [outcome, n] of Object.entries(m.webhook)) add("signalbox_webhook_requests_total", { labels: { trigger, outcome }, value: n });
    add("signalbox_schedule_lateness_seconds", histogramSeries(trigger, m.lateness));
    add("signalbox_schedule_missed_total", { labels: { trigger }, value: m.scheduleMissed });
    add("signalbox_poll_failures_total", { labels: { trigger }, value: m.pollFailures });
  }
  for (const [status, n] of Object.entries(awaits)) add("signalbox_awaits", { labels: { status }, value: n });
  return signalboxFamilies(out as Parameters<typeof signalboxFamilies>[0]);
}
