/**
 * RunObject: one per tenant + run id. Holds the run's awaits (one per step),
 * their states, resume-token hashes, callbacks and one alarm for the earliest
 * deadline. Event awaits register a waiter with the awaited TriggerObject.
 * A thin facade over RunRpc: the awaits' verbs are in ./run/await-rpc.ts,
 * the consumer's side in ./run/delivery-rpc.ts, the alarm in ./run/alarm.ts
 * and the core with its ledger in ./run/boot.ts.
 */
import { DurableObject } from "cloudflare:workers";
import type { ObjectEnv } from "../src/contracts/object-env";
import type { RunRpc } from "../src/contracts/object-rpc";
import type { AttemptRef, OutcomeItem } from "../src/contracts/rpc";
import { rpcGuard as guard } from "../src/errors";
import type { AwaitDef } from "../src/schemas/await";
import { configureLogs } from "../src/observability/log";
import type { RunCore } from "./run/core";
import { bootRun } from "./run/boot";
import { runAlarm } from "./run/alarm";
import { putAwait, readAwait, listAwaits, cancelAwait, resolveFromEvent, resumeAwait } from "./run/await-rpc";
import { controlOf, recordOutcomes, bodyOf, probeReturned, deadLetter, currentAttempts } from "./run/delivery-rpc";

export class RunObject extends DurableObject<ObjectEnv> implements RunRpc {
  readonly core: RunCore;

  constructor(ctx: DurableObjectState, env: ObjectEnv) {
    super(ctx, env);
    configureLogs(env.LOG_LEVEL);
    this.core = bootRun(ctx.storage, env);
  }

  override async alarm(): Promise<void> {
    await runAlarm(this.core);
  }

  // Awaits.
  put(tenant: string, runId: string, step: string, def: AwaitDef) { return guard(() => putAwait(this.core, tenant, runId, step, def)); }
  get(step: string) { return guard(() => readAwait(this.core, step)); }
  async list() { return listAwaits(this.core); }
  cancel(step: string) { return guard(() => cancelAwait(this.core, step)); }
  resume(step: string, tokenHash: string, body: unknown) { return guard(() => resumeAwait(this.core, step, tokenHash, body)); }
  resolveFromEvent(step: string, result: unknown) { return resolveFromEvent(this.core, step, result); }

  // The delivery queues' consumer (await callbacks).
  async deliveryControl() { return controlOf(this.core); }
  recordOutcomes(items: OutcomeItem[]) { return recordOutcomes(this.core, (p) => this.ctx.waitUntil(p), items); }
  async deliveryBody(id: string, attempt: number) { return bodyOf(this.core, id, attempt); }
  probeReturned(probeId: string) { return probeReturned(this.core, probeId); }
  async deadLetter(id: string) { deadLetter(this.core, id); }
  async currentAttempts(items: AttemptRef[]) { return currentAttempts(this.core, items); }
}
