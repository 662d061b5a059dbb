/**
 * The one fire pipeline. Every source (api, webhook inbox, schedule,
 * backfill, poll, flow) hands it a fire spec; one function runs the checks
 * (dedup, schema, flows, rate limit, filter, chain depth) and writes, in one
 * transaction, the stream event, the waiters it resolves, a delivery per
 * subscription in scope, the dedup key and whatever the source must record
 * with it. The ledger hands the deliveries to the queue after commit.
 */
import { AppError } from "../../src/errors";
import { matches } from "../../src/domain/match";
import { validateAgainstSchema } from "../../src/domain/json-schema";
import { schemaFailureMessage } from "../../src/domain/schema-issue-text";
import { takeRateLimit } from "../../src/domain/rate-limit";
import { dedupExpiresAt, isDedupLive } from "../../src/domain/idempotency";
import { newDeliveryId } from "../../src/contracts/ids";
import type { DeliveryRef, FireAnswer, FireSource } from "../../src/contracts/rpc";
import { MAX_EVENT_BYTES } from "../../src/contracts/limits";
import { MAX_MESSAGE_BODY } from "../../src/contracts/messages";
import type { Core, TriggerRow } from "./core";
import { requireActiveEntry, requireEntry } from "./tables/entry";
import { findKey, putKey } from "./tables/dedup";
import { loadRateWindow, saveRateWindow } from "./tables/rate-window";
import { allSubscriptions } from "./tables/subscriptions";
import { deliveriesOfFire, insertDelivery, type NewDelivery } from "./tables/deliveries";
import { headSeq } from "./tables/events";
import { recordEvent } from "./journal";
import { bump, bumpSkipped } from "./stats";
import { matchWaiters } from "./waiters";
import { logEvent } from "../../src/observability/log";
import { applyShape, planShape, recordFolds, type ShapePlan } from "./shaping";

/** One log line per recorded fire (a schedule's fire is its occurrence's line); no payload. */
function logFire(row: TriggerRow, spec: FireSpec, a: FireAnswer): void {
  const meta = (spec.meta ?? {}) as { scheduledFor?: number; latenessMs?: number };
  logEvent(spec.source === "schedule" ? "schedule.fired" : "fire", {
    tenant: row.tenant, trigger: row.name, eventId: a.eventId, source: spec.source, status: a.status, reason: a.skipReason,
    deliveries: a.deliveries.length,
    ...(typeof meta.scheduledFor === "number" ? { scheduledFor: meta.scheduledFor } : {}),
    ...(typeof meta.latenessMs === "number" ? { latencyMs: meta.latenessMs } : {}),
  });
}

/** A fire's chain may be at most this deep (API.md "Flow triggers"). */
const MAX_CHAIN_DEPTH = 16;

export type Skip = { reason: string; details?: unknown };

export type FireSpec = {
  source: FireSource;
  data: unknown;
  /** a deterministic event id (schedule, webhook, poll, flow); default evt_… */
  eventId?: string;
  /** dedup key, checked and recorded with the fire */
  dedupKey?: string | null;
  /** the payload's hash (API idempotency keys): a live key recorded with another one is a 409 idempotency_conflict */
  fingerprint?: string;
  dedupWindowSeconds?: number;
  /** count a duplicate in stats (api and webhook requests; not a schedule's own occurrence keys) */
  countDuplicate?: boolean;
  /** only these subscribed flows (API fires) */
  flows?: string[];
  chainDepth?: number;
  /** recorded on the stream event beside source and payload */
  meta?: Record<string, unknown>;
  /** a skip the source already decided (invalid_body, overlap, processing_failed, …) */
  skip?: Skip;
  /** what a payload that fails the schema means: a 422 (API) or a skipped fire */
  onSchemaFail: "reject" | "skip";
  /** check and take the rate limit (API fires; webhooks take it at ingest) */
  rateLimit?: boolean;
  /** a retired trigger refuses (410); the inbox still turns stored requests into fires */
  requireActive?: boolean;
  /** skips with these reasons are counted in stats but not written to the stream (poll items meant for other triggers) */
  quietSkips?: string[];
  /** writes the source makes in the same transaction, given the recorded fire */
  alsoWrite?: (answer: FireAnswer) => void;
};

export type FireOutcome = { answer: FireAnswer };

/** Whether an event's JSON would not fit one SQLite row. */
function tooLarge(json: string): boolean {
  return json.length * 3 > MAX_EVENT_BYTES && new TextEncoder().encode(json).byteLength > MAX_EVENT_BYTES;
}

