/**
 * Sending deliveries to the queue, and the lease that makes it safe: a queued
 * delivery carries `lease_until`; if no outcome arrives by then (the send
 * failed, the process crashed, the message was lost), the alarm sends it
 * again, paced (at most RESEND_BATCH per alarm, RESEND_GAP_MS apart) so a
 * backlog is never re-sent in a burst. Receivers dedupe on the delivery id.
 */
import type { DeliveryMessage } from "../../src/contracts/messages";
import type { Core } from "./core";
import { requireEntry } from "./tables/entry";
import { deliveryById, patchDelivery } from "./tables/deliveries";
import { expiredLeases, earliestLease } from "./open-set";
import { leaseMs } from "./lease";
import type { SendItem } from "./pipeline";

/** A send that failed is tried again after this long (alarm). */
const SEND_RETRY_MS = 5_000;
const RESEND_BATCH = 200;
const RESEND_GAP_MS = 1_000;

/** Sends one message per delivery attempt; a failed send re-leases its rows for a retry by the alarm. */
export async function sendDeliveries(core: Core, items: SendItem[]): Promise<void> {
  if (items.length === 0) return;
  const row = requireEntry(core);
  for (let i = 0; i < items.length; i += 100) {
    const chunk = items.slice(i, i + 100);
    try {
      await core.env.DELIVERIES.sendBatch(
        chunk.map((it) => ({
          body: { t: row.tenant, n: row.name, d: it.id, a: it.attempt } satisfies DeliveryMessage,
          ...(it.delaySeconds ? { delaySeconds: it.delaySeconds } : {}),
        })),
      );
    } catch {
      const retryAt = core.now() + SEND_RETRY_MS;
      core.tx(() => {
        for (const it of chunk) {
          const d = deliveryById(core, it.id);
          if (d?.status === "queued") patchDelivery(core, d, { lease_until: retryAt }, core.now());
        }
      });
      await armAlarm(core, retryAt);
    }
  }
}

/** Re-sends queued deliveries whose lease ended (alarm path); returns how many. */
export async function resendExpired(core: Core): Promise<number> {
  const now = core.now();
  const ids = expiredLeases(core, now, RESEND_BATCH);
  if (ids.length === 0) return 0;
  const lease = leaseMs(core);
  const send: SendItem[] = [];
  core.tx(() => {
    for (const id of ids) {
      const d = deliveryById(core, id);
      if (!d || d.status !== "queued") continue;
      patchDelivery(core, d, { lease_until: now + lease }, now);
      const delay = d.next_attempt_at && d.next_attempt_at > now ? Math.ceil((d.next_attempt_at - now) / 1000) : undefined;
      send.push({ id, attempt: d.attempts + 1, delaySeconds: delay });
    }
  });
  await sendDeliveries(core, send);
  return ids.length;
}

/** When the alarm must look at leases next (paced after a full re-send batch). */
export function nextLeaseCheck(core: Core, resent: number): number | null {
  const at = earliestLease(core);
  if (at === null) return null;
  return resent >= RESEND_BATCH ? Math.max(at, core.now() + RESEND_GAP_MS) : at;
}

/** Makes sure the single alarm fires no later than `at` (cached: no storage read per fire). */
export async function armAlarm(core: Core, at: number): Promise<void> {
  if (core.alarmAt === undefined) core.alarmAt = await core.storage.getAlarm();
  if (core.alarmAt === null || at < core.alarmAt) {
    core.alarmAt = at;
    await core.storage.setAlarm(at);
  }
}
