/**
 * The DELIVERIES queue consumer. Messages of a batch are grouped by the
 * object that owns them (a TriggerObject for fires, a RunObject for await
 * callbacks); each group is claimed in one call (repeats and stale messages
 * are dropped there), delivered in parallel to http or queue targets, and its
 * outcomes recorded in one call, which says what to retry and when.
 * Dead-lettered messages are reported so the delivery is marked dead.
 */
import type { Env } from "../env";
import { isDeliveryMessage, type DeliveryMessage } from "../contracts/messages";
import { TenantStore } from "../data/tenant-store";
import { sendHttp } from "./send-http";
import type { AttemptResult, Claim, OutcomeAnswer } from "../contracts/rpc";

type Owner = {
  claimMany(items: { id: string; attempt: number }[]): Promise<Claim[]>;
  outcomeMany(items: { id: string; attempt: number; result: AttemptResult }[]): Promise<OutcomeAnswer[]>;
  deadLetter(id: string): Promise<void>;
};

function ownerOf(env: Env, m: DeliveryMessage): Owner {
  const store = new TenantStore(env, m.t);
  return (m.k === "run" ? store.run(m.n) : store.trigger(m.n)) as unknown as Owner;
}

async function attempt(env: Env, claim: Extract<Claim, { action: "deliver" }>): Promise<AttemptResult> {
  if (claim.target.type === "http") return sendHttp(claim.target, claim.deliveryId, claim.body, Date.now());
  if (claim.target.type === "queue") {
    const q = env[claim.target.queue] as Queue | undefined;
    try {
      if (!q || typeof q.send !== "function") throw new Error(`no queue binding '${claim.target.queue}'`);
      await q.send(JSON.parse(claim.body));
      return { statusCode: 200, error: null, retryAfterSeconds: null };
    } catch (e) {
      return { statusCode: null, error: `queue send failed: ${(e as Error).message}`.slice(0, 300), retryAfterSeconds: null };
    }
  }
  return { statusCode: null, error: "target cannot be delivered to", retryAfterSeconds: null };
}

/** Delivers one owner's messages: one claim call, parallel attempts, one outcome call. */
async function deliverGroup(env: Env, owner: Owner, msgs: Message<DeliveryMessage>[]): Promise<void> {
  const claims = await owner.claimMany(msgs.map((m) => ({ id: m.body.d, attempt: m.body.a })));
  const done: { id: string; attempt: number; result: AttemptResult; msg: Message<DeliveryMessage> }[] = [];
  await Promise.all(
    claims.map(async (claim, i) => {
      const msg = msgs[i];
      if (claim.action === "drop") return msg.ack();
      if (claim.action === "retry") return msg.retry({ delaySeconds: Math.min(claim.delaySeconds, 43_200) });
      done.push({ id: claim.deliveryId, attempt: claim.attempt, result: await attempt(env, claim), msg });
    }),
  );
  if (!done.length) return;
  const answers = await owner.outcomeMany(done.map(({ id, attempt, result }) => ({ id, attempt, result })));
  const retries = done.flatMap((d, i) => {
    const a = answers[i];
    // The next attempt is a new message (attempt + 1); this one is done.
    return a.action === "retry" ? [{ body: { ...d.msg.body, a: d.msg.body.a + 1 }, delaySeconds: Math.min(a.delaySeconds, 43_200) }] : [];
  });
  if (retries.length) await env.DELIVERIES.sendBatch(retries);
  for (const d of done) d.msg.ack();
}

export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  const dead = batch.queue.endsWith("-dlq");
  const groups = new Map<string, Message<DeliveryMessage>[]>();
  for (const msg of batch.messages) {
    if (!isDeliveryMessage(msg.body)) {
      console.warn("ignoring a message that is not a delivery");
      msg.ack();
      continue;
    }
    const key = `${msg.body.k ?? "trigger"}|${msg.body.t}|${msg.body.n}`;
    groups.set(key, [...(groups.get(key) ?? []), msg]);
  }
  await Promise.all(
    [...groups.values()].map(async (msgs) => {
      const owner = ownerOf(env, msgs[0].body);
      try {
        if (dead) {
          for (const m of msgs) await owner.deadLetter(m.body.d);
          msgs.forEach((m) => m.ack());
        } else {
          await deliverGroup(env, owner, msgs);
        }
      } catch (e) {
        console.error("delivery consumer error", (e as Error).message);
        // unsettled messages come back later; settled ones were acked (ack after retry is ignored)
        msgs.forEach((m) => m.retry({ delaySeconds: 5 }));
      }
    }),
  );
}
