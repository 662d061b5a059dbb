/**
 * One HTTP delivery attempt: JSON body, Standard Webhooks signature, custom
 * headers, a timeout counted from when the request starts (the caller starts
 * it only when a connection is free), no redirects followed. Returns what
 * happened and how long it took; never throws. With `budgetMs` (the fast
 * queue), an answer slower than the budget is cut off and reported as
 * `deferred: "slow"` instead of as an attempt.
 */
import { signStandardWebhook } from "../domain/standard-webhooks";
import { parseRetryAfter } from "../domain/backoff";
import type { AttemptResult } from "../contracts/rpc";

export type HttpTargetSpec = {
  url: string; secret?: string; headers?: Record<string, string>; timeoutMs?: number;
  /** a secret rotation's previous secret, also signing until previousSecretUntil (epoch ms) */
  previousSecret?: string; previousSecretUntil?: number;
};

/** `webhook-signature`: by the secret, and during a rotation's overlap also by the previous one (space-separated). */
async function signatureHeader(target: HttpTargetSpec, deliveryId: string, ts: number, body: string, nowMs: number): Promise<string | null> {
  if (!target.secret) return null;
  const sigs = [await signStandardWebhook(target.secret, deliveryId, ts, body)];
  if (target.previousSecret && (target.previousSecretUntil ?? 0) > nowMs) sigs.push(await signStandardWebhook(target.previousSecret, deliveryId, ts, body));
  return sigs.join(" ");
}

export async function sendHttp(target: HttpTargetSpec, deliveryId: string, body: string, nowMs: number, budgetMs?: number): Promise<AttemptResult> {
  const ts = Math.floor(nowMs / 1000);
  const headers: Record<string, string> = { ...(target.headers ?? {}), "content-type": "application/json", "webhook-id": deliveryId, "webhook-timestamp": String(ts), "user-agent": "Signalbox/1" };
  const signature = await signatureHeader(target, deliveryId, ts, body, nowMs);
  if (signature) headers["webhook-signature"] = signature;
  const timeoutMs = target.timeoutMs ?? 10_000;
  const cut = budgetMs !== undefined && budgetMs < timeoutMs;
  const controller = new AbortController();
  const started = Date.now();
  const timer = setTimeout(() => controller.abort(), cut ? budgetMs : timeoutMs);
  try {
    const res = await fetch(target.url, { method: "POST", headers, body, redirect: "manual", signal: controller.signal });
    // The flow's answer body is not used: cancelling it frees the connection at once (the runtime's
    // advice for a body not read), so an invocation's 6 attempts hold at most 6 connections, and a
    // flow that streams a long answer cannot hold one. Reading it cost more, too: in a loaded
    // benchmark, 1 ms of CPU per delivery across wrangler's processes (docs/performance.md).
    await res.body?.cancel().catch(() => {});
    const ok = res.status >= 200 && res.status < 300;
    return {
      statusCode: res.status,
      error: ok ? null : `HTTP ${res.status}`,
      retryAfterSeconds: parseRetryAfter(res.headers.get("retry-after"), nowMs),
      ms: Date.now() - started,
    };
  } catch (e) {
    const ms = Date.now() - started;
    if (controller.signal.aborted && cut) return { statusCode: null, error: null, retryAfterSeconds: null, ms, deferred: "slow" };
    const error = controller.signal.aborted ? `timeout after ${timeoutMs} ms` : `network error: ${(e as Error).message}`.slice(0, 300);
    return { statusCode: null, error, retryAfterSeconds: null, ms };
  } finally {
    clearTimeout(timer);
  }
}
