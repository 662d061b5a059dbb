/**
 * The bindings a Durable Object uses: the object namespaces (typed by their
 * RPC contracts, never by the classes), D1, the delivery queues and the log
 * level. The Worker's `Env` (src/env.ts) extends it with what only the
 * Worker reads.
 */
import type { DeliveryBody } from "./messages";
import type { FlowGateRpc, PollGroupRpc, RunRpc, TriggerRpc } from "./object-rpc";

/** The delivery queues' bindings: the fast queue's shards and the slow queue (durable-objects/ledger/queues.ts names them). */
export const DELIVERY_QUEUE_BINDINGS = ["DELIVERIES", "DELIVERIES_1", "DELIVERIES_2", "DELIVERIES_3", "DELIVERIES_SLOW"] as const;

export interface ObjectEnv {
  TRIGGERS: DurableObjectNamespace<TriggerRpc>;
  RUNS: DurableObjectNamespace<RunRpc>;
  POLL_GROUPS: DurableObjectNamespace<PollGroupRpc>;
  FLOW_GATES: DurableObjectNamespace<FlowGateRpc>;
  DB: D1Database;
  /** first attempts of lanes that answer at once: the fast queue's shards (durable-objects/ledger/queues.ts) */
  DELIVERIES: Queue<DeliveryBody>;
  DELIVERIES_1: Queue<DeliveryBody>;
  DELIVERIES_2: Queue<DeliveryBody>;
  DELIVERIES_3: Queue<DeliveryBody>;
  /** retries, breaker probes and lanes that answer slowly */
  DELIVERIES_SLOW: Queue<DeliveryBody>;
  /** lowest structured log level written: info (default), warn, error, none */
  LOG_LEVEL?: string;
}
