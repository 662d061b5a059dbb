/**
 * The webhook inbox. `ingest` authenticates a request and stores it (raw
 * body, method, selected headers, source IP, time) in one transaction before
 * the 202; `processInbox` runs after the answer — transform, schema, filter,
 * fan-out — one transaction per row, so a crash anywhere loses nothing and
 * fires nothing twice. Rows go pending → processing → completed | failed.
 */
import { AppError } from "../../src/errors";
import { verifyWebhook, defaultDedupKey, isSlackUrlVerification, type WebhookAuth } from "../../src/domain/webhook-auth";
import { ipAllowed } from "../../src/domain/ip-allowlist";
import { applyTransform, getPointer } from "../../src/domain/transform";
import { validateAgainstSchema } from "../../src/domain/json-schema";
import type { Core, TriggerRow } from "./core";
import { checkDedup, checkRateLimit, filterSkip, writeFire, type FireOutcome } from "./fire";
import { bumpCounters } from "./stats";
import { dedupExpiresAt } from "../../src/domain/idempotency";
import { DEFAULT_MAX_BODY } from "./projection";
import { jsonDepth, MAX_JSON_DEPTH } from "../../src/domain/json-depth";

export type IngestRequest = {
  path: string;
  method: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  body: ArrayBuffer;
  sourceIp: string | null;
};

export type IngestAnswer =
  | { kind: "not_mine" }
  | { kind: "stored"; id: string; status: "accepted" | "deduplicated" }
  | { kind: "challenge"; challenge: string };

const SENSITIVE = new Set(["authorization", "proxy-authorization", "cookie", "x-api-key"]);

export function webhookEventId(inboxId: number): string {
  const r = crypto.getRandomValues(new Uint8Array(8));
  return `whk_${inboxId.toString(36)}_${Array.from(r, (b) => (b % 36).toString(36)).join("")}`;
}

export function inboxIdOf(eventId: string): number | null {
  const m = /^whk_([0-9a-z]{1,11})_[0-9a-z]{8}$/.exec(eventId);
  return m ? parseInt(m[1], 36) : null;
}

function keptHeaders(headers: Record<string, string>, auth: WebhookAuth): Record<string, string> {
  const drop = new Set(SENSITIVE);
  if (auth.type === "api_key" && auth.header) drop.add(auth.header.toLowerCase());
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !drop.has(k)));
}

function keptQuery(query: Record<string, string>, auth: WebhookAuth): Record<string, string> {
  if (auth.type !== "api_key" || !auth.query) return query;
  const { [auth.query]: _secret, ...rest } = query;
  return rest;
}

