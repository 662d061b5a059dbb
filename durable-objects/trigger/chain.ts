/**
 * Flow triggers (chaining). A flow's report on a delivery (completed or
 * failed) writes a notice in the report's own transaction (the outbox, key
 * `flow:<delivery>:<status>`); after commit, and again from the alarm until
 * it succeeds, the notice goes to every active flow trigger of the tenant
 * listening to that flow (found in the index by flow name), which fires it
 * through the pipeline with an id derived from the report, so a repeated
 * notice fires nothing. The chain depth travels with it (capped in the
 * pipeline at MAX_CHAIN_DEPTH).
 *
 * The index may lag a listener registered moments before the report (or one
 * whose projection waits out a D1 outage), so a notice is not done when the
 * index first answers: it asks again at NOTICE_RECHECKS_MS after that first
 * answer, firing only the listeners not fired yet, and is dropped after the
 * last one (longer than the outbox's capped backoff, so a listener whose
 * projection was held up by the same outage is in the index by then).
 */
import { isRpcFailure } from "../../src/errors";
import { TriggerIndex, type FlowListener } from "../../src/store/trigger-index";
import type { FlowNotice } from "../../src/contracts/rpc";
import { objectStub, triggerObjectName } from "../../src/contracts/objects";
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { eventAt } from "./tables/events";
import { deferOutbox, doneOutbox, dueOutbox, failOutbox, queueOutbox } from "./tables/outbox";
import type { DeliveryRow } from "./tables/deliveries";
import { singleFlight } from "../single-flight";
import { FAN_OUT, mapBounded } from "../../src/domain/bounded";

/**
 * After the index first answered for a notice, when it is asked again (then the notice is done).
 * @internal (exported for tests)
 */
export const NOTICE_RECHECKS_MS = [5_000, 30_000, 120_000, 600_000] as const;

/** The outbox row: the notice, the listeners it fired, and when the index first answered (null: not yet). */
type NoticeRow = { notice: FlowNotice; fired: string[]; since: number | null };

function parseRow(payload: string): NoticeRow {
  const p = JSON.parse(payload) as NoticeRow | FlowNotice;
  return "notice" in p ? p : { notice: p, fired: [], since: null }; // rows queued before the rechecks existed
}

/** The next recheck after `now`, or null when the last one has passed. */
function nextRecheck(since: number, now: number): number | null {
  for (const d of NOTICE_RECHECKS_MS) if (since + d > now) return since + d;
  return null;
}

/** Inside the report's transaction: the notice for the flow triggers listening to this flow. */
export function queueFlowNotice(core: Core, d: DeliveryRow, status: "completed" | "failed", output: unknown, error: string | null): void {
  const row = loadEntry(core)!;
  const ev = eventAt(core, d.event_seq);
  const depth = ((ev ? (JSON.parse(ev.data) as { chainDepth?: number }).chainDepth : 0) ?? 0) + 1;
  const notice: FlowNotice = { flow: d.flow, status, output: output ?? null, error, trigger: row.name, eventId: ev?.id ?? "", deliveryId: d.id, depth };
  queueOutbox(core, `flow:${d.id}:${status}`, { notice, fired: [], since: null } satisfies NoticeRow, core.now());
}

/**
 * Sends due notices to the listening flow triggers not fired yet; the index is
 * read once per flow per drain (a failed read fails that flow's notices for
 * this drain). A failure leaves the notice for the alarm (listeners that fired
 * already dedupe it). One drain at a time (../single-flight.ts): reports that
 * settle together send each notice once, not once per report.
 */
export function drainFlowNotices(core: Core): Promise<void> {
  return singleFlight(core, "flow", () => drainPass(core));
}

const NOTICES_PER_PASS = 50;

/** One pass over the due notices; true when it took a full batch (more may be due). */
async function drainPass(core: Core): Promise<boolean> {
  const row = loadEntry(core);
  if (!row) return false;
  const due = dueOutbox(core, "flow:", core.now(), NOTICES_PER_PASS);
  if (!due.length) return false;
  const index = new TriggerIndex(core.env.DB, row.tenant);
  const byFlow = new Map<string, Promise<FlowListener[]>>();
  // notices to several at once (each notice's listeners in turn): a burst's fires reach a listener together and share its commits
  await mapBounded(due, FAN_OUT, async (r) => {
    const { notice, fired, since } = parseRow(r.payload);
    const done = new Set(fired);
    try {
      if (!byFlow.has(notice.flow)) byFlow.set(notice.flow, index.flowListeners(notice.flow));
      const listeners = (await byFlow.get(notice.flow)!).filter(
        (l) => !done.has(l.name) && l.on.includes(notice.status) && (!l.triggers || l.triggers.includes(notice.trigger)),
      );
      const first = since ?? core.now();
      for (const l of listeners) {
        const res = await objectStub(core.env.TRIGGERS, triggerObjectName(row.tenant, l.name)).fireFromFlow(notice);
        // 404/410/409: the listener is gone, retired or no longer listens; nothing to retry
        if (isRpcFailure(res) && ![404, 409, 410].includes(res.__error.status)) throw new Error(res.__error.message);
        done.add(l.name);
      }
      const next = nextRecheck(first, core.now());
      if (next === null) doneOutbox(core, r);
      else deferOutbox(core, r, { notice, fired: [...done], since: first } satisfies NoticeRow, next);
    } catch (e) {
      failOutbox(core, r, String((e as Error).message), core.now());
    }
  });
  return due.length === NOTICES_PER_PASS;
}
