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

/** The longest answer body read to its end (bytes). */
const MAX_ANSWER_READ = 65_536;
/** How long after its headers an answer's body may take to end before it is cancelled. */
const ANSWER_GRACE_MS = 50;

/**
 * Finishes with the flow's answer, whose body is not used. A short answer
 * that ends at once (nearly all) is read to its end, so the connection
 * stays reusable (cancelling it made the flow's server accept a new
 * connection per delivery); one that is longer than MAX_ANSWER_READ or
 * still streaming ANSWER_GRACE_MS after its headers is cancelled, the
 * runtime's advice for a body not read, so it cannot hold the attempt (or
 * one of the invocation's 6 connections) until its timeout.
 */
async function finishAnswer(res: Response): Promise<void> {
  const reader = res.body?.getReader();
  if (!reader) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), ANSWER_GRACE_MS)));
  try {
    for (let read = 0; ; ) {
      const next = await Promise.race([reader.read(), late]);
      if (next !== null && next.done) return;
      read += next?.value?.byteLength ?? 0;
      if (next === null || read > MAX_ANSWER_READ) return void (await reader.cancel().catch(() => {}));
    }
  } catch {
    // the connection went away: nothing to finish
  } finally {
    clearTimeout(timer);
  }
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
    await finishAnswer(res);
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
