/**
 * Public webhook ingress: {METHOD} /webhooks/{tenant}/{path}. The index maps
 * the path to a trigger (cached briefly in the isolate, unknown paths too:
 * ./webhook-route-cache.ts); the object re-checks
 * that the path is still its own, verifies the request and stores it before
 * the 202. The body is read only up to the trigger's maxBodyBytes.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { AppError, unwrap } from "../errors";
import { isValidTenant, isValidWebhookPath } from "../domain/names";
import { TenantStore } from "../data/tenant-store";
import { readLimited } from "./json-body";
import { resolveRoute } from "./webhook-route-cache";

export const webhooks = new Hono<AppEnv>();

webhooks.all("/webhooks/:tenant/:path{.+}", async function webhookIngress(c) {
  const tenant = c.req.param("tenant");
  const path = c.req.param("path");
  if (!isValidTenant(tenant) || !isValidWebhookPath(path)) throw new AppError(404, "not_found", "Unknown webhook");
  const store = new TenantStore(c.env, tenant);
  let route = await resolveRoute(store, path, false);
  if (!route) throw new AppError(404, "not_found", "Unknown webhook");
  if (route.methods && !route.methods.includes(c.req.method)) {
    throw new AppError(405, "method_not_allowed", `Method ${c.req.method} is not allowed here`, undefined, { Allow: route.methods.join(", ") });
  }
  let bytes: Uint8Array;
  try {
    bytes = await readLimited(c.req.raw, route.maxBody);
  } catch (e) {
    if (e instanceof AppError && e.status === 413) c.executionCtx.waitUntil(store.trigger(route.name).countWebhookRefusal("too_large").catch(() => {}));
    throw e;
  }
  const body = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const url = new URL(c.req.url);
  const req = {
    path,
    method: c.req.method,
    headers: Object.fromEntries(c.req.raw.headers), // (Headers iterate lower-cased names, repeats joined)
    query: Object.fromEntries(url.searchParams),
    body,
    sourceIp: c.req.header("cf-connecting-ip") ?? null,
  };
  let answer = unwrap(await store.trigger(route.name).ingestWebhook(req));
  if (answer.kind === "not_mine") {
    // The index lagged a path change: resolve again, once, from D1.
    route = await resolveRoute(store, path, true);
    if (!route) throw new AppError(404, "not_found", "Unknown webhook");
    answer = unwrap(await store.trigger(route.name).ingestWebhook(req));
    if (answer.kind === "not_mine") throw new AppError(404, "not_found", "Unknown webhook");
  }
  if (answer.kind === "challenge") return c.json({ challenge: answer.challenge }, 200);
  return c.json({ id: answer.id, status: answer.status }, 202);
});
