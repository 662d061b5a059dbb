/**
 * The one delivery ledger, shared by trigger deliveries and await callbacks.
 * Its rows live in the owner's SQLite (the LedgerStore says how); memory
 * holds only a window: per lane (a subscription, or a run's callbacks) the
 * deliveries in flight (at most the lane's cap, 32 by default), a cursor
 * into the first attempts (key order, SQLite reads them a page at a time)
 * and when its next retry is due (a partial index finds due retries). A
 * backlog of any size stays in SQLite and costs a fire nothing.
 *
 * A lane only hands over while its breaker is closed and no Retry-After
 * holds it; an open breaker lets one probe through per cooldown and its
 * waiting deliveries keep their attempts. First attempts of a lane that
 * answers at once go to the fast queue; retries, probes and slow lanes use
 * the slow queue, so a slow flow never holds up the others. Lost messages
 * are found by barriers (./barriers.ts).
 */
import { decideAttempt } from "../../src/domain/backoff";
import { FAST_LANE_BUDGET_MS } from "../../src/contracts/limits";
import { afterAttempt, breakerView, FRESH_LANE, isHeld, probeDueAt, smooth, standingFor, type BreakerPolicy, type LaneState } from "../../src/domain/delivery-lane";
import { Barriers, PROBE_AFTER_MS, QUEUES, type Handed } from "./barriers";
import { advance, compareKeys, newLane, rewind, type Lane } from "./lane";
import type { OutcomeItem } from "../../src/contracts/rpc";
import type { LedgerDecision, LedgerHost, LedgerRow, LedgerStore, QueueName } from "./types";

export { PROBE_AFTER_MS, PROBE_TIMEOUT_MS, LOST_GRACE_MS } from "./barriers";
export type { LedgerRow, LedgerStore, LedgerHost, LedgerDecision } from "./types";

/** A failed queue send is tried again after this long. */
export const SEND_RETRY_MS = 1_000;
/** First attempts read per page, and pages per pass (a pass that stops at the budget comes back at once). */
const SCAN_PAGE = 500;
const SCAN_PAGES = 4;
/** Queued rows of a gone lane skipped per pass. */
const GONE_CHUNK = 200;

type Pick = { lane: Lane; row: LedgerRow; probe: boolean };

/** A lane without a breaker (a run's callbacks): it never opens. */
const NO_BREAKER: BreakerPolicy = { failureThreshold: Number.POSITIVE_INFINITY, cooldownSeconds: 30 };

/** A lane that answers slowly has at most this many attempts in flight (they hold the slow queue while they run). */
export const SLOW_IN_FLIGHT = 8;


export class Ledger {
  private lanes: Map<string, Lane> | undefined;
  private readonly barriers = new Barriers();
  private sendRetryAt: number | null = null;
  /** Counts for tests and the log: re-sent because a barrier showed them lost. */
  resentLost = 0;

  /** When this instance started: only what became due before it can have been handed by an earlier one. */
  private readonly startedAt: number;

  constructor(
    private readonly host: LedgerHost,
    private readonly store: LedgerStore,
  ) {
    this.startedAt = host.now();
  }

  /**
   * The lanes, in step with the store's configuration. The first call after a
   * start treats what may have been in flight before it (per lane the first
   * `cap` first attempts and due retries that were due before the start) as
   * handed to either queue: barriers through both decide what was lost.
   */
  private sync(): Map<string, Lane> {
    const first = this.lanes === undefined;
    const lanes = (this.lanes ??= new Map());
    const now = this.host.now();
    const seen = new Set<string>();
    for (const config of this.store.lanes()) {
      seen.add(config.lane);
      const have = lanes.get(config.lane);
      if (have) {
        have.config = config;
        continue;
      }
      const lane = newLane(config, this.store.loadLane(config.lane) ?? FRESH_LANE);
      lanes.set(config.lane, lane);
      if (first && !config.gone) this.markInDoubt(lane, now);
    }
    for (const [name, lane] of lanes) if (!seen.has(name) && lane.inFlight.size === 0) lanes.delete(name);
    return lanes;
  }

