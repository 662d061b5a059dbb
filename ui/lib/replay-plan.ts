/**
 * "Replay all listed" on a status tab: which flows of which fires to replay.
 * Only the flows whose latest delivery of the fire is in the tab's status are
 * replayed (deliveries are listed oldest first): a flow that got the fire, or
 * whose dead delivery was replayed already, gets nothing new. The
 * confirmation says how many go to which flow. Pure.
 */
import type { Fire } from "../types";

/** Tabs whose deliveries may be replayed in bulk (queued ones are still on their way). */
export const REPLAYABLE = ["dead", "failed", "skipped", "delivered", "completed"];

export type ReplayPlan = {
  /** each fire and the flows to replay it to (fires without such a delivery are left out) */
  fires: { eventId: string; flows: string[] }[];
  /** deliveries to create, one per fire and flow */
  deliveries: number;
  /** deliveries per flow, most first */
  byFlow: [string, number][];
};

/**
 * @example replayPlan([{ eventId: "e1", status: "accepted", deliveries: [{ deliveryId: "d1", flow: "ledger", status: "dead" }, { deliveryId: "d2", flow: "mail", status: "delivered" }] }], "dead")
 * // { fires: [{ eventId: "e1", flows: ["ledger"] }], deliveries: 1, byFlow: [["ledger", 1]] }
 */
export function replayPlan(fires: Fire[], status: string): ReplayPlan {
  const count = new Map<string, number>();
  const out: ReplayPlan["fires"] = [];
  for (const f of fires) {
    // a flow's latest delivery decides: a dead one replayed since (delivered or on its way) is not sent again
    const latest = new Map<string, string>();
    for (const d of f.deliveries ?? []) latest.set(d.flow, d.status);
    const flows = [...latest.entries()].filter(([, s]) => s === status).map(([flow]) => flow).sort();
    if (!flows.length) continue;
    out.push({ eventId: f.eventId, flows });
    for (const flow of flows) count.set(flow, (count.get(flow) ?? 0) + 1);
  }
  const byFlow = [...count.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return { fires: out, deliveries: byFlow.reduce((n, [, c]) => n + c, 0), byFlow };
}

/**
 * The confirmation's question.
 * @example planText({ fires: [...2], deliveries: 3, byFlow: [["ledger", 2], ["mail", 1]] }, "dead") // "Replay 3 dead deliveries of 2 fires: ledger (2), mail (1)?"
 */
export function planText(plan: ReplayPlan, status: string): string {
  const d = `${plan.deliveries} ${status} deliver${plan.deliveries === 1 ? "y" : "ies"}`;
  const f = `${plan.fires.length} fire${plan.fires.length === 1 ? "" : "s"}`;
  return `Replay ${d} of ${f}: ${plan.byFlow.map(([flow, n]) => `${flow} (${n})`).join(", ")}?`;
}
