/**
 * TriggerObject: one per tenant + trigger name, the single writer of
 * everything about its trigger (index entry, stream, subscriptions,
 * deliveries, dedup, outbox). RPC methods compose the modules in ./trigger/;
 * AppErrors come back as plain RpcFailure values (classes don't cross RPC).
 */
import { DurableObject } from "cloudflare:workers";
import type { ObjectEnv } from "../src/contracts/object-env";
import type { TriggerRpc } from "../src/contracts/object-rpc";
import { rpcGuard, type RpcFailure } from "../src/errors";
import type { TriggerDef } from "../src/schemas/trigger";
import type { SubscriptionDef } from "../src/schemas/subscription";
import type { DefinitionPreview } from "../src/contracts/rpc";
import type { DeliveryControl, FireAnswer, FireRequest, FlowNotice, IngestAnswer, IngestRequest, OutcomeItem, OutcomesAnswer } from "../src/contracts/rpc";
import { Ledger } from "./ledger/ledger";
import { Core } from "./trigger/core";
import { register, retire, reactivate, view } from "./trigger/registry";
import { putSubscription, removeSubscription, subscriptionView } from "./trigger/subscribe";
import { rotateSecret } from "./trigger/rotate-secret";
import { getDelivery } from "./trigger/delivery-lookup";
import { payloadFingerprint } from "../src/domain/idempotency";
import { previewDefinition } from "./trigger/transfer";
import { fire } from "./trigger/pipeline";
import { afterCommit, type Committed } from "./trigger/after-commit";
import { preview, backfill, releaseIfSettled, scheduleOf } from "./trigger/schedule";
import { readEvents } from "./trigger/reads";
import { getFire, listFires } from "./trigger/fire-views";
import { feedPage } from "./trigger/feed";
import type { FeedPageAnswer, FeedPageRequest } from "../src/contracts/feed";
import { replayFire, skipFire, reportStatus } from "./trigger/operator";
import { triggerDeliveryStore, deliveryControl, deliveryBody, recordDeadLetter } from "./trigger/delivery-store";
import { runAlarm } from "./trigger/alarm";
import { ingest } from "./trigger/webhook-ingest";
import { processInbox } from "./trigger/webhook-inbox";
import { pendingFor, ack, reset, waitForFire, MAX_WAIT_MS } from "./trigger/pull";
import { addWaiter, removeWaiter } from "./trigger/waiters";
import { currentStats } from "./trigger/stats-flush";
import { book, bump } from "./trigger/stats";
import { loadEntry, requireEntry } from "./trigger/tables/entry";
import { deliveryById } from "./trigger/tables/deliveries";
import { outboxHealth } from "./trigger/tables/outbox";
import { detailedView, latenessView } from "../src/domain/trigger-stats/state";
import { acceptListener, hasListeners, onListenerMessage, pumpAll } from "./trigger/live";
import { fireFromFlow } from "./trigger/flow-fire";
import { pollStateOf, receiveFanOut } from "./trigger/poll-member";
import type { PollFanOut, PollFanOutAnswer } from "../src/contracts/rpc";
import type { DeletedItem, RetiredItem } from "../src/contracts/cleanup";
import { dropStaleRows, finishPurge, purge, purgePending, retireIfIdle, retiredBefore, PURGE_RETRY_MS } from "./trigger/cleanup";
import { configureLogs } from "../src/observability/log";

const INBOX_BATCH = 100;

const guard = rpcGuard;

export class TriggerObject extends DurableObject<ObjectEnv> implements TriggerRpc {
  /** Replaced by a fresh one when the trigger is deleted (nothing in memory may outlive its storage). */
  core: Core;
  /** When the running inbox drain started (null: none). */
  private drainingSince: number | null = null;
  private drainAgain = false;

  constructor(ctx: DurableObjectState, env: ObjectEnv) {
    super(ctx, env);
    configureLogs(env.LOG_LEVEL);
    this.core = this.boot();
    // listeners' pings are answered by the runtime: an idle listener never wakes the object
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    this.restoreListeners();
  }

  private boot(): Core {
    const core = new Core(this.ctx.storage, this.env);
    core.ledger = new Ledger(
      {
        now: () => core.now(),
        tx: (fn) => core.tx(fn),
        queue: (q) => (q === "slow" ? core.env.DELIVERIES_SLOW : core.env.DELIVERIES),
        probe: (id) => ({ t: loadEntry(core)?.tenant ?? "", n: loadEntry(core)?.name ?? "", d: id, a: 0, p: 1 }),
      },
      triggerDeliveryStore(core),
    );
    return core;
  }

