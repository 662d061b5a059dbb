/**
 * The RunObject's outbox: side effects of a change (the D1 resume-token row,
 * removing an event waiter from its TriggerObject) are written in the change's
 * transaction and applied after commit; the alarm retries failures.
 */
import type { RunCore } from "./core";

export type RunOutboxOp =
  | { op: "token"; tokenHash: string; step: string; expiresAt: number }
  | { op: "untoken"; tokenHash: string }
  | { op: "unwait"; trigger: string; step: string };

export function queueOp(core: RunCore, key: string, op: RunOutboxOp): void {
  core.sql.run(`INSERT OR REPLACE INTO outbox (key, payload, attempts, next_at) VALUES (?, ?, 0, ?)`, key, JSON.stringify(op), core.now());
}

async function apply(core: RunCore, op: RunOutboxOp): Promise<void> {
  const env = core.env;
  if (op.op === "token") {
    await env.DB.prepare(`INSERT OR REPLACE INTO resume_tokens (token_hash, tenant, run_id, step, expires_at) VALUES (?, ?, ?, ?, ?)`)
      .bind(op.tokenHash, core.tenant(), core.runId(), op.step, op.expiresAt)
      .run();
  } else if (op.op === "untoken") {
    await env.DB.prepare(`DELETE FROM resume_tokens WHERE token_hash = ?`).bind(op.tokenHash).run();
  } else {
    const stub = env.TRIGGERS.get(env.TRIGGERS.idFromName(`${core.tenant()}:${op.trigger}`));
    await stub.removeWaiter(core.runId(), op.step);
  }
}

export async function drainRunOutbox(core: RunCore): Promise<void> {
  const rows = core.sql.all<{ key: string; payload: string; attempts: number }>(`SELECT key, payload, attempts FROM outbox WHERE next_at <= ? LIMIT 100`, core.now());
  for (const r of rows) {
    try {
      await apply(core, JSON.parse(r.payload));
      core.sql.run(`DELETE FROM outbox WHERE key = ? AND payload = ?`, r.key, r.payload);
    } catch (e) {
      core.sql.run(`UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE key = ?`, core.now() + Math.min(1000 * 2 ** r.attempts, 60_000), String((e as Error).message).slice(0, 300), r.key);
    }
  }
}

export function nextRunOutboxDue(core: RunCore): number | null {
  return core.sql.one<{ t: number | null }>(`SELECT min(next_at) AS t FROM outbox`)?.t ?? null;
}
