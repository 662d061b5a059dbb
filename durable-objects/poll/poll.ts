/**
 * One poll of the group: send the request (outside any transaction), then,
 * in one transaction, the new items for each member (fan-out outbox), the
 * ids marked seen, the new cursor, the poll state and its event, and the next
 * poll time. A crash before that commit loses nothing (the cursor has not
 * moved, so the next poll reads the same items); after it, the outbox carries
 * the items to every member.
 */
import {
  applyPollOutcome, extractItems, nextPollAfter, pollRequest, DEFAULT_ITEMS_POINTER, type Extraction, type PollOutcome,
} from "../../src/domain/poll";
import { getPointer } from "../../src/domain/transform";
import { shortHash } from "../../src/contracts/ids";
import { stableStringify } from "../../src/domain/stable-json";
import type { PollFanItem } from "../../src/contracts/rpc";
import type { GroupState, PollCore } from "./core";
import { listMembers, sourceOf, timeoutOf, timingsOf, type Member } from "./members";
import { markSeen, seenAmong } from "./seen";
import { queueEvent, queueItems } from "./fanout";
import { sendPoll, type PollAnswer } from "./request";
import { logEvent } from "../../src/observability/log";

const LATENESS_RING = 200;

/** The group's period and its next poll after the one that was due at `last.dueAt` and started at `last.startedAt` (at least a period later). */
export function scheduleOf(members: Member[], last: { dueAt: number; startedAt: number }, anchor: number): { periodMs: number; nextPollAt: number } {
  return nextPollAfter(timingsOf(members), last, anchor) ?? { periodMs: Infinity, nextPollAt: Infinity };
}

export async function pollOnce(core: PollCore, maxBytes?: number): Promise<void> {
  const st = core.state();
  const members = listMembers(core);
  if (!st || !members.length) return;
  const startedAt = core.now();
  const scheduledAt = st.nextAt ?? startedAt;
  const spec = sourceOf(members);
  const answer = await sendPoll(pollRequest(spec, st.cursor), timeoutOf(members), maxBytes);
  if (!core.ready) return; // the last member left while the request ran
  core.tx(() => commitPoll(core, answer, startedAt, scheduledAt));
}

type Invalid = { key: string; item: unknown; message: string };

/** Items without a usable id, each under a key derived from its content (so it is reported once). */
function invalidItems(body: unknown, itemsPointer: string, ex: Extraction & { ok: true }): Invalid[] {
  const list = getPointer(body, itemsPointer) as unknown[];
  return ex.problems.map((p) => ({ key: `invalid:${shortHash(stableStringify(list[p.index]))}`, item: list[p.index], message: p.message }));
}

function commitPoll(core: PollCore, answer: PollAnswer, startedAt: number, scheduledAt: number): void {
  const members = listMembers(core);
  const prev = core.state();
  if (!prev || !members.length) return;
  const st: GroupState = structuredClone(prev);
  const now = core.now();
  st.anchor ??= startedAt;
  st.polls++;
  st.lateness.push(Math.max(0, startedAt - scheduledAt));
  if (st.lateness.length > LATENESS_RING) st.lateness.splice(0, st.lateness.length - LATENESS_RING);
  const spec = sourceOf(members);
  let outcome: PollOutcome = answer.outcome;
  let ex: (Extraction & { ok: true }) | null = null;
  if (answer.body !== undefined && outcome.kind === "response") {
    const e = extractItems(answer.body, spec);
    if (e.ok) ex = e;
    else outcome = { kind: "invalid", status: outcome.status, message: e.error };
  }
  st.lastPoll = { dueAt: scheduledAt, startedAt };
  const { periodMs, nextPollAt } = scheduleOf(members, st.lastPoll, st.anchor);
  const applied = applyPollOutcome(st.poll, outcome, { nowMs: now, periodMs, random: Math.random() });
  st.poll = applied.state;
  if (ex) {
    const invalid = invalidItems(answer.body, spec.itemsPointer ?? DEFAULT_ITEMS_POINTER, ex);
    const seen = seenAmong(core, [...ex.items.map((i) => i.id), ...invalid.map((i) => i.key)]);
    const fresh: PollFanItem[] = ex.items.filter((i) => !seen.has(i.id));
    const freshInvalid = invalid.filter((i) => !seen.has(i.key));
    // the first successful poll is the baseline: it fires nothing unless the group started from the beginning
    if (st.baselined || st.startFrom === "beginning") {
      // members that joined while this poll ran start from the next one
      queueItems(core, members.filter((m) => m.joinedAt <= startedAt).map((m) => m.name), fresh, freshInvalid);
    }
    st.baselined = true;
    markSeen(core, st, [...fresh.map((i) => i.id), ...freshInvalid.map((i) => i.key)], seen);
    if (ex.nextCursor !== null) st.cursor = ex.nextCursor;
  }
  if (applied.event) queueEvent(core, members.map((m) => m.name), applied.event);
  const status = outcome.kind === "response" || outcome.kind === "invalid" ? outcome.status ?? null : null;
  logEvent("poll", {
    tenant: st.tenant, group: st.key.slice(0, 16), status, latencyMs: now - startedAt, failures: st.poll.consecutiveFailures,
    items: ex?.items.length ?? 0, reason: outcome.kind === "response" ? null : outcome.kind,
  }, st.poll.consecutiveFailures > 0 ? "warn" : "info");
  st.nextAt = applied.state.paused ? null : applied.retryAt ?? nextPollAt;
  core.saveState(st);
}
