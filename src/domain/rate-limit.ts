/**
 * Fixed-window rate limiting (`config.rateLimit` of a trigger). The caller
 * stores the returned window and passes it back next time; the clock is an
 * argument so the maths is testable and deterministic.
 */

/** The stored state of one limiter: the window's start (epoch ms) and how many requests it admitted. */
export type RateWindow = { windowStart: number; count: number };

/**
 * Admits or refuses one request. Windows are aligned to multiples of
 * `windowSeconds` since the epoch (`windowStart = floor(now / windowMs) * windowMs`),
 * so every instance of a trigger agrees on the boundaries.
 *
 * When refused, `next` is `prev` unchanged (nothing to write) and
 * `retryAfterSeconds` is the whole seconds until the window ends, at least 1.
 * @throws RangeError when `windowSeconds` is not a positive finite number.
 * @example
 * const r = takeRateLimit(null, { max: 10, windowSeconds: 60 }, Date.now());
 * if (!r.allowed) throw tooMany(r.retryAfterSeconds);
 * save(r.next);
 */
export function takeRateLimit(
  prev: RateWindow | null,
  limit: { max: number; windowSeconds: number },
  nowMs: number,
): { allowed: boolean; next: RateWindow; retryAfterSeconds: number } {
  if (!Number.isFinite(limit.windowSeconds) || limit.windowSeconds <= 0) {
    throw new RangeError(`rate limit windowSeconds must be > 0, got ${limit.windowSeconds}`);
  }
  const windowMs = limit.windowSeconds * 1000;
  const windowStart = Math.floor(nowMs / windowMs) * windowMs;
  const used = prev && prev.windowStart === windowStart ? prev.count : 0;
  if (used < limit.max) {
    return { allowed: true, next: { windowStart, count: used + 1 }, retryAfterSeconds: 0 };
  }
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000));
  return { allowed: false, next: prev ?? { windowStart, count: used }, retryAfterSeconds };
}
