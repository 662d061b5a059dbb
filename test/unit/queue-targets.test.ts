/** QUEUE_TARGETS: which producer bindings each tenant may name; fail closed. */
import { describe, expect, it } from "vitest";
import { queueTargetAllowed, queueTargetsOf } from "../../src/policy/queue-targets";

describe("queueTargetAllowed", () => {
  const env = { QUEUE_TARGETS: JSON.stringify({ acme: ["FLOW_QUEUE", "OTHER"], globex: [] }) };

  it("allows the bindings listed for the tenant, and only those", () => {
    expect(queueTargetAllowed(env, "acme", "FLOW_QUEUE")).toBe(true);
    expect(queueTargetAllowed(env, "acme", "OTHER")).toBe(true);
    expect(queueTargetAllowed(env, "acme", "flow_queue")).toBe(false);
    expect(queueTargetAllowed(env, "globex", "FLOW_QUEUE")).toBe(false);
    expect(queueTargetAllowed(env, "initech", "FLOW_QUEUE")).toBe(false);
    expect(queueTargetsOf(env, "acme")).toEqual(["FLOW_QUEUE", "OTHER"]);
  });

  it("allows nothing when QUEUE_TARGETS is missing, empty or unreadable", () => {
    for (const QUEUE_TARGETS of [undefined, "", "not json", "[]", '["FLOW_QUEUE"]', '{"acme": "FLOW_QUEUE"}', "null"]) {
      expect(queueTargetAllowed({ QUEUE_TARGETS }, "acme", "FLOW_QUEUE"), String(QUEUE_TARGETS)).toBe(false);
    }
  });

  it("follows a changed value (read per call, parsed once per value)", () => {
    expect(queueTargetAllowed({ QUEUE_TARGETS: '{"a": ["Q"]}' }, "a", "Q")).toBe(true);
    expect(queueTargetAllowed({ QUEUE_TARGETS: '{"a": []}' }, "a", "Q")).toBe(false);
    expect(queueTargetAllowed({ QUEUE_TARGETS: '{"a": ["Q"]}' }, "a", "Q")).toBe(true);
  });
});
