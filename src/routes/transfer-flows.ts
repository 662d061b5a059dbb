/**
 * Flow policies in export, import and sync: the shell around the pure plan
 * (src/domain/transfer/flows.ts). Each flow's gate is the source of truth
 * (its D1 row, projected by the gate's alarm, may lag by a moment); D1 only
 * says which flows to read. A policy written here is projected to D1 before
 * the answer, so the export or the sync that follows finds it.
 */
import type { TenantStore } from "../data/tenant-store";
import type { GateView } from "../contracts/views";
import type { FlowPolicy } from "../schemas/flow";
import { FAN_OUT, mapBounded } from "../domain/bounded";
import { planFlows, type CurrentFlow, type FlowPlan, type FlowStep, type IncomingFlow } from "../domain/transfer/flows";
import type { Mode } from "../domain/transfer";
import { rpc } from "./http";

const PAGE = 500;

const currentOf = (v: GateView | null): CurrentFlow | null => (v ? { policy: v.policy, source: v.source } : null);

/** Every page of a D1 listing of flow names. */
async function allNames(page: (after: string) => Promise<string[]>): Promise<string[]> {
  const out: string[] = [];
  for (let after = ""; ; ) {
    const names = await page(after);
    out.push(...names);
    if (names.length < PAGE) return out;
    after = names[names.length - 1];
  }
}

/**
 * GET /v1/export's `flows`: every flow with a policy, by name, each policy
 * read from its gate (a flow D1 still lists after its policy was cleared is
 * left out; one set a moment ago by PUT may not be listed yet).
 */
export async function exportedFlows(store: TenantStore): Promise<Record<string, FlowPolicy>> {
  const names = await allNames((after) => store.flows.withPolicy(after, PAGE));
  const views = await mapBounded(names, FAN_OUT, (flow) => store.gate(flow).view());
  const out: Record<string, FlowPolicy> = {};
  names.forEach((flow, i) => {
    const v = views[i];
    if (v) out[flow] = v.policy;
  });
  return out;
}

/** Sync with prune: the policies `source` owns that are not in `skip`, as their gates confirm (D1 finds the candidates). */
async function ownedBy(store: TenantStore, source: string, skip: Set<string>): Promise<Map<string, CurrentFlow>> {
  const candidates = (await allNames((after) => store.flows.ofSource(source, after, PAGE))).filter((f) => !skip.has(f));
  const views = await mapBounded(candidates, FAN_OUT, (flow) => store.gate(flow).view());
  const owned = new Map<string, CurrentFlow>();
  candidates.forEach((flow, i) => {
    const v = views[i];
    if (v?.source === source) owned.set(flow, currentOf(v)!);
  });
  return owned;
}

/** Plans the document's flow policies against the flows' gates. */
export async function planFlowsAgainstStore(store: TenantStore, incoming: IncomingFlow[], mode: Mode): Promise<FlowPlan> {
  const views = await mapBounded(incoming, FAN_OUT, (f) => store.gate(f.flow).view());
  const current = new Map(incoming.map((f, i) => [f.flow, currentOf(views[i])]));
  const owned = mode.kind === "sync" && mode.prune ? await ownedBy(store, mode.source, new Set(incoming.map((f) => f.flow))) : undefined;
  return planFlows({ incoming, current, owned, mode });
}

/**
 * Gives each changed flow's gate its policy and owner, then puts the gate's
 * answer in D1 (never over the gate's own projection). Every write is tried;
 * the first failure is thrown after (running the same document again completes it).
 */
export async function applyFlows(store: TenantStore, plan: FlowPlan): Promise<void> {
  const writes = [...plan.steps, ...plan.clear].filter((s) => s.change !== "none");
  const failures = await mapBounded(writes, FAN_OUT, async (s: FlowStep) => {
    try {
      const { view } = await rpc(store.gate(s.flow).setPolicy(store.tenant, s.flow, s.policy, s.source));
      await store.flows.put({ flow: s.flow, policy: view.policy, source: view.source, version: view.version, state: view.state }, Date.now(), true);
      return null;
    } catch (e) {
      return e;
    }
  });
  const failure = failures.find((e) => e !== null);
  if (failure) throw failure;
}
