/**
 * A trigger's view (GET /v1/triggers/{name}, secrets redacted) as export
 * shows it: the definition as PUT takes it, plus `name`, `status` and
 * `subscriptions` ({mode, target, retry} per flow). Planning compares
 * against the same reduction.
 */
import { TriggerBody } from "../../schemas/trigger";
import type { Current, ExportedSubscription } from "./types";

/** The keys of a PUT body (the rest of a view is kept by Signalbox itself). */
const DEF_KEYS = Object.keys(TriggerBody.shape);

type View = { name: string; status: string; source: string; version: number; subscriptions: Record<string, unknown>; [k: string]: unknown };
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The PUT-shaped definition inside a view (a poll trigger's live `poll.state` left out). */
function definitionOf(view: View): Record<string, unknown> {
  const def: Record<string, unknown> = {};
  for (const k of DEF_KEYS) if (view[k] !== undefined) def[k] = view[k];
  if (isObj(def.poll) && "state" in def.poll) {
    const { state: _, ...poll } = def.poll;
    def.poll = poll;
  }
  return def;
}

function subscriptionsOf(view: View): Record<string, ExportedSubscription> {
  const out: Record<string, ExportedSubscription> = {};
  for (const [flow, s] of Object.entries(view.subscriptions ?? {})) {
    const sub = s as ExportedSubscription;
    out[flow] = {
      mode: sub.mode, target: sub.target, retry: sub.retry,
      ...(sub.ordering ? { ordering: sub.ordering } : {}), ...(sub.debounce ? { debounce: sub.debounce } : {}), ...(sub.batch ? { batch: sub.batch } : {}),
    };
  }
  return out;
}

/**
 * One trigger of `GET /v1/export`.
 * @example exportedTrigger({ name: "a", type: "event", status: "active", source: "api", version: 1, subscriptions: {}, stats: {} })
 * // { name: "a", type: "event", source: "api", status: "active", subscriptions: {} }
 */
export function exportedTrigger(view: View): Record<string, unknown> {
  return { name: view.name, ...definitionOf(view), source: view.source, status: view.status, subscriptions: subscriptionsOf(view) };
}

/** What planning needs of a stored trigger. */
export function currentOf(view: View): Current {
  return {
    name: view.name, def: { ...definitionOf(view), source: view.source }, status: view.status, source: view.source,
    version: view.version, subscriptions: subscriptionsOf(view),
  };
}
