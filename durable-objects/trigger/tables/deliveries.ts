/**
 * The `deliveries` table, keyed by (fire seq, number): one row per delivery
 * of a fire to a subscribed flow, the ledger's durable half (its window is
 * in memory, ../../ledger/ledger.ts). A delivery id parses back to its key, so
 * every lookup is a primary-key read. Two partial indexes: failed and dead
 * rows (for `fires?status=`), and queued rows waiting for a retry (the
 * ledger's due retries); a first attempt enters neither, so a delivery that
 * succeeds at once writes no index row. Shaped deliveries (../shaping.ts)
 * carry their ordering key (`deliveries_by_key`) and may be held
 * (`hold_until`, `deliveries_held`): a held delivery is queued, but the
 * scan of first attempts passes it by until it is released.
 */
import { deliveryKey } from "../../../src/contracts/ids";
import type { Core } from "../core";

export type DeliveryRow = {
  event_seq: number; n: number; id: string; flow: string; status: string; attempts: number; fired_at: number;
  next_attempt_at: number | null; last_status_code: number | null; last_error: string | null;
  delivered_at: number | null; latency_ms: number | null; reason: string | null; output: string | null; updated_at: number;
  settled_seq: number | null;
  shape_key: string | null; hold_until: number | null; debounced: number | null;
  /** a batch's fires (JSON `{"key", "seqs"}`, ../shaping.ts); null: the delivery's own fire */
  members: string | null;
};

/** hold_until of a delivery waiting for its key's turn (ordering): its release is the settlement before it, not a time. */
export const BLOCKED = Number.MAX_SAFE_INTEGER;

export type NewDelivery = {
  id: string; seq: number; n: number; flow: string; status: "queued" | "skipped"; at: number; reason: string | null;
  /** shaping (../shaping.ts): the ordering key, a hold, the fires a debounced delivery stands for */
  shapeKey?: string | null; holdUntil?: number | null; debounced?: number | null;
  /** a batch's first fire: the batch's key and fires (JSON) */
  members?: string | null;
};

export function insertDelivery(core: Core, d: NewDelivery): void {
  const hold = d.status === "queued" ? d.holdUntil ?? null : null;
  core.sql.run(
    `INSERT INTO deliveries (event_seq, n, id, flow, status, attempts, fired_at, next_attempt_at, reason, updated_at, shape_key, hold_until, debounced, members)
     VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`,
    d.seq, d.n, d.id, d.flow, d.status, d.at, d.status === "queued" ? d.at : null, d.reason, d.at, d.shapeKey ?? null, hold, d.debounced ?? null, d.members ?? null,
  );
  // a held delivery joins the ledger when it is released
  if (d.status === "queued" && hold === null) core.onCommit(() => core.ledger.track(d.flow, [d.seq, d.n], d.id, d.at));
}

/** The row of a delivery id, or null (also for a well-formed id that names no row). */
export function deliveryById(core: Core, id: string): DeliveryRow | null {
  const key = deliveryKey(id);
  if (!key) return null;
  const d = core.sql.one<DeliveryRow>(`SELECT * FROM deliveries WHERE event_seq = ? AND n = ?`, key.seq, key.n);
  return d && d.id === id ? d : null;
}

export function deliveriesOfFire(core: Core, seq: number): DeliveryRow[] {
  return core.sql.all<DeliveryRow>(`SELECT * FROM deliveries WHERE event_seq = ? ORDER BY n`, seq);
}

/** The next free delivery number of a fire. */
export function nextDeliveryNumber(core: Core, seq: number): number {
  return (core.sql.one<{ m: number | null }>(`SELECT max(n) AS m FROM deliveries WHERE event_seq = ?`, seq)?.m ?? -1) + 1;
}

type Patch = Partial<Pick<DeliveryRow, "status" | "attempts" | "next_attempt_at" | "last_status_code" | "last_error" | "delivered_at" | "latency_ms" | "reason" | "output" | "settled_seq" | "hold_until">>;

/**
 * Updates some columns of one delivery (and its updated_at); a delivery that
 * leaves `queued` leaves the ledger's open set once the transaction commits.
 */
export function patchDelivery(core: Core, d: Pick<DeliveryRow, "event_seq" | "n" | "id" | "status">, patch: Patch, at: number): void {
  const cols = Object.keys(patch) as (keyof Patch)[];
  core.sql.run(
    `UPDATE deliveries SET ${cols.map((c) => `${c} = ?`).join(", ")}, updated_at = ? WHERE event_seq = ? AND n = ?`,
    ...cols.map((c) => patch[c] ?? null), at, d.event_seq, d.n,
  );
  if ((patch.status ?? d.status) !== "queued") {
    core.onCommit(() => {
      core.ledger.forget(d.id);
      core.freshBodies.delete(d.id);
    });
  }
  if (patch.status !== undefined && patch.status !== "queued" && d.status === "queued") releaseNextOfKey(core, d, at);
}

/**
 * A delivery left `queued`: if it had an ordering key, the next delivery of
 * that key (fire order) takes its turn, unless it still waits for its own
 * debounce time.
 */
function releaseNextOfKey(core: Core, d: Pick<DeliveryRow, "event_seq" | "n"> & Partial<Pick<DeliveryRow, "flow" | "shape_key">>, at: number): void {
  // a row read whole carries its key (no second read on the delivery path)
  const own = d.shape_key !== undefined && d.flow !== undefined
    ? { flow: d.flow, shape_key: d.shape_key }
    : core.sql.one<{ flow: string; shape_key: string | null }>(`SELECT flow, shape_key FROM deliveries WHERE event_seq = ? AND n = ?`, d.event_seq, d.n);
  if (!own || own.shape_key === null) return;
  const next = core.sql.one<{ event_seq: number; n: number; id: string; hold_until: number | null }>(
    `SELECT event_seq, n, id, hold_until FROM deliveries WHERE flow = ? AND shape_key = ? AND status = 'queued' ORDER BY event_seq, n LIMIT 1`,
    own.flow, own.shape_key,
  );
  if (!next || next.hold_until !== BLOCKED) return;
  releaseHeld(core, { ...next, flow: own.flow }, at);
}

