/**
 * The await verbs as the RunObject answers them over RPC: put (a webhook
 * await gets its resume token, an event await registers its waiter on the
 * trigger), read, list, cancel, resume by token, and the trigger's word that
 * a fire matched. Each change commits, then runs the post-commit path.
 */
import { AppError } from "../../src/errors";
import type { AwaitDef } from "../../src/schemas/await";
import type { AwaitPut, AwaitView } from "../../src/contracts/views";
import { randomToken, sha256Hex } from "../../src/domain/bytes";
import type { RunCore } from "./core";
import { createAwait, getAwait, view, settle, expire, resume, type AwaitRow } from "./awaits";
import { queueAwaitCounts } from "./await-counts";
import { queueOp, applyWait, applyingRow, removeOp } from "./outbox";
import { settleEffects } from "./after-commit";

export async function putAwait(core: RunCore, tenant: string, runId: string, step: string, def: AwaitDef): Promise<AwaitPut> {
  core.ensureSchema();
  const token = def.kind === "webhook" ? randomToken(32) : null;
  const tokenHash = token ? await sha256Hex(token) : null;
  const made = core.tx(() => {
    core.identify(tenant, runId);
    const r = createAwait(core, step, def, tokenHash);
    if (r.created && tokenHash) queueOp(core, `token:${step}`, { op: "token", tokenHash, step, expiresAt: r.row.expires_at! });
    if (r.created && r.row.expires_at! <= core.now()) expire(core, r.row); // an `until` in the past resolves at once
    if (r.created && def.kind === "event") {
      queueOp(core, `wait:${step}`, { op: "wait", trigger: def.trigger, step, match: def.match ?? {}, expiresAt: r.row.expires_at!, lookbackMs: def.lookbackMs ?? 0 });
    }
    return r;
  });
  if (made.created && def.kind === "event") await registerWaiter(core, step);
  await settleEffects(core);
  const row = getAwait(core, step)!;
  return {
    created: made.created,
    await: view(core, row),
    ...(made.created && token ? { resumeToken: token } : {}),
    ...(made.created && made.secret ? { secret: made.secret } : {}),
  };
}

/**
 * Registers the event waiter now (a lookback match resolves at once); the
 * op stays in the outbox until it succeeds, so a transport error here is
 * retried by the alarm. A trigger that does not exist undoes the await (404).
 */
async function registerWaiter(core: RunCore, step: string): Promise<void> {
  const key = `wait:${step}`;
  const row = core.sql.one<{ payload: string }>(`SELECT payload FROM outbox WHERE key = ?`, key);
  if (!row) return;
  let failure: { status: number; code: string; message: string } | null;
  try {
    failure = await applyingRow(core, key, () => applyWait(core, JSON.parse(row.payload)));
  } catch {
    return; // transport error: the alarm retries it
  }
  core.tx(() => {
    removeOp(core, key);
    if (failure) (core.sql.run(`DELETE FROM awaits WHERE step = ?`, step), queueAwaitCounts(core));
  });
  if (failure) throw new AppError(failure.status as 404, failure.code, failure.message);
}

function requireAwait(core: RunCore, step: string): AwaitRow {
  const a = core.ready ? getAwait(core, step) : null;
  if (!a) throw new AppError(404, "not_found", `No await for step '${step}'`);
  return a;
}

export function readAwait(core: RunCore, step: string): AwaitView {
  return view(core, requireAwait(core, step));
}

export function listAwaits(core: RunCore): { awaits: AwaitView[] } {
  if (!core.ready) return { awaits: [] };
  return { awaits: core.sql.all<AwaitRow>(`SELECT * FROM awaits ORDER BY created_at, step`).map((a) => view(core, a)) };
}

export async function cancelAwait(core: RunCore, step: string): Promise<AwaitView> {
  const a = requireAwait(core, step);
  core.tx(() => {
    if (settle(core, step, "cancelled", null)) leaveTrigger(core, a);
  });
  await settleEffects(core);
  return view(core, getAwait(core, step)!);
}

/** After leaving `waiting`: an event waiter is removed from its trigger (inside the transaction). */
export function leaveTrigger(core: RunCore, a: AwaitRow): void {
  if (a.kind !== "event") return;
  const def = JSON.parse(a.request) as Extract<AwaitDef, { kind: "event" }>;
  queueOp(core, `unwait:${a.step}`, { op: "unwait", trigger: def.trigger, step: a.step });
}

/** A TriggerObject's fire matched this run's event await. */
export async function resolveFromEvent(core: RunCore, step: string, result: unknown): Promise<{ resolved: boolean }> {
  if (!core.ready) return { resolved: false };
  const resolved = core.tx(() => settle(core, step, "resolved", result));
  await settleEffects(core);
  return { resolved };
}

/** The public /resume/{token} route: the token's hash is checked against the await's. */
export async function resumeAwait(core: RunCore, step: string, tokenHash: string, body: unknown): Promise<{ status: "resolved" }> {
  if (!core.ready) throw new AppError(404, "not_found", "Unknown resume token");
  try {
    return core.tx(() => resume(core, step, tokenHash, body));
  } finally {
    await settleEffects(core);
  }
}
