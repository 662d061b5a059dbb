/**
 * A flow as GET /v1/flows answers it: its policy (from its gate), its state
 * (the gate's breaker, hold, pause and permits, and the waiting deliveries
 * of its triggers' lanes, src/domain/flow/state.ts) and its subscriptions.
 * A flow's state reads at most MAX_TRIGGERS of its triggers, FAN_OUT at a time.
 */
import type { TenantStore } from "../data/tenant-store";
import type { GateView } from "../contracts/views";
import { FAN_OUT, mapBounded } from "../domain/bounded";
import { flowState, type FlowStateView, type GateFigures, type LaneFigures } from "../domain/flow/state";
import type { FlowPolicy } from "../schemas/flow";

/** Triggers read for one flow's state (the rest of a very wide flow is not counted). */
const MAX_TRIGGERS = 500;

export type FlowAnswer = {
  flow: string; policy: FlowPolicy; state: FlowStateView;
  subscriptions: { trigger: string; mode: "auto" | "manual"; target: unknown }[];
  /** a flow with a policy: its gate's counters (deliveries that waited for the rate or concurrency, SQLite rows it wrote) */
  gate?: { throttled: number; rowsWritten: number };
};

function figures(g: GateView): GateFigures {
  const p = g.policy;
  return {
    inFlight: g.state.inFlight, breaker: g.state.breaker, breakerOpenedAt: g.state.breakerOpenedAt, paused: g.state.paused, heldUntil: g.state.heldUntil,
    flowBreaker: p.breaker !== undefined, gated: Object.keys(p).length > 0,
  };
}

/** The flow (null: it has neither a policy nor a subscription). */
export async function flowView(store: TenantStore, flow: string): Promise<FlowAnswer | null> {
  const [gate, { names }] = await Promise.all([store.gate(flow).view(), store.index.flowSubscriptions(flow, MAX_TRIGGERS)]);
  const lanes = await mapBounded(names, FAN_OUT, async (trigger) => ({ trigger, lane: await store.trigger(trigger).flowLane(flow) }));
  const present = lanes.filter((l): l is { trigger: string; lane: LaneFigures } => l.lane !== null);
  const subscriptions = present.flatMap((l) => (l.lane.subscription ? [{ trigger: l.trigger, ...l.lane.subscription }] : []));
  if (!gate && subscriptions.length === 0) return null;
  return {
    flow, policy: gate?.policy ?? {}, state: flowState(present.map((l) => l.lane), gate ? figures(gate) : null), subscriptions,
    ...(gate ? { gate: { throttled: gate.state.throttled, rowsWritten: gate.rowsWritten } } : {}),
  };
}

/** A page of flows (with a policy or a subscription), by name, after `after`. */
export async function flowList(store: TenantStore, after: string, limit: number): Promise<{ flows: Omit<FlowAnswer, "subscriptions">[]; more: boolean }> {
  const names = await store.flows.names(after, limit + 1);
  const page = names.slice(0, limit);
  const views = await mapBounded(page, FAN_OUT, (flow) => flowView(store, flow));
  const flows = views.filter((v): v is FlowAnswer => v !== null).map(({ subscriptions: _, gate: __, ...v }) => v);
  return { flows, more: names.length > limit };
}
