/**
 * The Durable Objects' RPC surfaces: every method the Worker, the queue
 * consumer or another object calls, with its arguments and answers. The
 * classes implement these; bindings and stubs are typed by them, so no
 * caller imports an object class (and the house has no import circle).
 *
 * Methods that can refuse answer an `RpcFailure` value instead of throwing
 * (error classes do not cross RPC); the Worker turns it back into an AppError.
 */
import type { RpcFailure } from "../errors";
import type { TriggerDef } from "../schemas/trigger";
import type { SubscriptionDef } from "../schemas/subscription";
import type { AwaitDef } from "../schemas/await";
import type { FlowPolicy } from "../schemas/flow";
import type { AttemptReport, Grant, Start } from "../domain/flow/gate";
import type { LaneFigures } from "../domain/flow/state";
import type { DeletedItem, RetiredItem } from "./cleanup";
import type { FeedPageAnswer, FeedPageRequest } from "./feed";
import type {
  AttemptRef, DefinitionPreview, DeliveryControl, FireAnswer, FireRequest, FlowNotice, GateMark, IngestAnswer, IngestRequest, OutcomeItem, OutcomesAnswer,
  PollFanOut, PollFanOutAnswer, PollMember, PollStateView, RecoverPart, WaiterResult,
} from "./rpc";
import type {
  ActivityPage, AwaitPut, AwaitView, Backfilled, GateView, RecoverPartAnswer, Checkpoint, DeliveryLookup, EventsPage, FireSkipped, FireView, FiresPage, PullPage, Registered,
  Replayed, RotatedSecret, SchedulePreview, StatsAnswer, StatusReported, SubscriptionAnswer, TriggerView,
} from "./views";

type Answer<T> = Promise<T | RpcFailure>;

/** What the delivery queues' consumer asks the owner of a delivery (a trigger, or a run for its await callbacks). */
export interface DeliveryOwnerRpc extends Rpc.DurableObjectBranded {
  /** The owner's delivery targets (null: the owner no longer exists). */
  deliveryControl(): Promise<DeliveryControl | null>;
  /** Records a batch of attempts' outcomes in one transaction (null: the owner no longer exists). */
  recordOutcomes(items: OutcomeItem[]): Promise<OutcomesAnswer | null>;
  /** The body of an attempt too large to travel in its message (null: gone). */
  deliveryBody(id: string, attempt: number): Promise<unknown>;
  /** A barrier message the owner sent came back through the queue. */
  probeReturned(probeId: string): Promise<void>;
  /** A message reached the dead-letter queue: its delivery is dead. */
  deadLetter(id: string): Promise<void>;
  /**
   * For a redelivered message: whether each attempt is still due (its
   * delivery queued and that attempt not recorded), so one already recorded
   * is not made twice (null: the owner no longer exists).
   */
  currentAttempts(items: AttemptRef[]): Promise<boolean[] | null>;
}

/**
 * TriggerObject: one per tenant and trigger name. Live listeners connect
 * through the stub's `fetch` (a WebSocket upgrade to `/live?after=&types=`),
 * not an RPC method.
 */
export interface TriggerRpc extends DeliveryOwnerRpc {
  /** `registeredAt`: the time a created trigger keeps (legacy import); null: now. */
  register(tenant: string, name: string, def: TriggerDef, ifMatch: number | null, registeredAt?: number | null): Answer<Registered>;
  get(): Answer<TriggerView>;
  retire(reason: string | null, ifMatch: number | null): Answer<TriggerView>;
  reactivate(ifMatch: number | null): Answer<TriggerView>;
  putSubscription(flow: string, body: SubscriptionDef): Answer<{ created: boolean; subscription: SubscriptionAnswer }>;
  removeSubscription(flow: string): Answer<{ removed: string }>;
  rotateSecret(flow: string, overlapHours: number): Answer<RotatedSecret>;
  /** Import / sync: what a definition with plain secrets would change. */
  previewDefinition(def: TriggerDef, subs: { flow: string; body: SubscriptionDef }[]): Answer<DefinitionPreview>;

  fire(input: FireRequest): Answer<FireAnswer>;
  /** Webhook ingress: authenticates and stores the request; processing follows the answer. */
  ingestWebhook(req: IngestRequest): Answer<IngestAnswer>;
  /** A webhook the Worker refused before it reached the object (a body over the limit), counted here. */
  countWebhookRefusal(outcome: "too_large"): Promise<void>;
  schedulePreview(count: number): Answer<SchedulePreview>;
  backfill(fromMs: number, toMs: number): Answer<Backfilled>;

