/**
 * Webhook ingress on the object: authenticate the request and store it (raw
 * body, method, headers without credentials, source IP, time) durably before
 * the 202. Requests that arrive together are stored in one transaction
 * (./commit-group.ts): each keeps its own checks, in arrival order.
 * Processing happens after the answer (./webhook-inbox.ts).
 */
import { AppError } from "../../src/errors";
import { verifyWebhook, defaultDedupKey, isSlackUrlVerification, type WebhookAuth } from "../../src/domain/webhook-auth";
import { deliveredHeaders, isCredentialHeader, type EventTypeConfig } from "../../src/domain/webhook-auth/event-type";
import { ipAllowed } from "../../src/domain/ip-allowlist";
import { getPointer } from "../../src/domain/transform";
import { takeRateLimit } from "../../src/domain/rate-limit";
import { dedupExpiresAt, isDedupLive } from "../../src/domain/idempotency";
import { newWebhookEventId } from "../../src/contracts/ids";
import type { IngestAnswer, IngestRequest } from "../../src/contracts/rpc";
import type { Core, TriggerRow } from "./core";
import type { CommitGroup } from "./commit-group";
import { loadEntry, requireActiveEntry } from "./tables/entry";
import { findKey, putKey } from "./tables/dedup";
import { insertInbox, nextInboxId } from "./tables/inbox";
import { loadRateWindow, saveRateWindow } from "./tables/rate-window";
import { bumpWebhookAccepted, bump } from "./stats";
import { hashOf } from "./journal";
import { parseBody } from "./webhook-body";
import { maxBodyOf } from "./webhook-limits";
import { logEvent } from "../../src/observability/log";

/**
 * The headers stored with a request: those a flow may see (credentials
 * removed), plus the header a generic `webhook.eventType` names (its value
 * becomes the fire's event type anyway) unless it is the credential itself.
 */
function keptHeaders(headers: Record<string, string>, auth: WebhookAuth, eventType: EventTypeConfig | undefined): Record<string, string> {
  const kept = deliveredHeaders(headers, auth);
  const name = eventType && "header" in eventType ? eventType.header.toLowerCase() : null;
  if (name && Object.hasOwn(headers, name) && !isCredentialHeader(name, auth)) kept[name] = headers[name];
  return kept;
}

function keptQuery(query: Record<string, string>, auth: WebhookAuth): Record<string, string> {
  if (auth.type !== "api_key" || !auth.query) return query;
  const { [auth.query]: _secret, ...rest } = query;
  return rest;
}

/** `body` parses the request's body: only a key read from the body asks for it. */
function dedupKeyOf(row: TriggerRow, headers: Record<string, string>, body: () => unknown): string | null {
  const spec = row.def.dedup?.key ?? defaultDedupKey(row.def.webhook!.auth as WebhookAuth);
  if (!spec) return null;
  let v: unknown;
  if (spec.startsWith("header:")) v = headers[spec.slice(7).toLowerCase()];
  else if (spec.startsWith("body:")) v = getPointer(body(), spec.slice(5));
  if (v === undefined || v === null || v === "") return null;
  return `wh:${typeof v === "string" ? v : JSON.stringify(v)}`.slice(0, 512);
}

function refuse(core: Core, outcome: string, err: AppError, authFailure = false): never {
  const t = loadEntry(core);
  logEvent("webhook.refused", { tenant: t?.tenant, trigger: t?.name, status: err.status, reason: outcome }, "warn");
  bump(core, "rejected", outcome);
  if (authFailure) bump(core, "authFailures");
  throw err;
}

/** Authenticates and stores a webhook request; throws AppError for 401/403/405/410/413/429. */
export async function ingest(core: Core, req: IngestRequest, group: CommitGroup): Promise<IngestAnswer> {
  const row = loadEntry(core);
  if (!row || row.def.type !== "webhook" || row.def.webhook?.path !== req.path) return { kind: "not_mine" };
  if (row.status === "retired") throw new AppError(410, "trigger_retired", "This webhook is retired");
  const wh = row.def.webhook;
  const methods = wh.methods ?? ["POST"];
  if (!(methods as string[]).includes(req.method)) throw new AppError(405, "method_not_allowed", `Method ${req.method} is not allowed here`, undefined, { Allow: methods.join(", ") });
  if (req.body.byteLength > maxBodyOf(row)) refuse(core, "too_large", new AppError(413, "payload_too_large", `Webhook body exceeds ${maxBodyOf(row)} bytes`));
  if (wh.ipAllowlist?.length && !ipAllowed(req.sourceIp, wh.ipAllowlist)) refuse(core, "forbidden", new AppError(403, "ip_not_allowed", "Source IP not allowed"));
  const auth = wh.auth as WebhookAuth;
  const rawBody = new Uint8Array(req.body);
  const verdict = await verifyWebhook(auth, { method: req.method, headers: req.headers, query: req.query, rawBody }, core.now());
  if (!verdict.ok) refuse(core, "unauthorized", new AppError(401, "unauthorized", `Webhook authentication failed: ${verdict.reason}`), true);
  // the body is parsed here only when something needs it now (Slack's challenge, a dedup key from the body); processing parses it anyway
  let parsed: ReturnType<typeof parseBody> | undefined;
  const body = () => {
    parsed ??= parseBody(rawBody, req.headers["content-type"]);
    return parsed.ok ? parsed.value : undefined;
  };
  if (auth.type === "hmac" && auth.provider === "slack") {
    const challenge = isSlackUrlVerification(body());
    if (challenge !== null) return { kind: "challenge", challenge };
  }
  return group.join((core) => store(core, req, auth, body));
}

/** The write of one request, in its commit group: dedup, rate limit, then the inbox row. */
function store(core: Core, req: IngestRequest, auth: WebhookAuth, body: () => unknown): IngestAnswer {
  // Re-read: the object may have changed since the request's checks (there were awaits).
  const current = requireActiveEntry(core);
  const dedupKey = dedupKeyOf(current, req.headers, body);
  const now = core.now();
  const hit = dedupKey ? findKey(core, dedupKey) : null;
  if (hit && isDedupLive(hit.expiresAt, now)) {
    bump(core, "deduplicated", "deduplicated");
    return { kind: "stored", id: hit.eventId, status: "deduplicated" } as const;
  }
  const limit = current.def.config?.rateLimit;
  if (limit) {
    const r = takeRateLimit(loadRateWindow(core), limit, now);
    if (!r.allowed) {
      refuse(core, "rate_limited", new AppError(429, "rate_limited", `Rate limit of ${limit.max} requests per ${limit.windowSeconds}s reached`, { retryAfterSeconds: r.retryAfterSeconds }, { "Retry-After": String(r.retryAfterSeconds) }));
    }
    saveRateWindow(core, r.next);
  }
  const id = nextInboxId(core);
  const eventId = newWebhookEventId(hashOf(core), id);
  const row = {
    id, event_id: eventId, received_at: now, method: req.method, headers: JSON.stringify(keptHeaders(req.headers, auth, current.def.webhook?.eventType as EventTypeConfig | undefined)),
    query: JSON.stringify(keptQuery(req.query, auth)), body: req.body, source_ip: req.sourceIp,
  };
  insertInbox(core, row);
  core.onCommit(() => core.openRows.added({ ...row, attempts: 0 }));
  if (dedupKey) putKey(core, dedupKey, eventId, 0, dedupExpiresAt(now, current.def.dedup?.windowSeconds));
  bumpWebhookAccepted(core);
  return { kind: "stored", id: eventId, status: "accepted" } as const;
}
