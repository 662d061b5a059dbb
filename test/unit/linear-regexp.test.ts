/** Schema patterns on RE2: linear time, ECMA-262 syntax translated, unsupported features refused, the global RegExp restored. */
import { describe, expect, it } from "vitest";
import { linearPattern, patternProblem, withLinearRegExp } from "../../src/domain/linear-regexp";
import { checkSchema, validateAgainstSchema } from "../../src/domain/json-schema";

const EVIL = "^(a+)+$";
const timed = <T>(fn: () => T) => {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
};

describe("linearPattern", () => {
  it("matches a catastrophic-backtracking pattern in linear time", () => {
    const re = linearPattern(EVIL)!;
    expect(timed(() => re.test(`${"a".repeat(41)}!`))).toMatchObject({ value: false });
    const long = timed(() => re.test(`${"a".repeat(200_000)}!`));
    expect(long.value).toBe(false);
    expect(long.ms).toBeLessThan(1000);
    expect(re.test("aaaa")).toBe(true);
  });

  it("keeps ECMA-262 meaning for the usual patterns (search, anchors, classes, named groups, \\u escapes)", () => {
    const cases: Array<[string, string, boolean]> = [
      ["ab", "xxabxx", true], ["^ab", "xab", false], ["b$", "ab\n", false], ["^\\d{3}-\\d{4}$", "555-1234", true],
      ["^(?<y>\\d{4})$", "2026", true], ["^\\p{L}+$", "héllo", true], ["^\\u00e9$", "é", true], ["^\\u{1F600}$", "😀", true],
      ["^[\\w.-]+@[\\w-]+\\.[a-z]{2,}$", "a.b@c-d.io", true], ["^\\S+$", "a b", false], ["^.$", "😀", true],
    ];
    for (const [p, s, want] of cases) {
      expect(linearPattern(p)!.test(s), `${p} on ${JSON.stringify(s)}`).toBe(want);
      expect(new RegExp(p, "u").test(s), `native ${p}`).toBe(want);
    }
  });

  it("refuses what RE2 cannot run and what is not a regular expression", () => {
    for (const p of ["(?=a)b", "(?!a)b", "(?<=a)b", "(?<!a)b", "(a)\\1"]) expect(patternProblem(p), p).toMatch(/linear time/);
    for (const p of ["(", "[", "a{2,1}"]) expect(patternProblem(p), p).toMatch(/not a valid regular expression/);
    expect(patternProblem("^[a-z]+$")).toBeNull();
  });
});

describe("withLinearRegExp", () => {
  it("restores the native RegExp, also when fn throws", () => {
    const native = RegExp;
    expect(() => withLinearRegExp(() => { throw new Error("boom"); })).toThrow("boom");
    expect(globalThis.RegExp).toBe(native);
    expect(withLinearRegExp(() => new RegExp(EVIL, "u").test("aa"))).toBe(true);
    expect(globalThis.RegExp).toBe(native);
  });
});

describe("payload schemas with hostile patterns", () => {
  it("pattern, patternProperties and format regex answer fast on hostile input", () => {
    const s = `${"a".repeat(41)}!`;
    const pattern = timed(() => validateAgainstSchema({ properties: { s: { pattern: EVIL } } }, { s }));
    expect(pattern.value).toEqual([{ path: "/s", message: expect.stringMatching(/pattern/) }]);
    expect(pattern.ms).toBeLessThan(1000);
    const props = timed(() => validateAgainstSchema({ patternProperties: { [EVIL]: { type: "number" } }, additionalProperties: false }, { [s]: 1 }));
    expect(props.value.length).toBeGreaterThan(0); // the key matches no pattern, so additionalProperties refuses it
    expect(props.ms).toBeLessThan(1000);
    expect(validateAgainstSchema({ patternProperties: { [EVIL]: { type: "number" } } }, { aaaa: "x" }).length).toBeGreaterThan(0);
    const fmt = timed(() => validateAgainstSchema({ format: "regex" }, `${"(a+)+".repeat(1000)}`));
    expect(fmt.ms).toBeLessThan(1000);
    expect(validateAgainstSchema({ format: "regex" }, "(")).not.toEqual([]);
  });

  it("a schema with a pattern RE2 cannot run is refused, naming where", () => {
    expect(checkSchema({ properties: { s: { pattern: "^(?=.*\\d).+$" } } })).toMatch(/^\/properties\/s\/pattern: .*linear time/);
    expect(checkSchema({ patternProperties: { "(x)\\1": true } })).toMatch(/^\/patternProperties: .*linear time/);
    expect(checkSchema({ properties: { s: { pattern: EVIL } } })).toBeNull();
  });
});
