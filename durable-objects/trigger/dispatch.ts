/**
 * Sending deliveries to the queue, and the lease that makes it safe: a queued
 * delivery carries `lease_until`; if no outcome arrives by then (the send
 * failed, the process crashed, the message was lost), the alarm sends it again.
 * Receivers dedupe on the stable delivery id (webhook-id).
 */
import type { DeliveryMessage } from "../../src/env";
import type { Core } from "./core";

export const DEFAULT_LEASE_MS = 120_000;
const SEND_RETRY_MS = 1_000;

export function leaseMs(core: Core): number {
  const s = Number(core.env.DELIVERY_LEASE_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : DEFAULT_LEASE_MS;
}

/** Sends one message per delivery attempt; failed sends are re-leased for a quick alarm retry. */
export async function sendDeliveries(core: Core, items: { id: string; attempt: number; delaySeconds?: number }[]): Promise<void> {
  if (items.length === 0) return;
  const row = core.requireRow();
  for (let i = 0; i < items.length; i += 100) {
    const chunk = items.slice(i, i + 100);
    try {
      if (core.faults.queueFailures > 0) {
        core.faults.queueFailures--;
        throw new Error("injected queue failure");
      }
      await core.env.DELIVERIES.sendBatch(
        chunk.map((it) => ({
          body: { t: row.tenant, n: row.name, d: it.id, a: it.attempt } satisfies DeliveryMessage,
          ...(it.delaySeconds ? { delaySeconds: it.delaySeconds } : {}),
        })),
      );
    } catch {
      const retryAt = core.now() + SEND_RETRY_MS;
      core.tx(() => {
        for (const it of chunk) core.sql.run(`UPDATE deliveries SET lease_until = ? WHERE id = ? AND status = 'queued'`, retryAt, it.id);
      });
      noteLease(core, retryAt);
      await armAlarm(core, retryAt);
    }
  }
}

/** Re-sends queued deliveries whose lease expired (alarm path). */
export async function resendExpired(core: Core): Promise<number> {
  const now = core.now();
  const lease = leaseMs(core);
  const due = core.sql.all<{ id: string; attempts: number; next_attempt_at: number | null }>(
    `SELECT id, attempts, next_attempt_at FROM deliveries WHERE status = 'queued' AND lease_until <= ? LIMIT 500`,
    now,
  );
  if (due.length === 0) return 0;
  core.tx(() => {
    for (const d of due) core.sql.run(`UPDATE deliveries SET lease_until = ? WHERE id = ?`, now + lease, d.id);
  });
  await sendDeliveries(
    core,
    due.map((d) => ({
      id: d.id,
      attempt: d.attempts + 1,
      delaySeconds: d.next_attempt_at && d.next_attempt_at > now ? Math.ceil((d.next_attempt_at - now) / 1000) : undefined,
    })),
  );
  return due.length;
}

/** The earliest lease among queued deliveries (a scan: alarm path only). */
export function nextLeaseDue(core: Core): number | null {
  return core.sql.one<{ t: number | null }>(`SELECT min(lease_until) AS t FROM deliveries WHERE status = 'queued'`)?.t ?? null;
}

/** Remembers that some queued delivery's lease ends at `at` (so the alarm need not scan before then). */
export function noteLease(core: Core, at: number): void {
  if (core.leaseDue === undefined) return; // unknown: the next alarm scans anyway
  core.leaseDue = core.leaseDue === null ? at : Math.min(core.leaseDue, at);
}

/** Makes sure the single alarm fires no later than `at` (cached: no storage read per fire). */
export async function armAlarm(core: Core, at: number): Promise<void> {
  if (core.alarmAt === undefined) core.alarmAt = await core.storage.getAlarm();
  if (core.alarmAt === null || at < core.alarmAt) {
    core.alarmAt = at;
    await core.storage.setAlarm(at);
  }
}
