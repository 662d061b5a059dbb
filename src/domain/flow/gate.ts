/**
 * A flow's gate (API.md "Flows: delivery policy"): the single writer of the
 * flow's sliding rate window, its in-flight permits, its flow-wide breaker,
 * its Retry-After hold and its pause. Triggers ask it for permits before
 * they hand a delivery of that flow to a queue and report each outcome back;
 * the gate answers how many may start now and, when none may, when to ask
 * again. Pure: the clock is an argument; the object keeps `GateState` in
 * SQLite (one checkpoint row per grant) and its activity log.
 */
import { SlidingWindow, type WindowState } from "./sliding-window";
import { afterAttempt, FRESH_LANE, type LaneEvent, type LaneState } from "../delivery-lane";
import type { FlowPolicy } from "../../schemas/flow";

/** What the gate keeps across restarts. */
export type GateState = {
  window: WindowState;
  /** the attempts that started (the consumer's check right before each one): the exact rate window */
  starts?: WindowState;
  /** permits out: [lease expiry ms, count]; a permit whose outcome never comes back frees itself at its expiry */
  leases: [number, number][];
  breaker: LaneState;
  probeOut: number | null;
  throttled: number;
};

export const EMPTY_GATE: GateState = { window: [], starts: [], leases: [], breaker: FRESH_LANE, probeOut: null, throttled: 0 };

/** The answer to a start: whether the attempt may start now, else when the window has room again (null: not by the clock). */
export type Start = { ok: boolean; retryAt: number | null };

/** A trigger's ask: `want` deliveries of this flow are due, the oldest since `oldestDueAt`. */
export type Ask = { trigger: string; want: number; oldestDueAt: number; leaseMs: number };

/** The answer: how many may start now (one as a breaker probe), or when to ask again (null: when woken). */
export type Grant = { granted: number; probe: boolean; retryAt: number | null };

export type AttemptReport = { ok: boolean; probe: boolean; statusCode: number | null; error: string | null; retryAfterSeconds: number | null };

/** Events for the flow's activity log. */
export type GateEvent = LaneEvent;

/**
 * A trigger with deliveries still waiting asks again at least this often
 * (GATE_REASK_MS in the ledger is half of it): an ask older than this is
 * forgotten, so a trigger whose deliveries went away never blocks others.
 */
const DEMAND_TTL_MS = 60_000;

/**
 * A grant starts its attempt at the flow after the queue's latency, which
 * varies: the window counts each grant over its period plus this margin, so
 * grants that wait a little longer in the queue than their neighbours still
 * start no more than `limit` attempts in any period. (It costs a 1 s window
 * a fifth of its rate; a minute's window nothing to speak of.)
 */
const START_MARGIN_MS = 100;

/**
 * A start is counted a moment before its request reaches the flow (the
 * gate's answer travels back, the request is sent): each start counts over
 * its period plus this much, so that moment's jitter cannot put more than
 * `limit` arrivals in a period.
 */
const ARRIVAL_MARGIN_MS = 50;

export class Gate {
  private readonly window: SlidingWindow | null;
  private readonly starts: SlidingWindow | null;
  private leases: [number, number][];
  breaker: LaneState;
  probeOut: number | null;
  throttled: number;
  /** waiting asks by trigger (in memory: a trigger asks again when it still has work; an ask not renewed within DEMAND_TTL_MS is dropped) */
  private readonly demands = new Map<string, { want: number; oldestDueAt: number; at: number }>();

  constructor(
    readonly policy: FlowPolicy,
    state: GateState = EMPTY_GATE,
  ) {
    this.window = policy.rateLimit ? new SlidingWindow(policy.rateLimit.limit, policy.rateLimit.periodSeconds * 1000 + START_MARGIN_MS, state.window) : null;
    this.starts = policy.rateLimit ? new SlidingWindow(policy.rateLimit.limit, policy.rateLimit.periodSeconds * 1000 + ARRIVAL_MARGIN_MS, state.starts ?? []) : null;
    this.leases = state.leases.map(([t, n]) => [t, n]);
    this.breaker = { ...state.breaker };
    this.probeOut = state.probeOut;
    this.throttled = state.throttled;
  }

  private expire(now: number): void {
    this.leases = this.leases.filter(([t]) => t > now);
    for (const [t, d] of this.demands) if (d.at + DEMAND_TTL_MS <= now) this.demands.delete(t);
    if (this.probeOut !== null && this.probeOut <= now) this.probeOut = null;
  }

  /** Permits out now. */
  inFlight(now: number): number {
    this.expire(now);
    return this.leases.reduce((n, [, c]) => n + c, 0);
  }

  /** Deliveries waiting at the gate, as the asking triggers said. */
  waiting(now: number): { count: number; oldestDueAt: number | null } {
    this.expire(now);
    let count = 0;
    let oldest: number | null = null;
    for (const d of this.demands.values()) {
      count += d.want;
      oldest = oldest === null ? d.oldestDueAt : Math.min(oldest, d.oldestDueAt);
    }
    return { count, oldestDueAt: oldest };
  }

  /** Triggers waiting that were not served, oldest first (to wake when room appears). */
  waitingTriggers(now: number): string[] {
    this.expire(now);
    return [...this.demands].sort((a, b) => a[1].oldestDueAt - b[1].oldestDueAt).map(([t]) => t);
  }

