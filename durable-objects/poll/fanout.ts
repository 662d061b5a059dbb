/**
 * The fan-out outbox. A poll's new items are written once (`batches`) and
 * one row per member references them, in the poll's own transaction, with
 * the new cursor and the ids marked seen; poll.failed / poll.recovered events
 * are rows too. After commit (and from the alarm until it works) each
 * member's rows go to its TriggerObject in order; a member that answers it no
 * longer belongs to the group (retired, polling elsewhere, gone) is removed.
 * Repeats fire nothing: fire ids derive from the trigger and the item id,
 * and events carry a reference the trigger dedupes on. Each member is
 * drained on its own: one whose first row is backing off holds only its own
 * rows, never another member's, and the alarm waits for its first row.
 */
import { isRpcFailure } from "../../src/errors";
import { objectStub, triggerObjectName } from "../../src/contracts/objects";
import type { PollFanItem, PollFanOut } from "../../src/contracts/rpc";
import type { PollCore } from "./core";
import { deleteMember } from "./members";

/** A batch row stays well under SQLite's 2 MB value limit. */
const BATCH_BYTES = 512 * 1024;
const MAX_BACKOFF_MS = 60_000;
/** Rows one member sends in one round (members go in parallel). */
const MEMBER_ROWS = 100;
const ROUNDS = 20;

type Invalid = NonNullable<PollFanOut["invalid"]>[number];
type FanRow = { id: number; member: string; batch: number | null; payload: string | null; attempts: number; next_at: number };

/** Splits a poll's items into batches of at most BATCH_BYTES of JSON each. */
function chunk(items: PollFanItem[], invalid: Invalid[]): { items: PollFanItem[]; invalid: Invalid[] }[] {
  const out: { items: PollFanItem[]; invalid: Invalid[] }[] = [];
  let cur = { items: [] as PollFanItem[], invalid: [] as Invalid[] }, size = 0;
  const add = (kind: "items" | "invalid", v: PollFanItem | Invalid) => {
    const n = JSON.stringify(v).length;
    if (size + n > BATCH_BYTES && size > 0) (out.push(cur), (cur = { items: [], invalid: [] }), (size = 0));
    (cur[kind] as unknown[]).push(v);
    size += n;
  };
  for (const i of items) add("items", i);
  for (const i of invalid) add("invalid", i);
  if (size > 0) out.push(cur);
  return out;
}

/** Inside the poll's transaction: the new items for each member. */
export function queueItems(core: PollCore, members: string[], items: PollFanItem[], invalid: Invalid[]): void {
  if (!members.length) return;
  const now = core.now();
  for (const c of chunk(items, invalid)) {
    const batch = core.sql.one<{ id: number }>(`INSERT INTO batches (items) VALUES (?) RETURNING id`, JSON.stringify(c))!.id;
    for (const m of members) core.sql.run(`INSERT INTO fanout (member, batch, next_at) VALUES (?, ?, ?)`, m, batch, now);
  }
}

/** Inside the poll's transaction: an event for each member. */
export function queueEvent(core: PollCore, members: string[], event: NonNullable<PollFanOut["event"]>): void {
  const payload = JSON.stringify({ event });
  for (const m of members) core.sql.run(`INSERT INTO fanout (member, payload, next_at) VALUES (?, ?, ?)`, m, payload, core.now());
}

/** When the next row can go: the earliest of each member's first row (the rows behind a backing-off one wait for it). */
export function nextFanOutDue(core: PollCore): number | null {
  if (!core.ready) return null;
  return core.sql.one<{ t: number | null }>(
    `SELECT min(next_at) AS t FROM fanout WHERE id IN (SELECT (SELECT min(id) FROM fanout WHERE member = m.name) FROM members m)`,
  )?.t ?? null;
}

export function pendingFanOut(core: PollCore): number {
  return core.ready ? core.sql.one<{ c: number }>(`SELECT count(*) AS c FROM fanout`)?.c ?? 0 : 0;
}

function message(core: PollCore, r: FanRow): PollFanOut {
  const st = core.state()!;
  const out: PollFanOut = { group: st.key, ref: `${st.createdAt.toString(36)}.${r.id}` };
  if (r.batch !== null) {
    const b = core.sql.one<{ items: string }>(`SELECT items FROM batches WHERE id = ?`, r.batch);
    Object.assign(out, b ? JSON.parse(b.items) : { items: [] });
  }
  if (r.payload) Object.assign(out, JSON.parse(r.payload));
  return out;
}

function done(core: PollCore, r: FanRow): void {
  core.tx(() => {
    core.sql.run(`DELETE FROM fanout WHERE id = ?`, r.id);
    if (r.batch !== null) core.sql.run(`DELETE FROM batches WHERE id = ? AND NOT EXISTS (SELECT 1 FROM fanout WHERE batch = ?)`, r.batch, r.batch);
  });
}

function failed(core: PollCore, r: FanRow, error: string): void {
  const next = core.now() + Math.min(MAX_BACKOFF_MS, 500 * 2 ** r.attempts);
  core.sql.run(`UPDATE fanout SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?`, next, error.slice(0, 500), r.id);
}

/** Sends one member's due rows in order; stops at its first failure (the rest wait behind it). */
async function drainMember(core: PollCore, member: string, rows: FanRow[]): Promise<"ok" | "removed" | "failed"> {
  const st = core.state()!;
  const stub = objectStub(core.env.TRIGGERS, triggerObjectName(st.tenant, member));
  for (const r of rows) {
    try {
      const res = await stub.pollFanOut(message(core, r));
      const gone = isRpcFailure(res) ? [404, 410].includes(res.__error.status) : !res.member;
      if (isRpcFailure(res) && !gone) throw new Error(res.__error.message);
      if (gone) {
        core.tx(() => deleteMember(core, member));
        return "removed";
      }
      if (!core.ready) return "ok";
      done(core, r);
    } catch (e) {
      if (core.ready) failed(core, r, String((e as Error).message));
      return "failed";
    }
  }
  return "ok";
}

/** A member's first rows that are due, in order: none while its first row is backing off (the rest wait behind it). */
function dueRows(core: PollCore, member: string, now: number): FanRow[] {
  const rows = core.sql.all<FanRow>(`SELECT id, member, batch, payload, attempts, next_at FROM fanout WHERE member = ? ORDER BY id LIMIT ?`, member, MEMBER_ROWS);
  const end = rows.findIndex((r) => r.next_at > now);
  return end < 0 ? rows : rows.slice(0, end);
}

/** Sends every member's due rows (members in parallel, each in order). Answers the members it removed. */
export async function drainFanOut(core: PollCore): Promise<string[]> {
  const removed: string[] = [];
  for (let round = 0; round < ROUNDS && core.ready; round++) {
    const now = core.now();
    const members = core.sql.all<{ name: string }>(`SELECT name FROM members ORDER BY name`);
    const due = members.map((m) => [m.name, dueRows(core, m.name, now)] as const).filter(([, rows]) => rows.length > 0);
    if (!due.length) break;
    const results = await Promise.all(due.map(async ([m, list]) => [m, await drainMember(core, m, list)] as const));
    for (const [m, r] of results) if (r === "removed") removed.push(m);
    // another round only while a member sent a full round without failing (it may have more)
    const full = new Set(due.filter(([, rows]) => rows.length === MEMBER_ROWS).map(([m]) => m));
    if (!results.some(([m, r]) => r === "ok" && full.has(m))) break;
  }
  return removed;
}
