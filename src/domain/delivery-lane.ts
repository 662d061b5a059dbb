/**
 * A delivery lane's protection, as pure functions of its state and one
 * attempt's outcome (API.md "Flows: delivery policy", bullet "Defaults, no
 * policy needed"). A lane is one subscription of a trigger (or a run's
 * callbacks): it has a breaker, a Retry-After hold and a standing that says
 * which queue its first attempts take (fast, or slow for a flow that answers
 * slowly, so it never holds up the flows that answer at once).
 *
 * The breaker: `failureThreshold` consecutive failed attempts (any non-2xx,
 * timeouts and network errors) open it; while open no attempt starts but one
 * probe every `cooldownSeconds`; a probe that fails re-opens it (and does not
 * count against its delivery's attempts); any 2xx closes it.
 */

export type BreakerPolicy = { failureThreshold: number; cooldownSeconds: number };

/** Every subscription's breaker unless a flow policy replaces it. */
export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 20, cooldownSeconds: 30 };

/** At most this many attempts of one lane are in the queue or being sent at a time. */
export const DEFAULT_IN_FLIGHT = 64;

/** A Retry-After holds the lane at most this long. */
const MAX_HOLD_SECONDS = 3_600;

/** First attempts leave by the fast queue unless the lane's recent answers are slower than this (ms, smoothed)... */
const SLOW_ANSWER_MS = 1_000;
/** ...and come back to it once they are faster than this again. */
const FAST_ANSWER_MS = 500;

export type Standing = "fast" | "slow";

/** What is kept of a lane across restarts (one row, written only when it changes). */
export type LaneState = {
  breaker: "closed" | "open";
  /** consecutive failed attempts */
  failures: number;
  /** the latest opening (a failed probe re-opens) */
  openedAt: number | null;
  heldUntil: number | null;
  standing: Standing;
};

export const FRESH_LANE: LaneState = { breaker: "closed", failures: 0, openedAt: null, heldUntil: null, standing: "fast" };

export type LaneEvent =
  | { type: "breaker_opened"; failures: number; statusCode: number | null; error: string | null }
  | { type: "breaker_closed"; openedAt: number | null }
  | { type: "held"; until: number };

export type AttemptOutcome = {
  ok: boolean;
  /** a breaker probe (its failure re-opens the breaker) */
  probe: boolean;
  statusCode: number | null;
  error: string | null;
  retryAfterSeconds: number | null;
};

/**
 * The lane after one attempt's outcome, and the events it makes.
 * @example afterAttempt(FRESH_LANE, { ok: false, probe: false, statusCode: 503, error: "HTTP 503", retryAfterSeconds: 30 }, DEFAULT_BREAKER, 0).state.heldUntil // 30000
 */
export function afterAttempt(s: LaneState, a: AttemptOutcome, policy: BreakerPolicy, now: number): { state: LaneState; events: LaneEvent[] } {
  const events: LaneEvent[] = [];
  let next: LaneState = { ...s };
  if (a.ok) {
    if (s.breaker === "open") events.push({ type: "breaker_closed", openedAt: s.openedAt });
    next = { ...next, breaker: "closed", failures: 0, openedAt: null };
  } else {
    next.failures = s.failures + 1;
    if (s.breaker === "open") {
      if (a.probe) next.openedAt = now;
    } else if (next.failures >= policy.failureThreshold) {
      next = { ...next, breaker: "open", openedAt: now };
      events.push({ type: "breaker_opened", failures: next.failures, statusCode: a.statusCode, error: a.error });
    }
  }
  const hold = holdUntil(a, now);
  if (hold !== null && hold > (next.heldUntil ?? 0) + 1_000) {
    next.heldUntil = hold;
    events.push({ type: "held", until: hold });
  }
  return { state: next, events };
}

/** When a 429 or 503 with Retry-After holds the lane (null: it does not). */
function holdUntil(a: Pick<AttemptOutcome, "statusCode" | "retryAfterSeconds">, now: number): number | null {
  if ((a.statusCode !== 429 && a.statusCode !== 503) || a.retryAfterSeconds === null || a.retryAfterSeconds <= 0) return null;
  return now + Math.min(a.retryAfterSeconds, MAX_HOLD_SECONDS) * 1000;
}

/** When the open breaker lets its next probe go (null: closed). */
export function probeDueAt(s: LaneState, policy: BreakerPolicy): number | null {
  return s.breaker === "open" ? (s.openedAt ?? 0) + policy.cooldownSeconds * 1000 : null;
}

/** Whether the lane is held at `now` (by a Retry-After). */
export function isHeld(s: LaneState, now: number): boolean {
  return s.heldUntil !== null && s.heldUntil > now;
}

/**
 * The lane's standing after a smoothed answer time: slow above SLOW_ANSWER_MS,
 * fast again below FAST_ANSWER_MS (in between it keeps what it has).
 * @example standingFor("fast", 900) // "slow"
 */
export function standingFor(current: Standing, smoothedMs: number): Standing {
  if (smoothedMs > SLOW_ANSWER_MS) return "slow";
  if (smoothedMs < FAST_ANSWER_MS) return "fast";
  return current;
}

/** Exponentially smoothed answer time (the newest answer weighs 0.3). */
export function smooth(previous: number | null, ms: number): number {
  return previous === null ? ms : previous * 0.7 + ms * 0.3;
}

/** The breaker as a subscription shows it: half open while a probe is out. */
export function breakerView(s: LaneState, probeOut: boolean): "closed" | "open" | "half_open" {
  return s.breaker === "closed" ? "closed" : probeOut ? "half_open" : "open";
}
