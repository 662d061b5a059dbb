/**
 * What a poll's outcome means for its group: carry on, retry with backoff
 * (408, 429, 5xx, timeouts, network errors, unreadable answers) or pause
 * until the trigger is updated (other 4xx); the group's poll state; and the
 * `poll.failed` / `poll.recovered` events. Clock and randomness are
 * arguments.
 */
import { classifyResponse, nextDelaySeconds, parseRetryAfter } from "../backoff";

/**
 * Retries never wait longer than this, unless the period itself is longer.
 * @internal (exported for tests)
 */
export const MAX_POLL_RETRY_MS = 3_600_000;

export type PollOutcome =
  | { kind: "response"; status: number; retryAfter?: string | null }
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "network"; message: string }
  /** A 2xx whose body cannot be used: too large, not JSON, items not an array. */
  | { kind: "invalid"; status: number; message: string };

/** @internal (exported for tests) */
export type PollVerdict = "ok" | "retry" | "pause";

/**
 * The group's `poll.state` (API.md), less `group`, which the caller adds.
 * `lastError` says why the last poll failed (null after a success), so a null
 * `lastStatus` (a network error or timeout) is explained where it is read.
 */
export type PollState = { lastPolledAt: number | null; lastStatus: number | null; lastError: string | null; consecutiveFailures: number; paused: boolean };

type PollFailedData = { status: number | null; error: string; attempt: number; paused?: true };
type PollRecoveredData = { status: number; error: null; attempt: number };
export type PollEvent = { type: "poll.failed"; data: PollFailedData } | { type: "poll.recovered"; data: PollRecoveredData };

export type OutcomeContext = {
  nowMs: number;
  /** The group's effective period, see `groupSchedule`. */
  periodMs: number;
  /** In [0, 1), e.g. `Math.random()`. */
  random: number;
  /** Default {@link MAX_POLL_RETRY_MS}. */
  maxRetryMs?: number;
};

/**
 * 2xx is ok; 408, 429, 5xx, timeouts, network errors and unreadable 2xx
 * bodies are retried; any other status (other 4xx, and 1xx/3xx, since
 * redirects are not followed) pauses the group.
 * @example classifyPollOutcome({ kind: "response", status: 404 }) // "pause"
 * @internal (exported for tests)
 */
export function classifyPollOutcome(outcome: PollOutcome): PollVerdict {
  if (outcome.kind !== "response") return "retry";
  const c = classifyResponse(outcome.status);
  return c === "delivered" ? "ok" : c === "retry" ? "retry" : "pause";
}

/** The state of a group that has not polled yet. */
export function initialPollState(): PollState {
  return { lastPolledAt: null, lastStatus: null, lastError: null, consecutiveFailures: 0, paused: false };
}

/**
 * Milliseconds until retry number `attempt` (1 = after the first failure):
 * the period doubling each time with equal jitter, or `Retry-After` (delta
 * seconds or an HTTP date, read with `parseRetryAfter`) when given; never
 * less than the period, never more than `maxRetryMs` unless the period is.
 * @example pollRetryDelayMs(3, 60_000, 0.5, null, 0) // 180000 (base 240 s: 120 s fixed + 60 s jitter)
 * @internal (exported for tests)
 */
export function pollRetryDelayMs(attempt: number, periodMs: number, random: number, retryAfter: string | null | undefined, nowMs: number, maxRetryMs = MAX_POLL_RETRY_MS): number {
  const cap = Math.max(maxRetryMs, periodMs);
  const policy = { maxAttempts: Infinity, initialBackoffSeconds: periodMs / 1000, maxBackoffSeconds: cap / 1000 };
  const seconds = nextDelaySeconds(attempt, policy, random, parseRetryAfter(retryAfter ?? null, nowMs));
  return Math.min(cap, Math.max(periodMs, seconds * 1000));
}

/**
 * Folds one poll outcome into the group's state. Answers the new state, the
 * event to append to every trigger of the group (a failure each time; a
 * recovery on the first success after failures; nothing for a plain success)
 * and `retryAt`: when to try again after a retryable failure, null when the
 * group follows its schedule (success) or is paused.
 * @example applyPollOutcome(initialPollState(), { kind: "response", status: 503 }, { nowMs: 0, periodMs: 60_000, random: 0 }).event
 * // { type: "poll.failed", data: { status: 503, error: "HTTP 503", attempt: 1 } }
 */
export function applyPollOutcome(
  state: PollState,
  outcome: PollOutcome,
  ctx: OutcomeContext,
): { state: PollState; event: PollEvent | null; retryAt: number | null } {
  const verdict = classifyPollOutcome(outcome);
  const status = outcome.kind === "response" || outcome.kind === "invalid" ? outcome.status : null;
  if (verdict === "ok") {
    const next: PollState = { lastPolledAt: ctx.nowMs, lastStatus: status, lastError: null, consecutiveFailures: 0, paused: false };
    const event: PollEvent | null = state.consecutiveFailures > 0
      ? { type: "poll.recovered", data: { status: status!, error: null, attempt: state.consecutiveFailures + 1 } }
      : null;
    return { state: next, event, retryAt: null };
  }
  const attempt = state.consecutiveFailures + 1;
  const paused = verdict === "pause";
  const error = describeOutcome(outcome);
  const next: PollState = { lastPolledAt: ctx.nowMs, lastStatus: status, lastError: error, consecutiveFailures: attempt, paused };
  const data: PollFailedData = { status, error, attempt };
  if (paused) data.paused = true;
  const retryAfter = outcome.kind === "response" ? outcome.retryAfter : null;
  const retryAt = paused ? null : ctx.nowMs + pollRetryDelayMs(attempt, ctx.periodMs, ctx.random, retryAfter, ctx.nowMs, ctx.maxRetryMs);
  return { state: next, event: { type: "poll.failed", data }, retryAt };
}

/**
 * The state after the trigger was updated: polling resumes from scratch.
 * @example unpausePollState({ ...s, paused: true, consecutiveFailures: 1 }) // { ...s, paused: false, consecutiveFailures: 0 }
 */
export function unpausePollState(state: PollState): PollState {
  return { ...state, paused: false, consecutiveFailures: 0 };
}

/**
 * The `error` text of a failure: short, and never a header or body of the
 * request (those may hold secrets).
 * @example describeOutcome({ kind: "timeout", timeoutMs: 10_000 }) // "timed out after 10000 ms"
 * @internal (exported for tests)
 */
export function describeOutcome(outcome: PollOutcome): string {
  switch (outcome.kind) {
    case "response":
      return `HTTP ${outcome.status}`;
    case "timeout":
      return `timed out after ${outcome.timeoutMs} ms`;
    case "network":
      return outcome.message || "network error";
    case "invalid":
      return outcome.message;
  }
}
