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

/** A flow gate's projected state (flows with a policy). */
export type FlowFigures = { flow: string; inFlight: number; breakerOpen: boolean; throttled: number };

const DELIVERY_STATUSES = ["delivered", "failed", "dead", "skipped"] as const;

function histogramSeries(trigger: string, h: Histogram): HistogramSeries | null {
  if (!h || h.count === 0) return null;
  return { labels: { trigger }, upperBounds: h.bounds, counts: h.counts, sum: h.sum };
}

/**
 * The families for a tenant. `nowMs` dates the backlog age.
 * @example tenantFamilies([], {}, 0).length // 19
 */
export function tenantFamilies(triggers: TriggerFigures[], awaits: Record<string, number>, nowMs: number, flows: FlowFigures[] = []): MetricFamily[] {
  const out: Partial<Record<SignalboxFamilyName, (ScalarSeries | HistogramSeries)[]>> = {};
  const add = (family: SignalboxFamilyName, s: ScalarSeries | HistogramSeries | null) => {
    if (s === null || ("value" in s && s.value === 0)) return;
    (out[family] ??= []).push(s);
  };
  const waiting = new Map<string, number>();
  const laneOpen = new Set<string>();
  for (const { name: trigger, type, metrics: m } of triggers) {
    if (!m) continue;
    for (const [flow, c] of Object.entries(m.flows)) {
      waiting.set(flow, (waiting.get(flow) ?? 0) + Math.max(0, c.pending ?? 0));
      if (c.breakerOpen) laneOpen.add(flow);
    }
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
  const gated = new Map(flows.map((f) => [f.flow, f]));
  for (const [flow, n] of waiting) add("signalbox_flow_waiting", { labels: { flow }, value: n });
  for (const f of flows) {
    add("signalbox_flow_in_flight", { labels: { flow: f.flow }, value: f.inFlight });
    add("signalbox_flow_throttled_total", { labels: { flow: f.flow }, value: f.throttled });
  }
  for (const flow of new Set([...gated.keys(), ...laneOpen])) {
    const g = gated.get(flow);
    add("signalbox_flow_breaker_open", { labels: { flow }, value: (g?.breakerOpen ?? false) || laneOpen.has(flow) ? 1 : 0 });
  }
  for (const [status, n] of Object.entries(awaits)) add("signalbox_awaits", { labels: { status }, value: n });
  return signalboxFamilies(out as Parameters<typeof signalboxFamilies>[0]);
}
