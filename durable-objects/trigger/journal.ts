/**
 * Writing to the stream: every event appended goes through here, so each
 * one is folded into the stats book when its transaction commits and the
 * book can never disagree with the stream.
 */
import { newEventId, triggerHash } from "../../src/contracts/ids";
import type { Core } from "./core";
import { appendEvent, headSeq } from "./tables/events";
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
  const ev = appendEvent(core, type, json ?? JSON.stringify(data ?? null), id ?? newEventId(hashOf(core), headSeq(core) + 1), ts);
  foldOnCommit(core, { seq: ev.seq, type, ts, data });
  return ev;
}
