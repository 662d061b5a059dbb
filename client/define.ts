/** `defineTrigger`: typed trigger definitions for `signalbox sync` (types from the OpenAPI document). */
import type { components } from "./schema";

type Schemas = components["schemas"];

/** A trigger as sync, import and export carry it: the PUT body plus its name and subscriptions. */
export type TriggerDefinition = Omit<Schemas["TriggerDefinition"], "source"> & {
  name: string;
  status?: "active" | "retired";
  subscriptions?: Record<string, Schemas["SubscriptionDefinition"]>;
};

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
