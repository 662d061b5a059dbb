/**
 * Cleanup, decided here (the D1 index only proposes candidates and may lag):
 * an active trigger with no subscriber, no open await, no live listener and
 * no activity since the cutoff retires itself; a trigger retired no later
 * than the cutoff deletes itself. Deletion leaves its poll group, removes its
 * D1 rows and webhook path claims, then all of its storage; a mark written
 * first lets the alarm finish a deletion that a crash interrupted.
 */
import { TriggerRemoval } from "../../src/store/trigger-removal";
import { CLAIM_GRACE_MS } from "../../src/store/webhook-paths";
import { objectStub, pollGroupObjectName } from "../../src/contracts/objects";
import { isRpcFailure } from "../../src/errors";
import type { DeletedItem, RetiredItem } from "../../src/contracts/cleanup";
import type { Core } from "./core";
import { loadEntry, requireEntry } from "./tables/entry";
import { allSubscriptions } from "./tables/subscriptions";
import { openWaiterCount } from "./tables/waiters";
import { deleteMeta, readMeta, writeMeta } from "./tables/meta";
import { lastActivity } from "./stats-flush";
import { retire } from "./registry";
import { rearm } from "./alarm";

/** How soon the alarm retries finishing an interrupted deletion. */
export const PURGE_RETRY_MS = 60_000;

/** The reason a cleanup retirement records. */
export const inactiveReason = (days: number) => `inactive for ${days} days`;

/** Whether this trigger would be retired as inactive (null: it stays). Any subscription counts, pull included. */
export function idleSince(core: Core, cutoffMs: number, listening: boolean): RetiredItem | null {
  const row = core.ready ? loadEntry(core) : null;
  if (!row || row.status !== "active" || listening) return null;
  if (allSubscriptions(core).length > 0 || openWaiterCount(core, core.now()) > 0) return null;
  const last = lastActivity(core);
  return last <= cutoffMs ? { name: row.name, lastActivityAt: last } : null;
}

/** Retires the trigger when it is idle (a `trigger.retired` event with the reason); a dry run only answers. */
export function retireIfIdle(core: Core, cutoffMs: number, days: number, listening: boolean, dryRun: boolean): RetiredItem | null {
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

/** A deletion was started and not finished (the alarm finishes it). */
export function purgePending(core: Core): boolean {
  return core.ready && readMeta(core, "purging") !== null;
}

/**
 * Deletes the trigger. Leaves its poll group first (the group's hourly check
 * would drop it too, but not at once), then marks the deletion and finishes
 * it. Answers false, having changed nothing, when the group or D1 cannot be
 * reached: the next cleanup run tries again.
 */
export async function purge(core: Core): Promise<boolean> {
  const row = requireEntry(core);
  const joined = readMeta<{ key: string }>(core, "poll_group");
  if (joined) {
    const res = await objectStub(core.env.POLL_GROUPS, pollGroupObjectName(row.tenant, joined.key)).leave(row.name);
    if (isRpcFailure(res)) return false;
    core.tx(() => deleteMeta(core, "poll_group"));
  }
  core.tx(() => writeMeta(core, "purging", { at: core.now() }));
  core.alarmAt = core.now() + PURGE_RETRY_MS;
  await core.storage.setAlarm(core.alarmAt);
  if (await finishPurge(core)) return true;
  core.tx(() => deleteMeta(core, "purging"));
  await rearm(core);
  return false;
}

/** Removes the D1 rows and path claims, then the alarm and every byte of storage. False when D1 failed (nothing removed). */
export async function finishPurge(core: Core): Promise<boolean> {
  const row = requireEntry(core);
  try {
    await new TriggerRemoval(core.env.DB, row.tenant).remove(row.name, core.now());
  } catch {
    return false;
  }
  await core.storage.deleteAlarm();
  await core.storage.deleteAll();
  return true;
}

/**
 * An index row whose object holds nothing (a deletion raced by a late
 * projection) is stale: remove it, sparing a path claim young enough to
 * belong to a registration still running.
 */
export async function dropStaleRows(core: Core, tenant: string, name: string): Promise<void> {
  await new TriggerRemoval(core.env.DB, tenant).remove(name, core.now() - CLAIM_GRACE_MS);
}
