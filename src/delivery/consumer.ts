/**
 * The DELIVERIES queue consumer. A message carries what an attempt needs;
 * the owner's targets come from a cache checked against the message's
 * control version (./control-cache.ts), so there is no call to the owner
 * before an attempt unless its targets changed. Attempts of a batch run in
 * parallel; outcomes go back to each owner in batches (./outcome-reporter.ts)
 * and a message is acknowledged once its outcome is recorded. Retries are the
 * owner's business (its ledger hands the next attempt over when due); a
 * probe is reported after every delivery before it in the batch.
 * Dead-lettered messages are reported so the delivery is marked dead.
 */
import type { Env } from "../env";
import { isDeliveryMessage, type DeliveryMessage } from "../contracts/messages";
import type { AttemptResult, DeliveryControl, OutcomesAnswer } from "../contracts/rpc";
import { TenantStore } from "../data/tenant-store";
import { sendHttp } from "./send-http";
import { controlFor, remember } from "./control-cache";
import { OutcomeReporter } from "./outcome-reporter";

type Owner = {
  deliveryControl(): Promise<DeliveryControl | null>;
  recordOutcomes(items: { id: string; attempt: number; result: AttemptResult }[]): Promise<OutcomesAnswer | null>;
  deliveryBody(id: string, attempt: number): Promise<unknown>;
  probeReturned(id: string): Promise<void>;
  deadLetter(id: string): Promise<void>;
};

function ownerOf(env: Env, m: DeliveryMessage): Owner {
  const store = new TenantStore(env, m.t);
  return (m.k === "run" ? store.run(m.n) : store.trigger(m.n)) as unknown as Owner;
}

const skip = (reason: string): AttemptResult => ({ statusCode: null, error: null, retryAfterSeconds: null, skipped: reason });

async function attempt(env: Env, owner: Owner, control: DeliveryControl | null, m: DeliveryMessage): Promise<AttemptResult> {
  if (control?.retired) return skip("trigger_retired");
  if (control?.skipped.includes(m.d)) return skip("skipped");
  const target = m.x ?? control?.targets[m.f ?? ""];
  if (!target || target.type === "pull") return skip("unsubscribed");
  const body = m.b ?? (await owner.deliveryBody(m.d, m.a));
  if (body === null || body === undefined) return skip("event_gone");
  if (target.type === "http") return sendHttp(target, m.d, JSON.stringify(body), Date.now());
  const q = env[target.queue] as Queue | undefined;
  try {
    if (!q || typeof q.send !== "function") throw new Error(`no queue binding '${target.queue}'`);
    await q.send(body);
    return { statusCode: 200, error: null, retryAfterSeconds: null };
  } catch (e) {
    return { statusCode: null, error: `queue send failed: ${(e as Error).message}`.slice(0, 300), retryAfterSeconds: null };
  }
}

/** Delivers one owner's messages: parallel attempts, outcomes in batches, probes last. */
async function deliverGroup(env: Env, key: string, msgs: Message<DeliveryMessage>[]): Promise<void> {
  const owner = ownerOf(env, msgs[0].body);
  const probes = msgs.filter((m) => m.body.p);
  const deliveries = msgs.filter((m) => !m.body.p);
  if (deliveries.length) {
    // deliveries that carry their own target (callbacks) need no control; the others use the owner's, cached by version
    const needControl = deliveries.some((m) => !m.body.x);
    const minVersion = Math.max(...deliveries.map((m) => m.body.v ?? 0));
    const control = needControl ? await controlFor(key, minVersion, [...new Set(deliveries.map((m) => m.body.f ?? ""))], () => owner.deliveryControl()) : null;
    if (needControl && !control) {
      deliveries.forEach((m) => m.ack()); // the owner no longer exists
    } else {
      const reporter = new OutcomeReporter((items) => owner.recordOutcomes(items), (a) => remember(key, a.control), deliveries.length);
      await Promise.all(deliveries.map(async (m) => reporter.add(m, await attempt(env, owner, control, m.body))));
      await reporter.drain();
    }
  }
  for (const p of probes) {
    await owner.probeReturned(p.body.d);
    p.ack();
  }
}

export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  const dead = batch.queue.endsWith("-dlq");
  const groups = new Map<string, Message<DeliveryMessage>[]>();
  for (const msg of batch.messages) {
    if (!isDeliveryMessage(msg.body)) {
      console.warn(JSON.stringify({ msg: "ignoring a queue message that is not a delivery" }));
      msg.ack();
      continue;
    }
    const key = `${msg.body.k ?? "trigger"}|${msg.body.t}|${msg.body.n}`;
    groups.set(key, [...(groups.get(key) ?? []), msg]);
  }
  await Promise.all(
    [...groups].map(async ([key, msgs]) => {
      try {
        if (dead) {
          const owner = ownerOf(env, msgs[0].body);
          for (const m of msgs) if (!m.body.p) await owner.deadLetter(m.body.d);
          msgs.forEach((m) => m.ack());
        } else {
          await deliverGroup(env, key, msgs);
        }
      } catch (e) {
        console.error(JSON.stringify({ msg: "delivery consumer error", error: (e as Error).message.slice(0, 200) }));
        // unsettled messages come back later; settled ones were acked (a retry after an ack is ignored)
        msgs.forEach((m) => m.retry({ delaySeconds: 5 }));
      }
    }),
  );
}
