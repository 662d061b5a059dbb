/** `defineTrigger` and `defineFlows`: typed trigger definitions and flow policies for `signalbox sync` (types from the OpenAPI document). */
import type { components } from "./schema";

type Schemas = components["schemas"];

/** A trigger as sync, import and export carry it: the PUT body plus its name and subscriptions. */
export type TriggerDefinition = Omit<Schemas["TriggerDefinition"], "source"> & {
  name: string;
  status?: "active" | "retired";
  subscriptions?: Record<string, Schemas["SubscriptionDefinition"]>;
};

/** Flow policies by flow, each as PUT /v1/flows/{flow} takes it (the `flows` of sync, import and export). */
export type FlowPolicies = Record<string, Schemas["FlowPolicy"]>;

/**
 * Returns the definition as given; it exists for the types (and the editor's
 * completion) in a definitions module that `signalbox sync` reads.
 * @example
 * export default [
 *   defineTrigger({ name: "order.paid", type: "event", subscriptions: { billing: { target: { type: "pull" } } } }),
 * ];
 */
export function defineTrigger<const T extends TriggerDefinition>(definition: T): T {
  return definition;
}

/**
 * Returns the policies as given, for the types: a definitions module's
 * `flows` export, which `signalbox sync` sends with its triggers (the sync's
 * source then owns those policies).
 * @example
 * export const flows = defineFlows({ billing: { rateLimit: { limit: 10, periodSeconds: 1 }, concurrency: 5 } });
 */
export function defineFlows<const T extends FlowPolicies>(policies: T): T {
  return policies;
}
