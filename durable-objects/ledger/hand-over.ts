/**
 * The hand-over: what is due now goes to the queues, within each lane's
 * room. A lane only hands over while its breaker is closed and no
 * Retry-After holds it; an open breaker lets one probe through per
 * cooldown. First attempts are scanned from SQLite in key order, a page at
 * a time (a backlog of any size stays there); due retries come from a
 * partial index. First attempts of a lane that answers at once go to the
 * fast queue's shards; retries, probes and slow lanes to the slow one. Entries are
 * claimed before the send, so concurrent calls never send one twice.
 *
 * A gated lane (its flow has a policy, docs/flow-control.md) asks its flow's
 * gate before it sends: only what the gate grants leaves; the rest waits
 * (no attempt counted) until the gate wakes the lane or GATE_REASK_MS pass.
 */
import { isHeld, probeDueAt } from "../../src/domain/delivery-lane";
import { advance, compareKeys, TAIL_MAX, type Lane } from "./lane";
import type { LaneWindow } from "./window";
import { FAST_QUEUES, type GateGrant, type LedgerRow, type QueueName } from "./types";
import { SEND_CONCURRENCY } from "../../src/contracts/limits";
import { fitted, sendChunks, units, type Message } from "./queue-limits";

/**
 * A failed queue send is tried again after this long.
 * @internal (exported for tests)
 */
export const SEND_RETRY_MS = 1_000;
/** First attempts read per page, and pages per pass (a pass that stops at the budget comes back at once). */
const SCAN_PAGE = 500;
const SCAN_PAGES = 4;
/** Queued rows of a gone lane skipped per pass. */
const GONE_CHUNK = 200;

type Pick = { lane: Lane; row: LedgerRow; probe: boolean; gated?: boolean };

/**
 * A gated lane the gate did not serve in full asks again at least this often
 * (the gate forgets an ask not renewed within DEMAND_TTL_MS, twice this).
 */
const GATE_REASK_MS = 30_000;
/** A gate that could not be reached is asked again after this long. */
const GATE_ERROR_RETRY_MS = 1_000;
/** A grant's permits outlive the attempt's timeout by this much (queue latency), then free themselves. */
const GATE_LEASE_MARGIN_MS = 30_000;

/** Hands over what is due now, within each lane's room. Entries are claimed before the send, so concurrent calls never send one twice. */
export async function handOver(w: LaneWindow): Promise<{ failed: boolean }> {
  const now = w.host.now();
  w.store.release?.(now);
  const picks: Pick[] = [];
  const room = new Map<Lane, number>();
  const retries = new Map<Lane, LedgerRow[]>();
  for (const lane of w.sync().values()) {
    if (lane.config.gone) {
      skipGone(w, lane);
      continue;
    }
    if (lane.config.gated && (lane.asking || (lane.gateRetryAt !== null && lane.gateRetryAt > now))) continue;
    if (isHeld(lane.state, now)) continue;
    if (lane.state.breaker === "open") {
      if (lane.probeOut === null && now >= (probeDueAt(lane.state, w.breakerOf(lane)) ?? 0)) {
        const row = firstDue(w, lane, now);
        if (row) picks.push({ lane, row, probe: true });
      }
      continue;
    }
    const r = w.capOf(lane) - lane.inFlight.size;
    if (r <= 0) continue;
    room.set(lane, r);
    if (lane.retryCheckAt <= now) {
      const limit = r + lane.inFlight.size;
      const due = w.store.dueRetries(lane.config.lane, now, limit);
      retries.set(lane, due.filter((x) => !lane.inFlight.has(x.id)));
      lane.retryCheckAt = due.length === limit ? now : w.store.nextRetryAt(lane.config.lane, now) ?? Infinity;
    }
  }
  const fresh = scanFresh(w, room);
  for (const [lane, r] of room) picks.push(...take(lane, r, retries.get(lane) ?? [], fresh.get(lane) ?? [], now));
  const gated = new Map<Lane, Pick[]>();
  for (const p of picks) if (p.lane.config.gated && w.host.ask) gated.set(p.lane, [...(gated.get(p.lane) ?? []), p]);
  const sent = await Promise.all([send(w, picks.filter((p) => !gated.has(p.lane)), now), ...[...gated].map(([lane, ps]) => passGate(w, lane, ps))]);
  return { failed: sent.some((s) => s.failed) };
}

