/** Hono middleware: one `request` log line per request (method, path without query, status, time, tenant). */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { flushLogs, logEvent, loggedPath } from "./log";

export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const started = Date.now();
  await next();
  const path = new URL(c.req.url).pathname;
  if (path === "/healthz") return flushLogs();
  const status = c.res.status;
  const tenant = (c.var as { store?: { tenant: string } }).store?.tenant ?? (path.startsWith("/webhooks/") ? path.split("/")[2] : undefined);
  logEvent("request", { method: c.req.method, path: loggedPath(path), status, latencyMs: Date.now() - started, tenant }, status >= 500 ? "error" : "info");
  flushLogs(); // a Worker invocation may end with the response: its lines leave with it
};
