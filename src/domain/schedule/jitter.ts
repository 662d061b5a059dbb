/** Per-occurrence jitter: the same trigger and occurrence always get the same delay, so a retried alarm lands where the first one would have. */
import { fnv1a32 } from "./hash";

/**
 * A delay in [0, jitterSeconds * 1000) ms, fixed by `seed` (e.g. the
 * tenant-qualified trigger key) and the occurrence's scheduled time.
 * @example jitterOffsetMs("acme/nightly", Date.UTC(2026, 0, 1), 60) // same value on every call, < 60000
 */
export function jitterOffsetMs(seed: string, occurrenceMs: number, jitterSeconds: number): number {
  const rangeMs = Math.floor(jitterSeconds * 1000);
  if (!(rangeMs > 0)) return 0;
  return fnv1a32(`${seed}\u0000${occurrenceMs}`) % rangeMs;
}
