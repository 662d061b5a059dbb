/**
 * Runs tasks with at most `concurrency` at a time, in the order given, and
 * never throws (a task's failure is its own to report). One consumer
 * invocation's outbound work goes through one of these.
 * @example await runBounded([() => a(), () => b()], 6)
 */
export async function runBounded(tasks: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      try {
        await task();
      } catch {
        // the task reports its own failure
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
}

/**
 * Interleaves groups so each gets a turn before any gets a second: a batch
 * with one busy lane and one quiet one starts the quiet one's work at once.
 * @example roundRobin([[1, 2, 3], [9]]) // [1, 9, 2, 3]
 */
export function roundRobin<T>(groups: T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; out.length < groups.reduce((n, g) => n + g.length, 0); i++) for (const g of groups) if (i < g.length) out.push(g[i]);
  return out;
}
