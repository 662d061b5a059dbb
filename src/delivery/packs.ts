/**
 * A pack (several deliveries of one lane in one queue message) becomes one
 * message per delivery for the consumer. Each is acknowledged or retried on
 * its own; the pack settles when all of them have:
 *
 * - every one acknowledged: the pack is acknowledged;
 * - none acknowledged and some retried: the pack is retried (with the
 *   longest delay asked), so nothing it carried was recorded twice;
 * - some acknowledged and some retried: the pack is acknowledged, since a
 *   retry would attempt the recorded ones again. The retried ones stay in
 *   flight in their owner's ledger, and its barrier finds them lost and
 *   sends them again (durable-objects/ledger/barriers.ts).
 */
import { isDeliveryMessage, isDeliveryPack, type DeliveryMessage } from "../contracts/messages";

type Msg = Message<DeliveryMessage>;

function unpack(msg: Message<unknown>, items: DeliveryMessage[]): Msg[] {
  let left = items.length;
  let acked = 0;
  let retryDelay: number | null = null;
  const settle = () => {
    if (--left > 0) return;
    if (acked === 0 && retryDelay !== null) msg.retry({ delaySeconds: retryDelay });
    else msg.ack();
  };
  return items.map((body) => {
    let done = false;
    return {
      id: msg.id, timestamp: msg.timestamp, attempts: msg.attempts, body,
      ack() {
        if (done) return;
        done = true;
        acked++;
        settle();
      },
      retry(options?: QueueRetryOptions) {
        if (done) return;
        done = true;
        retryDelay = Math.max(retryDelay ?? 0, options?.delaySeconds ?? 0);
        settle();
      },
    } as Msg;
  });
}

/** A batch's delivery messages, packs opened; anything else is acknowledged and dropped. */
export function deliveryMessages(messages: readonly Message<unknown>[]): Msg[] {
  const out: Msg[] = [];
  for (const msg of messages) {
    if (isDeliveryPack(msg.body)) out.push(...unpack(msg, msg.body.pk));
    else if (isDeliveryMessage(msg.body)) out.push(msg as Msg);
    else {
      console.warn(JSON.stringify({ msg: "ignoring a queue message that is not a delivery" }));
      msg.ack();
    }
  }
  return out;
}