/** The first attempt's body of each new delivery, kept in memory so the hand-over need not read the event back. */
function keepFreshBodies(core: Core, row: TriggerRow, ev: { id: string; ts: number }, spec: FireSpec, refs: DeliveryRef[], bytes: number): void {
  if (bytes > MAX_MESSAGE_BODY) return;
  const common = { type: "trigger.fired", eventId: ev.id, trigger: row.name, tenant: row.tenant, firedAt: ev.ts, attempt: 1, source: spec.source, eventType: spec.meta?.eventType ?? null };
  const headers = spec.meta?.headers;
  core.onCommit(() => {
    for (const d of refs) {
      if (d.status !== "queued") continue;
      core.freshBodies.put(d.deliveryId, { ...common, deliveryId: d.deliveryId, flow: d.flow, ...(headers !== undefined ? { headers } : {}), data: spec.data ?? null }, bytes);
    }
  });
}

/** A refusal: counted in stats (no stream event), then thrown. */
function reject(core: Core, err: AppError): never {
  bump(core, "rejected");
  throw err;
}

function duplicateOf(core: Core, key: string, fingerprint: string | undefined): FireAnswer | null {
  const hit = findKey(core, key);
  if (!hit || !isDedupLive(hit.expiresAt, core.now())) return null;
  if (fingerprint && hit.fingerprint && hit.fingerprint !== fingerprint) {
    reject(core, new AppError(409, "idempotency_conflict", `This idempotency key was already used for fire ${hit.eventId} with different data; use a new key for a different payload`, { eventId: hit.eventId }));
  }
  const deliveries = hit.seq > 0 ? deliveriesOfFire(core, hit.seq).map((d) => ({ deliveryId: d.id, flow: d.flow, status: d.status })) : [];
  return { eventId: hit.eventId, seq: hit.seq, status: "deduplicated", skipReason: null, deliveries };
}

/** The checks that may refuse the fire (API) or skip it (every source). */
function decide(core: Core, row: TriggerRow, spec: FireSpec): Skip | undefined {
  if (spec.skip) return spec.skip;
  if (row.def.schema !== undefined) {
    const issues = validateAgainstSchema(row.def.schema, spec.data);
    if (issues.length) {
      if (spec.onSchemaFail === "reject") reject(core, new AppError(422, "schema_invalid", schemaFailureMessage(issues), issues));
      return { reason: "schema_invalid", details: issues };
    }
  }
  if (spec.flows) {
    const subs = allSubscriptions(core);
    const unknown = spec.flows.filter((f) => !subs.some((s) => s.flow === f));
    if (unknown.length) reject(core, new AppError(400, "unknown_flow", `Not subscribed to this trigger: ${unknown.join(", ")}`));
  }
  if (spec.rateLimit && row.def.config?.rateLimit) {
    const limit = row.def.config.rateLimit;
    const r = takeRateLimit(loadRateWindow(core), limit, core.now());
    if (!r.allowed) {
      reject(core, new AppError(429, "rate_limited", `Rate limit of ${limit.max} fires per ${limit.windowSeconds}s reached`, { retryAfterSeconds: r.retryAfterSeconds }, { "Retry-After": String(r.retryAfterSeconds) }));
    }
    saveRateWindow(core, r.next);
  }
  if ((spec.chainDepth ?? 0) > MAX_CHAIN_DEPTH) return { reason: "chain_too_deep" };
  if (row.def.filter && !matches(row.def.filter, fireView(row, spec))) return { reason: "filter" };
  return undefined;
}

/** What filters and matches see (API.md "Matching and transforms"). */
function fireView(row: TriggerRow, spec: Pick<FireSpec, "data" | "source" | "meta">) {
  return { data: spec.data, source: spec.source, trigger: row.name, eventType: spec.meta?.eventType ?? null, headers: spec.meta?.headers ?? {} };
}

type PlannedDeliveries = { rows: (NewDelivery & { plan: ShapePlan | null })[]; refs: DeliveryRef[] };

/**
 * A delivery per subscription in scope (manual-mode ones skipped, a leading
 * debounce's burst skipped), not written yet: the fire may still be skipped.
 */
