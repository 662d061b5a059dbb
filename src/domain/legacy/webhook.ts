/**
 * A legacy `webhook` (or the older `endpoint`) block onto Signalbox
 * `webhook`: the path loses its leading slash and `webhooks/` prefix (the
 * legacy router mounted it under `/api/_triggers`; Signalbox serves it at
 * `/webhooks/{tenant}/{path}`), `method` becomes `methods: [method]`, and
 * the auth goes through {@link mapLegacyAuth}.
 */
import { isValidWebhookPath } from "../names";
import { mapLegacyAuth } from "./auth";
import type { PartMapping } from "./types";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const KNOWN = new Set(["path", "method", "auth"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The Signalbox path of a legacy path, or null when none fits the rules.
 * @example legacyWebhookPath("/webhooks/stripe") // "stripe"
 * @internal (exported for tests)
 */
export function legacyWebhookPath(path: string): string | null {
  let p = path.trim().replace(/^\/+|\/+$/g, "");
  p = p.replace(/^api\/_triggers\//, "");
  if (p.startsWith("webhooks/") && p.length > "webhooks/".length) p = p.slice("webhooks/".length);
  return isValidWebhookPath(p) ? p : null;
}

/**
 * Maps a legacy webhook block; paths in the answer are relative to it.
 * @example mapLegacyWebhook({ path: "/webhooks/github", method: "post" }).value // { path: "github", methods: ["POST"], auth: { type: "none" } }
 */
export function mapLegacyWebhook(legacy: unknown): PartMapping<Record<string, unknown>> {
  const out: PartMapping<Record<string, unknown>> = { ignored: [], problems: [] };
  if (!isObject(legacy)) return { ...out, problems: [{ path: "", message: "webhook must be an object with a path" }] };
  const webhook: Record<string, unknown> = {};
  if (typeof legacy.path !== "string" || legacy.path.trim() === "") {
    out.problems.push({ path: "path", message: "webhook.path is missing" });
  } else {
    const path = legacyWebhookPath(legacy.path);
    if (path === null) {
      out.problems.push({ path: "path", message: `webhook.path ${JSON.stringify(legacy.path)} does not fit Signalbox paths (1-128 chars of lowercase [a-z0-9._-] segments joined by "/")` });
    } else {
      webhook.path = path;
    }
  }
  if (legacy.method !== undefined) {
    const method = typeof legacy.method === "string" ? legacy.method.trim().toUpperCase() : "";
    if (METHODS.includes(method)) webhook.methods = [method];
    else out.problems.push({ path: "method", message: `webhook.method must be one of ${METHODS.join(", ")}` });
  }
  const auth = mapLegacyAuth(legacy.auth);
  for (const i of auth.ignored) out.ignored.push({ field: `auth.${i.field}`, reason: i.reason });
  for (const p of auth.problems) out.problems.push({ path: p.path ? `auth.${p.path}` : "auth", message: p.message });
  if (auth.value) {
    webhook.auth = auth.value.auth;
    if (auth.value.ipAllowlist) webhook.ipAllowlist = auth.value.ipAllowlist;
  }
  for (const key of Object.keys(legacy)) if (!KNOWN.has(key)) out.ignored.push({ field: key, reason: "no equivalent in Signalbox webhook" });
  return out.problems.length > 0 ? out : { ...out, value: webhook };
}
