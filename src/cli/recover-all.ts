/**
 * `flow <name> recover` follows the API's bounded calls: each call replays at
 * most 10,000 fires and answers `more` and a `cursor` to continue. This
 * repeats the call until it is done, adding up the counts, and stops after
 * `maxCalls` calls (its answer then keeps `more: true` and the cursor).
 */

type RecoverPage = { dryRun: boolean; matched: number; replayed: number; more?: boolean; cursor?: string };
export type RecoverTotals = { dryRun: boolean; matched: number; replayed: number; calls: number; more: boolean; cursor?: string };

/** Calls after which recover stops even when the server has more (100 × 10,000 fires). */
export const MAX_RECOVER_CALLS = 100;

/**
 * @example await recoverAll((cursor) => client.flows.recover("billing", { since, until, status: "dead", cursor }))
 */
export async function recoverAll(call: (cursor: string | undefined) => Promise<RecoverPage>, maxCalls = MAX_RECOVER_CALLS): Promise<RecoverTotals> {
  const totals: RecoverTotals = { dryRun: false, matched: 0, replayed: 0, calls: 0, more: false };
  let cursor: string | undefined;
  do {
    const r = await call(cursor);
    totals.calls++;
    totals.dryRun = r.dryRun;
    totals.matched += r.matched;
    totals.replayed += r.replayed;
    if (r.more && !r.cursor) throw new Error("the server answered more: true without a cursor to continue from");
    totals.more = r.more === true;
    cursor = r.more ? r.cursor : undefined;
  } while (cursor !== undefined && totals.calls < maxCalls);
  return cursor === undefined ? totals : { ...totals, cursor };
}
