/** Small, stable, non-cryptographic string hashes (FNV-1a) for jitter and ids; nothing here needs to resist an attacker. */

/**
 * 32-bit FNV-1a over the UTF-16 code units of `s`, finished with murmur3's
 * avalanche so nearby inputs (consecutive occurrence times) spread across all
 * bits, not only the high ones.
 * @example fnv1a32("acme/nightly") === fnv1a32("acme/nightly") // true, and in [0, 2^32)
 */
export function fnv1a32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** `n` as 8 lowercase hex digits. */
export const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");
