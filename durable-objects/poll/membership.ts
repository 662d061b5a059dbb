/**
 * Joining and leaving a group. The first join creates the group and polls at
 * once; a join with a newer version (the trigger was updated) replaces the
 * member's poll block and unpauses a paused group; the last leave removes the
 * group (its alarm and storage). An older version never overwrites a newer one.
 */
import { initialPollState, unpausePollState } from "../../src/domain/poll";
import type { PollMember, PollStateView } from "../../src/contracts/rpc";
import type { GroupState, PollCore } from "./core";
import { deleteMember, getMember, listMembers, putMember } from "./members";
import { scheduleOf } from "./poll";

function newGroup(tenant: string, key: string, now: number, startFrom: "now" | "beginning"): GroupState {
  return {
    tenant, key, createdAt: now, anchor: null, nextAt: now, baselined: false, startFrom, cursor: null,
    poll: initialPollState(), seenN: 0, verifiedAt: now, polls: 0, lateness: [],
  };
}

/** Where the next poll goes after the members changed: sooner for a faster member, later for a slower one, never within a period of the last poll. */
function reschedule(core: PollCore, st: GroupState): void {
  const members = listMembers(core);
  if (!members.length || st.poll.paused || st.poll.consecutiveFailures > 0 || st.anchor === null) return;
  const at = st.poll.lastPolledAt ?? core.now();
  st.nextAt = scheduleOf(members, st.lastPoll ?? { dueAt: at, startedAt: at }, st.anchor).nextPollAt;
}

export function join(core: PollCore, key: string, m: PollMember): { joined: boolean } {
  core.ensureSchema();
  return core.tx(() => {
    const now = core.now();
    const prev = core.state();
    const st = prev ? structuredClone(prev) : newGroup(m.tenant, key, now, m.poll.startFrom ?? "now");
    const existing = getMember(core, m.name);
    if (existing && existing.version >= m.version) {
      if (!prev) core.saveState(st);
      return { joined: false };
    }
    putMember(core, { name: m.name, spec: m.poll, version: m.version, joinedAt: existing?.joinedAt ?? now });
    if (st.poll.paused) {
      // paused by a 4xx until a trigger of the group is updated: this is that update
      st.poll = unpausePollState(st.poll);
      st.nextAt = now;
    } else {
      reschedule(core, st);
    }
    core.saveState(st);
    return { joined: true };
  });
}

/** Removes a member; answers whether the group is now empty (the caller destroys it). */
export function leave(core: PollCore, name: string): boolean {
  if (!core.ready) return true;
  return core.tx(() => {
    deleteMember(core, name);
    const st = core.state();
    if (!listMembers(core).length || !st) return true;
    const next = structuredClone(st);
    reschedule(core, next);
    core.saveState(next);
    return false;
  });
}

export function stateView(core: PollCore): PollStateView | null {
  const st = core.state();
  // groups stored before lastError existed read it as null
  return st ? { ...st.poll, lastError: st.poll.lastError ?? null, group: st.key } : null;
}
