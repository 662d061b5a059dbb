/**
 * FlowGateObject: one per tenant and flow with a policy (docs/flow-control.md).
 * The single writer of the flow's rate window, permits, flow-wide breaker,
 * Retry-After hold and pause: triggers ask it before they hand a delivery
 * of the flow to a queue and report each outcome back. Its alarm wakes the
 * triggers that wait when room comes back, tells every subscribed trigger
 * when the policy changes, and keeps the flow's D1 row current.
 */
import { DurableObject } from "cloudflare:workers";
import type { ObjectEnv } from "../src/contracts/object-env";
import type { FlowGateRpc } from "../src/contracts/object-rpc";
import type { GateView } from "../src/contracts/views";
import { rpcGuard as guard } from "../src/errors";
import type { FlowPolicy } from "../src/schemas/flow";
import type { AttemptReport } from "../src/domain/flow/gate";
import { configureLogs, logEvent } from "../src/observability/log";
import { GateCore } from "./flow-gate/core";
import { gateView } from "./flow-gate/view";
import { flowChanges } from "./flow-gate/changes";
import { runGateAlarm, rearmGate, markDirty, notifyNow, wakeWaiting } from "./flow-gate/alarm";

export class FlowGateObject extends DurableObject<ObjectEnv> implements FlowGateRpc {
  private readonly core: GateCore;

  constructor(ctx: DurableObjectState, env: ObjectEnv) {
    super(ctx, env);
    configureLogs(env.LOG_LEVEL);
    this.core = new GateCore(ctx.storage);
  }

  setPolicy(tenant: string, flow: string, policy: FlowPolicy, source: string | null) {
    return guard(() => this.replace(tenant, flow, policy, source));
  }

  setPaused(tenant: string, flow: string, paused: boolean) {
    return guard(async () => {
      const stored = this.core.policy();
      const { paused: _, ...rest } = stored?.policy ?? {};
      const r = await this.replace(tenant, flow, paused ? { ...rest, paused: true } : rest, stored?.source ?? null);
      if (!paused) this.ctx.waitUntil(wakeWaiting(this.core, this.env, Number.POSITIVE_INFINITY));
      return r;
    });
  }

  /** Replaces the policy; the subscribed triggers learn it from the alarm (at once). */
  private async replace(tenant: string, flow: string, policy: FlowPolicy, source: string | null): Promise<{ created: boolean; view: GateView }> {
    const created = this.core.tx(() => {
      this.core.ensureSchema();
      this.core.identify({ tenant, flow });
      const old = this.core.policy();
      const now = this.core.now();
      const changed = !old || JSON.stringify(old.policy) !== JSON.stringify(policy) || old.source !== source;
      if (changed) {
        const version = (old?.version ?? 0) + 1;
        this.core.savePolicy({ policy, version, source, createdAt: old?.createdAt ?? now, updatedAt: now });
        this.core.setNotifying({ version, after: "" });
        for (const [type, data] of flowChanges(old?.policy ?? {}, policy)) this.core.record(type, { ...data, version });
        markDirty(this.core, true);
      }
      return !old || Object.keys(old.policy).length === 0;
    });
    await notifyNow(this.core, this.env);
    await rearmGate(this.core, this.ctx);
    return { created, view: gateView(this.core) };
  }

  async view(): Promise<GateView | null> {
    const p = this.core.ready ? this.core.policy() : null;
    return p && Object.keys(p.policy).length > 0 ? gateView(this.core) : null;
  }

  async ask(trigger: string, want: number, oldestDueAt: number, leaseMs: number) {
    const p = this.core.ready ? this.core.policy() : null;
    if (!p || Object.keys(p.policy).length === 0) return { granted: want, probe: false, retryAt: null, version: p?.version ?? 0 };
    const grant = this.core.tx(() => {
      const g = this.core.current().ask({ trigger, want, oldestDueAt, leaseMs }, this.core.now());
      // one row before the answer leaves: a restart never forgets a grant
      if (g.granted > 0) this.core.checkpoint();
      return g;
    });
    markDirty(this.core, false);
    await rearmGate(this.core, this.ctx);
    return { ...grant, version: p.version };
  }

  async start() {
    const p = this.core.ready ? this.core.policy() : null;
    if (!p || Object.keys(p.policy).length === 0) return { ok: true, retryAt: null };
    // kept in memory and in the next checkpoint (a grant's or a report's): no write per start
    return this.core.current().start(this.core.now());
  }

  async report(trigger: string, outcomes: AttemptReport[], unused: number): Promise<void> {
    if (!this.core.ready || !this.core.policy()) return;
    this.core.tx(() => {
      const gate = this.core.current();
      gate.free(unused);
      const events = gate.report(outcomes, this.core.now());
      for (const e of events) {
        const { type, ...data } = e;
        this.core.record(`flow.${type}`, { ...data, trigger });
        logEvent("flow", { flow: this.core.identity()?.flow, event: type, trigger }, type === "breaker_closed" ? "info" : "warn");
      }
      // the breaker's and the hold's changes are kept at once; freed permits and starts with the next grant
      // (after a restart without it, a permit frees itself at its lease's end)
      if (events.length) this.core.checkpoint();
    });
    markDirty(this.core, false);
    this.ctx.waitUntil(wakeWaiting(this.core, this.env, 16));
    await rearmGate(this.core, this.ctx);
  }

  async activity(after: number, limit: number) {
    const entries = this.core.activity(after, limit + 1);
    const page = entries.slice(0, limit);
    return { entries: page, nextCursor: entries.length > limit ? String(page[page.length - 1].seq) : null };
  }

  async recovered(tenant: string, flow: string, data: Record<string, unknown>): Promise<void> {
    this.core.tx(() => {
      this.core.ensureSchema();
      this.core.identify({ tenant, flow });
      this.core.record("flow.recovered", data);
    });
  }

  override async alarm(): Promise<void> {
    await runGateAlarm(this.core, this.env, this.ctx);
  }
}
