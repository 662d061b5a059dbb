/**
 * A pack opened into a message per delivery (src/delivery/packs.ts): the pack
 * settles once all of its deliveries have, acknowledged unless nothing in it
 * was, so a recorded delivery is never attempted again by a pack's retry.
 */
import { describe, it, expect } from "vitest";
import { deliveryMessages } from "../../src/delivery/packs";

const item = (d: string) => ({ t: "acme", n: "t", d, a: 1, f: "flow" });

function fakeMessage(body: unknown, attempts = 1) {
  const calls: string[] = [];
  const msg = {
    id: "m1", timestamp: new Date(), attempts, body,
    ack: () => void calls.push("ack"),
    retry: (o?: { delaySeconds?: number }) => void calls.push(`retry ${o?.delaySeconds ?? 0}`),
  };
  return { msg: msg as unknown as Message<unknown>, calls };
}

describe("packs", () => {
  it("opens a pack into its deliveries, keeping the message's attempts", () => {
    const { msg } = fakeMessage({ pk: [item("a"), item("b")] }, 3);
    const out = deliveryMessages([msg]);
    expect(out.map((m) => m.body.d)).toEqual(["a", "b"]);
    expect(out.every((m) => m.attempts === 3)).toBe(true);
  });

  it("acknowledges the pack once every delivery is, not before", () => {
    const { msg, calls } = fakeMessage({ pk: [item("a"), item("b"), item("c")] });
    const [a, b, c] = deliveryMessages([msg]);
    a.ack();
    b.ack();
    expect(calls).toEqual([]);
    c.ack();
    c.ack();
    expect(calls).toEqual(["ack"]);
  });

  it("retries the pack when none of it was acknowledged, with the longest delay", () => {
    const { msg, calls } = fakeMessage({ pk: [item("a"), item("b")] });
    const [a, b] = deliveryMessages([msg]);
    a.retry({ delaySeconds: 5 });
    b.retry({ delaySeconds: 2 });
    expect(calls).toEqual(["retry 5"]);
  });

  it("acknowledges a pack with some deliveries recorded and some not (the ledger's barrier finds the rest)", () => {
    const { msg, calls } = fakeMessage({ pk: [item("a"), item("b")] });
    const [a, b] = deliveryMessages([msg]);
    a.ack();
    b.retry({ delaySeconds: 5 });
    expect(calls).toEqual(["ack"]);
  });

  it("passes a lone delivery through and drops what is not a delivery", () => {
    const lone = fakeMessage(item("x"));
    const junk = fakeMessage({ hello: 1 });
    const out = deliveryMessages([lone.msg, junk.msg]);
    expect(out).toHaveLength(1);
    expect(out[0]).toBe(lone.msg);
    expect(junk.calls).toEqual(["ack"]);
  });
});
