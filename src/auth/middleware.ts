/** Hono middleware: API-key authentication for /v1 and per-route scope checks. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { authenticate, requireScope, type Scope } from "./api-keys";
import { TenantStore } from "../data/tenant-store";

/** Resolves the bearer key to its tenant and gives the route a tenant-bound store. */
export const requireApiKey = createMiddleware<AppEnv>(async function requireApiKey(c, next) {
  const principal = await authenticate(c.env.API_KEYS, c.req.header("authorization") ?? null);
  c.set("principal", principal);
  c.set("store", new TenantStore(c.env, principal.tenant));
  await next();
});

/** Route middleware: 403 unless the key holds `scope`. */
export function scope(needed: Scope) {
  return createMiddleware<AppEnv>(async function scopeCheck(c, next) {
    requireScope(c.var.principal, needed);
    await next();
  });
}
