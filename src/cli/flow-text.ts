/**
 * How the flow commands print a flow for a person: the policy in the flags'
 * own notation (`rate 50/1s · conc 4 · breaker 5/30s`), the list's table row,
 * one flow's details and an activity line. --json prints the API's JSON instead.
 */
import type { Schemas } from "../../client/client";
import { isoOrDash, printTable, type Out } from "./output";

type Flow = Schemas["Flow"];

/**
 * Seconds as the flags write them: 3600 → `1h`, 120 → `2m`, 90 → `90s`.
 * @internal (exported for tests)
 */
export function formatPeriod(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * The policy in one line, `-` when the flow has none (pausing is shown in its own column).
 * @example policySummary({ rateLimit: { limit: 50, periodSeconds: 1 }, concurrency: 4 }) // "rate 50/1s · conc 4"
 * @internal (exported for tests)
 */
export function policySummary(p: Schemas["FlowPolicy"]): string {
  const parts = [
    p.rateLimit && `rate ${p.rateLimit.limit}/${formatPeriod(p.rateLimit.periodSeconds)}`,
    p.concurrency !== undefined && `conc ${p.concurrency}`,
    p.breaker && `breaker ${p.breaker.failureThreshold}/${formatPeriod(p.breaker.cooldownSeconds)}`,
  ].filter((x): x is string => typeof x === "string");
  return parts.length ? parts.join(" · ") : "-";
}

/** `signalbox flows`: one row per flow. */
export function printFlowTable(out: Out, flows: Omit<Flow, "subscriptions">[]): void {
  printTable(out, [
    ["FLOW", "WAITING", "IN FLIGHT", "BREAKER", "PAUSED", "HELD UNTIL", "POLICY"],
    ...flows.map((f) => [
      f.flow, String(f.state.waiting), String(f.state.inFlight), f.state.breaker,
      f.state.paused ? "yes" : "no", isoOrDash(f.state.heldUntil), policySummary(f.policy),
    ]),
  ]);
}

function targetText(target: unknown): string {
  const t = (target ?? {}) as { type?: string; url?: string; queue?: string };
  const where = t.url ?? t.queue;
  return `${t.type ?? "?"}${where ? ` ${where}` : ""}`;
}

/** `signalbox flow <name>` (and the answer of pause, resume and set). */
export function printFlow(out: Out, f: Flow): void {
  const s = f.state;
  const hasPolicy = Object.keys(f.policy).length > 0;
  const rows: [string, string][] = [
    ["policy", hasPolicy ? policySummary(f.policy) : "none (each subscription has its own default breaker)"],
    ["waiting", `${s.waiting}${s.oldestWaitingAt ? ` (oldest due ${isoOrDash(s.oldestWaitingAt)})` : ""}`],
    ["in flight", String(s.inFlight)],
    ["breaker", `${s.breaker}${s.breakerOpenedAt ? ` (opened ${isoOrDash(s.breakerOpenedAt)})` : ""}`],
    ["paused", s.paused ? "yes" : "no"],
    ["held until", isoOrDash(s.heldUntil)],
  ];
  out.log(`Flow ${f.flow}`);
  for (const [k, v] of rows) out.log(`  ${k.padEnd(11)} ${v}`);
  const subs = f.subscriptions ?? [];
  if (!subs.length) {
    out.log("No subscriptions.");
    return;
  }
  out.log(`Subscriptions (${subs.length}):`);
  printTable({ ...out, log: (l) => out.log(`  ${l}`) }, [["TRIGGER", "MODE", "TARGET"], ...subs.map((x) => [x.trigger, x.mode, targetText(x.target)])]);
}

/** `2026-07-01T12:00:01.123Z  #7  flow.updated          {"policy":{…}}` */
export function activityLine(e: { seq: number; type: string; ts: number; data?: unknown }): string {
  let data = e.data && typeof e.data === "object" && Object.keys(e.data).length ? JSON.stringify(e.data) : "";
  if (data.length > 160) data = `${data.slice(0, 159)}…`;
  return `${new Date(e.ts).toISOString()}  #${e.seq}  ${e.type.padEnd(20)} ${data}`.trimEnd();
}
