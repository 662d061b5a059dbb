/**
 * Retention in bounded chunks. One pass removes at most CHUNK stream events
 * (with the settled deliveries and inbox rows of those fires), drops at most
 * CHUNK stored webhook requests past the inbox retention and deletes at most
 * CHUNK expired dedup keys; only when a pass removed a full chunk of
 * something does it say so and the alarm come back at once, until
 * everything past the cutoff is gone. Live keys are never examined (an index
 * finds the expired ones), so a trigger holding a year of schedule
 * occurrence keys costs nothing until they expire. Retention never passes a
 * fire that still has a queued delivery. The next pass is due when the
 * oldest remaining thing can expire: an object with nothing that can expire
 * holds no housekeeping alarm at all.
 */
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { deleteEventsThrough, expiredChunkEnd, firstEvent } from "./tables/events";
import { deleteSettledThrough, firstQueuedBetween } from "./tables/deliveries";
import { deleteInboxThrough, dropRequests, nextRequestExpiry } from "./tables/inbox";
import { earliestKeyExpiry, sweepExpiredKeys } from "./tables/dedup";
import { readMeta, writeMeta } from "./tables/meta";
import { pruneShapeKeys } from "./shaping";

/** @internal (exported for tests) */
export const CHUNK = 2_000;
const DAY = 86_400_000;
/**
 * The least time between two passes unless the last one removed a full
 * chunk: what is due but cannot go yet (a fire with a queued delivery past
 * the retention, a paused flow's backlog) is looked at again then, not in a loop.
 * @internal (exported for tests)
 */
export const MIN_PASS_GAP_MS = 60_000;

type Marks = { inboxGcId: number; more: boolean; lastPassAt: number };

function marks(core: Core): Marks {
  const m = readMeta<Partial<Marks>>(core, "housekeeping");
  return { inboxGcId: m?.inboxGcId ?? 0, more: m?.more ?? false, lastPassAt: m?.lastPassAt ?? 0 };
}

const retentionMs = (core: Core) => (loadEntry(core)?.def.config?.retentionDays ?? 30) * DAY;
const inboxRetentionMs = (core: Core) => (loadEntry(core)?.def.config?.inboxRetentionDays ?? 7) * DAY;

/** One bounded pass; returns whether there is more to do right away. */
export function runHousekeeping(core: Core): { more: boolean; removed: number } {
  if (!loadEntry(core)) return { more: false, removed: 0 };
  const now = core.now();
  return core.tx(() => {
    const m = marks(core);
    m.lastPassAt = now;
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
    // expired dedup keys, earliest first; a full chunk deleted means there may be more
    const swept = sweepExpiredKeys(core, now, CHUNK);
    removed += swept;
    more ||= swept >= CHUNK;
    // debounce bursts over for a day (./shaping.ts)
    const pruned = pruneShapeKeys(core, now, CHUNK);
    removed += pruned;
    more ||= pruned >= CHUNK;
    m.more = more;
    writeMeta(core, "housekeeping", m);
    return { more, removed };
  });
}

const minOf = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

/** When something can expire next: the oldest event, the oldest stored request, the earliest dedup key. */
function nextDue(core: Core, m: Marks): number | null {
  const oldest = firstEvent(core);
  return [oldest ? oldest.ts + retentionMs(core) : null, nextRequestExpiry(core, m.inboxGcId, inboxRetentionMs(core)), earliestKeyExpiry(core)]
    .reduce<number | null>((a, b) => minOf(a, b), null);
}

/**
 * When housekeeping is due (null: nothing can expire): at once after a pass
 * that removed a full chunk, else when the oldest event, the oldest stored
 * request or the earliest dedup key can expire (each one indexed read), and
 * never sooner than MIN_PASS_GAP_MS after the last pass.
 */
export function nextHousekeepingDue(core: Core): number | null {
  if (!loadEntry(core)) return null;
  const m = marks(core);
  if (m.more) return core.now();
  const due = nextDue(core, m);
  return due === null ? null : Math.max(due, m.lastPassAt + MIN_PASS_GAP_MS);
}
