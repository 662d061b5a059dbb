/**
 * TriggerObject: one per tenant + trigger name, the single writer of
 * everything about its trigger (index entry, stream, subscriptions,
 * deliveries, dedup, outbox). A thin facade over TriggerRpc: each method
 * hands its work to one module in ./trigger/ (the *-rpc.ts verbs, or the
 * module that owns the read); AppErrors come back as plain RpcFailure
 * values (classes don't cross RPC). Beside the RPC surface: the WebSocket
 * lifecycle (./trigger/live-sockets.ts), the inbox drain
 * (./trigger/inbox-drain.ts), deletion (./trigger/purge.ts) and the core
 * with its ledger (./trigger/boot.ts).
 */
import { DurableObject } from "cloudflare:workers";
import type { ObjectEnv } from "../src/contracts/object-env";
import type { TriggerRpc } from "../src/contracts/object-rpc";
import type { FeedPageRequest } from "../src/contracts/feed";
import type { AttemptRef, FireRequest, FlowNotice, GateMark, IngestRequest, OutcomeItem, PollFanOut, RecoverPart } from "../src/contracts/rpc";
import { rpcGuard as guard } from "../src/errors";
import type { TriggerDef } from "../src/schemas/trigger";
import type { SubscriptionDef } from "../src/schemas/subscription";
import { configureLogs } from "../src/observability/log";
import type { Core } from "./trigger/core";
import type { TriggerHost } from "./trigger/host";
import { bootCore } from "./trigger/boot";
import { afterCommit, type Committed } from "./trigger/after-commit";
import { runAlarm } from "./trigger/alarm";
import { InboxDrain } from "./trigger/inbox-drain";
import { CommitGroup } from "./trigger/commit-group";
import { startListeners, openListener, listenerMessage, listenerClosed } from "./trigger/live-sockets";
import { finishPendingPurge, purgeIfRetiredBefore } from "./trigger/purge";
import { retireIfInactive } from "./trigger/cleanup";
import { registerTrigger, readTrigger, retireTrigger, reactivateTrigger, subscribe, unsubscribe, rotate } from "./trigger/definition-rpc";
import { fireFromApi, ingestWebhook, countWebhookRefusal, fireFromFlowNotice, pollFanOut, backfillRange, replay, skip, report } from "./trigger/fire-rpc";
import { controlOf, recordOutcomes, bodyOf, probeReturned, deadLetter, currentAttempts } from "./trigger/delivery-rpc";
import { statsOf, pull } from "./trigger/read-rpc";
import { previewDefinition } from "./trigger/transfer";
import { ack, reset } from "./trigger/pull";
import { readEvents } from "./trigger/reads";
import { getFire, listFires } from "./trigger/fire-views";
import { getDelivery } from "./trigger/delivery-lookup";
import { feedPage } from "./trigger/feed";
import { preview } from "./trigger/schedule";
import { addWaiter, removeWaiter } from "./trigger/waiters";
import { flowLane, gateChanged, gateWake } from "./trigger/flow-gates";
import { recoverFlow } from "./trigger/recover";

export class TriggerObject extends DurableObject<ObjectEnv> implements TriggerRpc, TriggerHost {
  /** Replaced by a fresh one when the trigger is deleted (nothing in memory may outlive its storage). */
  core: Core;
  // the object as its verbs see it (./trigger/host.ts): the base class's ctx and env, readable
  declare readonly ctx: DurableObjectState<{}>;
  declare readonly env: ObjectEnv;
  private readonly inbox = new InboxDrain(this);
  readonly commitGroup = new CommitGroup(() => this.core);

  constructor(ctx: DurableObjectState, env: ObjectEnv) {
    super(ctx, env);
    configureLogs(env.LOG_LEVEL);
    this.core = bootCore(ctx.storage, env);
    startListeners(this);
  }

  settle(c: Committed): Promise<void> {
    return afterCommit(this.core, (p) => this.ctx.waitUntil(p), c);
  }

  project(): Promise<void> {
    return this.settle({ project: true });
  }

  scheduleDrain(): void {
    this.inbox.schedule();
  }

