/**
 * Pull subscriptions: a durable checkpoint per flow. Reading returns the
 * trigger.fired events after it (optionally waiting for one to arrive);
 * ack moves it forward, never back; a reset is recorded as checkpoint.reset.
 */
import { AppError } from "../../src/errors";
import type { Core } from "./core";
import { getSubscription, type Subscription } from "./subscriptions";
import type { StreamEvent } from "./stream";

export const MAX_WAIT_MS = 30_000;

function requirePull(core: Core, flow: string): Subscription {
  core.requireRow();
  const sub = getSubscription(core, flow);
  if (!sub) throw new AppError(404, "not_found", `Flow '${flow}' is not subscribed`);
  if (sub.target.type !== "pull") throw new AppError(409, "not_a_pull_subscription", `Flow '${flow}' has a ${sub.target.type} target, not pull`);
  return sub;
}

/** Fired events after the checkpoint that were meant for this flow. */
export function pendingFor(core: Core, flow: string, limit: number): { events: StreamEvent[]; checkpoint: number } {
  const sub = requirePull(core, flow);
  const hide = core.requireRow().def.config?.persistData === false;
  const rows = core.sql.all<{ seq: number; id: string; type: string; ts: number; data: string }>(
    `SELECT seq, id, type, ts, data FROM events WHERE seq > ? AND type = 'trigger.fired' ORDER BY seq LIMIT ?`,
    sub.checkpoint, limit * 4,
  );
  const events: StreamEvent[] = [];
  for (const r of rows) {
    const data = JSON.parse(r.data) as { flows?: string[]; payload?: unknown };
    if (data.flows && !data.flows.includes(flow)) continue;
    if (hide) delete data.payload;
    events.push({ seq: r.seq, id: r.id, type: r.type, ts: r.ts, data });
    if (events.length === limit) break;
  }
  return { events, checkpoint: sub.checkpoint };
}

export function ack(core: Core, flow: string, seq: number): { checkpoint: number } {
  return core.tx(() => {
    const sub = requirePull(core, flow);
    if (seq > core.currentSeq()) throw new AppError(400, "invalid_request", `seq ${seq} is beyond the end of the stream (${core.currentSeq()})`);
    if (seq < sub.checkpoint) throw new AppError(409, "checkpoint_behind", `The checkpoint is at ${sub.checkpoint}; it never moves back (use reset)`, { checkpoint: sub.checkpoint });
    if (seq > sub.checkpoint) core.sql.run(`UPDATE subscriptions SET checkpoint = ? WHERE flow = ?`, seq, flow);
    return { checkpoint: seq };
  });
}

export function reset(core: Core, flow: string, to: "beginning" | "now"): { checkpoint: number } {
  return core.tx(() => {
    requirePull(core, flow);
    const checkpoint = to === "now" ? core.currentSeq() : 0;
    core.sql.run(`UPDATE subscriptions SET checkpoint = ? WHERE flow = ?`, checkpoint, flow);
    core.appendEvent("checkpoint.reset", { flow, checkpoint, reason: `reset_${to}` });
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
