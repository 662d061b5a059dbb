/**
 * What one queue message and one sendBatch may carry, and the hand-over's
 * messages fitted to it: a lane's deliveries for the same queue travel
 * packed in as few messages as fit (a DeliveryPack).
 */
import type { DeliveryMessage, DeliveryPack } from "../../src/contracts/messages";
import type { LedgerStore } from "./types";

export type Message = ReturnType<LedgerStore["message"]>;

/**
 * The queue's limits (Cloudflare Queues: a message at most 128 KB, a
 * sendBatch at most 100 messages and 256 KB), with room for the runtime's
 * own encoding: a message's size is estimated as its JSON, two bytes a
 * character when any is outside Latin-1.
 */
const MESSAGE_BYTES = 120_000;
const BATCH_MESSAGES = 100;
const BATCH_BYTES = 200_000;

function sizeOf(msg: Message | DeliveryPack): number {
  const json = JSON.stringify(msg);
  return (/[^\u0000-\u00ff]/.test(json) ? 2 * json.length : json.length) + 64;
}

/** A message over the limit leaves without its body (the consumer asks the owner for it, as for any large body). */
export function fitted(msg: Message): { msg: Message; bytes: number } {
  const bytes = sizeOf(msg);
  if (bytes <= MESSAGE_BYTES || msg.b === undefined) return { msg, bytes };
  const { b: _, ...bare } = msg;
  return { msg: bare, bytes: sizeOf(bare) };
}

/** One queue message: a delivery, or a pack of a lane's deliveries, and the items it carries. */
export type Unit<T> = { body: DeliveryMessage | DeliveryPack; items: T[]; bytes: number };

/** A pack's deliveries share their owner and lane: these repeat nothing the pack needs (the size of a pack is counted with them). */
const PACK_OVERHEAD = 16;

/** A delivery that starts at its flow's gate (a rate limit) travels alone: its start is timed by itself. */
const alone = (msg: Message) => msg.gf !== undefined;

/**
 * The items as queue messages. With `pack`, consecutive items of the same
 * lane go in one pack while it stays within a message's size; otherwise, and
 * for a lone item, each goes as itself.
 */
export function units<T extends { msg: Message; bytes: number; lane: string }>(items: T[], pack: boolean): Unit<T>[] {
  const out: Unit<T>[] = [];
  let run: T[] = [];
  let bytes = PACK_OVERHEAD;
  const close = () => {
    if (run.length === 1) out.push({ body: run[0].msg, items: run, bytes: run[0].bytes });
    else if (run.length > 1) out.push({ body: { pk: run.map((it) => it.msg) }, items: run, bytes });
    run = [];
    bytes = PACK_OVERHEAD;
  };
  for (const it of items) {
    const joins = pack && run.length > 0 && run[0].lane === it.lane && bytes + it.bytes <= MESSAGE_BYTES && !alone(it.msg) && !alone(run[0].msg);
    if (!joins) close();
    run.push(it);
    bytes += it.bytes;
  }
  close();
  return out;
}

/** Consecutive runs of items that one sendBatch may carry. */
export function* sendChunks<T extends { bytes: number }>(items: T[]): Generator<T[]> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const it of items) {
    if (chunk.length && (chunk.length >= BATCH_MESSAGES || bytes + it.bytes > BATCH_BYTES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(it);
    bytes += it.bytes;
  }
  if (chunk.length) yield chunk;
}
