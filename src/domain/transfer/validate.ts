/**
 * Validation of the definitions an import or sync carries, with the very
 * schemas PUT /v1/triggers/{name} and PUT …/subscriptions/{flow} use. Every
 * problem is collected (never only the first), named by trigger and path.
 */
import { TriggerBody, type TriggerDef } from "../../schemas/trigger";
import { SubscriptionBody, type TargetDef } from "../../schemas/subscription";
import { DEFAULT_RETRY } from "../backoff";
import { isValidName } from "../names";
import { REDACTED } from "../redact";
import type { Incoming, IncomingSubscription, Problem } from "./types";

/** Keys of an exported trigger that are not part of the PUT body. */
const WRAPPER_KEYS = new Set(["name", "status", "subscriptions", "source"]);

type Issue = { path: PropertyKey[]; message: string };
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const join = (prefix: string, path: PropertyKey[]) => [prefix, ...path.map(String)].filter((p) => p !== "").join(".");

export type ValidateOptions = {
  /** the source every definition gets ("import", or the sync's source) */
  source: string;
  /** a check of a target against the deployment (queue bindings, outbound addresses); the field (from the subscription, e.g. "target.url") and why */
  checkTarget?: (target: TargetDef) => { path: string; message: string } | null;
  /** a check of a definition against the deployment (poll URL); each field (e.g. "poll.url") and why */
  checkDefinition?: (def: TriggerDef) => { path: string; message: string }[];
  /** legacy import: a definition may carry `registeredAt` (epoch ms), kept when the import creates the trigger */
  registeredAt?: boolean;
};

/**
 * Validates every definition; `incoming` holds those without problems.
 * @example validateDefinitions([{ name: "a", type: "event" }], { source: "import" })
 * // { incoming: [{ name: "a", def: { type: "event", source: "import" }, status: "active", subscriptions: [] }], problems: [] }
 */
export function validateDefinitions(entries: unknown[], opts: ValidateOptions): { incoming: Incoming[]; problems: Problem[] } {
  const incoming: Incoming[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const label = isObj(entry) && typeof entry.name === "string" && entry.name !== "" ? entry.name : `#${i}`;
    const own: Problem[] = [];
    const problem = (path: string, message: string) => own.push({ name: label, path, message, kind: "invalid" });
    if (!isObj(entry)) {
      problems.push({ name: label, path: "", message: "a trigger definition must be an object", kind: "invalid" });
      return;
    }
    if (typeof entry.name !== "string" || !isValidName(entry.name)) problem("name", "must be a trigger name matching ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");
    else if (seen.has(entry.name)) problem("name", "the document has two definitions with this name");
    else seen.add(entry.name);

    let status: "active" | "retired" = "active";
    if (entry.status === "retired") status = "retired";
    else if (entry.status !== undefined && entry.status !== "active" && entry.status !== "deprecated") problem("status", 'must be "active" or "retired"');

    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) if (!WRAPPER_KEYS.has(k) && !(opts.registeredAt && k === "registeredAt")) body[k] = v;
    const registeredAt = opts.registeredAt ? entry.registeredAt : undefined;
    if (registeredAt !== undefined && !(typeof registeredAt === "number" && Number.isSafeInteger(registeredAt) && registeredAt >= 0)) problem("registeredAt", "must be a time in epoch milliseconds");
    body.source = opts.source;
    const parsed = TriggerBody.safeParse(body);
    if (!parsed.success) for (const issue of parsed.error.issues as Issue[]) problem(join("", issue.path), issue.message);
    else for (const p of opts.checkDefinition?.(parsed.data) ?? []) problem(p.path, p.message);

    const subscriptions = validateSubscriptions(entry.subscriptions, opts, problem);
    problems.push(...own);
    if (own.length === 0 && parsed.success) {
      incoming.push({ name: entry.name as string, def: parsed.data as TriggerDef, status, subscriptions, ...(typeof registeredAt === "number" ? { registeredAt } : {}) });
    }
  });
  return { incoming, problems };
}

function validateSubscriptions(raw: unknown, opts: ValidateOptions, problem: (path: string, message: string) => void): IncomingSubscription[] {
  if (raw === undefined) return [];
  if (!isObj(raw)) {
    problem("subscriptions", 'must be an object of "<flow>": {mode, target, retry}');
    return [];
  }
  const out: IncomingSubscription[] = [];
  for (const [flow, sub] of Object.entries(raw)) {
    const at = `subscriptions.${flow}`;
    if (!isValidName(flow)) {
      problem(at, "the flow name must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$");
      continue;
    }
    if (!isObj(sub)) {
      problem(at, "must be an object {mode, target, retry}");
      continue;
    }
    // subscribedAt is shown by reads; an edited copy of a read may carry it
    const { subscribedAt: _, ...copy } = sub;
    let redactedSecret = false;
    if (isObj(copy.target) && copy.target.secret === REDACTED) {
      const { secret: __, ...target } = copy.target;
      copy.target = target;
      redactedSecret = true;
    }
    const parsed = SubscriptionBody.safeParse(copy);
    if (!parsed.success) {
      for (const issue of parsed.error.issues as Issue[]) problem(join(at, issue.path), issue.message);
      continue;
    }
    const retry = { ...DEFAULT_RETRY, ...parsed.data.retry };
    if (retry.maxBackoffSeconds < retry.initialBackoffSeconds) problem(`${at}.retry.maxBackoffSeconds`, "must be >= retry.initialBackoffSeconds");
    const targetProblem = opts.checkTarget?.(parsed.data.target);
    if (targetProblem) problem(`${at}.${targetProblem.path}`, targetProblem.message);
    out.push({ flow, body: parsed.data, redactedSecret });
  }
  return out;
}
