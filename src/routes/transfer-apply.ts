/**
 * The shell around the pure transfer planning: reads what the objects hold
 * (bounded concurrency), asks objects to preview definitions with plain
 * secrets, claims webhook paths as PUT does, and applies the plan (the
 * document's flow policies too: ./transfer-flows.ts). Import and sync share
 * it; nothing is written unless the whole plan is free of problems.
 */
import { AppError, isRpcFailure, unwrap } from "../errors";
import type { TenantStore } from "../data/tenant-store";
import type { TargetDef } from "../schemas/subscription";
import type { DefinitionPreview } from "../contracts/rpc";
import { currentOf, needsPreview, planTransfer, summarize, type Current, type Incoming, type Mode, type Plan, type Problem, type TransferSummary } from "../domain/transfer";
import { claimWebhookPath } from "./webhook-path-claim";
import { rpc } from "./http";
import { pollUrlProblem, targetProblem } from "./target-checks";
import type { ValidateOptions } from "../domain/transfer/validate";
import { FAN_OUT, mapBounded } from "../domain/bounded";
import type { TriggerView } from "../contracts/views";
import { summarizeFlows, type FlowSummary, type IncomingFlow } from "../domain/transfer/flows";
import { applyFlows, planFlowsAgainstStore } from "./transfer-flows";

/** How many objects are asked at once. */
const CONCURRENCY = FAN_OUT;


/** The deployment checks PUT /v1/triggers/{name} and PUT …/subscriptions/{flow} make (poll URL, targets), as problems. */
export function deploymentChecks(env: Record<string, unknown>, tenant: string): Pick<ValidateOptions, "checkTarget" | "checkDefinition"> {
  return {
    checkTarget: function checkTarget(target: TargetDef) {
      const p = targetProblem(env, tenant, target, "target");
      return p && { path: p.path, message: p.message };
    },
    checkDefinition: function checkDefinition(def) {
      const p = pollUrlProblem(env, def);
      return p ? [{ path: p.path, message: p.message }] : [];
    },
  };
}

/** 400 listing every problem (409 when each one is a conflict). */
function problemsError(problems: Problem[]): AppError {
  const conflict = problems.every((p) => p.kind === "conflict");
  const first = problems[0];
  const message = `${problems.length} problem${problems.length === 1 ? "" : "s"}, nothing was changed; first: ${first.name}${first.path ? ` ${first.path}` : ""}: ${first.message}`;
  return new AppError(conflict ? 409 : 400, conflict ? "conflict" : "invalid_request", message.slice(0, 1000), problems.map(({ name, path, message: m }) => ({ name, path, message: m })));
}

/** A trigger's view, or null when it was never registered (or was deleted). */
export async function readView(store: TenantStore, name: string): Promise<TriggerView | null> {
  const v = await store.trigger(name).get();
  if (isRpcFailure(v) && v.__error.status === 404) return null;
  return unwrap(v);
}

/** Sync: the active triggers of `source` not among `skip`, as their objects confirm (the index may lag). */
async function ownedBy(store: TenantStore, source: string, skip: Set<string>): Promise<string[]> {
  const candidates: string[] = [];
  for (let after = ""; ; ) {
    const page = await store.index.activeNamesBySource(source, 500, after);
    candidates.push(...page.filter((n) => !skip.has(n)));
    if (page.length < 500) break;
    after = page[page.length - 1];
  }
  const views = await mapBounded(candidates, CONCURRENCY, (n) => readView(store, n));
  return views.filter((v) => v && v.source === source && v.status === "active").map((v) => v!.name as string);
}

