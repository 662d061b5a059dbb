/**
 * Size limits both sides enforce. A Durable Object's SQLite row holds at
 * most 2 MB: a stored webhook request is one row and its fire's event
 * another, so a webhook body is capped at 1 MiB (registration refuses a
 * larger `webhook.maxBodyBytes`), and an event whose data would not fit a row
 * is recorded skipped (`payload_too_large`) without its payload.
 */

/** The most a webhook body may be, and the most `webhook.maxBodyBytes` may say. */
export const HARD_MAX_BODY = 1024 * 1024;

/** A stream event's JSON above this many bytes is not stored with its payload. */
export const MAX_EVENT_BYTES = 1_900_000;

/**
 * Outbound work of one queue consumer invocation: at most this many attempts
 * (or RPCs) at a time, as a deployed Worker allows simultaneous connections.
 */
export const SEND_CONCURRENCY = 6;

/**
 * The fast delivery queue gives an attempt this long: an answer that takes
 * longer is cut off, the delivery waits again without an attempt counted,
 * and its lane takes the slow queue from then on.
 */
export const FAST_LANE_BUDGET_MS = 5_000;

/**
 * An answer slower than this on the fast queue marks its lane slow at once:
 * the rest of that lane's batch is handed back unsent (it takes the slow
 * queue), so a flow that turns slow holds the fast queue for one round only.
 */
export const FAST_LANE_SLOW_MS = 1_000;
