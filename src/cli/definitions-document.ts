/**
 * What a definitions file holds, once loaded (pure: no file system): the
 * definitions, the flow policies, and the sync source the file names for
 * itself, if any. A file shaped like the POST /v1/sync body (`{"source":
 * "billing", "triggers": […], "flows": {…}}`, or a module exporting `source`
 * and `flows`) names its source and policies; `--source` still wins.
 */
import { UsageError } from "./output";

/** `flows`: the policies by flow, as given (sync validates them); absent when the file has none. */
export type DefinitionsDocument = { triggers: unknown[]; flows?: unknown; source?: string };

/** What a module exports beside its definitions. */
export type ModuleExtras = { source?: unknown; flows?: unknown };

/** The source sync uses when neither the file nor the flag names one. */
const DEFAULT_SYNC_SOURCE = "code";

function sourceOf(value: unknown, file: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw new UsageError(`${file}: "source" must be a source name such as "code" or "billing-service"`);
  return value;
}

/**
 * `{a: {...}}` → `[{name: "a", ...}]`; arrays pass through; `{"triggers": […]}`
 * (a sync body or an export document) gives its triggers, its `flows` and its
 * `source`. A module's own `source` and `flows` exports count where the value has none.
 * @example definitionsOf({ source: "billing", triggers: [{ name: "a", type: "event" }], flows: { b: { concurrency: 1 } } }, "t.json")
 * // { triggers: [{ name: "a", type: "event" }], flows: { b: { concurrency: 1 } }, source: "billing" }
 */
export function definitionsOf(value: unknown, file: string, extras: ModuleExtras = {}): DefinitionsDocument {
  const named = sourceOf(extras.source, file);
  const doc = (triggers: unknown[], flows: unknown, source: string | undefined): DefinitionsDocument => ({
    triggers, ...(flows !== undefined ? { flows } : {}), ...(source ? { source } : {}),
  });
  if (Array.isArray(value)) return doc(value, extras.flows, named);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.triggers)) return doc(o.triggers, o.flows ?? extras.flows, sourceOf(o.source, file) ?? named);
    const triggers = Object.entries(o).map(([name, def]) => (def && typeof def === "object" && !("name" in def) ? { name, ...def } : def));
    return doc(triggers, extras.flows, named);
  }
  throw new UsageError(`${file} must provide an array of trigger definitions (or an object of them by name)`);
}

/**
 * The source a sync manages: `--source` wins, then the file's own, then `code`.
 * @example syncSource(undefined, "billing") // "billing"
 */
export function syncSource(flag: string | undefined, fromFile: string | undefined): string {
  const source = flag ?? fromFile ?? DEFAULT_SYNC_SOURCE;
  if (source === "api" || source === "import") throw new UsageError(`source ${source} is not a sync source (api and import are kept for PUT and import)`);
  return source;
}
