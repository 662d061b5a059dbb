/**
 * The metric families `GET /v1/metrics` must always show (API.md
 * "Operations"), with their help text, type and label names, so the route
 * fills in series and never forgets a family's `# HELP`/`# TYPE`.
 */
import type { HistogramSeries, MetricFamily, ScalarSeries } from "./exposition";

/** @internal (exported for tests) */
export type FamilySpec = { name: string; help: string; type: MetricFamily["type"]; labels: readonly string[] };

/** @internal (exported for tests) */
export const SIGNALBOX_FAMILIES = [
  { name: "signalbox_fires_total", type: "counter", labels: ["trigger", "type", "source"], help: "Fires recorded (trigger.fired), by trigger, trigger type and source." },
  { name: "signalbox_fires_skipped_total", type: "counter", labels: ["trigger", "reason"], help: "Fires skipped as a whole, by trigger and skip reason." },
  { name: "signalbox_deliveries_total", type: "counter", labels: ["trigger", "flow", "status"], help: "Deliveries settled, by trigger, flow and status (delivered, failed, dead, skipped)." },
  { name: "signalbox_deliveries_pending", type: "gauge", labels: ["trigger"], help: "Deliveries not settled yet, by trigger." },
  { name: "signalbox_delivery_attempts_total", type: "counter", labels: ["trigger", "flow"], help: "Delivery attempts made, retries included, by trigger and flow." },
  { name: "signalbox_delivery_latency_seconds", type: "histogram", labels: ["trigger"], help: "Time from fire to the 2xx that delivered it, by trigger." },
  { name: "signalbox_webhook_requests_total", type: "counter", labels: ["trigger", "outcome"], help: "Webhook requests, by trigger and outcome (accepted, deduplicated, unauthorized, forbidden, too_large, rate_limited)." },
  { name: "signalbox_schedule_lateness_seconds", type: "histogram", labels: ["trigger"], help: "How late scheduled fires ran after their scheduled time, by trigger." },
  { name: "signalbox_poll_failures_total", type: "counter", labels: ["trigger"], help: "Failed polls, by trigger." },
  { name: "signalbox_schedule_missed_total", type: "counter", labels: ["trigger"], help: "Scheduled occurrences missed (not caught up), by trigger." },
  { name: "signalbox_delivery_pending_oldest_seconds", type: "gauge", labels: ["trigger"], help: "Age of the oldest fire with a delivery not settled yet, by trigger (0 when none is pending)." },
  { name: "signalbox_awaits", type: "gauge", labels: ["status"], help: "Awaits by status." },
  { name: "signalbox_deliveries_waiting", type: "gauge", labels: ["trigger", "flow"], help: "Deliveries queued for a flow and not settled yet (in flight or waiting), by trigger and flow." },
  { name: "signalbox_subscription_breaker_open", type: "gauge", labels: ["trigger", "flow"], help: "1 while a subscription's breaker is open (its deliveries wait; one probe per cooldown), by trigger and flow." },
  { name: "signalbox_subscription_breaker_opened_total", type: "counter", labels: ["trigger", "flow"], help: "Times a subscription's breaker opened, by trigger and flow." },
  { name: "signalbox_flow_waiting", type: "gauge", labels: ["flow"], help: "Deliveries of a flow not settled yet (waiting or in flight), across its triggers." },
  { name: "signalbox_flow_in_flight", type: "gauge", labels: ["flow"], help: "Attempts of a flow with a policy in flight (permits its gate has out)." },
  { name: "signalbox_flow_breaker_open", type: "gauge", labels: ["flow"], help: "1 while a flow's breaker is open: its policy's flow-wide breaker, or (without one) any of its subscriptions'." },
  { name: "signalbox_flow_throttled_total", type: "counter", labels: ["flow"], help: "Deliveries of a flow with a policy that had to wait for its rate or concurrency." },
] as const satisfies readonly FamilySpec[];

export type SignalboxFamilyName = (typeof SIGNALBOX_FAMILIES)[number]["name"];

/**
 * Every Signalbox family, with the series given for it (none for the
 * others). Throws when a series has other labels than its family declares,
 * so a typo in a label name cannot ship.
 * @example signalboxFamilies({ signalbox_awaits: [{ labels: { status: "waiting" }, value: 2 }] }).length // 19
 */
export function signalboxFamilies(series: Partial<Record<SignalboxFamilyName, ScalarSeries[] | HistogramSeries[]>>): MetricFamily[] {
  for (const name of Object.keys(series)) {
    if (!SIGNALBOX_FAMILIES.some((f) => f.name === name)) throw new Error(`unknown Signalbox metric family ${name}`);
  }
  return SIGNALBOX_FAMILIES.map((spec) => {
    const list = series[spec.name] ?? [];
    for (const s of list) {
      const got = Object.keys(s.labels ?? {}).sort().join(",");
      const want = [...spec.labels].sort().join(",");
      if (got !== want) throw new Error(`${spec.name} takes the labels {${want}}, got {${got}}`);
    }
    return { name: spec.name, help: spec.help, type: spec.type, series: list } as MetricFamily;
  });
}
