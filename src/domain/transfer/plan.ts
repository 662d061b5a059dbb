/**
 * Planning an import or sync: given the validated definitions and what the
 * objects hold (redacted), which triggers and subscriptions are created,
 * updated or unchanged, which statuses change, what a sync prunes, and every
 * conflict or unkeepable placeholder. Pure; the route applies the plan.
 */
import { DEFAULT_RETRY } from "../backoff";
import { REDACTED, SECRET_KEYS, redactDef } from "../redact";
import { sameJson } from "../stable-json";
import type { Change, Current, Incoming, IncomingSubscription, Mode, Plan, Preview, Problem, SubscriptionStep, TransferSummary, TriggerStep } from "./types";

export type PlanInput = {
  incoming: Incoming[];
  /** every incoming name: its stored trigger, or null */
  current: Map<string, Current | null>;
  /** sync: the active triggers of the source, as their objects confirm */
  owned?: string[];
  mode: Mode;
  /** the objects' previews of definitions with plain secrets (plan again with them) */
  previews?: Map<string, Preview>;
};

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const PLACEHOLDER = "holds the redacted placeholder '********' but no secret is stored to keep: fill in the secret";
const FROM_PREVIEW: Record<Preview["subscriptions"][string], Change> = { created: "create", updated: "update", unchanged: "none" };

/**
 * Plans an import or sync.
 * @example planTransfer({ incoming: [{ name: "a", def: { type: "event", source: "import" }, status: "active", subscriptions: [] }], current: new Map([["a", null]]), mode: { kind: "import" } }).steps[0].register
 * // "create"
 */
export function planTransfer(input: PlanInput): Plan {
  const { incoming, current, mode } = input;
  const problems: Problem[] = [];
  const steps: TriggerStep[] = [];
  const paths = new Map<string, string>();
  const retireReason = mode.kind === "sync" ? `retired in ${mode.source}` : "retired in the imported document";
  for (const t of incoming) {
    const cur = current.get(t.name) ?? null;
    const conflict = (path: string, message: string) => problems.push({ name: t.name, path, message, kind: "conflict" });
    const invalid = (path: string, message: string) => problems.push({ name: t.name, path, message, kind: "invalid" });
    if (cur && cur.def.type !== t.def.type) conflict("type", `'${t.name}' is a ${String(cur.def.type)} trigger; its type cannot change (retire it and use another name)`);
    if (mode.kind === "sync" && cur && cur.source !== mode.source && !mode.adopt) {
      conflict("source", `'${t.name}' exists with source '${cur.source}'; sync only manages source '${mode.source}' (pass "adopt": true to take it over)`);
    }
    for (const path of missingSecrets(t.def as Record<string, unknown>, cur?.def ?? null)) invalid(path, PLACEHOLDER);
    const path = t.def.webhook?.path ?? null;
    if (path && paths.has(path)) invalid("webhook.path", `'${paths.get(path)}' in the same document uses webhook path '${path}'`);
    else if (path) paths.set(path, t.name);

    const preview = input.previews?.get(t.name);
    const subscriptions = t.subscriptions.map((given) => {
      const stored = cur?.subscriptions[given.flow] ?? null;
      const s = mode.kind === "import" && mode.keepTargets && stored ? keepStoredTarget(given, stored) : given;
      for (const [p, m] of subscriptionProblems(s, stored)) invalid(`subscriptions.${s.flow}.${p}`, m);
      const keptTarget = s !== given && stored?.target.type !== "pull";
      return { flow: s.flow, body: s.body, change: subscriptionChange(s, stored, preview), ...(keptTarget ? { keptTarget } : {}) } satisfies SubscriptionStep;
    });
    const register: Change = !cur ? "create" : hasPlainSecret(t.def as Record<string, unknown>) ? (preview ? (preview.trigger ? "update" : "none") : "check") : sameJson(cur.def, t.def) ? "none" : "update";
    const curRetired = cur?.status === "retired";
    const status = t.status === "retired" && !curRetired ? "retire" : t.status === "active" && curRetired ? "reactivate" : null;
    steps.push({
      name: t.name, register, def: t.def, status, retireReason, subscriptions, path, previousPath: (cur?.def.webhook as { path?: string } | undefined)?.path ?? null,
      ...(register === "create" && t.registeredAt !== undefined ? { registeredAt: t.registeredAt } : {}),
    });
  }
  const names = new Set(incoming.map((t) => t.name));
  const prune = mode.kind === "sync" && mode.prune ? (input.owned ?? []).filter((n) => !names.has(n)).sort() : [];
  return { steps, prune, pruneReason: mode.kind === "sync" ? `removed from ${mode.source}` : "", problems };
}

/** The names whose definitions only their objects can compare (plain secrets on a stored trigger). */
export function needsPreview(plan: Plan): string[] {
  return plan.steps.filter((s) => s.register === "check" || s.subscriptions.some((x) => x.change === "check")).map((s) => s.name);
}

