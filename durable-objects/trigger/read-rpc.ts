/**
 * Reads that compose more than one module: the stats answer (the book, the
 * storage counters, the outbox) and a pull that may wait for the next fire.
 * The other reads answer straight from their modules (reads, fire-views,
 * delivery-lookup, feed, schedule).
 */
import type { PullPage, StatsAnswer } from "../../src/contracts/views";
import { detailedView, latenessView } from "../../src/domain/trigger-stats/state";
import type { Core } from "./core";
import { currentStats } from "./stats-flush";
import { book } from "./stats";
import { scheduleOf } from "./schedule";
import { pendingFor, waitForFire, MAX_WAIT_MS } from "./pull";
import { requireEntry } from "./tables/entry";
import { outboxHealth } from "./tables/outbox";

/** GET …/stats. */
export function statsOf(core: Core): StatsAnswer {
  const row = requireEntry(core);
  const s = book(core);
  return {
    ...currentStats(core), ...detailedView(s, core.now()), rowsWritten: core.sql.rowsWritten, ...(scheduleOf(row) ? latenessView(s) : {}),
    outbox: outboxHealth(core), rowsRead: core.sql.rowsRead,
    queueMessages: core.ledger.messagesSent, outcomeReports: core.ledger.outcomeReports,
  };
}

/** GET …/pull: the pending events, waiting up to `waitMs` (at most MAX_WAIT_MS) for a fire when there are none. */
export async function pull(core: Core, flow: string, limit: number, waitMs: number): Promise<PullPage> {
  let page = pendingFor(core, flow, limit);
  if (page.events.length === 0 && waitMs > 0) {
    await waitForFire(core, Math.min(waitMs, MAX_WAIT_MS));
    page = pendingFor(core, flow, limit);
  }
  return page;
}
