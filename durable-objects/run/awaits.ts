/**
 * Await state machine: waiting → resolved | timed_out | cancelled, exactly
 * once. The transition that wins writes the callback delivery in the same
 * transaction, so a resolve racing a timeout yields one state and one callback.
 */
import { AppError } from "../../src/errors";
import type { AwaitDef } from "../../src/schemas/await";
import { redactTarget } from "../../src/domain/redact";
import { validateAgainstSchema } from "../../src/domain/json-schema";
import { generateWebhookSecret } from "../../src/domain/standard-webhooks";
import { sameJson } from "../../src/domain/stable-json";
import type { RunCore } from "./core";
import type { AwaitStatus, AwaitView } from "../../src/contracts/views";
import { queueAwaitCounts } from "./await-counts";
import { logEvent } from "../../src/observability/log";

const DEFAULT_TIMEOUT_MS = 86_400_000;
export const KEEP_SETTLED_MS = 7 * 86_400_000;

export type AwaitRow = {
  step: string; kind: string; request: string; status: AwaitStatus; created_at: number; expires_at: number | null;
  settled_at: number | null; result: string | null; token_hash: string | null; callback: string | null;
};

export function getAwait(core: RunCore, step: string): AwaitRow | null {
  return core.sql.one<AwaitRow>(`SELECT * FROM awaits WHERE step = ?`, step);
}

export function view(core: RunCore, a: AwaitRow): AwaitView {
  const req = JSON.parse(a.request) as AwaitDef;
  const { callback, ...spec } = req;
  const stored = a.callback ? (JSON.parse(a.callback) as Record<string, unknown>) : null;
  return {
    runId: core.runId(), step: a.step, kind: a.kind, status: a.status, createdAt: a.created_at, expiresAt: a.expires_at,
    ...(a.settled_at ? { settledAt: a.settled_at } : {}),
    ...(a.result !== null ? { result: JSON.parse(a.result) } : {}),
    ...(spec.kind === "event" ? { trigger: spec.trigger, match: spec.match ?? {} } : {}),
    ...(stored ? { callback: redactTarget(stored) } : callback ? { callback } : {}),
  };
}

function deadlineOf(def: AwaitDef, now: number): number {
  switch (def.kind) {
    case "sleep": return now + def.durationMs;
    case "until": return Date.parse(def.until);
    default: return now + (def.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }
}

export type Created = { created: true; row: AwaitRow; secret?: string } | { created: false; row: AwaitRow };

/** PUT: the same body again answers the same await; a different one is 409. */
export function createAwait(core: RunCore, step: string, def: AwaitDef, tokenHash: string | null): Created {
  const existing = getAwait(core, step);
  if (existing) {
    if (sameJson(JSON.parse(existing.request), def)) return { created: false, row: existing };
    throw new AppError(409, "await_conflict", `Step '${step}' already awaits something else (${existing.status})`);
  }
  const now = core.now();
  let callback = def.callback ?? null;
  let secret: string | undefined;
  if (callback?.type === "http" && !callback.secret) callback = { ...callback, secret: (secret = generateWebhookSecret()) };
  const expires = deadlineOf(def, now);
  if (expires - now > 365 * 86_400_000) throw new AppError(400, "invalid_request", "An await lasts at most 365 days");
  const row: AwaitRow = {
    step, kind: def.kind, request: JSON.stringify(def), status: "waiting", created_at: now, expires_at: expires,
    settled_at: null, result: null, token_hash: tokenHash, callback: callback ? JSON.stringify(callback) : null,
  };
  core.sql.run(
    `INSERT INTO awaits (step, kind, request, status, created_at, expires_at, token_hash, callback) VALUES (?, ?, ?, 'waiting', ?, ?, ?, ?)`,
    step, def.kind, row.request, now, expires, tokenHash, row.callback,
  );
  queueAwaitCounts(core);
  return { created: true, row, ...(secret ? { secret } : {}) };
}

/**
 * Leaves `waiting` (inside a transaction). Returns false when another
 * transition already won. `known` is the await's row when the caller has
 * just read it in this transaction (not read again); `counts: false` when
 * the caller queues the counts push once for many settlements.
 */
export function settle(
  core: RunCore, step: string, status: Exclude<AwaitStatus, "waiting">, result: unknown,
  { known, counts = true }: { known?: AwaitRow; counts?: boolean } = {},
): boolean {
  const a = known ?? getAwait(core, step);
  if (!a || a.status !== "waiting") return false;
  const now = core.now();
  core.sql.run(`UPDATE awaits SET status = ?, settled_at = ?, result = ?, expires_at = ? WHERE step = ?`, status, now, JSON.stringify(result ?? null), a.expires_at, step);
  if (a.callback) core.queueCallback(step, `await.${status}`);
  if (counts) queueAwaitCounts(core);
  logEvent("await", { tenant: core.tenant(), runId: core.runId(), step, status, latencyMs: now - a.created_at });
  return true;
}

/** The deadline passed: sleeps and untils resolve, the others time out. `a` is the await as just read in this transaction. */
export function expire(core: RunCore, a: AwaitRow, counts = true): boolean {
  const opts = { known: a, counts };
  if (a.kind === "sleep" || a.kind === "until") return settle(core, a.step, "resolved", { kind: a.kind, at: core.now() }, opts);
  return settle(core, a.step, "timed_out", null, opts);
}

/** POST /resume/{token}: 200 resolved, 409 already resolved, 410 expired or cancelled, 422 schema (still waiting). */
export function resume(core: RunCore, step: string, tokenHash: string, body: unknown): { status: "resolved" } {
  const a = getAwait(core, step);
  if (!a || a.kind !== "webhook" || !a.token_hash || !core.hashEqual(a.token_hash, tokenHash)) throw new AppError(404, "not_found", "Unknown resume token");
  if (a.status === "waiting" && a.expires_at !== null && a.expires_at <= core.now()) expire(core, a);
  const cur = getAwait(core, step)!;
  if (cur.status === "resolved") throw new AppError(409, "already_resolved", "This await was already resolved");
  if (cur.status !== "waiting") throw new AppError(410, cur.status === "cancelled" ? "cancelled" : "expired", `This await is ${cur.status.replace("_", " ")}`);
  const def = JSON.parse(cur.request) as Extract<AwaitDef, { kind: "webhook" }>;
  if (def.schema !== undefined) {
    const issues = validateAgainstSchema(def.schema, body);
    if (issues.length) throw new AppError(422, "schema_invalid", "The resume body does not match the await's schema", issues);
  }
  settle(core, step, "resolved", body);
  return { status: "resolved" };
}
