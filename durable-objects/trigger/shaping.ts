/**
 * Shaping of one trigger's deliveries to one flow (API.md "Flows: delivery
 * policy", per subscription), in the trigger that owns them:
 *
 * - `ordering {key}`: a delivery whose key has an earlier delivery to the
 *   flow still queued is held (hold_until = BLOCKED) and takes its turn when
 *   that one settles (delivered, failed, dead or skipped; tables/deliveries.ts):
 *   one at a time per key, in fire order; other keys keep flowing.
 * - `debounce {key, periodSeconds, maxWaitSeconds, mode}`: `trailing` holds
 *   the burst's delivery until periodSeconds after its last fire (at most
 *   maxWaitSeconds after its first); each new fire of the burst replaces it
 *   (the replaced one is skipped `debounced`) and the delivered body says how
 *   many it stands for. `leading` sends a burst's first fire at once and
 *   records the rest skipped `debounced`. `shape_keys` keeps each key's burst.
 * - `batch {maxSize, maxWaitSeconds, key}`: the first fire of a key's batch
 *   creates its delivery, held until maxWaitSeconds later; the next fires of
 *   the key join it (their delivery entry is the batch's) until it is full
 *   (maxSize fires, or MAX_BATCH_BYTES of fire data), when it leaves at once.
 *   Its body is `trigger.batch` with the fires in order (delivery-store.ts).
 *
 * A held delivery is `queued` (it counts as waiting) but the ledger's scan of
 * first attempts passes it by until it is released (`releaseDue`, called by
 * every hand-over; `nextRelease` arms the alarm).
 */
import { getPath } from "../../src/domain/match";
import type { BatchDef, DebounceDef } from "../../src/schemas/shaping";
import type { SubscriptionDef } from "../../src/schemas/subscription";
import type { Core, Shaping, Subscription } from "./core";
import { BLOCKED, deliveryById, patchDelivery, releaseHeld, type DeliveryRow, type NewDelivery } from "./tables/deliveries";
import { recordEvent } from "./journal";
import { findSubscription } from "./tables/subscriptions";

/** The fire as filters see it: the key paths read it. */
export type ShapeDoc = { data: unknown; source: unknown; trigger: string; eventType: unknown; headers: unknown };

/** What shaping decided for a new delivery at planning (reads only); `applyShape` writes it. */
export type ShapePlan = {
  orderKey: string | null;
  debounce: { key: string; skip: boolean; holdUntil: number | null; debounced: number; fold: DeliveryRow | null; burstAt: number } | null;
  batch: {
    key: string | null; join: DeliveryRow | null; full: boolean; holdUntil: number | null; count: number; bytes: number; burstAt: number;
    /** the key's open batch this fire's data would take past the byte budget: it leaves now, and this fire starts the next */
    close: DeliveryRow | null;
  } | null;
};

/** A batch's fire data closes it past this many bytes (its body stays near 1 MiB). */
const MAX_BATCH_BYTES = 1_000_000;

/** Deliveries released per hand-over pass. */
const RELEASE_CHUNK = 200;

export function shapingOf(body: SubscriptionDef): Shaping | null {
  if (!body.ordering && !body.debounce && !body.batch) return null;
  return { ...(body.ordering ? { ordering: body.ordering } : {}), ...(body.debounce ? { debounce: body.debounce } : {}), ...(body.batch ? { batch: body.batch } : {}) };
}

