/** How long a queued delivery may go without an outcome before the alarm sends it again. */
import type { Core } from "./core";

export const DEFAULT_LEASE_MS = 120_000;

export function leaseMs(core: Core): number {
  const s = Number(core.env.DELIVERY_LEASE_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : DEFAULT_LEASE_MS;
}