  /**
   * What an earlier instance may have left in a queue: retries and probes
   * only ever take the slow queue; first attempts of a lane that stands fast
   * only the fast one (a slow or open lane's may have taken either).
   */
  private markInDoubt(lane: Lane, now: number): void {
    const rows = [...this.store.fresh(null, [lane.config.lane], lane.config.cap), ...this.store.dueRetries(lane.config.lane, now, lane.config.cap)];
    const fastOnly = lane.state.standing === "fast" && lane.state.breaker === "closed";
    for (const r of rows.filter((x) => x.dueAt < this.startedAt)) {
      const awaiting: QueueName[] = r.attempts > 0 ? ["slow"] : fastOnly ? ["fast"] : [...QUEUES];
      lane.inFlight.set(r.id, { attempt: r.attempts + 1, key: r.key, fresh: r.attempts === 0, probe: false, at: now - PROBE_AFTER_MS, order: 0, timeoutMs: r.timeoutMs, awaiting, lostAt: null });
      if (r.attempts === 0) advance(lane, r.key);
    }
  }

  /** A lane's room: its cap, or fewer while it stands slow (its attempts hold the slow queue longer). */
  private capOf(lane: Lane): number {
    return lane.state.standing === "slow" ? Math.min(lane.config.cap, SLOW_IN_FLIGHT) : lane.config.cap;
  }

  private laneOf(id: string): Lane | undefined {
    for (const lane of (this.lanes ?? this.sync()).values()) if (lane.inFlight.has(id)) return lane;
    return undefined;
  }

  private breakerOf(lane: Lane): BreakerPolicy {
    return lane.config.breaker ?? NO_BREAKER;
  }

  /** A delivery was created queued (call after its transaction commits): a cursor past it goes back. */
  track(lane: string, key: readonly [number, number]): void {
    const l = this.sync().get(lane);
    if (l) rewind(l, key);
  }

  /** The lane's target changed: it starts closed, unheld and fast again (its kept state is deleted with it). */
  resetLane(lane: string): void {
    const l = this.lanes?.get(lane);
    if (!l) return;
    l.state = FRESH_LANE;
    l.smoothedMs = null;
    l.retryCheckAt = 0;
  }

  /** A delivery settled outside the ledger (skipped, reported, dead-lettered). */
  forget(id: string): void {
    const lane = this.lanes ? this.laneOf(id) : undefined;
    if (lane) this.release(lane, id);
  }

  /** Whether a queued delivery is in a queue or being attempted (the `delivering` status). */
  isHanded(id: string): boolean {
    return this.laneOf(id) !== undefined;
  }

  /** The delivery state of a lane as its subscription shows it. */
  laneView(lane: string): { breaker: "closed" | "open" | "half_open"; breakerOpenedAt: number | null; heldUntil: number | null; inFlight: number } {
    const l = this.sync().get(lane);
    const s: LaneState = l?.state ?? this.store.loadLane(lane) ?? FRESH_LANE;
    const now = this.host.now();
    return { breaker: breakerView(s, !!l?.probeOut), breakerOpenedAt: s.openedAt, heldUntil: isHeld(s, now) ? s.heldUntil : null, inFlight: l?.inFlight.size ?? 0 };
  }

  private release(lane: Lane, id: string): Handed | undefined {
    const h = lane.inFlight.get(id);
    lane.inFlight.delete(id);
    if (lane.probeOut === id) lane.probeOut = null;
    return h;
  }

  /** Puts an unsettled delivery back to waiting (not attempted, lost, or its send failed). */
  private putBack(lane: Lane, id: string): void {
    const h = this.release(lane, id);
    if (!h) return;
    if (h.fresh) rewind(lane, h.key);
    else lane.retryCheckAt = 0;
  }

