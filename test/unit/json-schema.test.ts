import { describe, it, expect } from "vitest";
import { checkSchema, validateAgainstSchema } from "../../src/domain/json-schema";

const order = {
  type: "object",
  required: ["id", "amount"],
  properties: {
    id: { type: "string", minLength: 3 },
    amount: { type: "integer", minimum: 0 },
    lines: { type: "array", items: { $ref: "#/$defs/line" } },
  },
  $defs: { line: { type: "object", required: ["sku"], properties: { sku: { type: "string" } } } },
};

describe("checkSchema", () => {
  it("accepts ordinary schemas, booleans and local refs", () => {
    expect(checkSchema(order)).toBeNull();
    expect(checkSchema(true)).toBeNull();
    expect(checkSchema({})).toBeNull();
    expect(checkSchema({ $defs: { a: { $anchor: "thing", type: "string" } }, properties: { x: { $ref: "#thing" } } })).toBeNull();
    expect(checkSchema({ type: "object", properties: { child: { $ref: "#" } } })).toBeNull();
    expect(checkSchema({ prefixItems: [{ type: "string" }], items: false, patternProperties: { "^x-": true } })).toBeNull();
  });
  it("refuses remote and unresolvable refs", () => {
    expect(checkSchema({ $ref: "https://example.com/schema.json" })).toMatch(/local references/);
    expect(checkSchema({ properties: { a: { $ref: "other.json#/x" } } })).toMatch(/\/properties\/a\/\$ref/);
    expect(checkSchema({ properties: { a: { $ref: "#/$defs/missing" } } })).toMatch(/does not resolve/);
    expect(checkSchema({ $ref: "#nope" })).toMatch(/does not resolve/);
    expect(checkSchema({ $ref: 5 })).toMatch(/local references/);
    expect(checkSchema({ $ref: "#" })).toMatch(/not usable/); // refers to itself forever
  });
  it("refuses non-schemas and malformed keywords", () => {
    expect(checkSchema(null)).toMatch(/object or a boolean/);
    expect(checkSchema([])).toMatch(/object or a boolean/);
    expect(checkSchema("string")).toMatch(/object or a boolean/);
    expect(checkSchema({ type: "strnig" })).toMatch(/\/type/);
    expect(checkSchema({ type: ["string", 5] })).toMatch(/\/type/);
    expect(checkSchema({ required: "id" })).toMatch(/\/required/);
    expect(checkSchema({ minLength: "3" })).toMatch(/\/minLength/);
    expect(checkSchema({ pattern: "(" })).toMatch(/\/pattern/);
    expect(checkSchema({ patternProperties: { "[": {} } })).toMatch(/patternProperties/);
    expect(checkSchema({ properties: { a: 5 } })).toMatch(/\/properties\/a/);
    expect(checkSchema({ properties: [] })).toMatch(/\/properties/);
    expect(checkSchema({ anyOf: {} })).toMatch(/\/anyOf/);
    expect(checkSchema({ items: { items: { type: 1 } } })).toMatch(/\/items\/items\/type/);
    expect(checkSchema({ $dynamicRef: "#meta" })).toMatch(/not supported/);
  });
  it("does not modify the schema it checks", () => {
    const s = JSON.parse(JSON.stringify(order));
    checkSchema(s);
    validateAgainstSchema(s, {});
    expect(Object.getOwnPropertyNames(s.$defs.line)).toEqual(["type", "required", "properties"]);
    expect(s).toEqual(order);
  });
});

describe("validateAgainstSchema", () => {
  it("returns nothing for valid data", () => {
    expect(validateAgainstSchema(order, { id: "abc", amount: 3, lines: [{ sku: "x" }] })).toEqual([]);
    expect(validateAgainstSchema(true, "anything")).toEqual([]);
  });
  it("reports every issue with a JSON pointer", () => {
    const issues = validateAgainstSchema(order, { id: "ab", lines: [{ sku: 1 }] });
    expect(issues).toContainEqual({ path: "", message: 'Instance does not have required property "amount".' });
    expect(issues).toContainEqual({ path: "/id", message: "String is too short (2 < 3)." });
    expect(issues.some((i) => i.path === "/lines/0/sku" && /Expected "string"/.test(i.message))).toBe(true);
    expect(issues.some((i) => /subschema had errors/.test(i.message))).toBe(false);
  });
  it("reports a wrong root type", () => {
    expect(validateAgainstSchema({ type: "object" }, [])).toEqual([{ path: "", message: 'Instance type "array" is invalid. Expected "object".' }]);
  });
  it("uses draft 2020-12 semantics (prefixItems)", () => {
    const s = { type: "array", prefixItems: [{ type: "string" }], items: false };
    expect(validateAgainstSchema(s, ["a"])).toEqual([]);
    expect(validateAgainstSchema(s, [1]).map((i) => i.path)).toContain("/0");
    expect(validateAgainstSchema(s, ["a", "b"]).length).toBeGreaterThan(0);
  });
  it("keeps a false-schema explanation when it is the only issue", () => {
    expect(validateAgainstSchema(false, 1)).toHaveLength(1);
  });
  it("answers with an issue instead of throwing on unusable input", () => {
    expect(validateAgainstSchema({ type: "object" }, undefined)).toHaveLength(1);
    expect(validateAgainstSchema({ $ref: "#/nope" }, {})).toHaveLength(1);
  });
  it("gives the same answers when many schemas churn through the cache", () => {
    for (let i = 0; i < 300; i++) expect(validateAgainstSchema({ const: i }, i)).toEqual([]);
    expect(validateAgainstSchema({ const: 0 }, 1)).toHaveLength(1);
    expect(validateAgainstSchema(order, {}).length).toBe(2);
  });
});
