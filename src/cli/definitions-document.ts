/**
 * What a definitions file holds, once loaded (pure: no file system): the
 * definitions, and the sync source the file names for itself, if any. A
 * file shaped like the POST /v1/sync body (`{"source": "billing", "triggers":
 * […]}`, or a module exporting `source`) names its source; `--source` still wins.
 */
import { UsageError } from "./output";

export type DefinitionsDocument = { triggers: unknown[]; source?: string };

/** The source sync uses when neither the file nor the flag names one. */
const DEFAULT_SYNC_SOURCE = "code";

function sourceOf(value: unknown, file: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw new UsageError(`${file}: "source" must be a source name such as "code" or "billing-service"`);
  return value;
}

/**
 * `{a: {...}}` → `[{name: "a", ...}]`; arrays pass through; `{"triggers": […]}`
 * (a sync body or an export document) gives its triggers and its `source`.
 * @example definitionsOf({ source: "billing", triggers: [{ name: "a", type: "event" }] }, "t.json")
 * // { triggers: [{ name: "a", type: "event" }], source: "billing" }
 */
export function definitionsOf(value: unknown, file: string, moduleSource?: unknown): DefinitionsDocument {
  const named = sourceOf(moduleSource, file);
  if (Array.isArray(value)) return { triggers: value, ...(named ? { source: named } : {}) };
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.triggers)) {
      const source = sourceOf(o.source, file) ?? named;
      return { triggers: o.triggers, ...(source ? { source } : {}) };
    }
    const triggers = Object.entries(o).map(([name, def]) => (def && typeof def === "object" && !("name" in def) ? { name, ...def } : def));
    return { triggers, ...(named ? { source: named } : {}) };
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
