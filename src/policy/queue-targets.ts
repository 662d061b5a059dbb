/**
 * Which queue producer bindings a tenant may name as a target (API.md
 * Conventions): those the deployment lists for it in QUEUE_TARGETS, a JSON
 * object `{"<tenant>": ["BINDING", …]}`. Missing or unreadable: none (fail
 * closed). The routes check it when a target is set; the queue consumer can
 * call `queueTargetAllowed` again at send time.
 */

/** QUEUE_TARGETS text → tenant → bindings, parsed once per distinct value. */
let parsed: { text: string; byTenant: Map<string, Set<string>> } | null = null;

function table(raw: unknown): Map<string, Set<string>> {
  const text = typeof raw === "string" ? raw : "";
  if (parsed?.text === text) return parsed.byTenant;
  const byTenant = new Map<string, Set<string>>();
  try {
    const doc = text.trim() === "" ? {} : (JSON.parse(text) as unknown);
    if (typeof doc === "object" && doc !== null && !Array.isArray(doc)) {
      for (const [tenant, list] of Object.entries(doc)) {
        if (Array.isArray(list)) byTenant.set(tenant, new Set(list.filter((b): b is string => typeof b === "string")));
      }
    }
  } catch {
    // an unreadable QUEUE_TARGETS allows nothing; the refusal message says where to look
  }
  parsed = { text, byTenant };
  return byTenant;
}

/** The bindings QUEUE_TARGETS lists for a tenant (empty when none). */
export function queueTargetsOf(env: { QUEUE_TARGETS?: unknown }, tenant: string): string[] {
  return [...(table(env.QUEUE_TARGETS).get(tenant) ?? [])];
}

/**
 * Whether `tenant` may send to the producer binding `binding`.
 * @example queueTargetAllowed({ QUEUE_TARGETS: '{"acme": ["FLOW_QUEUE"]}' }, "acme", "FLOW_QUEUE") // true
 * @example queueTargetAllowed({ QUEUE_TARGETS: '{"acme": ["FLOW_QUEUE"]}' }, "globex", "FLOW_QUEUE") // false
 */
export function queueTargetAllowed(env: { QUEUE_TARGETS?: unknown }, tenant: string, binding: string): boolean {
  return table(env.QUEUE_TARGETS).get(tenant)?.has(binding) ?? false;
}
