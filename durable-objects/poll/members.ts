/** The `members` table: the group's triggers, each with its poll block and version. */
import type { PollSpec, PollTiming } from "../../src/domain/poll";
import { pollTimeoutMs } from "../../src/domain/poll";
import type { PollCore } from "./core";

export type Member = { name: string; spec: PollSpec; version: number; joinedAt: number };

type Row = { name: string; spec: string; version: number; joined_at: number };
const toMember = (r: Row): Member => ({ name: r.name, spec: JSON.parse(r.spec) as PollSpec, version: r.version, joinedAt: r.joined_at });

export function listMembers(core: PollCore): Member[] {
  return core.ready ? core.sql.all<Row>(`SELECT name, spec, version, joined_at FROM members ORDER BY name`).map(toMember) : [];
}

export function getMember(core: PollCore, name: string): Member | null {
  const r = core.sql.one<Row>(`SELECT name, spec, version, joined_at FROM members WHERE name = ?`, name);
  return r ? toMember(r) : null;
}

export function putMember(core: PollCore, m: Member): void {
  core.sql.run(
    `INSERT OR REPLACE INTO members (name, spec, version, joined_at) VALUES (?, ?, ?, ?)`,
    m.name, JSON.stringify(m.spec), m.version, m.joinedAt,
  );
}

/** Removes a member and what it still had to record (batches nobody needs any more go too). */
export function deleteMember(core: PollCore, name: string): void {
  core.sql.run(`DELETE FROM members WHERE name = ?`, name);
  core.sql.run(`DELETE FROM fanout WHERE member = ?`, name);
  core.sql.run(`DELETE FROM batches WHERE id NOT IN (SELECT batch FROM fanout WHERE batch IS NOT NULL)`);
}

export function timingsOf(members: Member[]): PollTiming[] {
  return members.map((m) => ({ every: m.spec.every, cron: m.spec.cron }));
}

/** The poll's timeout: the longest any member allows. */
export function timeoutOf(members: Member[]): number {
  return Math.max(...members.map((m) => pollTimeoutMs(m.spec)));
}

/** The source every member polls (one group key, so one url, method, headers and pointers): the newest member's. */
export function sourceOf(members: Member[]): PollSpec {
  return [...members].sort((a, b) => b.version - a.version || b.joinedAt - a.joinedAt)[0].spec;
}
