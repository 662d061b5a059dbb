/**
 * Flow policies in an export, import or sync document (`"flows": {"<flow>":
 * <policy as PUT /v1/flows/{flow} takes it>}`), pure: validation with the
 * schema PUT uses, and the plan against what the flows' gates hold (which
 * policies are created, updated or unchanged, who owns them, what a sync's
 * prune clears). docs/definitions.md "Flow policies" says why each rule.
 */
import { FlowPolicyBody, type FlowPolicy } from "../../schemas/flow";
import { humanIssues, type ZodLikeIssue } from "../human-issues";
import { isValidName } from "../names";
import { sameJson } from "../stable-json";
import type { Mode, Problem } from "./types";

/** At most this many flows a document (like its 1000 triggers). */
const MAX_FLOWS = 1000;

export type IncomingFlow = { flow: string; policy: FlowPolicy };

/** A flow's policy as its gate holds it (non-empty) and its owner: a sync source, or null (PUT, pause, import). */
export type CurrentFlow = { policy: FlowPolicy; source: string | null };

/** What the gate is given (`setPolicy(…, policy, source)`), or nothing (`none`). */
export type FlowStep = { flow: string; policy: FlowPolicy; source: string | null; change: "create" | "update" | "none" };

export type FlowPlan = {
  steps: FlowStep[];
  /** sync with prune: the source's policies the document no longer declares, each cleared (a pause is kept) and released */
  clear: FlowStep[];
  problems: Problem[];
};

export type FlowSummary = { created: string[]; updated: string[]; unchanged: string[]; cleared: string[] };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Validates a document's `flows` (absent: none). Problems are named by flow,
 * their paths from the document's root (`flows.billing.concurrency`).
 * @example validateFlows({ billing: { concurrency: 0 } }).problems[0].path // "flows.billing.concurrency"
 */
export function validateFlows(raw: unknown): { flows: IncomingFlow[]; problems: Problem[] } {
  const flows: IncomingFlow[] = [];
  const problems: Problem[] = [];
  if (raw === undefined) return { flows, problems };
  if (!isObj(raw)) return { flows, problems: [{ name: "flows", path: "flows", message: 'must be an object of "<flow>": {rateLimit, concurrency, breaker, paused}', kind: "invalid" }] };
  const entries = Object.entries(raw);
  if (entries.length > MAX_FLOWS) problems.push({ name: "flows", path: "flows", message: `at most ${MAX_FLOWS} flows a call`, kind: "invalid" });
  for (const [flow, policy] of entries.slice(0, MAX_FLOWS)) {
    const at = `flows.${flow}`;
    if (!isValidName(flow)) {
      problems.push({ name: flow, path: at, message: "the flow name must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$", kind: "invalid" });
      continue;
    }
    const parsed = FlowPolicyBody.safeParse(policy);
    if (parsed.success) flows.push({ flow, policy: parsed.data });
    else for (const i of humanIssues(parsed.error.issues as ZodLikeIssue[], policy)) problems.push({ name: flow, path: i.path ? `${at}.${i.path}` : at, message: i.message, kind: "invalid" });
  }
  return { flows, problems };
}

/** `paused: false` and no `paused` say the same. */
function comparable(p: FlowPolicy): FlowPolicy {
  const { paused, ...rest } = p;
  return paused ? { ...rest, paused } : rest;
}

/** The declared policy, keeping a pause it does not mention (pausing is an operator's act a deploy must not undo). */
function withPause(declared: FlowPolicy, current: CurrentFlow | null): FlowPolicy {
  return declared.paused === undefined && current?.policy.paused ? { ...declared, paused: true } : declared;
}

export type FlowPlanInput = {
  incoming: IncomingFlow[];
  /** every incoming flow: its gate's policy, or null (none) */
  current: Map<string, CurrentFlow | null>;
  /** sync with prune: the policies the source owns that the document does not declare, as their gates confirm */
  owned?: Map<string, CurrentFlow>;
  mode: Mode;
};

/**
 * Plans the document's flow policies. An import leaves them unowned; a sync
 * owns what it declares (a policy another sync source owns is a conflict
 * unless `adopt`) and, with prune, clears what it owned and no longer declares.
 * @example planFlows({ incoming: [{ flow: "b", policy: { concurrency: 1 } }], current: new Map([["b", null]]), mode: { kind: "sync", source: "code", prune: false, adopt: false } }).steps[0]
 * // { flow: "b", policy: { concurrency: 1 }, source: "code", change: "create" }
 */
export function planFlows(input: FlowPlanInput): FlowPlan {
  const { incoming, current, mode } = input;
  const owner = mode.kind === "sync" ? mode.source : null;
  const problems: Problem[] = [];
  const steps = incoming.map(({ flow, policy: declared }): FlowStep => {
    const cur = current.get(flow) ?? null;
    if (mode.kind === "sync" && cur?.source && cur.source !== mode.source && !mode.adopt) {
      problems.push({
        name: flow, path: `flows.${flow}`, kind: "conflict",
        message: `the policy of flow '${flow}' is owned by source '${cur.source}'; sync only manages source '${mode.source}' (pass "adopt": true to take it over)`,
      });
    }
    const policy = withPause(declared, cur);
    const empty = Object.keys(comparable(policy)).length === 0;
    const change = !cur ? (empty ? "none" : "create") : sameJson(comparable(cur.policy), comparable(policy)) && cur.source === owner ? "none" : "update";
    return { flow, policy, source: owner, change };
  });
  const declared = new Set(incoming.map((f) => f.flow));
  const clear = mode.kind === "sync" && mode.prune
    ? [...(input.owned ?? [])].filter(([flow]) => !declared.has(flow)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([flow, cur]): FlowStep => ({ flow, policy: cur.policy.paused ? { paused: true } : {}, source: null, change: "update" }))
    : [];
  return { steps, clear, problems };
}

/**
 * The answer's `flows` lists.
 * @example summarizeFlows({ steps: [{ flow: "a", policy: {}, source: null, change: "none" }], clear: [], problems: [] })
 * // { created: [], updated: [], unchanged: ["a"], cleared: [] }
 */
export function summarizeFlows(plan: FlowPlan): FlowSummary {
  const out: FlowSummary = { created: [], updated: [], unchanged: [], cleared: plan.clear.map((s) => s.flow) };
  for (const s of plan.steps) (s.change === "create" ? out.created : s.change === "update" ? out.updated : out.unchanged).push(s.flow);
  return out;
}
