import { describe, it, expect } from "vitest";
import { equalityProbe, getPath, matches, scalarKey, validateMatch } from "../../src/domain/match";

const fire = {
  trigger: "stripe.payment.succeeded",
  source: "webhook",
  data: { jobId: "J1", amount: 1500, currency: "usd", tags: ["a", "b"], customer: { id: "c1", vip: true, note: null }, items: [{ sku: "x" }] },
};

describe("getPath", () => {
  it("reads nested keys and array indexes", () => {
    expect(getPath(fire, "data.jobId")).toEqual({ found: true, value: "J1" });
    expect(getPath(fire, "data.items.0.sku")).toEqual({ found: true, value: "x" });
    expect(getPath(fire, "data.tags.1")).toEqual({ found: true, value: "b" });
  });
  it("tells null from missing", () => {
    expect(getPath(fire, "data.customer.note")).toEqual({ found: true, value: null });
    expect(getPath(fire, "data.customer.email")).toEqual({ found: false, value: undefined });
    expect(getPath(fire, "data.tags.2").found).toBe(false);
    expect(getPath(fire, "data.tags.length").found).toBe(false);
    expect(getPath(fire, "data.jobId.length").found).toBe(false);
    expect(getPath(fire, "data.toString").found).toBe(false);
  });
});

describe("matches", () => {
  it("requires every pair to hold; an empty expression matches everything", () => {
    expect(matches({}, fire)).toBe(true);
    expect(matches({ "data.jobId": "J1", source: "webhook" }, fire)).toBe(true);
    expect(matches({ "data.jobId": "J1", source: "api" }, fire)).toBe(false);
  });
  it("compares literals deeply: objects ignore key order, arrays do not", () => {
    expect(matches({ "data.customer": { vip: true, note: null, id: "c1" } }, fire)).toBe(true);
    expect(matches({ "data.customer": { id: "c1" } }, fire)).toBe(false);
    expect(matches({ "data.tags": ["a", "b"] }, fire)).toBe(true);
    expect(matches({ "data.tags": ["b", "a"] }, fire)).toBe(false);
    expect(matches({ "data.amount": "1500" }, fire)).toBe(false);
    expect(matches({ "data.customer.note": null }, fire)).toBe(true);
    expect(matches({ "data.missing": null }, fire)).toBe(false);
  });
  it("$in matches any deep-equal member", () => {
    expect(matches({ "data.currency": { $in: ["eur", "usd"] } }, fire)).toBe(true);
    expect(matches({ "data.currency": { $in: ["eur"] } }, fire)).toBe(false);
    expect(matches({ "data.items.0": { $in: [{ sku: "x" }] } }, fire)).toBe(true);
    expect(matches({ "data.missing": { $in: [null] } }, fire)).toBe(false);
  });
  it("$ne holds for different or missing values", () => {
    expect(matches({ "data.currency": { $ne: "eur" } }, fire)).toBe(true);
    expect(matches({ "data.currency": { $ne: "usd" } }, fire)).toBe(false);
    expect(matches({ "data.missing": { $ne: "usd" } }, fire)).toBe(true);
    expect(matches({ "data.tags": { $ne: ["a", "b"] } }, fire)).toBe(false);
  });
  it("$exists tests presence", () => {
    expect(matches({ "data.customer.note": { $exists: true } }, fire)).toBe(true);
    expect(matches({ "data.customer.email": { $exists: true } }, fire)).toBe(false);
    expect(matches({ "data.customer.email": { $exists: false } }, fire)).toBe(true);
    expect(matches({ "data.jobId": { $exists: false } }, fire)).toBe(false);
  });
  it("compares numbers only with numbers", () => {
    expect(matches({ "data.amount": { $gt: 1000 } }, fire)).toBe(true);
    expect(matches({ "data.amount": { $gt: 1500 } }, fire)).toBe(false);
    expect(matches({ "data.amount": { $gte: 1500 } }, fire)).toBe(true);
    expect(matches({ "data.amount": { $lt: 1500 } }, fire)).toBe(false);
    expect(matches({ "data.amount": { $lte: 1500 } }, fire)).toBe(true);
    expect(matches({ "data.jobId": { $gt: 0 } }, fire)).toBe(false);
    expect(matches({ "data.missing": { $lt: 1e9 } }, fire)).toBe(false);
    expect(matches({ "data.amount": { $gt: "1" } }, fire)).toBe(false);
  });
  it("$prefix applies to strings only", () => {
    expect(matches({ trigger: { $prefix: "stripe." } }, fire)).toBe(true);
    expect(matches({ trigger: { $prefix: "github." } }, fire)).toBe(false);
    expect(matches({ "data.amount": { $prefix: "15" } }, fire)).toBe(false);
  });
  it("never matches with an unknown or ambiguous operator object", () => {
    expect(matches({ "data.amount": { $gtr: 1 } }, fire)).toBe(false);
    expect(matches({ "data.amount": { $gt: 1, $lt: 1e9 } }, fire)).toBe(false);
  });
});

