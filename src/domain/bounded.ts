/**
 * Bounded fan-out: every place that asks many objects or endpoints at once
 * goes through here, so one request never opens more than a deployed Worker
 * allows (SEND_CONCURRENCY simultaneous connections) and the rest wait their
 * turn instead of timing out in a queue nobody sees.
 */

/** The most connections one invocation keeps open (a deployed Worker's limit). */
export const FAN_OUT = 6;

/**
 * Maps `items` through `fn`, at most `limit` at a time, results in order.
 * @example await mapBounded([1, 2, 3], 2, async (n) => n * 2) // [2, 4, 6]
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}

/**
 * Runs tasks at most `limit` at a time, in the order given; a task's failure
 * is its own to report (it never stops the others).
 * @example await runBounded([() => a(), () => b()], 6)
 */
export async function runBounded(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  await mapBounded(tasks, limit, async (task) => {
    try {
      await task();
    } catch {
      // the task reports its own failure
    }
  });
}

/**
 * Interleaves groups so each gets a turn before any gets a second: a batch
 * with one busy lane and one quiet one starts the quiet one's work at once.
 * @example roundRobin([[1, 2, 3], [9]]) // [1, 9, 2, 3]
 */
export function roundRobin<T>(groups: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...groups.map((g) => g.length));
  for (let i = 0; i < longest; i++) for (const g of groups) if (i < g.length) out.push(g[i]);
  return out;
}
