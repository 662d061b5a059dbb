/**
 * The check a queue target passes (PUT …/subscriptions/{flow}, await
 * callbacks, import, sync): a producer binding the deployment lists for the
 * tenant in QUEUE_TARGETS (src/policy/queue-targets.ts) and declares, never
 * one of Signalbox's own queues.
 */
import { queueTargetAllowed, queueTargetsOf } from "../policy/queue-targets";
import { DELIVERY_QUEUE_BINDINGS } from "../contracts/object-env";

/** The service's own queues: a subscription may not feed deliveries back into them. */
const OWN_QUEUES = new Set<string>([...DELIVERY_QUEUE_BINDINGS, "DELIVERIES_DLQ"]);

type QueueTargetProblem = { code: "reserved_queue" | "invalid_target" | "unknown_queue"; message: string };

/** Why `tenant` cannot name `name` as a queue target (code and message), or null when it can. */
export function queueTargetProblem(env: Record<string, unknown>, tenant: string, name: string): QueueTargetProblem | null {
  if (OWN_QUEUES.has(name)) return { code: "reserved_queue", message: `queue '${name}' is Signalbox's own delivery queue; name a queue of your flow` };
  if (!queueTargetAllowed(env, tenant, name)) {
    const listed = queueTargetsOf(env, tenant);
    const which = listed.length ? `it lists ${listed.join(", ")}` : "it lists none for this tenant";
    return { code: "invalid_target", message: `queue '${name}' is not one this deployment's QUEUE_TARGETS lists for tenant '${tenant}' (${which})` };
  }
  const b = env[name] as { send?: unknown; sendBatch?: unknown } | undefined;
  if (typeof b === "object" && b !== null && typeof b.send === "function" && typeof b.sendBatch === "function") return null;
  return { code: "unknown_queue", message: `no queue producer binding named '${name}' in this deployment` };
}