describe("validateMatch", () => {
  it("accepts literals and every operator", () => {
    expect(
      validateMatch({
        "data.a": "x", "data.b": { nested: [1, { c: 2 }] }, "data.c": { $in: [1, "2"] }, "data.d": { $ne: null },
        "data.e": { $exists: false }, "data.f": { $gt: 1 }, "data.g": { $gte: -1.5 }, "data.h": { $lt: 0 }, "data.i": { $lte: 3 },
        "data.j": { $prefix: "" }, "data.k": {}, "data.l": null,
      }),
    ).toEqual([]);
  });
  it("rejects non-objects", () => {
    for (const e of [null, [], "x", 1, undefined]) expect(validateMatch(e), String(e)).toHaveLength(1);
  });
  it("rejects bad operator arguments with the path in the message", () => {
    const cases: [unknown, RegExp][] = [
      [{ $in: "a" }, /\$in takes an array/],
      [{ $exists: "yes" }, /\$exists takes true or false/],
      [{ $gt: "5" }, /\$gt takes a finite number/],
      [{ $lte: Infinity }, /\$lte takes a finite number/],
      [{ $prefix: 1 }, /\$prefix takes a string/],
      [{ $regex: "a" }, /unknown operator \$regex/],
      [{ $gt: 1, $lt: 2 }, /exactly one operator/],
      [{ $gt: 1, other: 2 }, /cannot mix/],
    ];
    for (const [op, re] of cases) {
      const problems = validateMatch({ "data.x": op });
      expect(problems, JSON.stringify(op)).toHaveLength(1);
      expect(problems[0]).toMatch(re);
      expect(problems[0]).toContain('"data.x"');
    }
  });
  it("rejects empty path segments and too many keys", () => {
    expect(validateMatch({ "": 1 })).toHaveLength(1);
    expect(validateMatch({ "data..x": 1 })).toHaveLength(1);
    expect(validateMatch({ "data.x.": 1 })).toHaveLength(1);
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i]));
    expect(validateMatch(many)[0]).toMatch(/at most 64/);
    delete many.k64;
    expect(validateMatch(many)).toEqual([]);
  });
  it("reports every problem", () => {
    expect(validateMatch({ a: { $gt: "x" }, b: { $bogus: 1 }, c: "ok" })).toHaveLength(2);
  });
});

describe("equalityProbe and scalarKey", () => {
  it("picks the first path (sorted) whose expected value is a scalar literal", () => {
    expect(equalityProbe({ "data.z": 1, "data.a": "x" })).toEqual({ path: "data.a", key: '"x"' });
    expect(equalityProbe({ "data.n": { $gt: 1 }, "data.ok": false })).toEqual({ path: "data.ok", key: "false" });
    expect(equalityProbe({ "data.v": null })).toEqual({ path: "data.v", key: "null" });
  });

  it("has none when every pair is an operator, an object or an array (those waiters are checked on every fire)", () => {
    expect(equalityProbe({})).toBeNull();
    expect(equalityProbe({ "data.n": { $gte: 2 }, "data.o": { a: 1 }, "data.l": [1] })).toBeNull();
  });

  it("keys scalars so that equal keys mean the match's equality", () => {
    expect(scalarKey(7)).toBe(scalarKey(7.0));
    expect(scalarKey(0)).toBe(scalarKey(-0));
    expect(scalarKey("7")).not.toBe(scalarKey(7));
    expect(scalarKey(null)).not.toBe(scalarKey("null"));
    expect(scalarKey({})).toBeNull();
    expect(scalarKey([1])).toBeNull();
    expect(scalarKey(undefined)).toBeNull();
  });

  it("a document matches a probed expression only if it holds the probe's key at its path", () => {
    const expr = { "data.jobId": "J1", "data.n": { $gt: 1 } };
    const probe = equalityProbe(expr)!;
    for (const doc of [{ data: { jobId: "J1", n: 2 } }, { data: { jobId: "J1", n: 0 } }, { data: { jobId: "J2", n: 2 } }, { data: {} }]) {
      const at = getPath(doc, probe.path);
      if (matches(expr, doc)) expect(at.found && scalarKey(at.value)).toBe(probe.key);
    }
  });
});