/** A key's value as text ("" when the fire has none: it still orders or debounces, with the others that lack it). */
function keyOf(doc: ShapeDoc, path: string | undefined): string {
  if (!path) return "";
  const { found, value } = getPath(doc, path);
  if (!found || value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

type KeyRow = { last_at: number; burst_at: number; pending: string | null; folded: number };

function debouncePlan(core: Core, flow: string, key: string, def: DebounceDef, now: number): NonNullable<ShapePlan["debounce"]> {
  const period = def.periodSeconds * 1000;
  const maxWait = (def.maxWaitSeconds ?? 10 * def.periodSeconds) * 1000;
  const row = core.sql.one<KeyRow>(`SELECT last_at, burst_at, pending, folded FROM shape_keys WHERE flow = ? AND key = ?`, flow, key);
  if (def.mode === "leading") {
    // within the burst (each fire within period of the one before, at most maxWait since its first): skipped
    const inBurst = row !== null && now - row.last_at < period && now - row.burst_at < maxWait;
    return { key, skip: inBurst, holdUntil: null, debounced: inBurst ? row!.folded + 1 : 0, fold: null, burstAt: inBurst ? row!.burst_at : now };
  }
  const pending = row?.pending ? deliveryById(core, row.pending) : null;
  // the burst's delivery can still take this fire: it waits for its time and its burst is young enough
  const open = pending !== null && row !== null && pending.status === "queued" && pending.attempts === 0
    && pending.hold_until !== null && pending.hold_until !== BLOCKED && pending.hold_until > now && now - row.burst_at < maxWait;
  const burstAt = open ? row!.burst_at : now;
  return { key, skip: false, holdUntil: Math.min(now + period, burstAt + maxWait), debounced: open ? (pending!.debounced ?? 0) + 1 : 0, fold: open ? pending : null, burstAt };
}

function batchPlan(core: Core, flow: string, key: string, def: BatchDef, bytes: number, now: number): NonNullable<ShapePlan["batch"]> {
  const row = core.sql.one<KeyRow & { bytes: number }>(`SELECT last_at, burst_at, pending, folded, bytes FROM shape_keys WHERE flow = ? AND key = ?`, flow, key);
  const pending = row?.pending ? deliveryById(core, row.pending) : null;
  // the key's batch takes this fire while it waits for its time and has room
  const waiting = pending !== null && row !== null && pending.status === "queued" && pending.attempts === 0 && pending.members !== null
    && pending.hold_until !== null && pending.hold_until !== BLOCKED && pending.hold_until > now && row.folded < def.maxSize;
  const open = waiting && row!.bytes + bytes <= MAX_BATCH_BYTES;
  const count = open ? row!.folded + 1 : 1;
  const total = (open ? row!.bytes : 0) + bytes;
  const full = count >= def.maxSize || total >= MAX_BATCH_BYTES;
  return {
    key: def.key ? key : null, join: open ? pending : null, full, count, bytes: total, burstAt: open ? row!.burst_at : now,
    holdUntil: full ? null : now + def.maxWaitSeconds * 1000,
    close: waiting && !open ? pending : null,
  };
}

/** Shaping's decision for a new delivery of `sub` (null: the subscription is not shaped). */
export function planShape(core: Core, sub: Subscription, doc: ShapeDoc, bytes: number, now: number): ShapePlan | null {
  const sh = sub.shaping;
  if (!sh) return null;
  return {
    orderKey: sh.ordering ? keyOf(doc, sh.ordering.key) : null,
    debounce: sh.debounce ? debouncePlan(core, sub.flow, keyOf(doc, sh.debounce.key), sh.debounce, now) : null,
    batch: sh.batch ? batchPlan(core, sub.flow, keyOf(doc, sh.batch.key), sh.batch, bytes, now) : null,
  };
}

/** A fire joins its key's open batch (no delivery of its own); a full batch leaves at once. */
function joinBatch(core: Core, b: NonNullable<ShapePlan["batch"]>, join: DeliveryRow, flow: string, seq: number, now: number): void {
  const m = JSON.parse(join.members!) as { key: string | null; seqs: number[] };
  m.seqs.push(seq);
  core.sql.run(
    `UPDATE deliveries SET members = ?, hold_until = ?, updated_at = ? WHERE event_seq = ? AND n = ?`,
    JSON.stringify(m), b.full ? now : join.hold_until, now, join.event_seq, join.n,
  );
  core.sql.run(`UPDATE shape_keys SET last_at = ?, pending = ?, folded = ?, bytes = ? WHERE flow = ? AND key = ?`, now, b.full ? null : join.id, b.count, b.bytes, flow, b.key ?? "");
  if (b.full) core.onCommit(() => nextAt.set(core, now));
}

const nextAt = new WeakMap<Core, number | null>();

/**
 * Writes a planned delivery's shaping (inside the fire's transaction) and
 * answers the row to insert. The stream event of a delivery it replaced is
 * recorded by `recordFolds`, after the fire's own event (the fire's seq is
 * its deliveries' key).
 */
export function applyShape(core: Core, plan: ShapePlan, d: NewDelivery, now: number): NewDelivery | null {
  let row: NewDelivery = d;
  const b = plan.batch;
  if (b?.join) {
    joinBatch(core, b, b.join, d.flow, d.seq, now);
    return null;
  }
  if (b) {
    if (b.close) {
      // the open batch is full by its bytes: it leaves at once (released by the next hand-over)
      core.sql.run(`UPDATE deliveries SET hold_until = ?, updated_at = ? WHERE event_seq = ? AND n = ?`, now, now, b.close.event_seq, b.close.n);
      core.onCommit(() => nextAt.set(core, now));
    }
    core.sql.run(
      `INSERT OR REPLACE INTO shape_keys (flow, key, last_at, burst_at, pending, folded, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      d.flow, b.key ?? "", now, now, b.full ? null : d.id, 1, b.bytes,
    );
    row = { ...row, holdUntil: b.holdUntil, members: JSON.stringify({ key: b.key, seqs: [d.seq] }) };
  }
  const db = plan.debounce;
  if (db) {
    if (db.fold) {
      patchDelivery(core, db.fold, { status: "skipped", reason: "debounced", next_attempt_at: null, hold_until: null }, now);
      core.noteSkipped(db.fold.id);
    }
    core.sql.run(
      `INSERT OR REPLACE INTO shape_keys (flow, key, last_at, burst_at, pending, folded) VALUES (?, ?, ?, ?, ?, ?)`,
      d.flow, db.key, now, db.burstAt, db.skip ? null : d.id, db.debounced,
    );
    if (db.skip) return { ...d, status: "skipped", reason: "debounced" };
    row = { ...row, holdUntil: db.holdUntil, debounced: db.debounced };
  }
  if (plan.orderKey !== null) {
    const earlier = core.sql.one(`SELECT 1 AS x FROM deliveries WHERE flow = ? AND shape_key = ? AND status = 'queued' LIMIT 1`, d.flow, plan.orderKey) !== null;
    row = { ...row, shapeKey: plan.orderKey, holdUntil: row.holdUntil ?? (earlier ? BLOCKED : null) };
  }
  const t = row.holdUntil;
  if (t != null && t !== BLOCKED) {
    core.onCommit(() => {
      const known = nextAt.get(core);
      if (known !== undefined) nextAt.set(core, known === null ? t : Math.min(known, t));
    });
  }
  return row;
}

/** The stream events of the deliveries a fire's debounce replaced (after the fire's own event). */
export function recordFolds(core: Core, plans: { plan: ShapePlan | null; id: string; flow: string }[]): void {
  for (const { plan, id, flow } of plans) {
    const fold = plan?.debounce?.fold;
    if (fold) recordEvent(core, "delivery.skipped", { deliveryId: fold.id, flow, reason: "debounced", into: id });
  }
}

/**
 * A replayed or recovered delivery of a stored fire to an ordered flow takes
 * its key's turn like a new one (debounce does not apply to replays).
 */
export function orderReplay(core: Core, triggerName: string, flow: string, stored: { data: string }, d: NewDelivery): NewDelivery {
  const ordering = findSubscription(core, flow)?.shaping?.ordering;
  if (!ordering) return d;
  const data = JSON.parse(stored.data) as { payload?: unknown; source?: unknown; eventType?: unknown; headers?: unknown };
  const key = keyOf({ data: data.payload ?? null, source: data.source, trigger: triggerName, eventType: data.eventType ?? null, headers: data.headers ?? {} }, ordering.key);
  return applyShape(core, { orderKey: key, debounce: null, batch: null }, d, core.now())!;
}

/** When the next debounced delivery is due to leave (null: none). */
export function nextRelease(core: Core): number | null {
  if (!core.ready) return null;
  let at = nextAt.get(core);
  if (at === undefined) {
    at = core.sql.one<{ t: number | null }>(`SELECT min(hold_until) AS t FROM deliveries WHERE status = 'queued' AND hold_until IS NOT NULL AND hold_until < ?`, BLOCKED)?.t ?? null;
    nextAt.set(core, at);
  }
  return at;
}

/**
 * Releases the debounced deliveries that are due: each joins the ledger, or,
 * when its ordering key still has an earlier delivery queued, waits for its
 * turn instead. A chunk per call (the next hand-over takes the rest).
 */
export function releaseDue(core: Core, now: number): void {
  const at = nextRelease(core);
  if (at === null || at > now) return;
  const rows = core.sql.all<DeliveryRow>(`SELECT * FROM deliveries WHERE status = 'queued' AND hold_until <= ? ORDER BY hold_until LIMIT ?`, now, RELEASE_CHUNK);
  core.tx(() => {
    for (const r of rows) {
      const blocked = r.shape_key !== null && core.sql.one(
        `SELECT 1 AS x FROM deliveries WHERE flow = ? AND shape_key = ? AND status = 'queued' AND (event_seq, n) < (?, ?) LIMIT 1`, r.flow, r.shape_key, r.event_seq, r.n,
      ) !== null;
      if (blocked) core.sql.run(`UPDATE deliveries SET hold_until = ?, updated_at = ? WHERE event_seq = ? AND n = ?`, BLOCKED, now, r.event_seq, r.n);
      else releaseHeld(core, r, now);
    }
  });
  nextAt.delete(core);
}

/** A subscription dropped its ordering: every delivery that waited for its key's turn is released (a chunk per call). */
export function releaseBlocked(core: Core, flow: string): void {
  const rows = core.sql.all<{ event_seq: number; n: number; id: string; flow: string }>(
    `SELECT event_seq, n, id, flow FROM deliveries WHERE flow = ? AND status = 'queued' AND hold_until = ? LIMIT 10000`, flow, BLOCKED,
  );
  const now = core.now();
  for (const r of rows) releaseHeld(core, r, now);
}

/** Housekeeping: bursts over for a day are forgotten (a chunk per pass). */
export function pruneShapeKeys(core: Core, now: number, chunk: number): number {
  return core.sql.run(
    `DELETE FROM shape_keys WHERE (flow, key) IN (SELECT flow, key FROM shape_keys WHERE last_at < ? LIMIT ?)`, now - 25 * 3_600_000, chunk,
  );
}