/** Plans against the objects' state: reads, previews plain-secret definitions, checks webhook paths (without claiming). */
async function planAgainstStore(store: TenantStore, incoming: Incoming[], mode: Mode): Promise<Plan> {
  const views = await mapBounded(incoming, CONCURRENCY, (t) => readView(store, t.name));
  const current = new Map<string, Current | null>(incoming.map((t, i) => [t.name, views[i] ? currentOf(views[i] as never) : null]));
  const owned = mode.kind === "sync" && mode.prune ? await ownedBy(store, mode.source, new Set(incoming.map((t) => t.name))) : [];
  let plan = planTransfer({ incoming, current, owned, mode });
  const toPreview = needsPreview(plan);
  if (toPreview.length && plan.problems.length === 0) {
    const byName = new Map(incoming.map((t) => [t.name, t]));
    const previews = await mapBounded(toPreview, CONCURRENCY, async (n) => {
      const t = byName.get(n)!;
      return [n, await rpc<DefinitionPreview>(store.trigger(n).previewDefinition(t.def, t.subscriptions.map((s) => ({ flow: s.flow, body: s.body }))))] as const;
    });
    plan = planTransfer({ incoming, current, owned, mode, previews: new Map(previews) });
  }
  for (const s of plan.steps) {
    if (!s.path || s.path === s.previousPath) continue;
    const route = await store.paths.route(s.path);
    if (route && route.name !== s.name) plan.problems.push({ name: s.name, path: "webhook.path", message: `webhook path '${s.path}' belongs to trigger '${route.name}'`, kind: "conflict" });
  }
  return plan;
}

/** Claims every new webhook path of the plan as PUT does; on any refusal releases what it claimed and answers 409. */
async function claimPaths(store: TenantStore, plan: Plan): Promise<Map<string, string>> {
  const claimed = new Map<string, string>();
  const problems: Problem[] = [];
  for (const s of plan.steps) {
    if (!s.path || s.path === s.previousPath || s.register === "none") continue;
    try {
      if (await claimWebhookPath(store, s.path, s.name)) claimed.set(s.name, s.path);
    } catch (e) {
      if (!(e instanceof AppError) || e.status !== 409) throw e;
      problems.push({ name: s.name, path: "webhook.path", message: e.message, kind: "conflict" });
    }
  }
  if (problems.length) {
    await mapBounded([...claimed], FAN_OUT, ([name, path]) => store.paths.release(path, name));
    throw problemsError(problems);
  }
  return claimed;
}

/**
 * Validates against the store (the triggers and the flow policies), then
 * (unless a dry run) applies: the webhook paths, the flow policies (before
 * the subscriptions, so a new subscription finds its flow's policy in
 * place), each trigger (register, subscriptions, status), then the prune.
 * Answers what changed.
 */
export async function runTransfer(
  store: TenantStore, incoming: Incoming[], problems: Problem[], mode: Mode, dryRun: boolean, flows: IncomingFlow[] = [],
): Promise<TransferSummary & { flows: FlowSummary }> {
  // the valid definitions are checked against the store too, so that one answer lists every problem
  const plan = await planAgainstStore(store, incoming, mode);
  const flowPlan = await planFlowsAgainstStore(store, flows, mode); // after the triggers: one fan-out at a time
  const all = [...problems, ...plan.problems, ...flowPlan.problems];
  if (all.length) throw problemsError(all);
  const summary = { ...summarize(plan), flows: summarizeFlows(flowPlan) };
  if (dryRun) return summary;
  const claimed = await claimPaths(store, plan);
  try {
    await applyFlows(store, flowPlan);
  } catch (e) {
    await mapBounded([...claimed], FAN_OUT, ([name, path]) => store.paths.release(path, name));
    throw e;
  }
  const outcomes = await mapBounded(plan.steps, CONCURRENCY, async (s) => {
    try {
      const obj = store.trigger(s.name);
      if (s.register === "create" || s.register === "update") {
        let r: { previousPath: string | null };
        try {
          r = await rpc(obj.register(store.tenant, s.name, s.def, null, s.registeredAt ?? null));
        } catch (e) {
          // released only when the object refused (it surely did not commit); see routes/triggers.ts
          if (claimed.has(s.name) && e instanceof AppError) await store.paths.release(claimed.get(s.name)!, s.name);
          throw e;
        }
        if (r.previousPath && r.previousPath !== s.path) await store.paths.release(r.previousPath, s.name);
      }
      for (const x of s.subscriptions) if (x.change === "create" || x.change === "update") await rpc(obj.putSubscription(x.flow, x.body));
      if (s.status === "retire") await rpc(obj.retire(s.retireReason, null));
      if (s.status === "reactivate") await rpc(obj.reactivate(null));
      return null;
    } catch (e) {
      return e;
    }
  });
  const pruned = await mapBounded(plan.prune, CONCURRENCY, (n) => rpc(store.trigger(n).retire(plan.pruneReason, null)).then(() => null, (e: unknown) => e));
  const failure = [...outcomes, ...pruned].find((e) => e !== null);
  if (failure) throw failure;
  return summary;
}
