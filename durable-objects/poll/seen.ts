/**
 * The `seen` table: item ids the group has already seen, at least the last
 * SEEN_IDS_CAPACITY. Ids are numbered in the order they were last seen; an
 * id that is still on the page when it nears eviction is renumbered, so a
 * source that keeps returning an old item never fires it again.
 */
import { SEEN_IDS_CAPACITY } from "../../src/domain/poll";
import type { PollCore, GroupState } from "./core";

/** The number of each of `ids` the group has seen (one indexed read per 100). */
export function seenAmong(core: PollCore, ids: string[]): Map<string, number> {
  const seen = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const rows = core.sql.all<{ id: string; n: number }>(`SELECT id, n FROM seen WHERE id IN (${chunk.map(() => "?").join(",")})`, ...chunk);
    for (const r of rows) seen.set(r.id, r.n);
  }
  return seen;
}

/**
 * Records `fresh` ids as seen, renumbers the already seen ones that are in
 * the older half of the window (rarely any), and evicts beyond capacity.
 */
export function markSeen(core: PollCore, st: GroupState, fresh: string[], seen: Map<string, number>, capacity = SEEN_IDS_CAPACITY): void {
  const stale = st.seenN - Math.floor(capacity / 2);
  for (const [id, n] of seen) if (n <= stale) core.sql.run(`UPDATE seen SET n = ? WHERE id = ?`, ++st.seenN, id);
  for (const id of fresh) core.sql.run(`INSERT OR REPLACE INTO seen (id, n) VALUES (?, ?)`, id, ++st.seenN);
  if (fresh.length) core.sql.run(`DELETE FROM seen WHERE n <= ?`, st.seenN - capacity);
}

export function seenCount(core: PollCore): number {
  return core.ready ? core.sql.one<{ c: number }>(`SELECT count(*) AS c FROM seen`)?.c ?? 0 : 0;
}