/** A gated lane's picks: the gate says how many may start now (one as its breaker probe); the rest wait. */
async function passGate(w: LaneWindow, lane: Lane, picks: Pick[]): Promise<{ failed: boolean }> {
  lane.asking = true;
  let grant: GateGrant;
  try {
    const oldest = Math.min(...picks.map((p) => p.row.dueAt));
    const leaseMs = Math.max(...picks.map((p) => p.row.timeoutMs)) + GATE_LEASE_MARGIN_MS;
    grant = await w.host.ask!(lane.config.lane, picks.length, oldest, leaseMs);
  } catch {
    grant = { granted: 0, probe: false, retryAt: w.host.now() + GATE_ERROR_RETRY_MS };
  } finally {
    lane.asking = false;
  }
  const now = w.host.now();
  const n = Math.min(grant.granted, picks.length);
  if (n < picks.length) {
    lane.gateRetryAt = Math.min(grant.retryAt ?? Number.POSITIVE_INFINITY, now + GATE_REASK_MS);
    lane.retryCheckAt = 0; // retries that were not granted are read again
  } else lane.gateRetryAt = null;
  const granted = picks.slice(0, n).map((p) => ({ ...p, gated: true, probe: grant.probe || p.probe }));
  return send(w, granted, now);
}

/**
 * Up to `room` of a lane's candidates in the order they became due; first
 * attempts stay in key order (a cursor only passes what was taken).
 */
function take(lane: Lane, room: number, retries: LedgerRow[], fresh: LedgerRow[], now: number): Pick[] {
  const out: Pick[] = [];
  let i = 0;
  let j = 0;
  while (out.length < room && (i < retries.length || j < fresh.length)) {
    const useRetry = j >= fresh.length || (i < retries.length && retries[i].dueAt <= fresh[j].dueAt);
    out.push({ lane, row: useRetry ? retries[i++] : fresh[j++], probe: false });
  }
  if (i < retries.length) lane.retryCheckAt = now;
  return out;
}

/**
 * First attempts for the lanes with room: from a lane's known tail without
 * reading, else from SQLite, from the lowest of those lanes' cursors, a page
 * at a time. A scan that reaches the end leaves each scanned lane's tail known.
 */
function scanFresh(w: LaneWindow, room: Map<Lane, number>): Map<Lane, LedgerRow[]> {
  const out = new Map<Lane, LedgerRow[]>();
  const unknown = new Map<Lane, number>();
  for (const [lane, r] of room) {
    if (lane.tail) out.set(lane, lane.tail.filter((x) => !lane.inFlight.has(x.id)).slice(0, r));
    else unknown.set(lane, r);
  }
  if (unknown.size === 0) return out;
  const byName = new Map([...unknown.keys()].map((l) => [l.config.lane, l]));
  const seen = new Map<Lane, LedgerRow[]>([...unknown.keys()].map((l) => [l, []]));
  const cursors = [...unknown.keys()].map((l) => l.cursor);
  let after = cursors.includes(null) ? null : cursors.reduce((a, b) => (compareKeys(a!, b!) <= 0 ? a : b));
  // a page a little larger than the room: rows of lanes further ahead are passed over
  const pageSize = Math.min(SCAN_PAGE, 2 * [...unknown.values()].reduce((a, b) => a + b, 0) + 16);
  for (let page = 0; page < SCAN_PAGES; page++) {
    const rows = w.store.fresh(after, [...byName.keys()], pageSize);
    for (const row of rows) {
      const lane = byName.get(row.lane);
      if (!lane || lane.inFlight.has(row.id) || (lane.cursor !== null && compareKeys(row.key, lane.cursor) <= 0)) continue;
      seen.get(lane)!.push(row);
    }
    if (rows.length < pageSize) {
      // the end: what each lane has after its cursor is all here
      for (const [lane, list] of seen) {
        lane.scanMore = false;
        lane.tail = list.length <= TAIL_MAX ? list : null;
        out.set(lane, list.slice(0, unknown.get(lane)));
      }
      return out;
    }
    after = rows[rows.length - 1].key;
    if ([...seen].every(([l, list]) => list.length >= unknown.get(l)!)) break;
  }
  for (const [lane, list] of seen) {
    lane.scanMore = list.length < unknown.get(lane)!;
    out.set(lane, list.slice(0, unknown.get(lane)));
  }
  return out;
}

/** The lane's delivery due first: its breaker probe. */
function firstDue(w: LaneWindow, lane: Lane, now: number): LedgerRow | null {
  const retry = w.store.dueRetries(lane.config.lane, now, lane.inFlight.size + 1).find((r) => !lane.inFlight.has(r.id));
  const fresh = w.store.fresh(lane.cursor, [lane.config.lane], lane.inFlight.size + 1).find((r) => !lane.inFlight.has(r.id));
  if (!retry || !fresh) return retry ?? fresh ?? null;
  return retry.dueAt <= fresh.dueAt ? retry : fresh;
}

