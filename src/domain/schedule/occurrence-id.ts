/** Ids of scheduled fires, derived from the trigger and the scheduled time so a repeated alarm, a catch-up and a backfill agree on them. */
import { fnv1a32, hex8 } from "./hash";

/**
 * `sch_<ms in base 36, 9 digits>_<64-bit hash of triggerKey in hex>`. The
 * time is zero-padded so one trigger's ids sort by time as strings (until
 * the year 5188); the hash is 64 bits (two seeded FNV-1a halves) because
 * thousands of triggers share "0 * * * *" instants and 32 bits would collide.
 * Pass a tenant-qualified key if ids must be unique across tenants.
 * @example occurrenceId("acme/nightly", Date.UTC(2026, 0, 1)) // "sch_0mjuohs00_…" (16 hex digits after the last "_")
 */
export function occurrenceId(triggerKey: string, scheduledForMs: number): string {
  const time = Math.trunc(scheduledForMs).toString(36).padStart(9, "0");
  return `sch_${time}_${hex8(fnv1a32(triggerKey))}${hex8(fnv1a32(triggerKey, 0x9e3779b9))}`;
}
