/** The check a queue target passes (PUT …/subscriptions/{flow}, import, sync): a producer binding of this deployment, not Signalbox's own queues. */

/** The service's own queues: a subscription may not feed deliveries back into them. */
const OWN_QUEUES = new Set(["DELIVERIES", "DELIVERIES_SLOW", "DELIVERIES_DLQ"]);

/** Why `name` cannot be a queue target (code and message), or null when it can. */
export function queueTargetProblem(env: Record<string, unknown>, name: string): { code: "reserved_queue" | "unknown_queue"; message: string } | null {
  if (OWN_QUEUES.has(name)) return { code: "reserved_queue", message: `queue '${name}' is Signalbox's own delivery queue; name a queue of your flow` };
  const b = env[name] as { send?: unknown; sendBatch?: unknown } | undefined;
  if (typeof b === "object" && b !== null && typeof b.send === "function" && typeof b.sendBatch === "function") return null;
  return { code: "unknown_queue", message: `no queue producer binding named '${name}' in this deployment` };
}
