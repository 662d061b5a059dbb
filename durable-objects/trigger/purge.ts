/**
 * Deleting a trigger (the cleanup's second step, ./cleanup.ts decides):
 * leave the poll group, remove the D1 rows and webhook path claims, then
 * every byte of storage, and boot a fresh core (nothing in memory may
 * outlive its storage). A mark written first lets the alarm finish a
 * deletion that a crash interrupted. Nothing else runs in the object
 * meanwhile, so no registration interleaves with the deletion of the old name.
 */
import type { DeletedItem } from "../../src/contracts/cleanup";
import { objectStub, pollGroupObjectName } from "../../src/contracts/objects";
import { isRpcFailure } from "../../src/errors";
import { TriggerRemoval } from "../../src/store/trigger-removal";
import { CLAIM_GRACE_MS } from "../../src/store/webhook-paths";
import type { Core } from "./core";
import type { TriggerHost } from "./host";
import { bootCore } from "./boot";
import { retiredBefore } from "./cleanup";
import { loadEntry, requireEntry } from "./tables/entry";
import { deleteMeta, readMeta, writeMeta } from "./tables/meta";
import { rearm } from "./alarm";

/** How soon the alarm retries finishing an interrupted deletion. */
const PURGE_RETRY_MS = 60_000;

/** Cleanup: deletes the trigger when it was retired no later than the cutoff (null: it stays; a dry run only answers). */
export function purgeIfRetiredBefore(host: TriggerHost, tenant: string, name: string, cutoffMs: number, dryRun: boolean): Promise<DeletedItem | null> {
  return host.ctx.blockConcurrencyWhile(async () => {
    const item = retiredBefore(host.core, cutoffMs);
    if (dryRun) return item;
    if (!item) {
      if (!loadEntry(host.core)) await dropStaleRows(host.core, tenant, name);
      return null;
    }
    if (!(await purge(host.core))) return null;
    afterPurge(host);
    return item;
  });
}

/** The alarm's part: finishes an interrupted deletion (true: there was one, the alarm does nothing else). */
export async function finishPendingPurge(host: TriggerHost): Promise<boolean> {
  if (!purgePending(host.core)) return false;
  await host.ctx.blockConcurrencyWhile(async () => {
    if (await finishPurge(host.core)) afterPurge(host);
    else await host.ctx.storage.setAlarm(Date.now() + PURGE_RETRY_MS);
  });
  return true;
}

/** The storage is gone: close listeners and forget everything held in memory. */
function afterPurge(host: TriggerHost): void {
  for (const ws of host.ctx.getWebSockets()) ws.close(1000, "trigger deleted");
  host.core = bootCore(host.ctx.storage, host.env);
}

/** A deletion was started and not finished (the alarm finishes it). */
function purgePending(core: Core): boolean {
  return core.ready && readMeta(core, "purging") !== null;
}

/**
 * Deletes the trigger. Leaves its poll group first (the group's hourly check
 * would drop it too, but not at once), then marks the deletion and finishes
 * it. Answers false, having changed nothing, when the group or D1 cannot be
 * reached: the next cleanup run tries again.
 */
async function purge(core: Core): Promise<boolean> {
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
async function finishPurge(core: Core): Promise<boolean> {
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
async function dropStaleRows(core: Core, tenant: string, name: string): Promise<void> {
  await new TriggerRemoval(core.env.DB, tenant).remove(name, core.now() - CLAIM_GRACE_MS);
}
