/**
 * The RunObject's outbox: side effects of a change (the D1 resume-token row,
 * registering or removing an event waiter on its TriggerObject) are written
 * in the change's transaction and applied after commit; the alarm retries
 * failures, so a waiter whose registration hit a transport error is
 * registered later, not forgotten. A failing row is retried with backoff
 * capped at OUTBOX_MAX_BACKOFF_MS for as long as it fails, one `outbox.retry`
 * log line per failure.
 */
import { isRpcFailure } from "../../src/errors";
import { objectStub, triggerObjectName } from "../../src/contracts/objects";
import { ResumeTokens } from "../../src/store/resume-tokens";
import { TenantMetrics } from "../../src/store/tenant-metrics";
import { awaitCounts } from "./await-counts";
import type { RunCore } from "./core";
import { settle } from "./awaits";
import { backoffOf } from "../../src/domain/outbox-backoff";
import { logEvent } from "../../src/observability/log";
import { singleFlight } from "../single-flight";

export type RunOutboxOp =
  | { op: "token"; tokenHash: string; step: string; expiresAt: number }
  | { op: "untoken"; tokenHash: string }
  | { op: "wait"; trigger: string; step: string; match: Record<string, unknown>; expiresAt: number; lookbackMs: number }
  | { op: "unwait"; trigger: string; step: string }
  | { op: "counts"; at: number };

export function queueOp(core: RunCore, key: string, op: RunOutboxOp): void {
  core.sql.run(`INSERT OR REPLACE INTO outbox (key, payload, attempts, next_at) VALUES (?, ?, 0, ?)`, key, JSON.stringify(op), core.now());
}

/** Registers an event waiter: a lookback match settles the await; an unknown trigger answers 404 (returned). */
export async function applyWait(core: RunCore, op: Extract<RunOutboxOp, { op: "wait" }>): Promise<{ status: number; code: string; message: string } | null> {
  const r = await triggerOf(core, op.trigger).addWaiter(core.runId(), op.step, op.match, op.expiresAt, op.lookbackMs);
  if (isRpcFailure(r)) return r.__error;
  if (r.matched) core.tx(() => settle(core, op.step, "resolved", r.matched));
  return null;
}

function triggerOf(core: RunCore, name: string) {
  return objectStub(core.env.TRIGGERS, triggerObjectName(core.tenant(), name));
}

async function apply(core: RunCore, op: RunOutboxOp): Promise<void> {
  const tokens = () => new ResumeTokens(core.env.DB, core.tenant());
  if (op.op === "token") await tokens().put(op.tokenHash, core.runId(), op.step, op.expiresAt);
  else if (op.op === "untoken") await tokens().remove(op.tokenHash);
  else if (op.op === "wait") await applyWait(core, op); // an unknown trigger now: the await times out at its deadline
  else if (op.op === "counts") await new TenantMetrics(core.env.DB, core.tenant()).putRunAwaits(core.runId(), awaitCounts(core), core.now());
  else await triggerOf(core, op.trigger).removeWaiter(core.runId(), op.step);
}

/** Rows the change that queued them is applying itself (./await-rpc.ts registers a waiter at once): a drain leaves them to it. */
const applying = new WeakMap<RunCore, Set<string>>();

/** Runs `fn`, which applies row `key` itself; meanwhile a drain does not apply that row too. */
export async function applyingRow<T>(core: RunCore, key: string, fn: () => Promise<T>): Promise<T> {
  let keys = applying.get(core);
  if (!keys) applying.set(core, (keys = new Set()));
  keys.add(key);
  try {
    return await fn();
  } finally {
    keys.delete(key);
  }
}

/** Applies the due rows; one drain at a time (../single-flight.ts): awaits changed together apply each row once. */
export function drainRunOutbox(core: RunCore): Promise<void> {
  return singleFlight(core, "outbox", () => drainPass(core));
}

const ROWS_PER_PASS = 100;

/**
 * One pass over the due rows; true when it took a full batch and applied
 * every row of it (more may be due). Rows an await's own request is applying
 * are left to it, and that request drains again once it is done.
 */
async function drainPass(core: RunCore): Promise<boolean> {
  const rows = core.sql.all<{ key: string; payload: string; attempts: number }>(`SELECT key, payload, attempts FROM outbox WHERE next_at <= ? LIMIT ?`, core.now(), ROWS_PER_PASS);
  let handled = 0;
  for (const r of rows) {
    if (applying.get(core)?.has(r.key)) continue;
    handled++;
    try {
      await apply(core, JSON.parse(r.payload));
      core.sql.run(`DELETE FROM outbox WHERE key = ? AND payload = ?`, r.key, r.payload);
    } catch (e) {
      const error = String((e as Error).message);
      const next = core.now() + backoffOf(r.attempts);
      core.sql.run(`UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE key = ?`, next, error.slice(0, 300), r.key);
      logEvent("outbox.retry", { tenant: core.tenant(), runId: core.runId(), key: r.key.slice(0, 300), attempt: r.attempts + 1, nextAt: next, reason: error.slice(0, 200) }, "warn");
    }
  }
  return rows.length === ROWS_PER_PASS && handled === rows.length;
}

export function removeOp(core: RunCore, key: string): void {
  core.sql.run(`DELETE FROM outbox WHERE key = ?`, key);
}
