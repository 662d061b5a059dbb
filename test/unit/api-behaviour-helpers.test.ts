/** Pure helpers behind API.md "Conventions": human validation messages, schema failure text, the 405 method table, CORS origins. */
import { describe, it, expect } from "vitest";
import { z } from "zod";
import { humanIssues, issueLine } from "../../src/domain/human-issues";
import { describeSchemaIssue, schemaFailureMessage } from "../../src/domain/schema-issue-text";
import { allowedMethods, methodTable, routeRegExp } from "../../src/http/method-not-allowed";
import { parseOrigins } from "../../src/http/cors";
import { validateAgainstSchema } from "../../src/domain/json-schema";

const human = (schema: z.ZodType, input: unknown) => {
  const r = schema.safeParse(input);
  return r.success ? [] : humanIssues(r.error.issues as never, input);
};

describe("humanIssues", () => {
  const S = z.strictObject({
    url: z.string(), n: z.number().int().min(1).max(50), s: z.string().min(1), tags: z.array(z.string()).max(2).optional(),
    kind: z.enum(["a", "b"]).optional(), name: z.string().regex(/^x/, "must start with x").optional(),
  });
  it("says required, bounds, types, options and unknown fields in plain words", () => {
    const out = human(S, { n: 51, s: "", tags: ["1", "2", "3"], kind: "c", name: "y", extra: true });
    expect(out.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "url: required", "n: must be at most 50", "s: must not be empty", "tags: must have at most 2 items",
      'kind: must be one of "a", "b"', "name: must start with x", "extra: is not a known field",
    ]);
    expect(human(S, { url: 1, n: 1.5, s: "x" }).map((i) => i.message)).toEqual(["must be a string, not a number", "must be an integer, not a number"]);
  });
  it("names the root", () => {
    expect(issueLine(human(S, [1]), "body")).toBe("body: must be a JSON object, not an array");
  });
});

describe("schema failure text", () => {
  const schema = { type: "object", required: ["id"], properties: { id: { type: "string" }, n: { type: "integer", minimum: 0 }, e: { enum: ["a", "b"] } } };
  it("names the field under data and says what was expected", () => {
    expect(describeSchemaIssue(validateAgainstSchema(schema, null)[0])).toEqual({ field: "data", message: "must be a JSON object, not null" });
    const msgs = validateAgainstSchema(schema, { n: -1, e: "c" }).map((i) => describeSchemaIssue(i)).map((d) => `${d.field}: ${d.message}`);
    expect(msgs).toEqual(expect.arrayContaining(["data.id: required", "data.n: must be at least 0 (got -1)", 'data.e: must be one of "a", "b"']));
    expect(schemaFailureMessage(validateAgainstSchema(schema, {}))).toBe("The payload does not match the trigger's schema: data.id: required");
  });
});

describe("method table", () => {
  const table = methodTable([
    { method: "ALL", path: "/v1/*" }, { method: "GET", path: "/v1/triggers/:name" }, { method: "PUT", path: "/v1/triggers/:name" },
    { method: "POST", path: "/v1/triggers/:name/fire" }, { method: "ALL", path: "/webhooks/:tenant/:path{.+}" }, { method: "GET", path: "/files/:p{.+\\.json}" },
  ]);
  it("lists a path's methods, HEAD with GET, and nothing for unknown paths or catch-alls", () => {
    expect(allowedMethods(table, "/v1/triggers/x")).toEqual(["GET", "HEAD", "PUT"]);
    expect(allowedMethods(table, "/v1/triggers/x/fire")).toEqual(["POST"]);
    expect(allowedMethods(table, "/v1/triggers/x/y/fire")).toEqual([]);
    expect(allowedMethods(table, "/webhooks/acme/a/b")).toEqual([]);
    expect(allowedMethods(table, "/files/a/b.json")).toEqual(["GET", "HEAD"]);
  });
  it("escapes literal characters", () => {
    expect(routeRegExp("/openapi.json").test("/openapiXjson")).toBe(false);
  });
});

describe("parseOrigins", () => {
  it("trims, drops trailing slashes and empty entries", () => {
    expect(parseOrigins(" https://a.example, https://b.example/ ,,")).toEqual(["https://a.example", "https://b.example"]);
    expect(parseOrigins("")).toEqual([]);
    expect(parseOrigins(undefined)).toEqual([]);
  });
});
