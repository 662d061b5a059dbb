/** A breaker's state as a badge: closed (good), open (bad), half-open (probing, warn); with when it opened, when it is not closed. */
import type { BreakerState } from "../types";
import { Time } from "./time";

const TONE: Record<BreakerState, string> = { closed: "good", open: "bad", half_open: "warn" };

export function BreakerBadge({ state, openedAt }: { state: BreakerState | undefined; openedAt?: number | null }) {
  if (!state) return <span class="muted">—</span>;
  return (
    <span class="breaker" data-breaker={state}>
      <span class={`badge tone-${TONE[state] ?? "neutral"}`}>{state === "half_open" ? "half-open" : state}</span>
      {state !== "closed" && openedAt ? <span class="muted small-text"> opened <Time at={openedAt} relativeOnly /></span> : null}
    </span>
  );
}
