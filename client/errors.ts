/**
 * The client's errors: every non-2xx answer becomes one of these, mapped in
 * one place (`errorFromResponse`) from the status and the JSON envelope
 * `{"error": {"code", "message", "details"}}`.
 */

export class SignalboxError extends Error {
  override name = "SignalboxError";
  constructor(
    /** the HTTP status (0 when no answer arrived) */
    readonly status: number,
    /** the envelope's snake_case code, e.g. `not_found` */
    readonly code: string,
    message: string,
    /** the envelope's details (zod issues, sync problems …) */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** 404: unknown trigger, fire, subscription … */
export class NotFoundError extends SignalboxError {
  override name = "NotFoundError";
}

/** 409: version (If-Match), state or idempotency conflict. */
export class ConflictError extends SignalboxError {
  override name = "ConflictError";
}

/** 400 (invalid input, `details` lists the problems) or 422 (payload fails the trigger's schema). */
export class ValidationError extends SignalboxError {
  override name = "ValidationError";
}

/** 401 (missing or bad key) or 403 (the key lacks the scope, or the source IP is blocked). */
export class UnauthorizedError extends SignalboxError {
  override name = "UnauthorizedError";
}

/** 429: over a rate limit; `retryAfter` is the server's Retry-After in seconds (null when absent). */
export class RateLimitedError extends SignalboxError {
  override name = "RateLimitedError";
  constructor(status: number, code: string, message: string, details: unknown, readonly retryAfter: number | null) {
    super(status, code, message, details);
  }
}

type Envelope = { error?: { code?: unknown; message?: unknown; details?: unknown } };

/**
 * The error for a non-2xx answer.
 * @example throw errorFromResponse(res.status, await res.json().catch(() => null), res.headers)
 */
export function errorFromResponse(status: number, body: unknown, headers?: Headers): SignalboxError {
  const e = (body as Envelope | null)?.error;
  const code = typeof e?.code === "string" ? e.code : `http_${status}`;
  const message = typeof e?.message === "string" ? e.message : `HTTP ${status}`;
  const details = e?.details;
  if (status === 404) return new NotFoundError(status, code, message, details);
  if (status === 409) return new ConflictError(status, code, message, details);
  if (status === 400 || status === 422) return new ValidationError(status, code, message, details);
  if (status === 401 || status === 403) return new UnauthorizedError(status, code, message, details);
  if (status === 429) {
    const ra = Number(headers?.get("retry-after"));
    return new RateLimitedError(status, code, message, details, Number.isFinite(ra) && ra >= 0 ? ra : null);
  }
  return new SignalboxError(status, code, message, details);
}