function planDeliveries(core: Core, row: TriggerRow, seq: number, spec: FireSpec): PlannedDeliveries {
  const now = core.now();
  const out: PlannedDeliveries = { rows: [], refs: [] };
  let n = 0;
  let bytes: number | undefined;
  for (const s of allSubscriptions(core)) {
    if (s.target.type === "pull" || (spec.flows && !spec.flows.includes(s.flow))) continue;
    const id = newDeliveryId(row.name, seq, n);
    const manual = s.mode === "manual";
    const plan = manual || !s.shaping ? null : planShape(core, s, fireView(row, spec), (bytes ??= JSON.stringify(spec.data ?? null).length), now);
    const status = manual || plan?.debounce?.skip ? "skipped" : "queued";
    out.rows.push({ id, seq, n: n++, flow: s.flow, status, at: now, reason: manual ? "manual_mode" : status === "skipped" ? "debounced" : null, plan });
    // a fire that joins its key's batch has the batch's delivery (counted once, by the fire that made it)
    const join = plan?.batch?.join;
    out.refs.push(join ? { deliveryId: join.id, flow: s.flow, status, batched: true } : { deliveryId: id, flow: s.flow, status });
  }
  return out;
}

/**
 * Records one fire. Throws AppError for 404/410 (trigger), 400 (flows),
 * 422 (schema, API) and 429 (rate limit, API), recording nothing; a live
 * duplicate answers the original fire with status "deduplicated".
 */
export function fire(core: Core, spec: FireSpec): FireOutcome {
  return core.tx(() => {
    const row = spec.requireActive === false ? requireEntry(core) : requireActiveEntry(core);
    if (spec.dedupKey) {
      const dup = duplicateOf(core, spec.dedupKey, spec.fingerprint);
      if (dup) {
        if (spec.countDuplicate) bump(core, "deduplicated");
        return { answer: dup };
      }
    }
    let skip = decide(core, row, spec);
    if (skip && spec.quietSkips?.includes(skip.reason)) {
      bumpSkipped(core, skip.reason);
      return { answer: { eventId: spec.eventId ?? "", seq: 0, status: "skipped", skipReason: skip.reason, deliveries: [] } };
    }
    const persist = row.def.config?.persistData !== false;
    const base: Record<string, unknown> = {
      source: spec.source, ...spec.meta, ...(spec.flows ? { flows: spec.flows } : {}),
      ...(spec.chainDepth ? { chainDepth: spec.chainDepth } : {}), payload: spec.data, ...(persist ? {} : { persistData: false }),
    };
    let answer: FireAnswer;
    let fired: { data: Record<string, unknown>; json: string; d: PlannedDeliveries } | null = null;
    if (!skip) {
      const d = planDeliveries(core, row, headSeq(core) + 1, spec);
      const data = { ...base, deliveries: d.refs };
      const json = JSON.stringify(data);
      if (tooLarge(json)) skip = { reason: "payload_too_large", details: `the fire's data exceeds ${MAX_EVENT_BYTES} bytes and is not stored` };
      else fired = { data, json, d };
    }
    if (skip) {
      if (skip.reason === "payload_too_large") delete base.payload;
      const ev = recordEvent(core, "trigger.skipped", { ...base, skipReason: skip.reason, ...(skip.details !== undefined ? { details: skip.details } : {}) }, spec.eventId);
      answer = { eventId: ev.id, seq: ev.seq, status: "skipped", skipReason: skip.reason, deliveries: [] };
    } else {
      const { data, json, d } = fired!;
      // only a fire that is recorded as fired has deliveries (a skipped one has none, and nothing for the ledger)
      for (const { plan, ...r } of d.rows) {
        const shaped = plan ? applyShape(core, plan, r, core.now()) : r;
        if (shaped) insertDelivery(core, shaped);
      }
      const ev = recordEvent(core, "trigger.fired", data, spec.eventId, json);
      recordFolds(core, d.rows);
      matchWaiters(core, row, { id: ev.id, ts: ev.ts, data: spec.data, source: spec.source, meta: spec.meta });
      // a shaped delivery leaves later (or carries its debounce count): its body is built when it does
      keepFreshBodies(core, row, ev, spec, d.refs.filter((_, i) => d.rows[i].plan === null), json.length);
      answer = { eventId: ev.id, seq: ev.seq, status: "accepted", skipReason: null, deliveries: d.refs };
    }
    if (spec.dedupKey) putKey(core, spec.dedupKey, answer.eventId, answer.seq, dedupExpiresAt(core.now(), spec.dedupWindowSeconds ?? row.def.dedup?.windowSeconds), spec.fingerprint ?? null);
    spec.alsoWrite?.(answer);
    const logged = answer;
    core.onCommit(() => logFire(row, spec, logged));
    return { answer };
  });
}
