/**
 * RunObject: one per tenant + run id. Holds the run's awaits (one per step),
 * their states, resume-token hashes, callbacks and one alarm for the earliest
 * deadline. Event awaits register a waiter with the awaited TriggerObject.
 */
import { DurableObject } from "cloudflare:workers";
import type { ObjectEnv } from "../src/contracts/object-env";
import type { RunRpc } from "../src/contracts/object-rpc";
import { AppError, rpcGuard } from "../src/errors";
import type { AwaitDef } from "../src/schemas/await";
import { randomToken, sha256Hex } from "../src/domain/bytes";
import { RunCore } from "./run/core";
import { hasSchema } from "./sql";
import { migrateRun } from "./run/schema";
import { createAwait, getAwait, view, settle, expire, resume, KEEP_SETTLED_MS, type AwaitRow } from "./run/awaits";
import { runCallbackStore, callbackControl, callbackBody, deadLetterCallback } from "./run/callbacks";
import { Ledger } from "./ledger/ledger";
import { queueAwaitCounts } from "./run/await-counts";
import { queueOp, drainRunOutbox, nextRunOutboxDue, applyWait, removeOp } from "./run/outbox";
import type { DeliveryControl, OutcomeItem, OutcomesAnswer } from "../src/contracts/rpc";
import { configureLogs } from "../src/observability/log";

const guard = rpcGuard;
const ALARM_GAP_MS = 200;

export class RunObject extends DurableObject<ObjectEnv> implements RunRpc {
  readonly core: RunCore;

  constructor(ctx: DurableObjectState, env: ObjectEnv) {
    super(ctx, env);
    configureLogs(env.LOG_LEVEL);
    this.core = new RunCore(ctx.storage, env);
    // A run that never awaited anything stays empty: reads and probes create no storage.
    this.ready = hasSchema(this.core.sql);
    if (this.ready) migrateRun(this.core.sql, ctx.storage);
    const c = this.core;
    c.ledger = new Ledger(
      {
        now: () => c.now(), tx: (fn) => c.tx(fn),
        queue: (q) => (q === "slow" ? c.env.DELIVERIES_SLOW : c.env.DELIVERIES),
        probe: (id) => ({ k: "run", t: c.tenant(), n: c.runId(), d: id, a: 0, p: 1 }),
      },
      runCallbackStore(c, () => this.ready),
    );
  }

  private ready: boolean;

  /**
   * The one post-commit path: the alarm first (before any awaited I/O, so a
   * reset after the commit still finds the work due), then the outbox and the
   * callbacks' hand-over, then the alarm again for what they changed.
   */
  private async settleEffects(): Promise<void> {
    await this.rearm();
    await drainRunOutbox(this.core);
    await this.core.ledger.handOver();
    await this.rearm();
  }

  private async rearm(): Promise<void> {
    const c = this.core;
    const deadline = c.sql.one<{ t: number | null }>(`SELECT min(expires_at) AS t FROM awaits WHERE status = 'waiting'`)?.t ?? null;
    const purge = c.sql.one<{ t: number | null }>(`SELECT min(settled_at) AS t FROM awaits WHERE status != 'waiting'`)?.t ?? null;
    const times = [deadline, nextRunOutboxDue(c), c.ledger.nextDue(), purge === null ? null : purge + KEEP_SETTLED_MS].filter((t): t is number => t !== null);
    if (!times.length) {
      await c.storage.deleteAlarm();
      return;
    }
    // alarms at most ALARM_GAP_MS apart: many deadlines close together are settled a few at a time, not one alarm each
    await c.storage.setAlarm(Math.max(Math.min(...times), c.now() + 5, this.lastAlarmAt + ALARM_GAP_MS));
  }

  async put(tenant: string, runId: string, step: string, def: AwaitDef) {
    return guard(async () => {
      const c = this.core;
      if (!this.ready) {
        migrateRun(c.sql, this.ctx.storage);
        this.ready = true;
      }
      const token = def.kind === "webhook" ? randomToken(32) : null;
      const tokenHash = token ? await sha256Hex(token) : null;
      const made = c.tx(() => {
        c.identify(tenant, runId);
        const r = createAwait(c, step, def, tokenHash);
        if (r.created && tokenHash) queueOp(c, `token:${step}`, { op: "token", tokenHash, step, expiresAt: r.row.expires_at! });
        if (r.created && r.row.expires_at! <= c.now()) expire(c, r.row); // an `until` in the past resolves at once
        if (r.created && def.kind === "event") {
          queueOp(c, `wait:${step}`, { op: "wait", trigger: def.trigger, step, match: def.match ?? {}, expiresAt: r.row.expires_at!, lookbackMs: def.lookbackMs ?? 0 });
        }
        return r;
      });
      if (made.created && def.kind === "event") await this.registerWaiter(step);
      await this.settleEffects();
      const row = getAwait(c, step)!;
      return {
        created: made.created,
        await: view(c, row),
        ...(made.created && token ? { resumeToken: token } : {}),
        ...(made.created && made.secret ? { secret: made.secret } : {}),
      };
    });
  }

