import { describe, it, expect } from "vitest";
import { deliveryState } from "../../durable-objects/trigger/fire-views";

describe("a fire's delivery state derives from its deliveries", () => {
  it.each([
    [[], "none"],
    [["queued", "delivered"], "pending"],
    [["processing", "dead"], "pending"],
    [["delivered", "dead"], "dead"],
    [["failed", "delivered"], "failed"],
    [["skipped", "skipped"], "skipped"],
    [["completed", "skipped"], "completed"],
    [["completed", "delivered"], "delivered"],
  ])("%j → %s", (statuses, expected) => {
    expect(deliveryState(statuses as string[])).toBe(expected);
  });
});
