/**
 * Writing to the stream: every event appended goes through here, so each
 * one is folded into the stats book when its transaction commits and the
 * book can never disagree with the stream.
 */
import { newEventId, triggerHash } from "../../src/contracts/ids";
import type { Core } from "./core";
import { appendEvent, headSeq, type EventRow } from "./tables/events";
import { shapeEvent } from "./reads";
import { requireEntry } from "./tables/entry";
import { foldOnCommit } from "./stats";

/** The hash fire ids of this trigger carry. */
export function hashOf(core: Core): string {
  const row = requireEntry(core);
  return triggerHash(row.tenant, row.name);
}

/** Appends one event (inside a transaction); default id evt_<hash>_<seq>_<random>; `json` if the caller already serialised `data`. */
export function recordEvent(core: Core, type: string, data: unknown, id?: string, json?: string): { seq: number; id: string; ts: number } {
  const ts = core.now();
  const text = json ?? JSON.stringify(data ?? null);
  const ev = appendEvent(core, type, text, id ?? newEventId(hashOf(core), headSeq(core) + 1), ts);
  foldOnCommit(core, { seq: ev.seq, type, ts, data });
  if (core.onEventsCommitted) core.onCommit(() => keepForListeners(core, { seq: ev.seq, id: ev.id, type, ts, data: text }));
  return ev;
}

/** The newest events kept for live listeners: at most this many, and at most this many bytes of their data. */
const RECENT = 1_000;
const RECENT_BYTES = 2 * 1024 * 1024;

/** A committed event for the live listeners: kept in memory (bounded in count and bytes), and one pump per turn of the event loop. */
function keepForListeners(core: Core, row: EventRow): void {
  const bytes = row.data?.length ?? 0;
  if (bytes > RECENT_BYTES) {
    // too large to keep: memory starts after it (readers behind it read the stream)
    core.recentEvents = [];
    core.recentBytes = 0;
  } else {
    core.recentEvents.push({ ...shapeEvent(core, row), bytes });
    core.recentBytes += bytes;
  }
  let drop = 0;
  while (core.recentEvents.length - drop > RECENT || core.recentBytes > RECENT_BYTES) core.recentBytes -= core.recentEvents[drop++].bytes;
  if (drop) core.recentEvents.splice(0, drop);
  if (core.livePumpQueued) return;
  core.livePumpQueued = true;
  queueMicrotask(() => {
    core.livePumpQueued = false;
    core.onEventsCommitted?.();
  });
}
