/**
 * The D1 projection. Changes queue an outbox row in the same transaction as
 * their stream event (`d1:0:trigger` for the entry, `d1:1:sub:<flow>` per
 * subscription); draining applies the due rows to D1 in one batch, or one by
 * one when the batch fails, so a row that cannot apply never holds up the
 * others. Statements are version-guarded: any order of drains converges.
 * One drain at a time (../single-flight.ts): changes that settle together
 * (subscriptions put at once) send each row once, not once per change.
 */
import { TriggerIndex } from "../../src/store/trigger-index";
import { triggerHash } from "../../src/contracts/ids";
import type { Core } from "./core";
import { loadEntry, requireEntry, saveEntry } from "./tables/entry";
import { doneOutbox, dueOutbox, failOutbox, queueOutbox, type OutboxRow } from "./tables/outbox";
import { currentStats, lastActivity } from "./stats-flush";
import { singleFlight } from "../single-flight";

const DEFAULT_MAX_BODY = 1024 * 1024;

type SubOp = { op: "sub"; flow: string; mode: string; targetType: string; subscribedAt: number; version: number } | { op: "unsub"; flow: string; version: number };

/** Queues the index-entry snapshot for D1 (inside the change's transaction). */
export function queueTriggerProjection(core: Core): void {
  queueOutbox(core, "d1:0:trigger", { op: "trigger" }, core.now());
}

/** Queues a subscription change for D1 (inside the change's transaction). */
export function queueSubscriptionProjection(core: Core, op: SubOp): void {
  queueOutbox(core, `d1:1:sub:${op.flow}`, op, core.now());
}

/** Bumps the entry's version for a change to its subscriptions (inside a transaction). */
export function touch(core: Core): number {
  const row = requireEntry(core);
  const now = core.now();
  const version = row.version + 1;
  saveEntry(core, { ...row, version, updatedAt: now, lastActivityAt: now });
  queueTriggerProjection(core);
  return version;
}

function statement(core: Core, index: TriggerIndex, row: OutboxRow): D1PreparedStatement | null {
  const t = loadEntry(core);
  if (!t) return null;
  const p = JSON.parse(row.payload) as { op: "trigger" } | SubOp;
  if (p.op === "trigger") {
    const path = t.def.webhook?.path ?? null;
    return index.upsertEntry({
      name: t.name, type: t.def.type, status: t.status, displayName: t.def.displayName ?? null, webhookPath: path,
      webhookMethods: path ? (t.def.webhook?.methods ?? ["POST"]).join(",") : null,
      webhookMaxBody: path ? t.def.webhook?.maxBodyBytes ?? DEFAULT_MAX_BODY : null,
      registeredAt: t.registeredAt, lastActivityAt: lastActivity(core), stats: currentStats(core), version: t.version,
      idHash: triggerHash(t.tenant, t.name),
      flowName: t.def.type === "flow" ? t.def.flow?.name ?? null : null, flowSpec: t.def.type === "flow" ? t.def.flow ?? null : null,
      retiredAt: t.retiredAt,
      source: t.source,
    });
  }
  if (p.op === "sub") return index.upsertSubscription(t.name, { ...p, triggerRegisteredAt: t.registeredAt });
  if (p.op === "unsub") return index.removeSubscription(t.name, p.flow, p.version);
  return null;
}

/** Applies every due `d1:` row (a row that fails stays, backed off, for the alarm). */
export function drainProjection(core: Core): Promise<void> {
  return singleFlight(core, "d1", () => projectionPass(core));
}

const ROWS_PER_PASS = 100;

/** One pass over the due rows; true when it took a full batch (more may be due: a failed row is backed off, not due). */
async function projectionPass(core: Core): Promise<boolean> {
  const t = loadEntry(core);
  const rows = dueOutbox(core, "d1:", core.now(), ROWS_PER_PASS);
  if (!t || rows.length === 0) return false;
  const full = rows.length === ROWS_PER_PASS;
  const index = new TriggerIndex(core.env.DB, t.tenant);
  const stmts = rows.map((r) => ({ r, s: statement(core, index, r) }));
  try {
    await index.batch(stmts.flatMap((x) => (x.s ? [x.s] : [])));
    core.tx(() => rows.forEach((r) => doneOutbox(core, r)));
    return full;
  } catch {
    // One row may be the problem: apply them one by one so the others land.
  }
  for (const { r, s } of stmts) {
    try {
      if (s) await s.run();
      doneOutbox(core, r);
    } catch (e) {
      failOutbox(core, r, String((e as Error).message), core.now());
    }
  }
  return full;
}
