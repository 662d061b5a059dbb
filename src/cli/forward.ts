/**
 * How `listen` hands one pulled fire to a local URL: the body an http
 * target would receive, signed per Standard Webhooks with the session's
 * secret (webhook-id is the same on every retry, as for real deliveries).
 */
import { signStandardWebhook } from "../domain/standard-webhooks";
import type { StreamEvent } from "../../client/client";

export type ForwardResult = { ok: boolean; status: number | null; error: string | null; ms: number };

/** The delivery body for a trigger.fired stream event. */
export function deliveryBody(ev: StreamEvent, trigger: string, flow: string, attempt: number) {
  const d = (ev.data ?? {}) as Record<string, unknown>;
  return {
    type: "trigger.fired", deliveryId: `cli_${ev.id}_${flow}`, eventId: ev.id, trigger, flow,
    firedAt: ev.ts, attempt, source: d.source ?? null, eventType: d.eventType ?? null,
    headers: d.headers ?? {}, data: d.payload ?? null,
  };
}

export async function forward(url: string, secret: string, body: ReturnType<typeof deliveryBody>, timeoutMs = 10_000): Promise<ForwardResult> {
  const raw = JSON.stringify(body);
  const ts = Math.floor(Date.now() / 1000);
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json", "user-agent": "signalbox-cli",
        "webhook-id": body.deliveryId, "webhook-timestamp": String(ts),
        "webhook-signature": await signStandardWebhook(secret, body.deliveryId, ts, raw),
      },
      body: raw,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return { ok: res.status >= 200 && res.status < 300, status: res.status, error: null, ms: Date.now() - started };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    return { ok: false, status: null, error: err.cause?.code ?? err.message, ms: Date.now() - started };
  }
}
