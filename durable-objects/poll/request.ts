/**
 * Sending one poll and reading its answer: a timeout, no redirects followed,
 * the size capped before and while reading, JSON only. The outcome never
 * carries the request's headers or URL (they may hold secrets).
 */
import { readBodyCapped, responseSizeProblem, type PollOutcome, type PollRequest } from "../../src/domain/poll";

export type PollAnswer = { outcome: PollOutcome; body?: unknown };

function failure(e: unknown, timeoutMs: number, url: string): PollAnswer {
  const err = e as { name?: string; message?: string };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return { outcome: { kind: "timeout", timeoutMs } };
  const text = String(err?.message ?? e).split(url).join("<url>").slice(0, 200);
  return { outcome: { kind: "network", message: `network error: ${text}` } };
}

export async function sendPoll(req: PollRequest, timeoutMs: number, maxBytes?: number): Promise<PollAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers: req.headers, redirect: "manual", signal });
  } catch (e) {
    return failure(e, timeoutMs, req.url);
  }
  const status = res.status;
  if (status < 200 || status >= 300) {
    await res.body?.cancel().catch(() => {});
    return { outcome: { kind: "response", status, retryAfter: res.headers.get("retry-after") } };
  }
  const tooLarge = responseSizeProblem(res.headers.get("content-length"), maxBytes);
  if (tooLarge) {
    await res.body?.cancel().catch(() => {});
    return { outcome: { kind: "invalid", status, message: tooLarge } };
  }
  let read: Awaited<ReturnType<typeof readBodyCapped>>;
  try {
    read = await readBodyCapped(res.body, maxBytes);
  } catch (e) {
    return failure(e, timeoutMs, req.url);
  }
  if (!read.ok) return { outcome: { kind: "invalid", status, message: read.error } };
  try {
    return { outcome: { kind: "response", status }, body: JSON.parse(new TextDecoder().decode(read.bytes)) };
  } catch {
    return { outcome: { kind: "invalid", status, message: "the answer is not JSON" } };
  }
}
