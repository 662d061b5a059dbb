/**
 * Idempotency-key rules and dedup-window arithmetic for fires and webhooks.
 * Storage of the keys lives with the trigger's Durable Object; this module
 * only decides what a key may look like and how long it stays live.
 */
import { stableStringify } from "./stable-json";

/**
 * How long a fire's idempotency key deduplicates when the trigger sets no window (24 h).
 * @internal (exported for tests)
 */
export const DEFAULT_DEDUP_WINDOW_SECONDS = 86400;

/**
 * Epoch ms at which a key recorded at `nowMs` stops deduplicating.
 * @throws RangeError when `windowSeconds` is negative or not finite.
 * @example dedupExpiresAt(1_000, 60) // 61_000
 */
export function dedupExpiresAt(nowMs: number, windowSeconds: number = DEFAULT_DEDUP_WINDOW_SECONDS): number {
  if (!Number.isFinite(windowSeconds) || windowSeconds < 0) {
    throw new RangeError(`dedup window must be a finite number of seconds >= 0, got ${windowSeconds}`);
  }
  return nowMs + windowSeconds * 1000;
}

/**
 * Whether a recorded key still deduplicates: live while `nowMs < expiresAt`.
 * @example isDedupLive(61_000, 60_999) // true
 */
export function isDedupLive(expiresAt: number, nowMs: number): boolean {
  return nowMs < expiresAt;
}

const KEY_RE = /^[\x21-\x7e]{1,256}$/;

/**
 * Whether `k` is an acceptable idempotency key: a string of 1-256 printable
 * ASCII characters (0x21-0x7e; no spaces or control characters).
 * @example validIdempotencyKey("evt_123") // true
 * @internal (exported for tests)
 */
export function validIdempotencyKey(k: unknown): k is string {
  return typeof k === "string" && KEY_RE.test(k);
}

/**
 * A fire payload's fingerprint, stored with its idempotency key: the hex
 * SHA-256 of the payload as key-order-independent JSON (absent data counts as
 * null), so the same key with other data can be told apart (409).
 * @example await payloadFingerprint({ b: 1, a: 2 }) === await payloadFingerprint({ a: 2, b: 1 }) // true
 */
export async function payloadFingerprint(data: unknown): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(stableStringify(data ?? null)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
