/** The dashboard's fire-form model: fields from ui.form and from a JSON Schema, payloads, and 422 details mapped onto fields. */
import { describe, expect, it } from "vitest";
import { buildPayload, fieldsFromSchema, fieldsFromUiForm, initialValues, problemsByField } from "../../ui/lib/form-model";

describe("fieldsFromUiForm", () => {
  it("maps each ui.form type to an input kind, keeps labels and options, marks schema-required fields", () => {
    const fields = fieldsFromUiForm(
      [
        { name: "a", type: "text", label: "A" },
        { name: "b", type: "number" },
        { name: "c", type: "checkbox", label: "C" },
        { name: "d", type: "select", label: "D", options: ["x", { value: 2, label: "two" }] },
        { name: "e", type: "textarea" },
        { name: "f", type: "json" },
        { name: "g", type: "something-new" },
        { name: "h", type: "select" },
        { type: "text" },
      ],
      { required: ["a"] },
    )!;
    expect(fields.map((f) => [f.name, f.kind, f.label, f.required])).toEqual([
      ["a", "text", "A", true], ["b", "number", "b", false], ["c", "boolean", "C", false], ["d", "select", "D", false],
      ["e", "textarea", "e", false], ["f", "json", "f", false], ["g", "text", "g", false], ["h", "text", "h", false],
    ]);
    expect(fields[3].options).toEqual([{ value: "x", label: "x" }, { value: 2, label: "two" }]);
  });
  it("is null without a usable form", () => {
    expect(fieldsFromUiForm(undefined)).toBeNull();
    expect(fieldsFromUiForm({ name: "a" })).toBeNull();
    expect(fieldsFromUiForm([])).toBeNull();
  });
});

describe("fieldsFromSchema", () => {
  it("reads object properties: string, number, integer, boolean, enum; others become JSON", () => {
    const fields = fieldsFromSchema({
      type: "object",
      required: ["email"],
      properties: {
        email: { type: "string", title: "E-mail" }, n: { type: "number" }, i: { type: ["integer", "null"] },
        b: { type: "boolean", default: true }, plan: { enum: ["free", "pro"] }, tags: { type: "array" }, any: {},
      },
    })!;
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["email", "text", true], ["n", "number", false], ["i", "integer", false], ["b", "boolean", false],
      ["plan", "select", false], ["tags", "json", false], ["any", "json", false],
    ]);
    expect(fields[0].label).toBe("E-mail");
    expect(initialValues(fields).b).toBe(true);
  });
  it("is null for schemas without properties", () => {
    expect(fieldsFromSchema({ type: "object" })).toBeNull();
    expect(fieldsFromSchema(true)).toBeNull();
  });
});

describe("buildPayload", () => {
  const fields = fieldsFromUiForm([
    { name: "s", type: "text" }, { name: "n", type: "number" }, { name: "b", type: "checkbox" },
    { name: "sel", type: "select", options: [{ value: 1, label: "one" }, "two"] }, { name: "j", type: "json" }, { name: "x.y", type: "text" },
  ])!;
  it("types every value, leaves empty inputs out and nests dotted names", () => {
    expect(buildPayload(fields, { s: "hi", n: "2.5", b: true, sel: "0", j: '{"k":[1]}', "x.y": "deep" })).toEqual({
      data: { s: "hi", n: 2.5, b: true, sel: 1, j: { k: [1] }, x: { y: "deep" } }, errors: {},
    });
    expect(buildPayload(fields, { s: "", n: " ", b: false, sel: "", j: "", "x.y": "" }).data).toEqual({ b: false });
  });
  it("reports numbers and JSON that do not parse", () => {
    const r = buildPayload(fields, { n: "abc", j: "{bad" });
    expect(Object.keys(r.errors).sort()).toEqual(["j", "n"]);
    expect(r.errors.j).toMatch(/^Not valid JSON/);
  });
});

describe("problemsByField", () => {
  const names = ["email", "age", "address.city"];
  it("maps JSON pointers, dotted paths, arrays and a leading data segment", () => {
    const { byField, general } = problemsByField(
      [
        { path: "/age", message: "12 is less than 18." },
        { path: "data.email", message: "too short" },
        { path: ["address", "city"], message: "required" },
        { instancePath: "/address/city/0", message: "bad char" },
        { path: "/other", message: "unknown" },
      ],
      names,
    );
    expect(byField).toEqual({ age: ["12 is less than 18."], email: ["too short"], "address.city": ["required", "bad char"] });
    expect(general).toEqual(["other: unknown"]);
  });
  it("sends a root-level required-property message to that field", () => {
    const { byField, general } = problemsByField([{ path: "", message: 'Instance does not have required property "email".' }, { path: "", message: "whole thing wrong" }], names);
    expect(byField).toEqual({ email: ['Instance does not have required property "email".'] });
    expect(general).toEqual(["whole thing wrong"]);
  });
  it("takes maps, nested issue lists and strings; ignores nothing silently", () => {
    expect(problemsByField({ age: ["a", "b"], email: "c" }, names).byField).toEqual({ age: ["a", "b"], email: ["c"] });
    expect(problemsByField({ issues: [{ field: "age", error: "x" }] }, names).byField).toEqual({ age: ["x"] });
    expect(problemsByField("just text", names)).toEqual({ byField: {}, general: ["just text"] });
    expect(problemsByField(undefined, names)).toEqual({ byField: {}, general: [] });
  });
});
