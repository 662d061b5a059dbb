/**
 * CORS for /v1/*: browsers on the origins listed in `CORS_ORIGINS`
 * (comma-separated exact origins, or `*`; default none) may call the API.
 * Preflights are answered here, before the API key is checked (a browser
 * never sends credentials on a preflight); other origins get no CORS
 * headers at all, so the browser keeps the answer from them.
 */
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";

/** Request headers a browser may send (the idempotency header is `Idempotency-Key`, see src/routes/fires.ts). */
const ALLOW_HEADERS = ["Authorization", "Content-Type", "If-Match", "Idempotency-Key", "Last-Event-ID"];
/** Answer headers a browser script may read. */
const EXPOSE_HEADERS = ["ETag", "Retry-After", "Allow"];
const ALLOW_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"];
const MAX_AGE_SECONDS = 600;

/**
 * The allowed origins from the variable's text (trimmed, trailing slashes dropped, empty entries ignored).
 * @example parseOrigins(" https://a.example, https://b.example/ ") // ["https://a.example", "https://b.example"]
 * @internal (exported for tests)
 */
export function parseOrigins(raw: unknown): string[] {
  if (typeof raw !== "string") return [];
  return raw.split(",").map((s) => s.trim().replace(/\/+$/, "")).filter(Boolean);
}

const handlers = new Map<string, MiddlewareHandler>();

/** hono/cors for one configured list (built once per distinct CORS_ORIGINS value). */
function corsFor(raw: string): MiddlewareHandler {
  let h = handlers.get(raw);
  if (!h) {
    const origins = parseOrigins(raw);
    h = cors({
      origin: origins.includes("*") ? "*" : origins,
      allowHeaders: ALLOW_HEADERS, exposeHeaders: EXPOSE_HEADERS, allowMethods: ALLOW_METHODS, maxAge: MAX_AGE_SECONDS,
    });
    if (handlers.size > 16) handlers.clear();
    handlers.set(raw, h);
  }
  return h;
}

/** Whether the request's Origin is one CORS_ORIGINS allows. */
function allowed(origin: string | undefined, raw: string): boolean {
  if (!origin) return false;
  const origins = parseOrigins(raw);
  return origins.includes("*") || origins.includes(origin);
}

/**
 * The /v1 CORS middleware: hono/cors for an allowed origin; a preflight from
 * anywhere else is a bare 204 (no CORS headers: the browser refuses), and a
 * plain request passes through untouched.
 */
export const apiCors = createMiddleware<AppEnv>(async function apiCors(c, next) {
  const raw = typeof c.env.CORS_ORIGINS === "string" ? c.env.CORS_ORIGINS : "";
  const origin = c.req.header("origin");
  if (allowed(origin, raw)) return corsFor(raw)(c, next);
  if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) return c.body(null, 204);
  await next();
});
