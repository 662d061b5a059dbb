import { describe, it, expect } from "vitest";
import { jsonDepth } from "../../src/domain/json-depth";

describe("jsonDepth", () => {
  it.each([
    ["1", 0],
    ["{}", 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['{"a":"[[[[[[[["}', 1],
    ['{"a":"\\"[[[["}', 1],
    ["[".repeat(5000) + "]".repeat(5000), 5000],
  ])("%s → %i", (text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });
});
