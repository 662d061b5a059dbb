/** Key-order-independent JSON comparison (an identical PUT changes nothing). */

/**
 * JSON with object keys sorted and undefined members left out.
 * @example stableStringify({ b: 1, a: [2] }) // '{"a":[2],"b":1}'
 */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

/**
 * Whether two JSON values are equal whatever their key order.
 * @example sameJson({ a: 1, b: 2 }, { b: 2, a: 1 }) // true
 */
export const sameJson = (a: unknown, b: unknown): boolean => stableStringify(a) === stableStringify(b);