  // Live listeners (hibernatable WebSockets).
  override async fetch(request: Request) { return openListener(this, request); }
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) { listenerMessage(this, ws, message); }
  override async webSocketClose(ws: WebSocket, code: number) { listenerClosed(this, ws, code); }
  override async webSocketError(ws: WebSocket) { listenerClosed(this, ws, 1011); }

  override async alarm(): Promise<void> {
    if (await finishPendingPurge(this)) return;
    await runAlarm(this.core, () => this.inbox.drain());
  }

  // The definition.
  register(tenant: string, name: string, def: TriggerDef, ifMatch: number | null, registeredAt: number | null = null) {
    return guard(() => registerTrigger(this, tenant, name, def, ifMatch, registeredAt));
  }
  get() { return guard(() => readTrigger(this)); }
  retire(reason: string | null, ifMatch: number | null) { return guard(() => retireTrigger(this, reason, ifMatch)); }
  reactivate(ifMatch: number | null) { return guard(() => reactivateTrigger(this, ifMatch)); }
  putSubscription(flow: string, body: SubscriptionDef) { return guard(() => subscribe(this, flow, body)); }
  removeSubscription(flow: string) { return guard(() => unsubscribe(this, flow)); }
  rotateSecret(flow: string, overlapHours: number) { return guard(() => rotate(this, flow, overlapHours)); }
  previewDefinition(def: TriggerDef, subs: { flow: string; body: SubscriptionDef }[]) { return guard(() => previewDefinition(this.core, def, subs)); }

  // Fires and what settles them.
  fire(input: FireRequest) { return guard(() => fireFromApi(this, input)); }
  ingestWebhook(req: IngestRequest) { return guard(() => ingestWebhook(this, req)); }
  countWebhookRefusal(outcome: "too_large") { return countWebhookRefusal(this, outcome); }
  fireFromFlow(notice: FlowNotice) { return guard(() => fireFromFlowNotice(this, notice)); }
  pollFanOut(p: PollFanOut) { return guard(() => pollFanOut(this, p)); }
  backfill(fromMs: number, toMs: number) { return guard(() => backfillRange(this, fromMs, toMs)); }
  replay(eventId: string, flows: string[] | null) { return guard(() => replay(this, eventId, flows)); }
  skip(eventId: string, reason: string) { return guard(() => skip(this, eventId, reason)); }
  reportStatus(deliveryId: string, status: "processing" | "completed" | "failed", output: unknown, error: string | null) {
    return guard(() => report(this, deliveryId, status, output, error));
  }

  // Reads.
  events(after: number, limit: number, types: string[] | null) { return guard(() => readEvents(this.core, after, limit, types)); }
  stats() { return guard(() => statsOf(this.core)); }
  getFire(eventId: string) { return guard(() => getFire(this.core, eventId)); }
  getDelivery(deliveryId: string) { return guard(() => getDelivery(this.core, deliveryId)); }
  listFires(status: string | null, limit: number, before: number | null) { return guard(() => listFires(this.core, status, limit, before)); }
  feedPage(req: FeedPageRequest) { return guard(() => feedPage(this.core, req)); }
  schedulePreview(count: number) { return guard(() => preview(this.core, count)); }

  // Pull subscriptions.
  pull(flow: string, limit: number, waitMs: number) { return guard(() => pull(this.core, flow, limit, waitMs)); }
  ack(flow: string, seq: number) { return guard(() => ack(this.core, flow, seq)); }
  resetCheckpoint(flow: string, to: "beginning" | "now") { return guard(() => reset(this.core, flow, to)); }

  // The delivery queues' consumer.
  async deliveryControl() { return controlOf(this); }
  recordOutcomes(items: OutcomeItem[]) { return recordOutcomes(this, items); }
  async deliveryBody(deliveryId: string, attempt: number) { return bodyOf(this, deliveryId, attempt); }
  probeReturned(probeId: string) { return probeReturned(this, probeId); }
  async deadLetter(deliveryId: string) { deadLetter(this, deliveryId); }
  async currentAttempts(items: AttemptRef[]) { return currentAttempts(this, items); }

  // Cleanup.
  retireIfInactive(cutoffMs: number, days: number, dryRun: boolean) { return guard(() => retireIfInactive(this, cutoffMs, days, dryRun)); }
  purgeIfRetiredBefore(tenant: string, name: string, cutoffMs: number, dryRun: boolean) {
    return guard(() => purgeIfRetiredBefore(this, tenant, name, cutoffMs, dryRun));
  }

  // A RunObject's event await.
  addWaiter(runId: string, step: string, match: Record<string, unknown>, expiresAt: number, lookbackMs: number) {
    return guard(() => addWaiter(this.core, runId, step, match, expiresAt, lookbackMs));
  }
  async removeWaiter(runId: string, step: string) { if (this.core.ready) removeWaiter(this.core, runId, step); }

  // Flow control (./trigger/flow-gates.ts, ./trigger/recover.ts).
  gateChanged(flow: string, mark: GateMark | null) { return gateChanged(this, flow, mark); }
  gateWake(flow: string) { return gateWake(this, flow); }
  async flowLane(flow: string) { return flowLane(this.core, flow); }
  recoverFlow(flow: string, part: RecoverPart) { return guard(() => recoverFlow(this, flow, part)); }
}