/**
 * The answer lists. A trigger whose only change is its status counts as updated.
 * @example summarize({ steps: [], prune: ["old"], pruneReason: "", problems: [] }).retired // ["old"]
 */
export function summarize(plan: Plan): TransferSummary {
  const out: TransferSummary = { created: [], updated: [], unchanged: [], subscriptions: { created: [], updated: [], unchanged: [] }, retired: [...plan.prune], keptTargets: [] };
  for (const s of plan.steps) {
    if (s.register === "create") out.created.push(s.name);
    else if (s.register !== "none" || s.status) out.updated.push(s.name);
    else out.unchanged.push(s.name);
    for (const x of s.subscriptions) {
      const key = `${s.name}/${x.flow}`;
      if (x.keptTarget) out.keptTargets.push(key);
      if (x.change === "create") out.subscriptions.created.push(key);
      else if (x.change === "none") out.subscriptions.unchanged.push(key);
      else out.subscriptions.updated.push(key);
    }
  }
  return out;
}

/** The document's mode over the stored target and retry (redacted: the object keeps the stored secrets). */
function keepStoredTarget(s: IncomingSubscription, stored: NonNullable<StoredSub>): IncomingSubscription {
  const { secret, ...target } = stored.target;
  const { ordering, debounce, batch } = s.body;
  const body = {
    mode: s.body.mode, target: target as IncomingSubscription["body"]["target"], retry: stored.retry as IncomingSubscription["body"]["retry"],
    ...(ordering ? { ordering } : {}), ...(debounce ? { debounce } : {}), ...(batch ? { batch } : {}),
  };
  return { flow: s.flow, body, redactedSecret: secret === REDACTED };
}

/** Webhook auth secrets and poll header values that hold the placeholder with nothing stored under that key. */
function missingSecrets(def: Record<string, unknown>, stored: Record<string, unknown> | null): string[] {
  const out: string[] = [];
  const auth = isObj(def.webhook) && isObj(def.webhook.auth) ? def.webhook.auth : null;
  const storedAuth = isObj(stored?.webhook) && isObj(stored.webhook.auth) ? stored.webhook.auth : {};
  if (auth) for (const k of SECRET_KEYS) if (auth[k] === REDACTED && typeof storedAuth[k] !== "string") out.push(`webhook.auth.${k}`);
  const headers = isObj(def.poll) && isObj(def.poll.headers) ? def.poll.headers : null;
  const storedHeaders = new Set(Object.keys(isObj(stored?.poll) && isObj(stored.poll.headers) ? stored.poll.headers : {}).map((h) => h.toLowerCase()));
  if (headers) for (const [h, v] of Object.entries(headers)) if (v === REDACTED && !storedHeaders.has(h.toLowerCase())) out.push(`poll.headers.${h}`);
  return out;
}

/** Whether a definition carries a secret in the clear (then only its object can tell whether it changes). */
const hasPlainSecret = (def: Record<string, unknown>) => !sameJson(redactDef(def), def);

type StoredSub = Current["subscriptions"][string] | null;

function subscriptionProblems(s: IncomingSubscription, stored: StoredSub): [string, string][] {
  const out: [string, string][] = [];
  const target = s.body.target as Record<string, unknown>;
  if (s.redactedSecret && typeof stored?.target.secret !== "string") out.push(["target.secret", PLACEHOLDER]);
  if (!stored && target.type === "http" && !s.redactedSecret && target.secret === undefined) {
    out.push(["target.secret", "a new http target needs its secret here: whsec_ followed by base64 of 24-64 bytes, e.g. from `openssl rand -base64 32` (a generated one could not be shown)"]);
  }
  const storedHeaders = new Set(Object.keys(isObj(stored?.target.headers) ? stored.target.headers : {}).map((h) => h.toLowerCase()));
  for (const [h, v] of Object.entries(isObj(target.headers) ? target.headers : {})) {
    if (v === REDACTED && !storedHeaders.has(h.toLowerCase())) out.push([`target.headers.${h}`, PLACEHOLDER]);
  }
  return out;
}

function subscriptionChange(s: IncomingSubscription, stored: StoredSub, preview: Preview | undefined): Change {
  if (!stored) return "create";
  const target = s.body.target as Record<string, unknown>;
  const headers = isObj(target.headers) ? target.headers : {};
  const plain = typeof target.secret === "string" || Object.values(headers).some((v) => v !== REDACTED);
  if (plain) return preview?.subscriptions[s.flow] ? FROM_PREVIEW[preview.subscriptions[s.flow]] : "check";
  const shown: Record<string, unknown> = { ...target };
  if (target.type === "http") shown.secret = REDACTED; // a missing or redacted secret keeps the stored one
  if (isObj(target.headers)) shown.headers = Object.fromEntries(Object.keys(target.headers).map((h) => [h, REDACTED]));
  const same = stored.mode === (s.body.mode ?? "auto") && sameJson(stored.target, shown) && sameJson(stored.retry, { ...DEFAULT_RETRY, ...s.body.retry });
  return same ? "none" : "update";
}
