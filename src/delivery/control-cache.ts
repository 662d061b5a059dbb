/**
 * The consumer's cache of each owner's delivery targets (a trigger's
 * subscriptions, a run's callbacks), keyed by owner and checked against the
 * control version each message carries: a message handed over after a
 * change carries a newer version, so the cache is refreshed before it is
 * attempted. Every outcome answer also refreshes it, so a busy owner is
 * never asked before an attempt. Secrets stay in memory here, never logged.
 */
import type { DeliveryControl } from "../contracts/rpc";

const MAX_OWNERS = 10_000;
const cache = new Map<string, DeliveryControl>();
const inflight = new Map<string, Promise<DeliveryControl | null>>();

/**
 * The owner's control at least as new as `minVersion` of registration
 * `generation` (when the message says) and naming `flows` (fetched when the
 * cache is not: a trigger deleted and registered again starts its versions
 * over, so a cached control of the old registration never answers for it).
 */
export async function controlFor(key: string, minVersion: number, generation: number | undefined, flows: string[], fetch: () => Promise<DeliveryControl | null>): Promise<DeliveryControl | null> {
  const hit = cache.get(key);
  const sameRegistration = generation === undefined || hit?.generation === generation;
  if (hit && sameRegistration && hit.version >= minVersion && (hit.retired || flows.every((f) => f in hit.targets))) return hit;
  let p = inflight.get(key);
  if (!p) {
    p = fetch().finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  const fresh = await p;
  if (fresh) remember(key, fresh);
  else cache.delete(key);
  return fresh;
}

/** Takes a control from an outcome answer (never an older one of the same registration than cached). */
export function remember(key: string, control: DeliveryControl): void {
  const cur = cache.get(key);
  if (cur && cur.generation === control.generation && cur.version > control.version) return;
  if (cache.size >= MAX_OWNERS && !cur) cache.clear();
  cache.set(key, control);
}

/**
 * For tests: forget everything.
 * @internal (exported for tests)
 */
export function clearControlCache(): void {
  cache.clear();
}
