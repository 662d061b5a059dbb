/**
 * Request-body guard for /v1: 413 over 1 MiB (without buffering more), 415
 * when a body is not JSON, 400 on malformed JSON. An empty body reads as {}
 * under a JSON content type; with none it stays empty, so a route whose body
 * is optional (retire, replay, …) takes a bare `POST` with no content type.
 * Runs before the zod validators, which then see the parsed (cached) body.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import { jsonDepth, MAX_JSON_DEPTH } from "../domain/json-depth";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a request body, stopping (413) as soon as it exceeds `limit` bytes. */
export async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!req.body) return new Uint8Array();
  // A declared length within the limit bounds the body already (HTTP framing): read it in one piece.
  if (Number.isFinite(declared) && req.headers.has("content-length")) {
    const whole = new Uint8Array(await req.arrayBuffer());
    if (whole.byteLength > limit) throw tooLarge(limit);
    return whole;
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let off = 0;
  for (const ch of chunks) (out.set(ch, off), (off += ch.byteLength));
  return out;
}

function tooLarge(limit: number): AppError {
  return new AppError(413, "payload_too_large", `Body exceeds ${limit} bytes`);
}

export const jsonBody = createMiddleware<AppEnv>(async function jsonBody(c, next) {
  const method = c.req.method;
  if (method !== "POST" && method !== "PUT" && method !== "PATCH") return next();
  const bytes = await readLimited(c.req.raw, MAX_BODY_BYTES);
  const type = c.req.header("content-type") ?? "";
  const isJson = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(type);
  // no body: "{}" for a JSON content type; "" otherwise, which the route's media-type gate reads as "no body"
  let text = isJson ? "{}" : "";
  if (bytes.byteLength > 0) {
    if (!isJson) {
      throw new AppError(415, "unsupported_media_type", "Request bodies must be JSON (content-type: application/json)");
    }
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      throw new AppError(400, "malformed_json", "Request body is not valid UTF-8");
    }
    if (jsonDepth(text) > MAX_JSON_DEPTH) throw new AppError(400, "json_too_deep", `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      JSON.parse(text);
    } catch (e) {
      throw new AppError(400, "malformed_json", `Request body is not valid JSON: ${(e as Error).message}`);
    }
  }
  // The zod validators read c.req.json() through Hono's body cache; the stream is consumed, so seed the cache.
  (c.req as unknown as { bodyCache: Record<string, unknown> }).bodyCache.text = Promise.resolve(text);
  await next();
});
