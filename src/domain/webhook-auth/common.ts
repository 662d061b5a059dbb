/** Small helpers every verifier uses: verdicts, header lookup and timestamp tolerance. */
import type { AuthResult, InboundRequest } from "./types";

export const OK: AuthResult = { ok: true };
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** More signatures than this in one header is refused rather than checked one by one. */
export const MAX_SIGNATURES = 16;

export function reject(reason: string): AuthResult {
  return { ok: false, reason };
}

/**
 * The trimmed value of a header, or undefined when it is absent or blank.
 * Names are expected lowercased; other casings are found too, for callers that forget.
 */
export function header(req: InboundRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let value = Object.hasOwn(req.headers, wanted) ? req.headers[wanted] : undefined;
  if (value === undefined) {
    const key = Object.keys(req.headers).find((k) => k.toLowerCase() === wanted);
    value = key === undefined ? undefined : req.headers[key];
  }
  const trimmed = typeof value === "string" ? value.trim() : "";
  return trimmed === "" ? undefined : trimmed;
}

/** Unix seconds as sent by the provider: plain digits only. */
export function parseUnixSeconds(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,12}$/.test(text)) return null;
  return Number(text);
}

/** Null when `timestampMs` is within `toleranceSeconds` of now in either direction. */
export function checkTolerance(timestampMs: number, nowMs: number, toleranceSeconds: number): AuthResult | null {
  return Math.abs(nowMs - timestampMs) <= toleranceSeconds * 1000 ? null : reject("timestamp outside tolerance");
}