/** A gone lane's queued rows are skipped (`unsubscribed`), a chunk per pass. */
function skipGone(w: LaneWindow, lane: Lane): void {
  const rows = [...w.store.fresh(null, [lane.config.lane], GONE_CHUNK), ...w.store.dueRetries(lane.config.lane, Infinity, GONE_CHUNK), ...(w.store.held?.(lane.config.lane, GONE_CHUNK) ?? [])]
    .filter((r) => !lane.inFlight.has(r.id));
  if (!rows.length) return;
  const now = w.host.now();
  w.host.tx(() => {
    for (const r of rows) w.store.write(r, r.attempts, { status: "skipped", reason: "unsubscribed" }, { statusCode: null, error: null, retryAfterSeconds: null, skipped: "unsubscribed" }, now);
  });
  lane.scanMore = rows.length >= GONE_CHUNK;
}

const takesSlow = (p: Pick) => p.probe || p.row.attempts > 0 || p.lane.state.standing === "slow";

/**
 * The queue of each pick, in order. Fast picks spread over the fast queue's
 * shards in consecutive runs (a lane's picks stay together, so they pack):
 * a shard per SEND_CONCURRENCY picks or more, up to every shard, the shards
 * taken in turns across sends, so that a burst is attempted by several
 * consumer invocations at once and a trickle still uses every shard.
 */
function queuesFor(w: LaneWindow, picks: Pick[]): QueueName[] {
  const slow = picks.map(takesSlow);
  const n = slow.filter((s) => !s).length;
  const k = Math.min(FAST_QUEUES.length, Math.ceil(n / SEND_CONCURRENCY));
  const first = w.fastTurn;
  w.fastTurn = (first + k) % FAST_QUEUES.length;
  let fast = 0; // the fast picks' running index: the j-th of n goes to shard first + floor(j·k/n)
  return slow.map((s) => (s ? "slow" : FAST_QUEUES[(first + Math.floor((fast++ * k) / n)) % FAST_QUEUES.length]));
}

async function send(w: LaneWindow, picks: Pick[], now: number): Promise<{ failed: boolean }> {
  let failed = false;
  const byQueue = new Map<QueueName, { pick: Pick; msg: Message; bytes: number; lane: string }[]>();
  const queues = queuesFor(w, picks);
  for (const [i, p] of picks.entries()) {
    const attempt = p.row.attempts + 1;
    const msg = p.gated && p.lane.config.exactStarts ? { ...w.store.message(p.row, attempt), gf: p.lane.config.lane } : w.store.message(p.row, attempt);
    const q = queues[i];
    // claimed now (before the await), so a concurrent call does not take them too
    p.lane.inFlight.set(p.row.id, { attempt, key: p.row.key, fresh: p.row.attempts === 0, probe: p.probe, at: now, order: 0, timeoutMs: p.row.timeoutMs, awaiting: [q], lostAt: null });
    if (p.probe) p.lane.probeOut = p.row.id;
    if (p.row.attempts === 0) {
      advance(p.lane, p.row.key);
      if (p.lane.tail) p.lane.tail = p.lane.tail.filter((r) => r.id !== p.row.id);
    }
    byQueue.set(q, [...(byQueue.get(q) ?? []), { pick: p, lane: p.lane.config.lane, ...fitted(msg) }]);
  }
  const sends: Promise<void>[] = [];
  for (const [q, items] of byQueue) {
    // on the fast queue a lane's deliveries travel packed (./queue-limits.ts): one message, not one each.
    // The slow queue's messages stay single: its small batches bound how long slow attempts hold an invocation.
    for (const chunk of sendChunks(units(items, q !== "slow"))) {
      const order = w.barriers.next();
      const its = chunk.flatMap((u) => u.items);
      for (const it of its) it.pick.lane.inFlight.get(it.pick.row.id)!.order = order;
      sends.push(
        w.host.queue(q).sendBatch(chunk.map((u) => ({ body: u.body }))).then(
          () => void (w.messagesSent += chunk.length),
          () => {
            failed = true;
            w.sendRetryAt = w.host.now() + SEND_RETRY_MS;
            // a gated lane's permits for what did not leave go back to its gate
            const back = new Map<Lane, number>();
            for (const it of its) if (it.pick.lane.config.gated) back.set(it.pick.lane, (back.get(it.pick.lane) ?? 0) + 1);
            for (const [lane, n] of back) w.host.report?.(lane.config.lane, [], n);
            for (const it of its) if (it.pick.lane.inFlight.get(it.pick.row.id)?.order === order) w.putBack(it.pick.lane, it.pick.row.id);
          },
        ),
      );
    }
  }
  await Promise.all(sends);
  return { failed };
}