  /**
   * Registers the event waiter now (a lookback match resolves at once); the
   * op stays in the outbox until it succeeds, so a transport error here is
   * retried by the alarm. A trigger that does not exist undoes the await (404).
   */
  private async registerWaiter(step: string): Promise<void> {
    const c = this.core;
    const key = `wait:${step}`;
    const row = c.sql.one<{ payload: string }>(`SELECT payload FROM outbox WHERE key = ?`, key);
    if (!row) return;
    let failure: { status: number; code: string; message: string } | null;
    try {
      failure = await applyWait(c, JSON.parse(row.payload));
    } catch {
      return; // transport error: the alarm retries it
    }
    c.tx(() => {
      removeOp(c, key);
      if (failure) (c.sql.run(`DELETE FROM awaits WHERE step = ?`, step), queueAwaitCounts(c));
    });
    if (failure) throw new AppError(failure.status as 404, failure.code, failure.message);
  }

  async get(step: string) {
    return guard(() => {
      const a = this.ready ? getAwait(this.core, step) : null;
      if (!a) throw new AppError(404, "not_found", `No await for step '${step}'`);
      return view(this.core, a);
    });
  }

  async list() {
    if (!this.ready) return { awaits: [] };
    return { awaits: this.core.sql.all<AwaitRow>(`SELECT * FROM awaits ORDER BY created_at, step`).map((a) => view(this.core, a)) };
  }

  async cancel(step: string) {
    return guard(async () => {
      const c = this.core;
      const a = this.ready ? getAwait(c, step) : null;
      if (!a) throw new AppError(404, "not_found", `No await for step '${step}'`);
      c.tx(() => {
        if (settle(c, step, "cancelled", null)) this.cleanupWaiting(a);
      });
      await this.settleEffects();
      return view(c, getAwait(c, step)!);
    });
  }

  /** After leaving `waiting`: an event waiter is removed from its trigger (inside the transaction). */
  private cleanupWaiting(a: AwaitRow): void {
    if (a.kind !== "event") return;
    const def = JSON.parse(a.request) as Extract<AwaitDef, { kind: "event" }>;
    queueOp(this.core, `unwait:${a.step}`, { op: "unwait", trigger: def.trigger, step: a.step });
  }

  /** Called by a TriggerObject when a fire matched this run's event await. */
  async resolveFromEvent(step: string, result: unknown): Promise<{ resolved: boolean }> {
    if (!this.ready) return { resolved: false };
    const resolved = this.core.tx(() => settle(this.core, step, "resolved", result));
    await this.settleEffects();
    return { resolved };
  }

  async resume(step: string, tokenHash: string, body: unknown) {
    return guard(async () => {
      if (!this.ready) throw new AppError(404, "not_found", "Unknown resume token");
      try {
        return this.core.tx(() => resume(this.core, step, tokenHash, body));
      } finally {
        await this.settleEffects();
      }
    });
  }

  /** Consumer: this run's callback targets, by step. */
  async deliveryControl(): Promise<DeliveryControl | null> {
    return this.ready ? callbackControl(this.core) : null;
  }

  /** Consumer, batched: records callback attempts' outcomes in one transaction. */
  async recordOutcomes(items: OutcomeItem[]): Promise<OutcomesAnswer | null> {
    if (!this.ready) return null;
    const answers = this.core.ledger.recordOutcomes(items);
    await this.rearm();
    this.ctx.waitUntil(this.core.ledger.handOver().then(() => this.rearm()));
    // callbacks carry their targets in their messages: the consumer keeps no control for a run
    return { answers, control: { version: 1, retired: false, targets: {}, skipped: [] } };
  }

  async deliveryBody(id: string, attempt: number): Promise<unknown> {
    if (!this.ready) return null;
    const c = this.core.sql.one<{ id: string; step: string; type: string; status: string; attempts: number; next_attempt_at: number | null }>(`SELECT id, step, type, status, attempts, next_attempt_at FROM callbacks WHERE id = ?`, id);
    return c ? callbackBody(this.core, c, attempt) : null;
  }

  async probeReturned(probeId: string): Promise<void> {
    this.core.ledger.probeReturned(probeId);
    await this.rearm();
  }

  async deadLetter(id: string): Promise<void> {
    if (this.ready) deadLetterCallback(this.core, id);
  }

  private lastAlarmAt = 0;

  override async alarm(): Promise<void> {
    if (!this.ready) return;
    const c = this.core;
    this.lastAlarmAt = c.now();
    const now = c.now();
    const due = c.sql.all<AwaitRow>(`SELECT * FROM awaits WHERE status = 'waiting' AND expires_at <= ? LIMIT 1000`, now);
    c.tx(() => {
      for (const a of due) if (expire(c, a)) this.cleanupWaiting(a);
    });
    // settled awaits are kept 7 days for inspection, then removed with their token row
    const old = c.sql.all<AwaitRow>(`SELECT * FROM awaits WHERE status != 'waiting' AND settled_at <= ? LIMIT 1000`, now - KEEP_SETTLED_MS);
    c.tx(() => {
      for (const a of old) {
        c.sql.run(`DELETE FROM awaits WHERE step = ?`, a.step);
        c.sql.run(`DELETE FROM callbacks WHERE step = ? AND status != 'queued'`, a.step);
        if (a.token_hash) queueOp(c, `untoken:${a.step}`, { op: "untoken", tokenHash: a.token_hash });
      }
      if (old.length) queueAwaitCounts(c);
    });
    await c.ledger.tick();
    await this.settleEffects();
  }
}
