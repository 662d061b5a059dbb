/**
 * The isolate's cache of webhook routes, so the public ingress does not read
 * D1 for every request: a known path's trigger (its methods and body cap, as
 * the index knows them) for ROUTE_TTL_MS, and an unknown path for
 * UNKNOWN_TTL_MS (a sender hammering a path that does not exist costs one D1
 * read per path per 2 s, not one per request). Each map holds at most
 * MAX_ENTRIES keys of at most 192 characters (tenant, `/`, path), the oldest
 * leaving first: well under 1 MiB each. A registration that claims a path in
 * this isolate forgets its entry at once; other isolates see it within
 * UNKNOWN_TTL_MS.
 */
import type { TenantStore } from "../data/tenant-store";
import { HARD_MAX_BODY } from "../contracts/limits";

export type Route = { name: string; methods: string[] | null; maxBody: number; at: number };

/** How long a known path's route is used without asking D1 (the object re-checks ownership anyway). */
const ROUTE_TTL_MS = 5_000;
/**
 * How long a path D1 did not know answers 404 without asking again.
 * @internal (exported for tests)
 */
export const UNKNOWN_TTL_MS = 2_000;
/**
 * Entries per map (each key ≤ 192 characters).
 * @internal (exported for tests)
 */
export const MAX_ENTRIES = 4_096;

const known = new Map<string, Route>();
const unknown = new Map<string, number>();

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/** The trigger a path routes to, or null; `fresh` skips the cache (the object said the path is no longer its own). */
export async function resolveRoute(store: TenantStore, path: string, fresh: boolean): Promise<Route | null> {
  const key = `${store.tenant}/${path}`;
  const now = Date.now();
  if (!fresh) {
    const hit = known.get(key);
    if (hit && now - hit.at < ROUTE_TTL_MS) return hit;
    const miss = unknown.get(key);
    if (miss !== undefined && now - miss < UNKNOWN_TTL_MS) return null;
  }
  const r = await store.paths.route(path);
  if (!r) {
    known.delete(key);
    remember(unknown, key, Date.now());
    return null;
  }
  unknown.delete(key);
  // methods and the body cap are what the index knows (null: not projected yet; the object decides)
  const route = { name: r.name, methods: r.methods, maxBody: Math.min(r.maxBody ?? HARD_MAX_BODY, HARD_MAX_BODY), at: Date.now() };
  remember(known, key, route);
  return route;
}

/** Forgets what this isolate knows of a path (a registration just claimed it). */
export function forgetRoute(tenant: string, path: string): void {
  const key = `${tenant}/${path}`;
  known.delete(key);
  unknown.delete(key);
}
