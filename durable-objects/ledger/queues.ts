/** The ledger's queue names and the bindings they stand for (wrangler.toml). */
import type { DELIVERY_QUEUE_BINDINGS, ObjectEnv } from "../../src/contracts/object-env";
import type { DeliveryBody } from "../../src/contracts/messages";
import type { QueueName } from "./types";

const BINDINGS = { fast: "DELIVERIES", fast1: "DELIVERIES_1", fast2: "DELIVERIES_2", fast3: "DELIVERIES_3", slow: "DELIVERIES_SLOW" } as const satisfies Record<QueueName, (typeof DELIVERY_QUEUE_BINDINGS)[number]>;

/** The queue binding a ledger queue name stands for. */
export function deliveryQueue(env: ObjectEnv, q: QueueName): Queue<DeliveryBody> {
  return env[BINDINGS[q]];
}
