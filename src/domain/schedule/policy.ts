/**
 * Schedule policies that need no storage: which due occurrences fire and
 * which are missed (catch-up), and what an occurrence does while the last
 * scheduled fire is still running (overlap, Temporal's semantics).
 */

/** An occurrence this late (after its jittered time) counts as missed under catchup "none". */
export const ON_TIME_MS = 5_000;

export type Catchup = "none" | "latest" | "all";
export type Overlap = "allow_all" | "skip" | "buffer_one" | "buffer_all" | "cancel_other";

/**
 * Splits the due occurrences (oldest first) into those to fire and those
 * missed. `lateness(o)` is how late occurrence `o` is now, in ms.
 * @example selectCatchup([t1, t2], "latest", 3_600_000, lateOf) // { fire: [t2], missed: [t1] }
 */
export function selectCatchup(due: number[], policy: Catchup, windowMs: number, lateness: (o: number) => number): { fire: number[]; missed: number[] } {
  if (due.length === 0) return { fire: [], missed: [] };
  let fire: number[];
  if (policy === "all") fire = due.filter((o) => lateness(o) <= Math.max(windowMs, ON_TIME_MS));
  else if (policy === "latest") fire = [due[due.length - 1]];
  else fire = due.filter((o) => lateness(o) <= ON_TIME_MS);
  const set = new Set(fire);
  return { fire, missed: due.filter((o) => !set.has(o)) };
}

export type OverlapAction = "fire" | "skip" | "buffer" | "cancel_then_fire";

/**
 * What an on-time occurrence does under the overlap policy, given whether
 * the last scheduled fire is still running and how many are buffered.
 * @example overlapAction("buffer_one", true, 1) // "skip"
 */
export function overlapAction(policy: Overlap, running: boolean, buffered: number): OverlapAction {
  if (policy === "allow_all" || !running) return "fire";
  if (policy === "skip") return "skip";
  if (policy === "buffer_one") return buffered >= 1 ? "skip" : "buffer";
  if (policy === "buffer_all") return "buffer";
  return "cancel_then_fire";
}
