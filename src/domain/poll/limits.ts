/**
 * How long a poll may take and how much it may read: the defaults, and a
 * capped body reader that stops as soon as an answer is over the limit
 * rather than buffering all of it first.
 */

/** The spec's floor: "each group keeps at least the last 10,000 item ids". */
export const SEEN_IDS_CAPACITY = 10_000;

/**
 * `poll.timeoutMs` when unset.
 * @internal (exported for tests)
 */
export const DEFAULT_POLL_TIMEOUT_MS = 10_000;
export const MIN_POLL_TIMEOUT_MS = 100;
export const MAX_POLL_TIMEOUT_MS = 60_000;
/**
 * Answers larger than this are a failed poll.
 * @internal (exported for tests)
 */
export const DEFAULT_MAX_POLL_RESPONSE_BYTES = 1_048_576;

/**
 * Why an answer is too large going by its `content-length`, or null when
 * the header is absent, unreadable (the reader still counts) or within
 * `maxBytes`.
 * @example responseSizeProblem("2097152") // "the answer is 2097152 bytes, more than the 1048576 a poll may read"
 */
export function responseSizeProblem(contentLength: string | null | undefined, maxBytes = DEFAULT_MAX_POLL_RESPONSE_BYTES): string | null {
  if (contentLength == null || !/^\d+$/.test(contentLength.trim())) return null;
  const n = Number(contentLength.trim());
  return n > maxBytes ? `the answer is ${n} bytes, more than the ${maxBytes} a poll may read` : null;
}

/**
 * Reads a body up to `maxBytes`, cancelling the stream once it goes over.
 * A null body reads as empty.
 * @example await readBodyCapped(new Response("[]").body, 1024) // { ok: true, bytes: Uint8Array [91, 93] }
 */
export async function readBodyCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes = DEFAULT_MAX_POLL_RESPONSE_BYTES,
): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; error: string }> {
  if (body === null) return { ok: true, bytes: new Uint8Array(0) };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false, error: `the answer is more than the ${maxBytes} bytes a poll may read` };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, bytes };
}

/**
 * The timeout a poll runs with: `timeoutMs` when set, else 10 s.
 * @example pollTimeoutMs({}) // 10000
 */
export function pollTimeoutMs(poll: { timeoutMs?: number }): number {
  return poll.timeoutMs ?? DEFAULT_POLL_TIMEOUT_MS;
}
