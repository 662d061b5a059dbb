/**
 * Flow triggers (chaining). A flow's report on a delivery (completed or
 * failed) writes a notice in the report's own transaction (the outbox, key
 * `flow:<delivery>:<status>`); after commit, and again from the alarm until
 * it succeeds, the notice goes to every active flow trigger of the tenant
 * listening to that flow (found in the index by flow name), which fires it
 * through the pipeline with an id derived from the report, so a repeated
 * notice fires nothing. The chain depth travels with it (capped in the
 * pipeline at MAX_CHAIN_DEPTH).
 */
import { isRpcFailure } from "../../src/errors";
import { TenantStore } from "../../src/data/tenant-store";
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { eventAt } from "./tables/events";
import { doneOutbox, dueOutbox, failOutbox, queueOutbox } from "./tables/outbox";
import type { DeliveryRow } from "./tables/deliveries";

/** What a flow trigger fires with (API.md "Flow triggers"), and the depth of the chain so far. */
export type FlowNotice = {
  flow: string; status: "completed" | "failed"; output: unknown; error: string | null;
  trigger: string; eventId: string; deliveryId: string; depth: number;
};

/** Inside the report's transaction: the notice for the flow triggers listening to this flow. */
export function queueFlowNotice(core: Core, d: DeliveryRow, status: "completed" | "failed", output: unknown, error: string | null): void {
  const row = loadEntry(core)!;
  const ev = eventAt(core, d.event_seq);
  const depth = ((ev ? (JSON.parse(ev.data) as { chainDepth?: number }).chainDepth : 0) ?? 0) + 1;
  const notice: FlowNotice = { flow: d.flow, status, output: output ?? null, error, trigger: row.name, eventId: ev?.id ?? "", deliveryId: d.id, depth };
  queueOutbox(core, `flow:${d.id}:${status}`, notice, core.now());
}

/** Sends due notices to the listening flow triggers; a failure leaves the notice for the alarm (listeners that fired already dedupe it). */
export async function drainFlowNotices(core: Core): Promise<void> {
  const row = loadEntry(core);
  if (!row) return;
  const due = dueOutbox(core, "flow:", core.now(), 50);
  if (!due.length) return;
  const store = new TenantStore(core.env, row.tenant);
  for (const r of due) {
    const notice = JSON.parse(r.payload) as FlowNotice;
    try {
      const listeners = (await store.index.flowListeners(notice.flow)).filter(
        (l) => l.on.includes(notice.status) && (!l.triggers || l.triggers.includes(notice.trigger)),
      );
      for (const l of listeners) {
        const res = await store.trigger(l.name).fireFromFlow(notice);
        // 404/410/409: the listener is gone, retired or no longer listens; nothing to retry
        if (isRpcFailure(res) && ![404, 409, 410].includes(res.__error.status)) throw new Error(res.__error.message);
      }
      doneOutbox(core, r);
    } catch (e) {
      failOutbox(core, r, String((e as Error).message), core.now());
    }
  }
}
