/** A flow's live state (GET /v1/flows/{flow} `state`): waiting, in flight, breaker, pause, Retry-After hold, oldest waiting. */
import { countText } from "../lib/format";
import type { FlowState } from "../types";
import { Badge } from "./badge";
import { BreakerBadge } from "./breaker-badge";
import { Time } from "./time";

export function FlowStateCard({ state }: { state: FlowState }) {
  return (
    <section class="card" aria-labelledby="flow-state-h">
      <h2 id="flow-state-h">State</h2>
      <dl class="stat-grid" data-testid="flow-state">
        <div class={`stat${state.waiting > 0 ? " stat-warn" : ""}`} data-stat="waiting"><dt>Waiting</dt><dd>{countText(state.waiting)}</dd></div>
        <div class="stat" data-stat="inFlight"><dt>In flight</dt><dd>{countText(state.inFlight)}</dd></div>
        <div class={`stat${state.breaker === "closed" ? "" : " stat-bad"}`} data-stat="breaker"><dt>Breaker</dt><dd><BreakerBadge state={state.breaker} /></dd></div>
        <div class="stat" data-stat="paused"><dt>Paused</dt><dd>{state.paused ? <Badge status="paused" label="paused" /> : "no"}</dd></div>
      </dl>
      <dl class="facts">
        {state.breaker !== "closed" ? (<><dt>Breaker opened</dt><dd><Time at={state.breakerOpenedAt} /></dd></>) : null}
        <dt>Held until</dt><dd data-testid="held-until"><Time at={state.heldUntil} empty="not held" /></dd>
        <dt>Oldest waiting</dt><dd><Time at={state.oldestWaitingAt} empty="none waiting" /></dd>
      </dl>
    </section>
  );
}