/**
 * A held delivery (../shaping.ts) is due from `at` on: the scan of first
 * attempts finds it again, and its lane learns it once the transaction commits.
 */
export function releaseHeld(core: Core, d: Pick<DeliveryRow, "event_seq" | "n" | "id" | "flow">, at: number): void {
  core.sql.run(`UPDATE deliveries SET hold_until = NULL, next_attempt_at = ?, updated_at = ? WHERE event_seq = ? AND n = ?`, at, at, d.event_seq, d.n);
  core.onCommit(() => core.ledger.track(d.flow, [d.event_seq, d.n], d.id, at));
}

/** Queued deliveries not attempted yet after the key (seq, n), of these flows, in key order (the ledger's first attempts). */
export function freshAfter(core: Core, seq: number, n: number, flows: string[], limit: number): DeliveryRow[] {
  return core.sql.all<DeliveryRow>(
    `SELECT * FROM deliveries WHERE (event_seq, n) > (?, ?) AND status = 'queued' AND attempts = 0 AND hold_until IS NULL AND flow IN (${flows.map(() => "?").join(", ")}) ORDER BY event_seq, n LIMIT ?`,
    seq, n, ...flows, limit,
  );
}

/** A flow's queued deliveries whose retry is due by `now`, earliest first (the partial index `deliveries_retry`). */
export function dueRetriesOf(core: Core, flow: string, now: number, limit: number): DeliveryRow[] {
  return core.sql.all<DeliveryRow>(
    `SELECT * FROM deliveries WHERE flow = ? AND status = 'queued' AND attempts > 0 AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`,
    flow, now, limit,
  );
}

/** When a flow's earliest retry after `now` is due (null: none). */
export function nextRetryOf(core: Core, flow: string, now: number): number | null {
  return core.sql.one<{ t: number | null }>(
    `SELECT min(next_attempt_at) AS t FROM deliveries WHERE flow = ? AND status = 'queued' AND attempts > 0 AND next_attempt_at > ?`, flow, now,
  )?.t ?? null;
}

/** The lowest fire seq from `from` on with a queued delivery (null: none); reads the rows between. */
export function lowestQueuedFrom(core: Core, from: number): number | null {
  return core.sql.one<{ s: number }>(`SELECT event_seq AS s FROM deliveries WHERE event_seq >= ? AND status = 'queued' ORDER BY event_seq, n LIMIT 1`, from)?.s ?? null;
}

/** Delivered outcomes numbered after `settledSeq` among fires from `fromSeq` on (counted after a restart). */
export function settledAfter(core: Core, fromSeq: number, settledSeq: number): Pick<DeliveryRow, "settled_seq" | "flow" | "latency_ms">[] {
  return core.sql.all(
    `SELECT settled_seq, flow, latency_ms FROM deliveries WHERE event_seq >= ? AND settled_seq > ? ORDER BY settled_seq`,
    fromSeq, settledSeq,
  );
}

/**
 * Fire seqs below `before` having a delivery in `status`, newest first. Failed
 * and dead read the partial index; other statuses examine at most `budget`
 * fire seqs and say where they stopped.
 */
export function fireSeqsWithStatus(core: Core, status: string, before: number, limit: number, budget: number): { seqs: number[]; scannedTo: number | null } {
  if (status === "failed" || status === "dead") {
    const seqs = core.sql
      .all<{ s: number }>(`SELECT DISTINCT event_seq AS s FROM deliveries WHERE status = ? AND event_seq < ? ORDER BY event_seq DESC LIMIT ?`, status, before, limit + 1)
      .map((r) => r.s);
    return seqs.length > limit ? { seqs: seqs.slice(0, limit), scannedTo: seqs[limit - 1] } : { seqs, scannedTo: null };
  }
  const from = Math.max(0, before - budget);
  const seqs = core.sql
    .all<{ s: number }>(`SELECT DISTINCT event_seq AS s FROM deliveries WHERE event_seq < ? AND event_seq >= ? AND status = ? ORDER BY event_seq DESC LIMIT ?`, before, from, status, limit + 1)
    .map((r) => r.s);
  if (seqs.length > limit) return { seqs: seqs.slice(0, limit), scannedTo: seqs[limit - 1] };
  return { seqs, scannedTo: from > 0 && from > (lowestDeliverySeq(core) ?? 0) ? from : null };
}

function lowestDeliverySeq(core: Core): number | null {
  return core.sql.one<{ s: number | null }>(`SELECT min(event_seq) AS s FROM deliveries`)?.s ?? null;
}

/** Whether any delivery of fires in [from, to] is still queued (retention stops before those). */
export function firstQueuedBetween(core: Core, from: number, to: number): number | null {
  return core.sql.one<{ s: number }>(`SELECT event_seq AS s FROM deliveries WHERE event_seq BETWEEN ? AND ? AND status = 'queued' ORDER BY event_seq LIMIT 1`, from, to)?.s ?? null;
}

/** Deletes the settled deliveries of fires up to and including `seq` (queued ones stay). */
export function deleteSettledThrough(core: Core, seq: number): number {
  return core.sql.run(`DELETE FROM deliveries WHERE event_seq <= ? AND status != 'queued'`, seq);
}