  events(after: number, limit: number, types: string[] | null): Answer<EventsPage>;
  stats(): Answer<StatsAnswer>;
  getFire(eventId: string): Answer<FireView>;
  getDelivery(deliveryId: string): Answer<DeliveryLookup>;
  listFires(status: string | null, limit: number, before: number | null): Answer<FiresPage>;
  /** GET /v1/fires: this trigger's part of a page of the tenant-wide feed. */
  feedPage(req: FeedPageRequest): Answer<FeedPageAnswer>;
  replay(eventId: string, flows: string[] | null): Answer<Replayed>;
  skip(eventId: string, reason: string): Answer<FireSkipped>;
  reportStatus(deliveryId: string, status: "processing" | "completed" | "failed", output: unknown, error: string | null): Answer<StatusReported>;

  pull(flow: string, limit: number, waitMs: number): Answer<PullPage>;
  ack(flow: string, seq: number): Answer<Checkpoint>;
  resetCheckpoint(flow: string, to: "beginning" | "now"): Answer<Checkpoint>;

  /** Cleanup: retires the trigger when idle since the cutoff (null: it stays). */
  retireIfInactive(cutoffMs: number, days: number, dryRun: boolean): Answer<RetiredItem | null>;
  /** Cleanup: deletes the trigger when retired no later than the cutoff (null: it stays). */
  purgeIfRetiredBefore(tenant: string, name: string, cutoffMs: number, dryRun: boolean): Answer<DeletedItem | null>;

  /** Another flow trigger's flow reported (chaining); repeats fire nothing. */
  fireFromFlow(notice: FlowNotice): Answer<FireAnswer>;
  /** The trigger's poll group hands over items or an event; `member: false` tells it to drop this trigger. */
  pollFanOut(p: PollFanOut): Answer<PollFanOutAnswer>;
  /** A RunObject's event await starts waiting for this trigger (404 when the trigger is unknown). */
  addWaiter(runId: string, step: string, match: Record<string, unknown>, expiresAt: number, lookbackMs: number): Answer<WaiterResult>;
  removeWaiter(runId: string, step: string): Promise<void>;

  /** A flow's policy changed: whether (and how) its gate paces this trigger's deliveries to it (null: not gated). */
  gateChanged(flow: string, mark: GateMark | null): Promise<void>;
  /** The flow's gate has room again: this trigger asks it at once. */
  gateWake(flow: string): Promise<void>;
  /** This trigger's part of a flow's state (null: not subscribed and nothing waiting). */
  flowLane(flow: string): Promise<LaneFigures | null>;
  /** POST /v1/flows/{flow}/recover: replays this trigger's dead or failed deliveries to the flow, each once. */
  recoverFlow(flow: string, part: RecoverPart): Answer<RecoverPartAnswer>;
}

/** FlowGateObject: one per tenant and flow with a policy (docs/flow-control.md). */
export interface FlowGateRpc extends Rpc.DurableObjectBranded {
  /** PUT /v1/flows/{flow}: replaces the policy (`{}` clears it). */
  setPolicy(tenant: string, flow: string, policy: FlowPolicy, source: string | null): Answer<{ created: boolean; view: GateView }>;
  /** POST …/pause and …/resume: the rest of the policy stays. */
  setPaused(tenant: string, flow: string, paused: boolean): Answer<{ created: boolean; view: GateView }>;
  /** The policy and the gate's state (null: no policy). */
  view(): Promise<GateView | null>;
  /** A trigger asks to start `want` deliveries of the flow, the oldest due since `oldestDueAt`; each grant's permits last `leaseMs`. */
  ask(trigger: string, want: number, oldestDueAt: number, leaseMs: number): Promise<Grant & { version: number }>;
  /** The consumer is about to send one granted attempt: whether it may start now (the exact rate window), else when to try again. */
  start(): Promise<Start>;
  /** A trigger's outcomes, and permits it gives back unused. */
  report(trigger: string, outcomes: AttemptReport[], unused: number): Promise<void>;
  activity(after: number, limit: number): Promise<ActivityPage>;
  /** A recover call's counts, for the activity log. */
  recovered(tenant: string, flow: string, data: Record<string, unknown>): Promise<void>;
}

/** RunObject: one per tenant and run id. */
export interface RunRpc extends DeliveryOwnerRpc {
  put(tenant: string, runId: string, step: string, def: AwaitDef): Answer<AwaitPut>;
  get(step: string): Answer<AwaitView>;
  list(): Promise<{ awaits: AwaitView[] }>;
  cancel(step: string): Answer<AwaitView>;
  /** The public /resume/{token} route: the token's hash is checked against the await's. */
  resume(step: string, tokenHash: string, body: unknown): Answer<{ status: "resolved" }>;
  /** A TriggerObject's fire matched this run's event await. */
  resolveFromEvent(step: string, result: unknown): Promise<{ resolved: boolean }>;
}

/** PollGroupObject: one per tenant and poll source. */
export interface PollGroupRpc extends Rpc.DurableObjectBranded {
  /** A trigger of the group registered, updated or reactivated. */
  join(key: string, member: PollMember): Answer<{ joined: boolean }>;
  /** A trigger left (retired, deleted, or polls another source now). The last one removes the group. */
  leave(name: string): Answer<{ left: string }>;
  state(): Answer<PollStateView | null>;
}
