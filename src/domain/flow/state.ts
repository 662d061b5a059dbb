/**
 * A flow's state as GET /v1/flows answers it (API.md "Flows: delivery
 * policy"), put together from its gate (when it has a policy) and its
 * subscriptions' lanes in their triggers. Pure.
 */

/** One subscription's lane, as its trigger reports it (with the subscription, redacted; null once unsubscribed). */
export type LaneFigures = {
  waiting: number; inFlight: number; oldestWaitingAt: number | null;
  breaker: "closed" | "open" | "half_open"; breakerOpenedAt: number | null; heldUntil: number | null;
  subscription: { mode: "auto" | "manual"; target: unknown } | null;
};

/** The gate's part (a flow with a policy or a pause). */
export type GateFigures = {
  inFlight: number; breaker: "closed" | "open" | "half_open"; breakerOpenedAt: number | null; paused: boolean; heldUntil: number | null;
  /** whether the policy has its own breaker (it replaces the subscriptions') */
  flowBreaker: boolean;
  /** whether the policy gates attempts (its in-flight count is the flow's) */
  gated: boolean;
};

export type FlowStateView = {
  waiting: number; inFlight: number; oldestWaitingAt: number | null;
  breaker: "closed" | "open" | "half_open"; breakerOpenedAt: number | null; paused: boolean; heldUntil: number | null;
};

const RANK = { closed: 0, half_open: 1, open: 2 } as const;
const minOf = (xs: (number | null)[]) => xs.reduce<number | null>((m, x) => (x === null ? m : m === null ? x : Math.min(m, x)), null);
const maxOf = (xs: (number | null)[]) => xs.reduce<number | null>((m, x) => (x === null ? m : m === null ? x : Math.max(m, x)), null);

/**
 * The flow's state: waiting deliveries are its lanes'; in flight, the gate's
 * when it gates, else its lanes'; the breaker and hold, the gate's when its
 * policy has them, else the worst of its lanes'.
 * @example flowState([], null).breaker // "closed"
 */
export function flowState(lanes: LaneFigures[], gate: GateFigures | null): FlowStateView {
  const worst = lanes.reduce<LaneFigures["breaker"]>((b, l) => (RANK[l.breaker] > RANK[b] ? l.breaker : b), "closed");
  const flowBreaker = gate?.flowBreaker === true;
  return {
    waiting: lanes.reduce((n, l) => n + l.waiting, 0),
    inFlight: gate?.gated ? gate.inFlight : lanes.reduce((n, l) => n + l.inFlight, 0),
    oldestWaitingAt: minOf(lanes.map((l) => l.oldestWaitingAt)),
    breaker: flowBreaker ? gate!.breaker : worst,
    breakerOpenedAt: flowBreaker ? gate!.breakerOpenedAt : maxOf(lanes.filter((l) => l.breaker !== "closed").map((l) => l.breakerOpenedAt)),
    paused: gate?.paused === true,
    heldUntil: gate?.gated ? gate.heldUntil : maxOf(lanes.map((l) => l.heldUntil)),
  };
}
