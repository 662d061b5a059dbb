/**
 * The verbs that fire or settle, as the object answers them over RPC: an
 * API fire, a webhook's ingest, a flow's chained fire, a poll group's
 * fan-out, a backfill, and the operator's replay, skip and status reports.
 * Each records in a transaction (API fires, webhooks and chained fires that
 * arrive together share one: ./commit-group.ts) and hands what follows to
 * the one post-commit path (deliveries, notices, the alarm) before answering.
 */
import type { FireAnswer, FireRequest, FlowNotice, IngestAnswer, IngestRequest, PollFanOut, PollFanOutAnswer } from "../../src/contracts/rpc";
import type { Backfilled, FireSkipped, Replayed, StatusReported } from "../../src/contracts/views";
import { payloadFingerprint } from "../../src/domain/idempotency";
import type { TriggerHost } from "./host";
import { fire } from "./pipeline";
import { fireFromFlow } from "./flow-fire";
import { receiveFanOut } from "./poll-member";
import { backfill, releaseIfSettled } from "./schedule";
import { replayFire, skipFire, reportStatus } from "./operator";
import { ingest } from "./webhook-ingest";
import { bump } from "./stats";
import { loadEntry } from "./tables/entry";

/**
 * POST …/fire: an idempotency key dedupes (a different payload under the same
 * key is 409). Fires that arrive together are recorded in one transaction
 * (./commit-group.ts); each keeps its own checks, which refuse before the
 * fire writes anything.
 */
export async function fireFromApi(host: TriggerHost, input: FireRequest): Promise<FireAnswer> {
  const fingerprint = input.idempotencyKey ? await payloadFingerprint(input.data) : undefined;
  const outcome = await host.commitGroup.join((core) => fire(core, {
    source: "api", data: input.data, dedupKey: input.idempotencyKey ? `idem:${input.idempotencyKey}` : null, countDuplicate: true, fingerprint,
    flows: input.flows, onSchemaFail: "reject", rateLimit: true,
    meta: input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : undefined,
  }));
  await host.settle({ fires: [outcome] });
  return outcome.answer;
}

/**
 * Webhook ingress: authenticate and store durably, then answer; processing
 * starts after the answer (and the alarm retries it if this instance dies).
 */
export async function ingestWebhook(host: TriggerHost, req: IngestRequest): Promise<IngestAnswer> {
  let answer: IngestAnswer;
  try {
    answer = await ingest(host.core, req, host.commitGroup);
  } catch (e) {
    // a refusal is counted in memory: make sure the stats flush runs
    await host.settle({});
    throw e;
  }
  const stored = answer.kind === "stored" && answer.status === "accepted";
  await host.settle({ inbox: stored });
  if (stored) host.scheduleDrain();
  return answer;
}

/** A request the Worker refused before it reached the object (a body over the limit) is counted here. */
export async function countWebhookRefusal(host: TriggerHost, outcome: "too_large"): Promise<void> {
  if (!host.core.ready || !loadEntry(host.core)) return;
  bump(host.core, "rejected", outcome);
  await host.settle({});
}

/** A flow this trigger listens to reported on a delivery (chaining); repeats fire nothing. Notices that arrive together share a commit, as API fires do. */
export async function fireFromFlowNotice(host: TriggerHost, notice: FlowNotice): Promise<FireAnswer> {
  const outcome = await host.commitGroup.join((core) => fireFromFlow(core, notice));
  await host.settle({ fires: [outcome] });
  return outcome.answer;
}

/** The poll group hands over new items (or a poll.failed / poll.recovered); `member: false` tells it to drop this trigger. */
export async function pollFanOut(host: TriggerHost, p: PollFanOut): Promise<PollFanOutAnswer> {
  const { answer, outcomes } = await receiveFanOut(host.core, p);
  await host.settle({ fires: outcomes });
  return answer;
}

export async function backfillRange(host: TriggerHost, fromMs: number, toMs: number): Promise<Backfilled> {
  const r = backfill(host.core, fromMs, toMs);
  await host.settle({ fires: r.outcomes });
  return { fired: r.fired.length, alreadyFired: r.alreadyFired, eventIds: r.fired };
}

export async function replay(host: TriggerHost, eventId: string, flows: string[] | null): Promise<Replayed> {
  const r = replayFire(host.core, eventId, flows);
  await host.settle({ deliveries: true });
  return { eventId, deliveries: r.deliveries };
}

export async function skip(host: TriggerHost, eventId: string, reason: string): Promise<FireSkipped> {
  const r = skipFire(host.core, eventId, reason);
  await host.settle({ fires: releaseIfSettled(host.core), deliveries: true });
  return { eventId, ...r };
}

/** A flow reports what it did with a delivery; completed and failed notify the flow triggers listening to it. */
export async function report(host: TriggerHost, deliveryId: string, status: StatusReported["status"], output: unknown, error: string | null): Promise<StatusReported> {
  const { repeated: _, ...r } = reportStatus(host.core, deliveryId, status, output, error);
  await host.settle({ fires: releaseIfSettled(host.core), deliveries: true, flowNotices: true });
  return r;
}
