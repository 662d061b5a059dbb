/** "Replay all listed" on a status tab (ui/lib/replay-plan.ts): only the flows whose latest delivery is in that status. */
import { describe, expect, it } from "vitest";
import { planText, replayPlan } from "../../ui/lib/replay-plan";
import type { Fire } from "../../ui/types";

const fire = (eventId: string, ...ds: [string, string][]): Fire => ({
  eventId, status: "accepted", deliveries: ds.map(([flow, status], i) => ({ deliveryId: `${eventId}-${i}`, flow, status })),
});

describe("replayPlan", () => {
  it("replays the dead flow of each fire and never a flow that got it", () => {
    const plan = replayPlan([fire("e1", ["ledger", "dead"], ["mail", "delivered"]), fire("e2", ["ledger", "dead"], ["crm", "dead"]), fire("e3", ["mail", "delivered"])], "dead");
    expect(plan).toEqual({ fires: [{ eventId: "e1", flows: ["ledger"] }, { eventId: "e2", flows: ["crm", "ledger"] }], deliveries: 3, byFlow: [["ledger", 2], ["crm", 1]] });
    expect(planText(plan, "dead")).toBe("Replay 3 dead deliveries of 2 fires: ledger (2), crm (1)?");
  });

  it("leaves out a dead delivery that was replayed since (its flow's latest delivery is no longer dead)", () => {
    const replayed = fire("e1", ["ledger", "dead"], ["ledger", "delivered"]);
    const pending = fire("e2", ["ledger", "dead"], ["ledger", "queued"]);
    const deadAgain = fire("e3", ["ledger", "dead"], ["ledger", "dead"]);
    expect(replayPlan([replayed, pending, deadAgain], "dead").fires).toEqual([{ eventId: "e3", flows: ["ledger"] }]);
  });

  it("works for any status tab, and says so for one delivery", () => {
    const plan = replayPlan([fire("e1", ["crm", "skipped"], ["mail", "delivered"])], "skipped");
    expect(plan.fires).toEqual([{ eventId: "e1", flows: ["crm"] }]);
    expect(planText(plan, "skipped")).toBe("Replay 1 skipped delivery of 1 fire: crm (1)?");
    expect(replayPlan([], "dead")).toEqual({ fires: [], deliveries: 0, byFlow: [] });
  });
});
