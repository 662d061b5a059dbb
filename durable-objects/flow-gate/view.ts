/** A flow gate's policy and state as GET /v1/flows/{flow} shows them (the route adds what the triggers hold). */
import type { GateView } from "../../src/contracts/views";
import { breakerView } from "../../src/domain/delivery-lane";
import type { GateCore } from "./core";

export function gateView(core: GateCore): GateView {
  const p = core.policy();
  const gate = core.current();
  const now = core.now();
  const waiting = gate.waiting(now);
  const held = gate.breaker.heldUntil !== null && gate.breaker.heldUntil > now ? gate.breaker.heldUntil : null;
  return {
    policy: p?.policy ?? {}, version: p?.version ?? 0, source: p?.source ?? null,
    state: {
      inFlight: gate.inFlight(now), breaker: p?.policy.breaker ? breakerView(gate.breaker, gate.probeOut !== null) : "closed",
      breakerOpenedAt: p?.policy.breaker ? gate.breaker.openedAt : null, paused: p?.policy.paused === true, heldUntil: held,
      throttled: gate.throttled, asking: waiting.count, oldestAskAt: waiting.oldestDueAt,
    },
    rowsWritten: core.sql.rowsWritten,
  };
}
