/** A stored webhook body as a payload: JSON, a form's fields, or its text (too deep JSON is refused, not parsed). */
import { jsonDepth, MAX_JSON_DEPTH } from "../../src/domain/json-depth";

export function parseBody(bytes: Uint8Array, contentType: string | undefined): { ok: true; value: unknown } | { ok: false; error: string } {
  const text = new TextDecoder().decode(bytes);
  const type = (contentType ?? "").toLowerCase();
  const looksJson = type.includes("json") || (!type && /^\s*[[{]/.test(text));
  if (looksJson && jsonDepth(text) > MAX_JSON_DEPTH) return { ok: false, error: `body nests deeper than ${MAX_JSON_DEPTH} levels` };
  if (type.includes("application/x-www-form-urlencoded")) return { ok: true, value: Object.fromEntries(new URLSearchParams(text)) };
  if (looksJson) {
    if (text.trim() === "") return { ok: true, value: null };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (e) {
      return { ok: false, error: `body is not valid JSON: ${(e as Error).message}` };
    }
  }
  return { ok: true, value: text };
}
