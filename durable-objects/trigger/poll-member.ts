/**
 * A poll trigger's side of its poll group: membership kept in step with the
 * definition (an outbox row written in the change's transaction, applied
 * after commit and by the alarm until it lands), the group's fan-outs turned
 * into fires through the one pipeline, and `poll.state` for the view.
 */
import { pollGroupKey } from "../../src/domain/poll";
import { applyTransform } from "../../src/domain/transform";
import { isRpcFailure } from "../../src/errors";
import { pollEventId } from "../../src/contracts/ids";
import { objectStub, pollGroupObjectName } from "../../src/contracts/objects";
import type { ObjectEnv } from "../../src/contracts/object-env";
import type { PollFanOut, PollFanOutAnswer, PollStateView } from "../../src/contracts/rpc";
import type { Core, TriggerRow } from "./core";
import { loadEntry } from "./tables/entry";
import { deleteMeta, readMeta, writeMeta } from "./tables/meta";
import { doneOutbox, dueOutbox, failOutbox, queueOutbox } from "./tables/outbox";
import { findKey, putKey } from "./tables/dedup";
import { hashOf, recordEvent } from "./journal";
import { fire, type FireOutcome } from "./pipeline";

/** Poll fire ids dedupe for this long (a group keeps 10,000 seen ids; this is the second line). */
const POLL_DEDUP_SECONDS = 30 * 86_400;
/** poll.failed / poll.recovered fan-outs dedupe for this long (a row is retried for minutes at most). */
const EVENT_DEDUP_MS = 86_400_000;
/** What a poll item that fails this trigger's filter or schema is: counted, not written. */
const QUIET = ["filter", "schema_invalid"];

const keys = new WeakMap<Core, { version: number; key: string }>();

/** The group this trigger's definition belongs to (null: not a poll trigger). */
async function groupKeyOf(core: Core, row: TriggerRow): Promise<string | null> {
  if (row.def.type !== "poll" || !row.def.poll) return null;
  const c = keys.get(core);
  if (c && c.version === row.version) return c.key;
  const key = await pollGroupKey(row.def.poll);
  keys.set(core, { version: row.version, key });
  return key;
}

function groupStub(env: ObjectEnv, tenant: string, key: string) {
  return objectStub(env.POLL_GROUPS, pollGroupObjectName(tenant, key));
}

/** Inside a change's transaction (register, update, retire, reactivate of a poll trigger). */
export function queuePollSync(core: Core): void {
  queueOutbox(core, "poll:sync", {}, core.now());
}

/**
 * Brings the group membership in line with the definition: leaves the group
 * it joined last if that is no longer its group (or it was retired), joins
 * the current one while active. Both are idempotent (by version), so a
 * repeat after a crash changes nothing.
 */
export async function drainPollSync(core: Core): Promise<void> {
  const row = loadEntry(core);
  const [r] = row ? dueOutbox(core, "poll:", core.now(), 1) : [];
  if (!row || !r) return;
  try {
    const joined = readMeta<{ key: string }>(core, "poll_group");
    const want = row.status === "active" ? await groupKeyOf(core, row) : null;
    if (joined && joined.key !== want) {
      const res = await groupStub(core.env, row.tenant, joined.key).leave(row.name);
      if (isRpcFailure(res)) throw new Error(res.__error.message);
    }
    if (want) {
      const res = await groupStub(core.env, row.tenant, want).join(want, { tenant: row.tenant, name: row.name, version: row.version, poll: row.def.poll! });
      if (isRpcFailure(res)) throw new Error(res.__error.message);
    }
    core.tx(() => {
      if (want) writeMeta(core, "poll_group", { key: want });
      else deleteMeta(core, "poll_group");
      doneOutbox(core, r);
    });
  } catch (e) {
    failOutbox(core, r, String((e as Error).message), core.now());
  }
}

const NOT_MEMBER: PollFanOutAnswer = { member: false, fired: 0, skipped: 0, deduplicated: 0 };

/** One fan-out from the group: its event, its items without an id (skipped fires) and its items (fires), in one transaction. */
export async function receiveFanOut(core: Core, p: PollFanOut): Promise<{ answer: PollFanOutAnswer; outcomes: FireOutcome[] }> {
  const row = core.ready ? loadEntry(core) : null;
  if (!row || row.status !== "active" || (await groupKeyOf(core, row)) !== p.group) return { answer: NOT_MEMBER, outcomes: [] };
  if (p.ref === "check") return { answer: { ...NOT_MEMBER, member: true }, outcomes: [] };
  const hash = hashOf(core);
  const group = p.group.slice(0, 16);
  const outcomes = core.tx(() => {
    const out: FireOutcome[] = [];
    if (p.event && !findKey(core, `pollev:${p.ref}`)) {
      const ev = recordEvent(core, p.event.type, { ...p.event.data, group });
      putKey(core, `pollev:${p.ref}`, ev.id, ev.seq, core.now() + EVENT_DEDUP_MS);
    }
    for (const inv of p.invalid ?? []) {
      const eventId = pollEventId(hash, inv.key);
      out.push(fire(core, {
        source: "poll", data: inv.item, eventId, dedupKey: `id:${eventId}`, dedupWindowSeconds: POLL_DEDUP_SECONDS, onSchemaFail: "skip",
        skip: { reason: "invalid_item", details: inv.message }, meta: { poll: { group } },
      }));
    }
    const transform = row.def.transform as { pick: Record<string, string> } | undefined;
    for (const it of p.items ?? []) {
      const eventId = pollEventId(hash, it.id);
      out.push(fire(core, {
        source: "poll", data: transform ? applyTransform(transform, it.item, {}) : it.item, eventId,
        dedupKey: `id:${eventId}`, dedupWindowSeconds: POLL_DEDUP_SECONDS, onSchemaFail: "skip", quietSkips: QUIET,
        meta: { poll: { group, itemId: it.id } },
      }));
    }
    return out;
  });
  const count = (s: string) => outcomes.filter((o) => o.answer.status === s).length;
  return { answer: { member: true, fired: count("accepted"), skipped: count("skipped"), deduplicated: count("deduplicated") }, outcomes };
}

/** `poll.state` for the trigger's view: the group's, or a blank one before the group has answered. */
export async function pollStateOf(core: Core, row: TriggerRow): Promise<PollStateView | null> {
  const key = await groupKeyOf(core, row);
  if (!key) return null;
  const blank: PollStateView = { lastPolledAt: null, lastStatus: null, lastError: null, consecutiveFailures: 0, paused: false, group: key };
  if (row.status !== "active") return blank;
  try {
    const res = await groupStub(core.env, row.tenant, key).state();
    return isRpcFailure(res) || res === null ? blank : res;
  } catch {
    return blank;
  }
}
