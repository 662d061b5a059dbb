/**
 * Delivery retry policy: which answers are retried, how long to wait before
 * the next attempt, and when a delivery is dead. Randomness and the clock are
 * arguments, so the queue consumer owns them and tests can pin them.
 */

/** A subscription's retry policy (API.md "Subscriptions" gives the bounds). */
export type RetryPolicy = { maxAttempts: number; initialBackoffSeconds: number; maxBackoffSeconds: number };

/** The policy used when a subscription sets none. */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 8, initialBackoffSeconds: 5, maxBackoffSeconds: 3600 };

/**
 * What an attempt's outcome means for the delivery. `null` stands for a
 * timeout or network error. 2xx is delivered; 408, 429, 5xx and `null` are
 * retried; anything else fails at once, 3xx included since redirects are not
 * followed (a signed delivery must not be replayed to another host).
 * @example classifyResponse(503) // "retry"
 */
export function classifyResponse(status: number | null): "delivered" | "retry" | "fail" {
  if (status === null) return "retry";
  if (status >= 200 && status <= 299) return "delivered";
  if (status === 408 || status === 429 || (status >= 500 && status <= 599)) return "retry";
  return "fail";
}

// A weekday name and an hh:mm:ss time: the three HTTP-date forms of RFC 9110
// (IMF-fixdate, RFC 850, asctime) all have both, unlike the many strings
// Date.parse would otherwise accept.
const HTTP_DATE_RE = /^[A-Za-z]{3,9},? .*\b\d{2}:\d{2}:\d{2}\b/;

/**
 * Parses a `Retry-After` header into seconds from `nowMs`: either
 * delta-seconds or an HTTP-date. Past dates give 0; absent or unparsable
 * values give `null`.
 * @example parseRetryAfter("120", now) // 120
 * @example parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("2015-10-21T07:27:00Z")) // 60
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  if (!HTTP_DATE_RE.test(v)) return null;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * Seconds to wait before the next attempt, after `attempt` attempts (>= 1).
 * Without Retry-After: `initial * 2^(attempt-1)` capped at `maxBackoffSeconds`,
 * with equal jitter (half of it fixed, half scaled by `random`), so retries
 * of many deliveries that failed together spread out but never come early.
 * With Retry-After the receiver's wish is honoured exactly, capped at
 * `maxBackoffSeconds`. Always a whole number of seconds, at least 1.
 * @param random a number in [0, 1), e.g. `Math.random()`
 * @example nextDelaySeconds(3, DEFAULT_RETRY, 0) // 10 (base 20: 10 fixed + 0 random)
 */
export function nextDelaySeconds(
  attempt: number,
  policy: RetryPolicy,
  random: number,
  retryAfterSeconds?: number | null,
): number {
  const max = Math.max(1, policy.maxBackoffSeconds);
  const clamp = (s: number) => Math.min(max, Math.max(1, Math.ceil(s)));
  if (retryAfterSeconds != null && Number.isFinite(retryAfterSeconds)) return clamp(retryAfterSeconds);
  const n = Math.max(1, Math.floor(attempt));
  const base = Math.min(max, policy.initialBackoffSeconds * 2 ** (n - 1));
  const r = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0;
  return clamp(base / 2 + (base / 2) * r);
}

/**
 * Whether a delivery that has made `attempt` attempts is out of attempts (dead).
 * @example shouldGiveUp(8, DEFAULT_RETRY) // true
 * @internal (exported for tests)
 */
export function shouldGiveUp(attempt: number, policy: RetryPolicy): boolean {
  return attempt >= policy.maxAttempts;
}

/** What the ledger does with a delivery after one attempt. */
export type AttemptDecision =
  | { status: "delivered" }
  | { status: "retry"; delaySeconds: number }
  | { status: "failed" }
  | { status: "dead" };

/**
 * The delivery state machine's one decision: an attempt's answer, the attempt
 * number (1-based) and the retry policy give delivered, retry (after how
 * long), failed (a 4xx other than 408/429) or dead (out of attempts).
 * @example decideAttempt(503, null, 8, DEFAULT_RETRY, 0.5) // { status: "dead" }
 */
export function decideAttempt(statusCode: number | null, retryAfterSeconds: number | null, attempt: number, policy: RetryPolicy, random: number): AttemptDecision {
  const kind = classifyResponse(statusCode);
  if (kind === "delivered") return { status: "delivered" };
  if (kind === "fail") return { status: "failed" };
  if (shouldGiveUp(attempt, policy)) return { status: "dead" };
  return { status: "retry", delaySeconds: nextDelaySeconds(attempt, policy, random, retryAfterSeconds) };
}
