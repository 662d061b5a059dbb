/**
 * Import and sync previews. The Worker plans from the redacted views; a
 * definition that carries plain secrets can only be compared here, where the
 * stored secrets are, with the same checks register and putSubscription use.
 */
import type { TriggerDef } from "../../src/schemas/trigger";
import type { SubscriptionDef } from "../../src/schemas/subscription";
import type { DefinitionPreview } from "../../src/contracts/rpc";
import { keepRedactedSecrets } from "../../src/domain/redact";
import { sameJson } from "../../src/domain/stable-json";
import type { Core } from "./core";
import { requireEntry } from "./tables/entry";
import { findSubscription } from "./tables/subscriptions";
import { resolveTarget, sameSubscription } from "./subscribe";

/** What registering `def` and putting `subs` would change, without changing anything. */
export function previewDefinition(core: Core, def: TriggerDef, subs: { flow: string; body: SubscriptionDef }[]): DefinitionPreview {
  const row = requireEntry(core);
  const trigger = !sameJson(row.def, keepRedactedSecrets(def, row.def));
  const subscriptions: DefinitionPreview["subscriptions"] = {};
  for (const { flow, body } of subs) {
    const old = findSubscription(core, flow);
    subscriptions[flow] = !old ? "created" : sameSubscription(old, body, resolveTarget(body, old)) ? "unchanged" : "updated";
  }
  return { trigger, subscriptions };
}
