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

const RECENT = 1_000;

/** A committed event for the live listeners: kept in memory (bounded), and one pump per turn of the event loop. */
function keepForListeners(core: Core, row: EventRow): void {
  core.recentEvents.push(shapeEvent(core, row));
  if (core.recentEvents.length > RECENT) core.recentEvents.splice(0, core.recentEvents.length - RECENT);
  if (core.livePumpQueued) return;
  core.livePumpQueued = true;
  queueMicrotask(() => {
    core.livePumpQueued = false;
    core.onEventsCommitted?.();
  });
}
