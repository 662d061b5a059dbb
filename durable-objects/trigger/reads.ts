/** Reading the append-only stream: after a seq, optionally by type, and recent fires (lookback). Every read is bounded. */
import type { Core } from "./core";
import { requireEntry } from "./tables/entry";
import { eventsAfter, headSeq, type EventRow } from "./tables/events";
import type { EventsPage, StreamEvent } from "../../src/contracts/views";

/** How many rows one stream page may examine when it filters by type. */
export const SCAN_BUDGET = 5_000;
/** How far back (in events) a lookback looks at most. */
export const LOOKBACK_BUDGET = 10_000;

/** The event as readers see it: the payload hidden when persistData is false. */
export function shapeEvent(core: Core, r: EventRow): StreamEvent {
  const data = JSON.parse(r.data) as Record<string, unknown> | null;
  if (requireEntry(core).def.config?.persistData === false && data && "payload" in data) delete data.payload;
  return { seq: r.seq, id: r.id, type: r.type, ts: r.ts, data };
}

/** GET …/events: a page after `after`; nextCursor continues where the page (or its scan budget) stopped. */
export function readEvents(core: Core, after: number, limit: number, types: string[] | null): EventsPage {
  requireEntry(core);
  const page = eventsAfter(core, after, limit, types, types && types.length ? SCAN_BUDGET : Number.MAX_SAFE_INTEGER);
  const events = page.rows.map((r) => shapeEvent(core, r));
  return { events, nextCursor: page.more ? String(page.scannedTo) : null };
}

/** trigger.fired events at or after `since` (ms) among the last `budget` events, oldest first. */
export function recentFires(core: Core, since: number, budget: number): EventRow[] {
  const from = Math.max(0, headSeq(core) - budget);
  return core.sql
    .all<EventRow>(`SELECT seq, id, type, ts, data FROM events WHERE seq > ? AND type = 'trigger.fired' AND ts >= ? ORDER BY seq`, from, since);
}
