/**
 * The open set: queued deliveries by id with their fire seq and lease, in
 * memory. Maintained as delivery rows change (./tables/deliveries.ts), and
 * rebuilt after a restart from the checkpoint's low-water mark: only the
 * window of fires that still had queued deliveries is read, never the table.
 */
import type { Core, OpenDelivery } from "./core";
import { book } from "./stats";
import { headSeq } from "./tables/events";
import { queuedAfter } from "./tables/deliveries";

const CHUNK = 1000;

export function openSet(core: Core): Map<string, OpenDelivery> {
  if (core.open === undefined) {
    const open = new Map<string, OpenDelivery>();
    if (core.ready) {
      let key: [number, number] = [book(core).openLow, -1];
      for (;;) {
        const rows = queuedAfter(core, key[0], key[1], CHUNK);
        for (const r of rows) open.set(r.id, { seq: r.event_seq, lease: r.lease_until ?? 0 });
        if (rows.length < CHUNK) break;
        key = [rows[rows.length - 1].event_seq, rows[rows.length - 1].n];
      }
    }
    core.open = open;
  }
  return core.open;
}

/** The oldest fire seq with a queued delivery (head + 1 when none). */
export function openLowWater(core: Core): number {
  let low = headSeq(core) + 1;
  for (const d of openSet(core).values()) if (d.seq < low) low = d.seq;
  return low;
}

/** The earliest lease among queued deliveries, or null. */
export function earliestLease(core: Core): number | null {
  let min: number | null = null;
  for (const d of openSet(core).values()) if (min === null || d.lease < min) min = d.lease;
  return min;
}

/** Queued deliveries whose lease ended by `now`, at most `limit`. */
export function expiredLeases(core: Core, now: number, limit: number): string[] {
  const out: string[] = [];
  for (const [id, d] of openSet(core)) {
    if (d.lease <= now) out.push(id);
    if (out.length >= limit) break;
  }
  return out;
}