  /** Hands over what is due now, within each lane's room. Entries are claimed before the send, so concurrent calls never send one twice. */
  async handOver(): Promise<void> {
    const now = this.host.now();
    const picks: Pick[] = [];
    const room = new Map<Lane, number>();
    const retries = new Map<Lane, LedgerRow[]>();
    for (const lane of this.sync().values()) {
      if (lane.config.gone) {
        this.skipGone(lane);
        continue;
      }
      if (isHeld(lane.state, now)) continue;
      if (lane.state.breaker === "open") {
        if (lane.probeOut === null && now >= (probeDueAt(lane.state, this.breakerOf(lane)) ?? 0)) {
          const row = this.firstDue(lane, now);
          if (row) picks.push({ lane, row, probe: true });
        }
        continue;
      }
      const r = this.capOf(lane) - lane.inFlight.size;
      if (r <= 0) continue;
      room.set(lane, r);
      if (lane.retryCheckAt <= now) {
        const limit = r + lane.inFlight.size;
        const due = this.store.dueRetries(lane.config.lane, now, limit);
        retries.set(lane, due.filter((x) => !lane.inFlight.has(x.id)));
        lane.retryCheckAt = due.length === limit ? now : this.store.nextRetryAt(lane.config.lane, now) ?? Infinity;
      }
    }
    const fresh = this.scanFresh(room);
    for (const [lane, r] of room) picks.push(...this.take(lane, r, retries.get(lane) ?? [], fresh.get(lane) ?? [], now));
    await this.send(picks, now);
  }

