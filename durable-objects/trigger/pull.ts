/**
 * Pull subscriptions: a durable checkpoint per flow. Reading returns the
 * trigger.fired events after it that were meant for the flow (optionally
 * waiting for one to arrive); ack moves it forward, never back; a reset is
 * recorded as checkpoint.reset. A read examines a bounded window: fires sent
 * only to other flows that lie before the first one for this flow move the
 * checkpoint past them, so a reader is never stuck behind them.
 */
import { AppError } from "../../src/errors";
import type { Core, Subscription } from "./core";
import { requireEntry } from "./tables/entry";
import { eventsAfter, headSeq } from "./tables/events";
import { findSubscription, setCheckpoint } from "./tables/subscriptions";
import { recordEvent } from "./journal";
import { shapeEvent } from "./reads";
import type { Checkpoint, PullPage, StreamEvent } from "../../src/contracts/views";

export const MAX_WAIT_MS = 30_000;
const PULL_BUDGET = 5_000;

function requirePull(core: Core, flow: string): Subscription {
  requireEntry(core);
  const sub = findSubscription(core, flow);
  if (!sub) throw new AppError(404, "not_found", `Flow '${flow}' is not subscribed`);
  if (sub.target.type !== "pull") throw new AppError(409, "not_a_pull_subscription", `Flow '${flow}' has a ${sub.target.type} target, not pull`);
  return sub;
}

/** Fired events after the checkpoint that were meant for this flow. */
export function pendingFor(core: Core, flow: string, limit: number): PullPage {
  const sub = requirePull(core, flow);
  let after = sub.checkpoint;
  let skipTo: number | null = null;
  const events: StreamEvent[] = [];
  for (let examined = 0; events.length < limit && examined < PULL_BUDGET && after < headSeq(core); ) {
    const page = eventsAfter(core, after, limit - events.length, ["trigger.fired"], PULL_BUDGET - examined);
    examined += page.scannedTo - after;
    for (const r of page.rows) {
      const data = JSON.parse(r.data) as { flows?: string[] };
      if (data.flows && !data.flows.includes(flow)) {
        if (events.length === 0) skipTo = r.seq;
        continue;
      }
      events.push(shapeEvent(core, r));
    }
    if (events.length === 0) skipTo = page.scannedTo;
    after = page.scannedTo;
    if (!page.more) break;
  }
  let checkpoint = sub.checkpoint;
  if (skipTo !== null && skipTo > checkpoint) {
    core.tx(() => setCheckpoint(core, flow, skipTo!));
    checkpoint = skipTo;
  }
  return { events, checkpoint };
}

export function ack(core: Core, flow: string, seq: number): Checkpoint {
  return core.tx(() => {
    const sub = requirePull(core, flow);
    if (seq > headSeq(core)) throw new AppError(400, "invalid_request", `seq ${seq} is beyond the end of the stream (${headSeq(core)})`);
    if (seq < sub.checkpoint) throw new AppError(409, "checkpoint_behind", `The checkpoint is at ${sub.checkpoint}; it never moves back (use reset)`, { checkpoint: sub.checkpoint });
    if (seq > sub.checkpoint) setCheckpoint(core, flow, seq);
    return { checkpoint: seq };
  });
}

export function reset(core: Core, flow: string, to: "beginning" | "now"): Checkpoint {
  return core.tx(() => {
    requirePull(core, flow);
    const checkpoint = to === "now" ? headSeq(core) : 0;
    setCheckpoint(core, flow, checkpoint);
    recordEvent(core, "checkpoint.reset", { flow, checkpoint, reason: `reset_${to}` });
    return { checkpoint };
  });
}

/** Long-poll: resolves when a fire is recorded or after ms. */
export function waitForFire(core: Core, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      core.fireWaiters.delete(done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    core.fireWaiters.add(done);
  });
}
