/** Small helpers shared by the route files: ETag / If-Match, webhook URLs, RPC answers. */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, unwrap, type RpcFailure } from "../errors";

/** Parses If-Match: `"<version>"`, `W/"<version>"` or the bare number; null when absent. */
export function ifMatch(c: Context<any, any, any>): number | null {
  const h = c.req.header("if-match");
  if (h === undefined || h.trim() === "") return null;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(h);
  if (!m) throw new AppError(400, "invalid_if_match", 'If-Match must be "<version>" or a version number');
  return Number(m[1]);
}

export function baseUrl(c: Context<any, any, any>): string {
  const configured = c.env.PUBLIC_BASE_URL;
  return configured ? configured.replace(/\/+$/, "") : new URL(c.req.url).origin;
}

/** Adds webhookUrl to a trigger view and answers it with its ETag. */
export function triggerAnswer<T extends { version: number; webhook?: { path?: string } }>(c: Context<any, any, any>, view: T, status: 200 | 201 = 200) {
  const withUrl = view.webhook?.path ? { ...view, webhookUrl: `${baseUrl(c)}/webhooks/${c.var.principal.tenant}/${view.webhook.path}` } : view;
  c.header("ETag", `"${view.version}"`);
  return reply(c, withUrl, status);
}

/**
 * Answers JSON. Typed loosely on purpose: the zod response schemas document
 * the answers, and these routes return object-shaped views the schemas
 * describe as open records.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function reply(c: Context<any, any, any>, body: unknown, status: ContentfulStatusCode = 200): any {
  return c.json(body as never, status);
}

/** Awaits an object RPC (typed by its contract, src/contracts/object-rpc.ts) and rethrows its AppError. */
export async function rpc<T>(p: Promise<T | RpcFailure>): Promise<T> {
  return unwrap(await p);
}
