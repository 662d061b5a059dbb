/**
 * Cleanup, decided here (the D1 index only proposes candidates and may lag):
 * an active trigger with no subscriber, no open await, no live listener and
 * no activity since the cutoff retires itself; a trigger retired no later
 * than the cutoff is deleted (./purge.ts).
 */
import type { DeletedItem, RetiredItem } from "../../src/contracts/cleanup";
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { allSubscriptions } from "./tables/subscriptions";
import { openWaiterCount } from "./tables/waiters";
import { lastActivity } from "./stats-flush";
import { retire } from "./registry";
import { hasListeners } from "./live";
import type { TriggerHost } from "./host";

/** The reason a cleanup retirement records. */
const inactiveReason = (days: number) => `inactive for ${days} days`;

/** Whether this trigger would be retired as inactive (null: it stays). Any subscription counts, pull included. */
function idleSince(core: Core, cutoffMs: number, listening: boolean): RetiredItem | null {
  const row = core.ready ? loadEntry(core) : null;
  if (!row || row.status !== "active" || listening) return null;
  if (allSubscriptions(core).length > 0 || openWaiterCount(core, core.now()) > 0) return null;
  const last = lastActivity(core);
  return last <= cutoffMs ? { name: row.name, lastActivityAt: last } : null;
}

/** Retires the trigger when it is idle (a `trigger.retired` event with the reason); a dry run only answers. */
function retireIfIdle(core: Core, cutoffMs: number, days: number, listening: boolean, dryRun: boolean): RetiredItem | null {
  const item = idleSince(core, cutoffMs, listening);
  if (item && !dryRun) retire(core, inactiveReason(days), null);
  return item;
}

/** Whether this trigger would be deleted (retired no later than the cutoff). */
export function retiredBefore(core: Core, cutoffMs: number): DeletedItem | null {
  const row = core.ready ? loadEntry(core) : null;
  if (!row || row.status !== "retired" || row.retiredAt === null || row.retiredAt > cutoffMs) return null;
  return { name: row.name, retiredAt: row.retiredAt };
}

/** Cleanup's RPC: retires the trigger when idle (a live listener counts as use) and applies the D1 projection before answering. */
export async function retireIfInactive(host: TriggerHost, cutoffMs: number, days: number, dryRun: boolean): Promise<RetiredItem | null> {
  const item = retireIfIdle(host.core, cutoffMs, days, hasListeners(host.ctx), dryRun);
  if (item && !dryRun) await host.project();
  return item;
}