/** The payload a body carries: JSON, a form's fields, or its text. */
export function parseBody(bytes: Uint8Array, contentType: string | undefined): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = new TextDecoder().decode(bytes);
  const type = (contentType ?? "").toLowerCase();
  if (jsonDepth(text) > MAX_JSON_DEPTH && (type.includes("json") || (!type && /^\s*[[{]/.test(text)))) {
    return { ok: false, error: `body nests deeper than ${MAX_JSON_DEPTH} levels` };
  }
  if (type.includes("application/x-www-form-urlencoded")) {
    return { ok: true, value: Object.fromEntries(new URLSearchParams(text)) };
  }
  if (type.includes("json") || (!type && /^\s*[[{]/.test(text))) {
    if (text.trim() === "") return { ok: true, value: null };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (e) {
      return { ok: false, error: `body is not valid JSON: ${(e as Error).message}` };
    }
  }
  return { ok: true, value: text };
}

function dedupKeyOf(row: TriggerRow, headers: Record<string, string>, body: unknown): string | null {
  const spec = row.def.dedup?.key ?? defaultDedupKey(row.def.webhook!.auth as WebhookAuth);
  if (!spec) return null;
  let v: unknown;
  if (spec.startsWith("header:")) v = headers[spec.slice(7).toLowerCase()];
  else if (spec.startsWith("body:")) v = getPointer(body, spec.slice(5));
  if (v === undefined || v === null || v === "") return null;
  return `wh:${typeof v === "string" ? v : JSON.stringify(v)}`.slice(0, 512);
}

/** Authenticates and stores a webhook request; throws AppError for 401/403/405/410/413/429. */
export async function ingest(core: Core, req: IngestRequest): Promise<IngestAnswer> {
  const row = core.row();
  if (!row || row.def.type !== "webhook" || row.def.webhook?.path !== req.path) return { kind: "not_mine" };
  if (row.status === "retired") throw new AppError(410, "trigger_retired", "This webhook is retired");
  const wh = row.def.webhook;
  const methods = wh.methods ?? ["POST"];
  if (!(methods as string[]).includes(req.method)) throw new AppError(405, "method_not_allowed", `Method ${req.method} is not allowed here`, undefined, { Allow: methods.join(", ") });
  if (req.body.byteLength > (wh.maxBodyBytes ?? DEFAULT_MAX_BODY)) throw new AppError(413, "payload_too_large", "Webhook body too large");
  if (wh.ipAllowlist?.length && !ipAllowed(req.sourceIp, wh.ipAllowlist)) {
    bumpCounters(core, { rejected: 1 });
    throw new AppError(403, "ip_not_allowed", "Source IP not allowed");
  }
  const auth = wh.auth as WebhookAuth;
  const rawBody = new Uint8Array(req.body);
  const verdict = await verifyWebhook(auth, { method: req.method, headers: req.headers, query: req.query, rawBody }, core.now());
  if (!verdict.ok) {
    bumpCounters(core, { rejected: 1, authFailures: 1 });
    throw new AppError(401, "unauthorized", `Webhook authentication failed: ${verdict.reason}`);
  }
  const parsed = parseBody(rawBody, req.headers["content-type"]);
  if (auth.type === "hmac" && auth.provider === "slack" && parsed.ok) {
    const challenge = isSlackUrlVerification(parsed.value);
    if (challenge !== null) return { kind: "challenge", challenge };
  }
  // Re-read after the await: the object may have changed meanwhile.
  const current = core.requireActive();
  const dedupKey = dedupKeyOf(current, req.headers, parsed.ok ? parsed.value : undefined);
  const dup = dedupKey ? checkDedup(core, dedupKey) : null;
  if (dup) {
    bumpCounters(core, { deduplicated: 1 });
    return { kind: "stored", id: dup.eventId, status: "deduplicated" };
  }
  const window = checkRateLimit(core, current);
  const now = core.now();
  const id = core.tx(() => {
    if (window) core.sql.run(`INSERT OR REPLACE INTO rate_window (id, window_start, count) VALUES (1, ?, ?)`, window.windowStart, window.count);
    const inboxId = (core.sql.one<{ m: number | null }>(`SELECT max(id) AS m FROM inbox`)?.m ?? 0) + 1;
    const eventId = webhookEventId(inboxId);
    core.sql.run(
      `INSERT INTO inbox (id, event_id, received_at, method, headers, query, body, source_ip, status, updated_at, dedup_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
      inboxId, eventId, now, req.method, JSON.stringify(keptHeaders(req.headers, auth)), JSON.stringify(keptQuery(req.query, auth)), req.body, req.sourceIp, now, dedupKey,
    );
    if (dedupKey) core.sql.run(`INSERT OR REPLACE INTO dedup (key, event_id, seq, expires_at) VALUES (?, ?, 0, ?)`, dedupKey, eventId, dedupExpiresAt(now, current.def.dedup?.windowSeconds));
    return eventId;
  });
  return { kind: "stored", id, status: "accepted" };
}

type InboxRow = { id: number; event_id: string; received_at: number; method: string; headers: string; query: string; body: ArrayBuffer; source_ip: string | null; attempts: number; dedup_key: string | null };

/** Turns one stored request into a fire (inside the caller's transaction). */
function processRow(core: Core, row: TriggerRow, r: InboxRow): FireOutcome {
  const headers = JSON.parse(r.headers) as Record<string, string>;
  const parsed = parseBody(new Uint8Array(r.body), headers["content-type"]);
  let skip: { reason: string; details?: unknown } | undefined;
  let data: unknown = parsed.ok ? parsed.value : null;
  if (!parsed.ok) skip = { reason: "invalid_body", details: parsed.error };
  else if (row.def.transform) data = applyTransform(row.def.transform as { pick: Record<string, string> }, parsed.value, headers);
  if (!skip && row.def.schema !== undefined) {
    const issues = validateAgainstSchema(row.def.schema, data);
    if (issues.length) skip = { reason: "schema_invalid", details: issues };
  }
  skip ??= filterSkip(row, data, "webhook");
  const meta = { receivedAt: r.received_at, webhook: { method: r.method, sourceIp: r.source_ip, inboxId: r.id } };
  return writeFire(core, row, { data, source: "webhook", meta, eventId: r.event_id }, skip, null);
}

/**
 * Processes pending inbox rows (and rows stuck in processing after a crash),
 * oldest first. Returns the deliveries to send.
 */
export function processInbox(core: Core, limit = 100): FireOutcome[] {
  const row = core.row();
  if (!row) return [];
  const now = core.now();
  const rows = core.sql.all<InboxRow>(
    `SELECT id, event_id, received_at, method, headers, query, body, source_ip, attempts, dedup_key FROM inbox WHERE status IN ('pending', 'processing') ORDER BY id LIMIT ?`,
    limit,
  );
  if (rows.length === 0) return [];
  core.tx(() => {
    for (const r of rows) core.sql.run(`UPDATE inbox SET status = 'processing', attempts = attempts + 1, updated_at = ? WHERE id = ?`, now, r.id);
  });
  const out: FireOutcome[] = [];
  for (const r of rows) {
    try {
      out.push(
        core.tx(() => {
          const o = processRow(core, row, r);
          core.sql.run(`UPDATE inbox SET status = 'completed', event_seq = ?, updated_at = ? WHERE id = ?`, o.answer.seq, now, r.id);
          if (r.dedup_key) core.sql.run(`UPDATE dedup SET seq = ? WHERE key = ? AND event_id = ?`, o.answer.seq, r.dedup_key, r.event_id);
          return o;
        }),
      );
    } catch (e) {
      core.tx(() => core.sql.run(`UPDATE inbox SET status = 'failed', error = ?, updated_at = ? WHERE id = ?`, String((e as Error).message).slice(0, 500), now, r.id));
    }
  }
  return out;
}

/** Whether anything waits in the inbox (for the alarm). */
export function inboxPending(core: Core): boolean {
  return core.sql.one(`SELECT 1 AS x FROM inbox WHERE status IN ('pending', 'processing') LIMIT 1`) !== null;
}

/** Seq of a webhook fire by its event id, once processed. */
export function seqOfWebhookEvent(core: Core, eventId: string): number | null {
  const id = inboxIdOf(eventId);
  if (id === null) return null;
  const r = core.sql.one<{ event_id: string; event_seq: number | null }>(`SELECT event_id, event_seq FROM inbox WHERE id = ?`, id);
  return r && r.event_id === eventId ? r.event_seq : null;
}

/** Drops processed inbox rows older than the retention (default 7 days). */
export function gcInbox(core: Core, row: TriggerRow): void {
  const days = row.def.config?.inboxRetentionDays ?? 7;
  core.sql.run(`DELETE FROM inbox WHERE status IN ('completed', 'failed') AND updated_at < ?`, core.now() - days * 86_400_000);
}
