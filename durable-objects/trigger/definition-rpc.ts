/**
 * The definition verbs as the object answers them over RPC: register, read,
 * retire and reactivate the trigger, put and remove subscriptions, rotate a
 * secret, preview an import. Each change applies the D1 projection (and poll
 * membership) before answering, so a list right after a write shows it; the
 * alarm retries what failed.
 */
import type { TriggerDef } from "../../src/schemas/trigger";
import type { SubscriptionDef } from "../../src/schemas/subscription";
import type { Registered, RotatedSecret, SubscriptionAnswer, TriggerView } from "../../src/contracts/views";
import type { TriggerHost } from "./host";
import { register, retire, reactivate, view } from "./registry";
import { putSubscription, removeSubscription, subscriptionView } from "./subscribe";
import { rotateSecret } from "./rotate-secret";
import { pollStateOf } from "./poll-member";
import { requireEntry } from "./tables/entry";
import { learnGate } from "./flow-gates";

/** `registeredAt`: the time a created trigger keeps (legacy import); null: now. */
export async function registerTrigger(host: TriggerHost, tenant: string, name: string, def: TriggerDef, ifMatch: number | null, registeredAt: number | null): Promise<Registered> {
  const { created, previousPath } = register(host.core, tenant, name, def, ifMatch, registeredAt);
  await host.project();
  return { created, previousPath, trigger: view(host.core) };
}

/** GET: the view, and a poll trigger's `poll.state` from its group. */
export async function readTrigger(host: TriggerHost): Promise<TriggerView> {
  const v = view(host.core);
  const row = requireEntry(host.core);
  if (row.def.type !== "poll" || !v.poll) return v;
  return { ...v, poll: { ...v.poll, state: await pollStateOf(host.core, row) } };
}

export async function retireTrigger(host: TriggerHost, reason: string | null, ifMatch: number | null): Promise<TriggerView> {
  retire(host.core, reason, ifMatch);
  await host.project();
  return view(host.core);
}

export async function reactivateTrigger(host: TriggerHost, ifMatch: number | null): Promise<TriggerView> {
  reactivate(host.core, ifMatch);
  await host.project();
  return view(host.core);
}

export async function subscribe(host: TriggerHost, flow: string, body: SubscriptionDef): Promise<{ created: boolean; subscription: SubscriptionAnswer }> {
  const { created, secret, sub } = putSubscription(host.core, flow, body);
  await host.project();
  // the flow's gate is asked once the subscription is in D1: a policy set from then on notifies this trigger too
  if (sub.target.type !== "pull") await learnGate(host, flow);
  return { created, subscription: { ...subscriptionView(host.core, sub), trigger: requireEntry(host.core).name, ...(secret ? { secret } : {}) } };
}

export async function unsubscribe(host: TriggerHost, flow: string): Promise<{ removed: string }> {
  removeSubscription(host.core, flow);
  await host.project();
  return { removed: flow };
}

/** The new secret (returned once) and the subscription; the old secret keeps signing for the overlap. */
export async function rotate(host: TriggerHost, flow: string, overlapHours: number): Promise<RotatedSecret> {
  const { secret, sub, previousSecretExpiresAt } = rotateSecret(host.core, flow, overlapHours);
  await host.project();
  return { ...subscriptionView(host.core, sub), trigger: requireEntry(host.core).name, secret, previousSecretExpiresAt };
}