  /** When room may appear by the clock alone (the window, a hold, a probe, a lease), or null. */
  nextChangeAt(now: number): number | null {
    this.expire(now);
    const times: number[] = [];
    if (this.window && this.window.room(now) === 0) times.push(this.window.nextRoomAt(now));
    if (this.breaker.heldUntil !== null && this.breaker.heldUntil > now) times.push(this.breaker.heldUntil);
    if (this.breaker.breaker === "open" && this.policy.breaker) times.push((this.breaker.openedAt ?? now) + this.policy.breaker.cooldownSeconds * 1000);
    for (const [t] of this.leases) times.push(t);
    return times.length ? Math.min(...times) : null;
  }

  /**
   * A trigger's ask. Older asks of other triggers are served first: an ask
   * is granted only what is left after every older waiting ask's share.
   */
  ask(a: Ask, now: number): Grant {
    this.expire(now);
    const known = this.demands.get(a.trigger);
    this.demands.set(a.trigger, { want: a.want, oldestDueAt: a.oldestDueAt, at: now });
    if (this.policy.paused) return { granted: 0, probe: false, retryAt: null };
    if (this.breaker.heldUntil !== null && this.breaker.heldUntil > now) return { granted: 0, probe: false, retryAt: this.breaker.heldUntil };
    if (this.breaker.breaker === "open" && this.policy.breaker) {
      const probeAt = (this.breaker.openedAt ?? now) + this.policy.breaker.cooldownSeconds * 1000;
      if (this.probeOut !== null || now < probeAt) return { granted: 0, probe: false, retryAt: this.probeOut !== null ? null : probeAt };
      if (this.olderThan(a) > 0) return { granted: 0, probe: false, retryAt: null };
      this.probeOut = now + a.leaseMs;
      this.grant(a, 1, now, known !== undefined);
      return { granted: 1, probe: true, retryAt: null };
    }
    let room = a.want;
    if (this.window) room = Math.min(room, this.window.room(now));
    if (this.policy.concurrency !== undefined) room = Math.min(room, Math.max(0, this.policy.concurrency - this.inFlight(now)));
    room = Math.max(0, room - this.olderThan(a));
    if (room > 0) this.grant(a, room, now, known !== undefined);
    if (room >= a.want) return { granted: room, probe: false, retryAt: null };
    const at = this.window && this.window.room(now) === 0 ? this.window.nextRoomAt(now) : null;
    return { granted: room, probe: false, retryAt: at };
  }

  /** How many deliveries older asks of other triggers still wait for. */
  private olderThan(a: Ask): number {
    let n = 0;
    for (const [t, d] of this.demands) if (t !== a.trigger && d.oldestDueAt < a.oldestDueAt) n += d.want;
    return n;
  }

  private grant(a: Ask, n: number, now: number, waited: boolean): void {
    this.window?.take(now, n);
    const at = now + a.leaseMs;
    const last = this.leases[this.leases.length - 1];
    if (last && last[0] === at) last[1] += n;
    else this.leases.push([at, n]);
    if (waited) this.throttled += n;
    const left = a.want - n;
    if (left > 0) this.demands.set(a.trigger, { want: left, oldestDueAt: a.oldestDueAt, at: now });
    else this.demands.delete(a.trigger);
  }

  /**
   * An attempt is about to start at the flow (the consumer asks right
   * before it sends): the exact window counts starts, not grants, so the
   * queue's latency between a grant and its start cannot bunch starts past
   * the limit. A pause or hold that came after the grant stops it too.
   */
  start(now: number): Start {
    if (this.policy.paused) return { ok: false, retryAt: null };
    if (this.breaker.heldUntil !== null && this.breaker.heldUntil > now) return { ok: false, retryAt: this.breaker.heldUntil };
    if (!this.starts) return { ok: true, retryAt: null };
    if (this.starts.room(now) === 0) return { ok: false, retryAt: this.starts.nextRoomAt(now) };
    this.starts.take(now, 1);
    return { ok: true, retryAt: null };
  }

  /** A trigger's outcomes: permits come back; the breaker and the Retry-After hold learn from them. */
  report(outcomes: AttemptReport[], now: number): GateEvent[] {
    this.expire(now);
    const events: GateEvent[] = [];
    for (const o of outcomes) {
      this.free(1);
      if (o.probe) this.probeOut = null;
      const { state, events: ev } = afterAttempt(this.breaker, o, this.policy.breaker ?? { failureThreshold: Number.POSITIVE_INFINITY, cooldownSeconds: 30 }, now);
      this.breaker = state;
      events.push(...ev);
    }
    return events;
  }

  /** Permits given back without an attempt (a delivery settled or skipped before it was sent). */
  free(n: number): void {
    for (let left = n; left > 0 && this.leases.length; ) {
      const first = this.leases[0];
      const take = Math.min(first[1], left);
      first[1] -= take;
      left -= take;
      if (first[1] === 0) this.leases.shift();
    }
  }

  /** A trigger has nothing waiting any more. */
  forget(trigger: string): void {
    this.demands.delete(trigger);
  }

  state(now: number): GateState {
    this.expire(now);
    return { window: this.window?.state(now) ?? [], starts: this.starts?.state(now) ?? [], leases: this.leases.map(([t, n]) => [t, n]), breaker: { ...this.breaker }, probeOut: this.probeOut, throttled: this.throttled };
  }
}
