/**
 * POST /resume/{token} (public): the token is the secret. Its SHA-256 finds
 * the run in the index; the RunObject compares the hash in constant time and
 * resolves the await once (200), or answers 404/409/410/422.
 */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { AppError, unwrap } from "../errors";
import { sha256Hex } from "../domain/bytes";
import { TenantStore } from "../data/tenant-store";
import { MAX_BODY_BYTES, readLimited } from "./json-body";
import { ResumeTokens } from "../store/resume-tokens";
import { jsonDepth, MAX_JSON_DEPTH } from "../domain/json-depth";

export const resumeRoutes = new Hono<AppEnv>();

resumeRoutes.post("/resume/:token", async function resumeAwait(c) {
  const token = c.req.param("token");
  if (!/^[A-Za-z0-9_-]{22,128}$/.test(token)) throw new AppError(404, "not_found", "Unknown resume token");
  const hash = await sha256Hex(token);
  const target = await ResumeTokens.find(c.env.DB, hash);
  if (!target) throw new AppError(404, "not_found", "Unknown resume token");
  const text = new TextDecoder().decode(await readLimited(c.req.raw, MAX_BODY_BYTES));
  let body: unknown = null;
  if (text.trim() !== "") {
    if (!/json/i.test(c.req.header("content-type") ?? "application/json")) throw new AppError(415, "unsupported_media_type", "The resume body must be JSON");
    if (jsonDepth(text) > MAX_JSON_DEPTH) throw new AppError(400, "json_too_deep", `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError(400, "malformed_json", "The resume body is not valid JSON");
    }
  }
  const store = new TenantStore(c.env, target.tenant);
  const r = unwrap(await store.run(target.runId).resume(target.step, hash, body));
  return c.json(r, 200);
});
