/** What one queue message and one sendBatch may carry, and the hand-over's messages fitted to it. */
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

function sizeOf(msg: Message): number {
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

