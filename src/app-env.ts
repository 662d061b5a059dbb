/** The Hono environment type shared by the app, middleware and routes. */
import type { Env } from "./env";
import type { Principal } from "./auth/api-keys";
import type { TenantStore } from "./data/tenant-store";

export type AppEnv = {
  Bindings: Env;
  Variables: { principal: Principal; store: TenantStore };
};
