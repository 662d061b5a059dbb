/**
 * How long an object's outbox waits before retrying a failed row: doubling
 * from a second, capped at five minutes, for as long as the row fails (the
 * trigger's and the run's outboxes share it). Nothing is parked: a D1 outage
 * of any length converges within one capped interval of its end.
 */

/**
 * The longest wait between two attempts of one outbox row.
 * @internal (exported for tests)
 */
export const OUTBOX_MAX_BACKOFF_MS = 5 * 60_000;

/**
 * The wait after the `attempts`-th failure (0: the first).
 * @example backoffOf(0) // 1000
 * @example backoffOf(30) // 300000
 */
export function backoffOf(attempts: number): number {
  return Math.min(1000 * 2 ** Math.min(attempts, 20), OUTBOX_MAX_BACKOFF_MS);
}
