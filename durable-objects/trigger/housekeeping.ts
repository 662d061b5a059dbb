/**
 * Retention in bounded chunks. One pass removes at most CHUNK stream events
 * (with the settled deliveries and inbox rows of those fires), drops at most
 * CHUNK stored webhook requests past the inbox retention and sweeps at most
 * CHUNK dedup keys; when a chunk was full the pass says so and the alarm
 * comes back at once, until everything past the cutoff is gone. Retention
 * never passes a fire that still has a queued delivery. The next pass is due
 * when the oldest remaining thing can expire: an object with nothing that
 * can expire holds no housekeeping alarm at all.
 */
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { deleteEventsThrough, expiredChunkEnd, firstEvent } from "./tables/events";
import { deleteSettledThrough, firstQueuedBetween } from "./tables/deliveries";
import { deleteInboxThrough, dropRequests, nextRequestExpiry } from "./tables/inbox";
import { sweepKeys } from "./tables/dedup";
import { readMeta, writeMeta } from "./tables/meta";

export const CHUNK = 2_000;
const DAY = 86_400_000;

type Marks = { inboxGcId: number; dedupKey: string; dedupNext: number | null; more: boolean };

function marks(core: Core): Marks {
  return { inboxGcId: 0, dedupKey: "", dedupNext: null, more: false, ...readMeta<Partial<Marks>>(core, "housekeeping") };
}

const retentionMs = (core: Core) => (loadEntry(core)?.def.config?.retentionDays ?? 30) * DAY;
const inboxRetentionMs = (core: Core) => (loadEntry(core)?.def.config?.inboxRetentionDays ?? 7) * DAY;

/** One bounded pass; returns whether there is more to do right away. */
export function runHousekeeping(core: Core): { more: boolean; removed: number } {
  if (!loadEntry(core)) return { more: false, removed: 0 };
  const now = core.now();
  return core.tx(() => {
    const m = marks(core);
    let removed = 0;
    let more = false;
    // the stream, and what belongs to the fires leaving it
    const end = expiredChunkEnd(core, now - retentionMs(core), CHUNK);
    if (end !== null) {
      const from = firstEvent(core)!.seq;
      const queued = firstQueuedBetween(core, from, end);
      const through = queued === null ? end : queued - 1;
      if (through >= from) {
        removed += deleteEventsThrough(core, through);
        removed += deleteSettledThrough(core, through);
        removed += deleteInboxThrough(core, through, CHUNK);
        more = through === end && end - from + 1 >= CHUNK;
      }
    }
    // stored webhook requests past the inbox retention
    const gc = dropRequests(core, m.inboxGcId, now - inboxRetentionMs(core), CHUNK);
    m.inboxGcId = gc.lastId;
    more ||= !gc.done;
    // expired dedup keys, a chunk at a time in key order
    const sweep = sweepKeys(core, m.dedupKey, CHUNK, now);
    removed += sweep.deleted;
    m.dedupNext = m.dedupKey === "" ? sweep.earliestKept : minOf(m.dedupNext, sweep.earliestKept);
    m.dedupKey = sweep.nextKey ?? "";
    more ||= sweep.nextKey !== null;
    m.more = more;
    writeMeta(core, "housekeeping", m);
    return { more, removed };
  });
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

/** When something can expire next: the oldest event, the oldest stored request, the earliest dedup key. */
function nextDue(core: Core, m: Marks): number | null {
  const oldest = firstEvent(core);
  return [oldest ? oldest.ts + retentionMs(core) : null, nextRequestExpiry(core, m.inboxGcId, inboxRetentionMs(core)), m.dedupNext]
    .reduce<number | null>((a, b) => minOf(a, b), null);
}

/**
 * When housekeeping is due (null: nothing can expire): at once after a full
 * chunk, else when the oldest event, the oldest stored request or the
 * earliest dedup key seen by the last sweep can expire. A dedup key is
 * always written with a fire, whose event brings a pass that sees the key.
 */
export function nextHousekeepingDue(core: Core): number | null {
  if (!loadEntry(core)) return null;
  const m = marks(core);
  return m.more ? core.now() : nextDue(core, m);
}
