/**
 * The DELIVERIES queue consumer: for each message, ask the TriggerObject for
 * the attempt (repeats and stale messages are dropped there), deliver it to
 * the http or queue target, report the result, and retry or ack as told.
 * Dead-lettered messages are reported so the delivery is marked dead.
 */
import type { DeliveryMessage, Env } from "../env";
import { sendHttp } from "./send-http";
import type { AttemptResult, Claim, OutcomeAnswer } from "../../durable-objects/trigger/outcomes";

/** The object that owns the delivery: a TriggerObject (fires) or a RunObject (await callbacks). Both speak claim/outcome/deadLetter. */
function stubFor(env: Env, m: DeliveryMessage) {
  const ns = m.k === "run" ? env.RUNS : env.TRIGGERS;
  return ns.get(ns.idFromName(`${m.t}:${m.n}`)) as unknown as {
    claim(id: string, attempt: number): Promise<Claim>;
    outcome(id: string, attempt: number, result: AttemptResult): Promise<OutcomeAnswer>;
    deadLetter(id: string): Promise<void>;
  };
}

async function deliverOne(env: Env, msg: Message<DeliveryMessage>): Promise<void> {
  const m = msg.body;
  const stub = stubFor(env, m);
  const claim = await stub.claim(m.d, m.a);
  if (claim.action === "drop") return msg.ack();
  if (claim.action === "retry") return msg.retry({ delaySeconds: Math.min(claim.delaySeconds, 43_200) });
  let result: AttemptResult;
  if (claim.target.type === "http") {
    result = await sendHttp(claim.target, claim.deliveryId, claim.body, Date.now());
  } else if (claim.target.type === "queue") {
    const q = env[claim.target.queue] as Queue | undefined;
    try {
      if (!q || typeof q.send !== "function") throw new Error(`no queue binding '${claim.target.queue}'`);
      await q.send(JSON.parse(claim.body));
      result = { statusCode: 200, error: null, retryAfterSeconds: null };
    } catch (e) {
      result = { statusCode: null, error: `queue send failed: ${(e as Error).message}`.slice(0, 300), retryAfterSeconds: null };
    }
  } else {
    return msg.ack();
  }
  const next = await stub.outcome(claim.deliveryId, claim.attempt, result);
  if (next.action === "retry") {
    // The next attempt is a new message (attempt + 1); this one is done.
    await env.DELIVERIES.send({ ...m, a: m.a + 1 }, { delaySeconds: Math.min(next.delaySeconds, 43_200) });
  }
  msg.ack();
}

function isDeliveryMessage(b: unknown): b is DeliveryMessage {
  const m = b as Partial<DeliveryMessage> | null;
  return !!m && (m.k === undefined || m.k === "run") && typeof m.t === "string" && typeof m.n === "string" && typeof m.d === "string" && Number.isInteger(m.a);
}

export async function consumeDeliveries(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  const dead = batch.queue.endsWith("-dlq");
  await Promise.all(
    batch.messages.map(async (msg) => {
      try {
        if (!isDeliveryMessage(msg.body)) {
          console.warn("ignoring a message that is not a delivery");
          return msg.ack();
        }
        if (dead) {
          await stubFor(env, msg.body).deadLetter(msg.body.d);
          msg.ack();
        } else {
          await deliverOne(env, msg);
        }
      } catch (e) {
        console.error("delivery consumer error", (e as Error).message);
        msg.retry({ delaySeconds: 5 });
      }
    }),
  );
}
