/** Applies due run notices from the outbox: an event await resolved by a fire. Failures stay for the alarm. */
import { objectStub, runObjectName } from "../../src/contracts/objects";
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { dueOutbox, doneOutbox, failOutbox } from "./tables/outbox";
import { singleFlight } from "../single-flight";
import type { Notice } from "./waiters";

export function drainNotices(core: Core, onlyIfQueued = false): Promise<void> {
  if (onlyIfQueued && !core.runNotices) return Promise.resolve();
  // one drain at a time (../single-flight.ts): fires that settle together send each notice once
  return singleFlight(core, "run", () => drainPass(core));
}

const NOTICES_PER_PASS = 100;

/** One pass over the due notices; true when it took a full batch (more may be due). */
async function drainPass(core: Core): Promise<boolean> {
  core.runNotices = false;
  const row = loadEntry(core);
  if (!row) return false;
  const due = dueOutbox(core, "run:", core.now(), NOTICES_PER_PASS);
  for (const r of due) {
    const n = JSON.parse(r.payload) as Notice;
    try {
      await objectStub(core.env.RUNS, runObjectName(row.tenant, n.runId)).resolveFromEvent(n.step, n.result);
      doneOutbox(core, r);
    } catch (e) {
      failOutbox(core, r, String((e as Error).message), core.now());
    }
  }
  return due.length === NOTICES_PER_PASS;
}