  /** After a wake from hibernation the sockets (and their cursors, in attachments) are still there; memory is not. */
  restoreListeners(): void {
    if (hasListeners(this.ctx)) this.core.onEventsCommitted = () => pumpAll(this.core, this.ctx);
  }

  /** Live listeners: a WebSocket upgrade to /live (the Worker's SSE and WebSocket routes). */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== "/live" || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("not found", { status: 404 });
    const res = acceptListener(this.core, this.ctx, url);
    if (res.status === 101) this.core.onEventsCommitted ??= () => pumpAll(this.core, this.ctx);
    return res;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    onListenerMessage(this.core, ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, "closed");
    } catch {
      // already closed
    }
    if (!hasListeners(this.ctx)) {
      this.core.onEventsCommitted = undefined;
      this.core.recentEvents = [];
      this.core.recentBytes = 0;
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011);
  }

  /** The one post-commit path (./trigger/after-commit.ts). */
  private settle(c: Committed): Promise<void> {
    return afterCommit(this.core, (p) => this.ctx.waitUntil(p), c);
  }

  /** Applies the D1 projection now (so a list right after a write shows it); the alarm retries failures. */
  private project(): Promise<void> {
    return this.settle({ project: true });
  }

  /** `registeredAt`: the time a created trigger keeps (legacy import); null: now. */
  async register(tenant: string, name: string, def: TriggerDef, ifMatch: number | null, registeredAt: number | null = null) {
    return guard(async () => {
      const { created, previousPath } = register(this.core, tenant, name, def, ifMatch, registeredAt);
      await this.project();
      return { created, previousPath, trigger: view(this.core) };
    });
  }

  async get() {
    return guard(async () => {
      const v = view(this.core);
      const row = requireEntry(this.core);
      if (row.def.type !== "poll" || !v.poll) return v;
      return { ...v, poll: { ...v.poll, state: await pollStateOf(this.core, row) } };
    });
  }

  async retire(reason: string | null, ifMatch: number | null) {
    return guard(async () => {
      retire(this.core, reason, ifMatch);
      await this.project();
      return view(this.core);
    });
  }

  /** Cleanup: retires this trigger when it has no subscriber and no activity since the cutoff (null: it stays). */
  async retireIfInactive(cutoffMs: number, days: number, dryRun: boolean): Promise<RetiredItem | null | RpcFailure> {
    return guard(async () => {
      const item = retireIfIdle(this.core, cutoffMs, days, hasListeners(this.ctx), dryRun);
      if (item && !dryRun) await this.project();
      return item;
    });
  }

  /**
   * Cleanup: deletes this trigger when it was retired no later than the
   * cutoff (null: it stays). Nothing else runs in this object meanwhile, so
   * no registration interleaves with the deletion of the old name.
   */
  async purgeIfRetiredBefore(tenant: string, name: string, cutoffMs: number, dryRun: boolean): Promise<DeletedItem | null | RpcFailure> {
    return guard(() =>
      this.ctx.blockConcurrencyWhile(async () => {
        const item = retiredBefore(this.core, cutoffMs);
        if (dryRun) return item;
        if (!item) {
          if (!loadEntry(this.core)) await dropStaleRows(this.core, tenant, name);
          return null;
        }
        if (!(await purge(this.core))) return null;
        this.afterPurge();
        return item;
      }),
    );
  }

  /** The storage is gone: close listeners and forget everything held in memory. */
  private afterPurge(): void {
    for (const ws of this.ctx.getWebSockets()) ws.close(1000, "trigger deleted");
    this.core = this.boot();
  }

  async reactivate(ifMatch: number | null) {
    return guard(async () => {
      reactivate(this.core, ifMatch);
      await this.project();
      return view(this.core);
    });
  }

  async putSubscription(flow: string, body: SubscriptionDef) {
    return guard(async () => {
      const { created, secret, sub } = putSubscription(this.core, flow, body);
      await this.project();
      return { created, subscription: { ...subscriptionView(this.core, sub), trigger: requireEntry(this.core).name, ...(secret ? { secret } : {}) } };
    });
  }

  async removeSubscription(flow: string) {
    return guard(async () => {
      removeSubscription(this.core, flow);
      await this.project();
      return { removed: flow };
    });
  }

  /** POST …/rotate-secret: the new secret (returned once) and the subscription; the old secret keeps signing for the overlap. */
  async rotateSecret(flow: string, overlapHours: number) {
    return guard(async () => {
      const { secret, sub, previousSecretExpiresAt } = rotateSecret(this.core, flow, overlapHours);
      await this.project();
      return { ...subscriptionView(this.core, sub), trigger: requireEntry(this.core).name, secret, previousSecretExpiresAt };
    });
  }

  /** Import / sync: what a definition with plain secrets would change (compared here, where the stored secrets are). */
  async previewDefinition(def: TriggerDef, subs: { flow: string; body: SubscriptionDef }[]): Promise<DefinitionPreview | RpcFailure> {
    return guard(() => previewDefinition(this.core, def, subs));
  }

  async fire(input: FireRequest): Promise<FireAnswer | RpcFailure> {
    return guard(async () => {
      const fingerprint = input.idempotencyKey ? await payloadFingerprint(input.data) : undefined;
      const outcome = fire(this.core, {
        source: "api", data: input.data, dedupKey: input.idempotencyKey ? `idem:${input.idempotencyKey}` : null, countDuplicate: true, fingerprint,
        flows: input.flows, onSchemaFail: "reject", rateLimit: true,
        meta: input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : undefined,
      });
      await this.settle({ fires: [outcome] });
      return outcome.answer;
    });
  }

  async pull(flow: string, limit: number, waitMs: number) {
    return guard(async () => {
      let page = pendingFor(this.core, flow, limit);
      if (page.events.length === 0 && waitMs > 0) {
        await waitForFire(this.core, Math.min(waitMs, MAX_WAIT_MS));
        page = pendingFor(this.core, flow, limit);
      }
      return page;
    });
  }

  async ack(flow: string, seq: number) {
    return guard(() => ack(this.core, flow, seq));
  }

  async resetCheckpoint(flow: string, to: "beginning" | "now") {
    return guard(() => reset(this.core, flow, to));
  }

  async events(after: number, limit: number, types: string[] | null) {
    return guard(() => readEvents(this.core, after, limit, types));
  }

  async stats() {
    return guard(() => {
      const row = requireEntry(this.core);
      const s = book(this.core);
      return {
        ...currentStats(this.core), ...detailedView(s, this.core.now()), rowsWritten: this.core.sql.rowsWritten, ...(scheduleOf(row) ? latenessView(s) : {}),
        outbox: outboxHealth(this.core), rowsRead: this.core.sql.rowsRead,
      };
    });
  }

  async getFire(eventId: string) {
    return guard(() => getFire(this.core, eventId));
  }

  async getDelivery(deliveryId: string) {
    return guard(() => getDelivery(this.core, deliveryId));
  }

  async listFires(status: string | null, limit: number, before: number | null) {
    return guard(() => listFires(this.core, status, limit, before));
  }

  /** GET /v1/fires: this trigger's part of a page of the tenant-wide feed (reads only). */
  async feedPage(req: FeedPageRequest): Promise<FeedPageAnswer | RpcFailure> {
    return guard(() => feedPage(this.core, req));
  }

  async replay(eventId: string, flows: string[] | null) {
    return guard(async () => {
      const r = replayFire(this.core, eventId, flows);
      await this.settle({ deliveries: true });
      return { eventId, deliveries: r.deliveries };
    });
  }

  async skip(eventId: string, reason: string) {
    return guard(async () => {
      const r = skipFire(this.core, eventId, reason);
      await this.settle({ fires: releaseIfSettled(this.core), deliveries: true });
      return { eventId, ...r };
    });
  }

  async reportStatus(deliveryId: string, status: "processing" | "completed" | "failed", output: unknown, error: string | null) {
    return guard(async () => {
      const { repeated: _, ...r } = reportStatus(this.core, deliveryId, status, output, error);
      await this.settle({ fires: releaseIfSettled(this.core), deliveries: true, flowNotices: true });
      return r;
    });
  }

  /** A flow this trigger listens to reported on a delivery (chaining); repeats fire nothing. */
  async fireFromFlow(notice: FlowNotice) {
    return guard(async () => {
      const outcome = fireFromFlow(this.core, notice);
      await this.settle({ fires: [outcome] });
      return outcome.answer;
    });
  }

  /** The trigger's poll group hands over new items (or a poll.failed / poll.recovered); `member: false` tells it to drop this trigger. */
  async pollFanOut(p: PollFanOut): Promise<PollFanOutAnswer | RpcFailure> {
    return guard(async () => {
      const { answer, outcomes } = await receiveFanOut(this.core, p);
      await this.settle({ fires: outcomes });
      return answer;
    });
  }

  async deadLetter(deliveryId: string): Promise<void> {
    if (this.core.ready) recordDeadLetter(this.core, deliveryId);
  }

  /** Consumer: this trigger's delivery targets (cached by the consumer by version). */
  async deliveryControl(): Promise<DeliveryControl | null> {
    return loadEntry(this.core) ? deliveryControl(this.core) : null;
  }

  /** Consumer, batched: records the outcomes of attempts in one transaction; answers the current control with them. */
  async recordOutcomes(items: OutcomeItem[]): Promise<OutcomesAnswer | null> {
    if (!this.core.ready || !loadEntry(this.core)) return null;
    const answers = this.core.ledger.recordOutcomes(items);
    // the consumer waits for this answer before its next batch: the freed room is handed over after it
    await this.settle({ fires: releaseIfSettled(this.core), deliveries: true });
    return { answers, control: deliveryControl(this.core) };
  }

  /** Consumer: the body of an attempt too large to travel in its message. */
  async deliveryBody(deliveryId: string, attempt: number): Promise<unknown> {
    const d = this.core.ready ? deliveryById(this.core, deliveryId) : null;
    return d ? deliveryBody(this.core, d, attempt) : null;
  }

  /** Consumer: a probe this object sent came back through the queue. */
  async probeReturned(probeId: string): Promise<void> {
    this.core.ledger.probeReturned(probeId);
    await this.settle({});
  }

  /**
   * Webhook ingress: authenticate and store durably, then answer; processing
   * starts after the answer (and the alarm retries it if this instance dies).
   */
  async ingestWebhook(req: IngestRequest): Promise<IngestAnswer | RpcFailure> {
    return guard(async () => {
      let answer: IngestAnswer;
      try {
        answer = await ingest(this.core, req);
      } catch (e) {
        // a refusal is counted in memory: make sure the stats flush runs
        await this.settle({});
        throw e;
      }
      const stored = answer.kind === "stored" && answer.status === "accepted";
      await this.settle({ inbox: stored });
      if (stored) this.scheduleDrain();
      return answer;
    });
  }

  /** Webhook ingress: a request the Worker refused before it reached the object (a body over the limit) is counted here. */
  async countWebhookRefusal(outcome: "too_large"): Promise<void> {
    if (!this.core.ready || !loadEntry(this.core)) return;
    bump(this.core, "rejected", outcome);
    await this.settle({});
  }

  /** Starts an inbox drain after the current answer (waitUntil keeps this object's context alive for it). */
  scheduleDrain(): void {
    this.ctx.waitUntil(new Promise<void>((done) => setTimeout(() => void this.drainInbox().finally(done), 0)));
  }

  /**
   * Processes the inbox; a call while a drain runs asks it for one more pass.
   * processInbox is synchronous, so two drains never interleave on a row; the
   * flag only saves work (and is ignored if a drain looks stuck).
   */
  private async drainInbox(): Promise<void> {
    const now = Date.now();
    if (this.drainingSince !== null && now - this.drainingSince < 30_000) {
      this.drainAgain = true;
      return;
    }
    this.drainingSince = now;
    try {
      do {
        this.drainAgain = false;
        const outcomes = processInbox(this.core, INBOX_BATCH);
        await this.settle({ fires: outcomes });
        if (outcomes.length === INBOX_BATCH) this.drainAgain = true;
      } while (this.drainAgain);
    } finally {
      this.drainingSince = null;
    }
  }

  async schedulePreview(count: number) {
    return guard(() => preview(this.core, count));
  }

  async backfill(fromMs: number, toMs: number) {
    return guard(async () => {
      const r = backfill(this.core, fromMs, toMs);
      await this.settle({ fires: r.outcomes });
      return { fired: r.fired.length, alreadyFired: r.alreadyFired, eventIds: r.fired };
    });
  }

  /** RunObject: an event await starts waiting for this trigger (404 when the trigger is unknown). */
  async addWaiter(runId: string, step: string, match: Record<string, unknown>, expiresAt: number, lookbackMs: number) {
    return guard(() => addWaiter(this.core, runId, step, match, expiresAt, lookbackMs));
  }

  async removeWaiter(runId: string, step: string): Promise<void> {
    if (this.core.ready) removeWaiter(this.core, runId, step);
  }

  override async alarm(): Promise<void> {
    if (purgePending(this.core)) {
      await this.ctx.blockConcurrencyWhile(async () => {
        if (await finishPurge(this.core)) this.afterPurge();
        else await this.ctx.storage.setAlarm(Date.now() + PURGE_RETRY_MS);
      });
      return;
    }
    await runAlarm(this.core, () => this.drainInbox());
  }
}
