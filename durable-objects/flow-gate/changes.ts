/** The activity entries a policy change makes: flow.updated, and flow.paused / flow.resumed when the pause flips. */
import type { FlowPolicy } from "../../src/schemas/flow";

export function flowChanges(old: FlowPolicy, next: FlowPolicy): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  const { paused: wasPaused, ...oldRest } = old;
  const { paused, ...rest } = next;
  if (JSON.stringify(oldRest) !== JSON.stringify(rest)) out.push(["flow.updated", { policy: next }]);
  if (!wasPaused && paused) out.push(["flow.paused", {}]);
  if (wasPaused && !paused) out.push(["flow.resumed", {}]);
  return out;
}