  /**
   * Up to `room` of a lane's candidates in the order they became due; first
   * attempts stay in key order (a cursor only passes what was taken).
   */
  private take(lane: Lane, room: number, retries: LedgerRow[], fresh: LedgerRow[], now: number): Pick[] {
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

  /** First attempts for the lanes with room, from the lowest of their cursors, a page at a time. */
  private scanFresh(room: Map<Lane, number>): Map<Lane, LedgerRow[]> {
    const out = new Map<Lane, LedgerRow[]>();
    if (room.size === 0) return out;
    const byName = new Map([...room.keys()].map((l) => [l.config.lane, l]));
    const need = (l: Lane) => (out.get(l)?.length ?? 0) < room.get(l)!;
    const cursors = [...room.keys()].map((l) => l.cursor);
    let after = cursors.includes(null) ? null : cursors.reduce((a, b) => (compareKeys(a!, b!) <= 0 ? a : b));
    for (let page = 0; page < SCAN_PAGES; page++) {
      const rows = this.store.fresh(after, [...byName.keys()], SCAN_PAGE);
      for (const row of rows) {
        const lane = byName.get(row.lane);
        if (!lane || !need(lane) || lane.inFlight.has(row.id) || (lane.cursor !== null && compareKeys(row.key, lane.cursor) <= 0)) continue;
        out.set(lane, [...(out.get(lane) ?? []), row]);
      }
      if (rows.length < SCAN_PAGE || ![...room.keys()].some(need)) {
        for (const l of room.keys()) l.scanMore = false;
        return out;
      }
      after = rows[rows.length - 1].key;
    }
    for (const l of room.keys()) l.scanMore = need(l);
    return out;
  }

  /** The lane's delivery due first: its breaker probe. */
  private firstDue(lane: Lane, now: number): LedgerRow | null {
    const retry = this.store.dueRetries(lane.config.lane, now, lane.inFlight.size + 1).find((r) => !lane.inFlight.has(r.id));
    const fresh = this.store.fresh(lane.cursor, [lane.config.lane], lane.inFlight.size + 1).find((r) => !lane.inFlight.has(r.id));
    if (!retry || !fresh) return retry ?? fresh ?? null;
    return retry.dueAt <= fresh.dueAt ? retry : fresh;
  }

  /** A gone lane's queued rows are skipped (`unsubscribed`), a chunk per pass. */
  private skipGone(lane: Lane): void {
    const rows = [...this.store.fresh(null, [lane.config.lane], GONE_CHUNK), ...this.store.dueRetries(lane.config.lane, Infinity, GONE_CHUNK)]
      .filter((r) => !lane.inFlight.has(r.id));
    if (!rows.length) return;
    const now = this.host.now();
    this.host.tx(() => {
      for (const r of rows) this.store.write(r, r.attempts, { status: "skipped", reason: "unsubscribed" }, { statusCode: null, error: null, retryAfterSeconds: null, skipped: "unsubscribed" }, now);
    });
    lane.scanMore = rows.length >= GONE_CHUNK;
  }

  private queueFor(p: Pick): QueueName {
    return p.probe || p.row.attempts > 0 || p.lane.state.standing === "slow" ? "slow" : "fast";
  }

  private async send(picks: Pick[], now: number): Promise<void> {
    const byQueue = new Map<QueueName, { pick: Pick; msg: ReturnType<LedgerStore["message"]> }[]>();
    for (const p of picks) {
      const attempt = p.row.attempts + 1;
      const msg = this.store.message(p.row, attempt);
      const q = this.queueFor(p);
      // claimed now (before the await), so a concurrent call does not take them too
      p.lane.inFlight.set(p.row.id, { attempt, key: p.row.key, fresh: p.row.attempts === 0, probe: p.probe, at: now, order: 0, timeoutMs: p.row.timeoutMs, awaiting: [q], lostAt: null });
      if (p.probe) p.lane.probeOut = p.row.id;
      if (p.row.attempts === 0) advance(p.lane, p.row.key);
      byQueue.set(q, [...(byQueue.get(q) ?? []), { pick: p, msg }]);
    }
    const sends: Promise<void>[] = [];
    for (const [q, items] of byQueue) {
      for (let i = 0; i < items.length; i += 100) {
        const chunk = items.slice(i, i + 100);
        const order = this.barriers.next();
        for (const it of chunk) it.pick.lane.inFlight.get(it.pick.row.id)!.order = order;
        sends.push(
          this.host.queue(q).sendBatch(chunk.map((it) => ({ body: it.msg }))).then(
            () => undefined,
            () => {
              this.sendRetryAt = this.host.now() + SEND_RETRY_MS;
              for (const it of chunk) if (it.pick.lane.inFlight.get(it.pick.row.id)?.order === order) this.putBack(it.pick.lane, it.pick.row.id);
            },
          ),
        );
      }
    }
    await Promise.all(sends);
  }

  /** Records attempts' outcomes in one transaction; stale ones (repeats, old attempts) change nothing. */
  recordOutcomes(items: OutcomeItem[], random: () => number = Math.random): ("recorded" | "stale")[] {
    const now = this.host.now();
    const lanes = this.sync();
    const after: (() => void)[] = [];
    const states = new Map<Lane, LaneState>();
    const answers = this.host.tx(() =>
      items.map((it) => {
        const row = this.store.row(it.id);
        if (!row || row.status !== "queued" || it.attempt !== row.attempts + 1) return "stale" as const;
        const lane = lanes.get(row.lane);
        const handed = lane?.inFlight.get(it.id);
        const res = it.result;
        if (res.deferred) {
          // not attempted (the fast queue's budget, or no room in the consumer): back to waiting, no attempt counted
          if (lane) after.push(() => (this.putBack(lane, it.id), res.deferred === "slow" && this.demote(lane)));
          return "recorded" as const;
        }
        const probe = handed?.probe === true;
        const decision: LedgerDecision = res.skipped
          ? { status: "skipped", reason: res.skipped }
          : decideAttempt(res.statusCode, res.retryAfterSeconds, it.attempt, this.store.policy(row), random());
        const ok = decision.status === "delivered";
        if (probe && !ok && !res.skipped) this.store.writeProbeFailure(row, it.attempt, res, now);
        else this.store.write(row, it.attempt, decision, res, now);
        if (lane && !res.skipped) {
          const { state, events } = afterAttempt(states.get(lane) ?? lane.state, { ok, probe, statusCode: res.statusCode, error: res.error, retryAfterSeconds: res.retryAfterSeconds }, this.breakerOf(lane), now);
          const standing = res.ms === undefined ? state.standing : standingFor(state.standing, smooth(lane.smoothedMs, res.ms));
          const next = { ...state, standing };
          const prev = states.get(lane) ?? lane.state;
          if (JSON.stringify(next) !== JSON.stringify(prev) || events.length) this.store.saveLane(lane.config.lane, next, events, now);
          states.set(lane, next);
        }
        after.push(() => {
          if (!lane) return;
          this.release(lane, it.id);
          if (res.ms !== undefined) lane.smoothedMs = smooth(lane.smoothedMs, res.ms);
          if (decision.status === "retry" || (probe && !ok)) lane.retryCheckAt = Math.min(lane.retryCheckAt, probe && !ok ? now : now + ("delaySeconds" in decision ? decision.delaySeconds * 1000 : 0));
          if (probe && !ok && handed?.fresh) rewind(lane, handed.key);
        });
        return "recorded" as const;
      }),
    );
    for (const [lane, s] of states) lane.state = s;
    for (const f of after) f();
    return answers;
  }

  /** The fast queue's consumer found the lane slow: its first attempts take the slow queue from now on. */
  private demote(lane: Lane): void {
    if (lane.state.standing === "slow") return;
    const next: LaneState = { ...lane.state, standing: "slow" };
    this.host.tx(() => this.store.saveLane(lane.config.lane, next, [], this.host.now()));
    lane.state = next;
    lane.smoothedMs = Math.max(lane.smoothedMs ?? 0, FAST_LANE_BUDGET_MS);
  }

  /** A barrier came back through its queue. */
  probeReturned(id: string): void {
    this.barriers.returned(id, this.allHanded(), this.host.now());
  }

  private *allHanded(): Iterable<Handed> {
    for (const lane of this.sync().values()) yield* lane.inFlight.values();
  }

  /** The alarm's part: lost deliveries go back to waiting, barriers go out where needed, then hand over. */
  async tick(): Promise<void> {
    const now = this.host.now();
    if (this.sendRetryAt !== null && this.sendRetryAt <= now) this.sendRetryAt = null;
    for (const lane of this.sync().values()) {
      for (const [id, h] of lane.inFlight) {
        if (h.lostAt !== null && h.lostAt <= now) {
          this.putBack(lane, id);
          this.resentLost++;
        }
      }
    }
    for (const q of this.barriers.needed(this.allHanded(), now)) {
      const id = `prb_${now.toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      const order = this.barriers.next();
      try {
        await this.host.queue(q).send(this.host.probe(id));
        this.barriers.sent(q, id, this.host.now(), order);
      } catch {
        // the next alarm tries again
      }
    }
    await this.handOver();
  }

  /** When the ledger needs the alarm next (null: nothing to do). */
  nextDue(): number | null {
    const now = this.host.now();
    let next = this.sendRetryAt;
    const min = (t: number | null) => {
      if (t !== null && Number.isFinite(t)) next = next === null ? t : Math.min(next, t);
    };
    for (const lane of this.sync().values()) {
      for (const h of lane.inFlight.values()) min(this.barriers.nextDue(h));
      if (lane.config.gone || lane.scanMore) {
        min(now);
        continue;
      }
      if (isHeld(lane.state, now)) min(lane.state.heldUntil);
      else if (lane.state.breaker === "open") {
        if (lane.probeOut === null) min(probeDueAt(lane.state, this.breakerOf(lane)));
      } else if (lane.inFlight.size < this.capOf(lane) && lane.retryCheckAt > now) min(lane.retryCheckAt); // due now: the pass that set it hands over
    }
    return next;
  }
}
