/**
 * JSON Schema failures (src/domain/json-schema.ts issues, in
 * @cfworker/json-schema's wording) retold for people: the field as a dot
 * path under `data` and what the trigger's schema expected, e.g.
 * `data: must be a JSON object, not null` or `data.amount: must be at least 0`.
 */
import type { SchemaIssue } from "./json-schema";

const TYPES: Record<string, string> = {
  object: "a JSON object", array: "an array", string: "a string", number: "a number", integer: "an integer", boolean: "true or false", null: "null",
};
const typeName = (t: string) => TYPES[t] ?? t;

/** `/a/0/b~1c` → `data.a.0.b/c` (a pointer into the fire's data). */
function fieldOf(pointer: string, root = "data"): string {
  if (!pointer) return root;
  return [root, ...pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))].join(".");
}

type Rule = [RegExp, (m: RegExpExecArray, field: string) => [string, string]];

const RULES: Rule[] = [
  [/^Instance does not have required property "(.*)"\.$/, (m, f) => [`${f}.${m[1]}`, "required"]],
  [/^Instance type "(\w+)" is invalid\. Expected "(.*)"\.$/, (m, f) => [f, `must be ${m[2].split('", "').map(typeName).join(" or ")}, not ${m[1] === "null" ? "null" : typeName(m[1])}`]],
  [/^(-?[\d.e+-]+) is less than (or equal to )?\s*(-?[\d.e+-]+)\.$/, (m, f) => [f, `must be ${m[2] ? "more than" : "at least"} ${m[3]} (got ${m[1]})`]],
  [/^(-?[\d.e+-]+) is greater than (or equal to )?\s*(-?[\d.e+-]+)\.$/, (m, f) => [f, `must be ${m[2] ? "less than" : "at most"} ${m[3]} (got ${m[1]})`]],
  [/^(-?[\d.e+-]+) is not a multiple of (.*)\.$/, (m, f) => [f, `must be a multiple of ${m[2]}`]],
  [/^String is too short \((\d+) < (\d+)\)\.$/, (m, f) => [f, `must be at least ${m[2]} characters long`]],
  [/^String is too long \((\d+) > (\d+)\)\.$/, (m, f) => [f, `must be at most ${m[2]} characters long`]],
  [/^String does not match pattern\.$/, (_m, f) => [f, "does not match the pattern the schema requires"]],
  [/^String does not match format "(.*)"\.$/, (m, f) => [f, `must be a valid ${m[1]}`]],
  [/^Array has too few items \((\d+) < (\d+)\)\.$/, (m, f) => [f, `must have at least ${m[2]} items`]],
  [/^Array has too many items \((\d+) > (\d+)\)\.$/, (m, f) => [f, `must have at most ${m[2]} items`]],
  [/^Instance does not match any of (.*)\.$/, (m, f) => [f, `must be one of ${m[1].replace(/^\[|\]$/g, "").replace(/,/g, ", ")}`]],
  [/^Instance does not match (.*)\.$/, (m, f) => (/^"(else|then)" schema$|subschema/.test(m[1]) ? [f, "does not match the schema"] : [f, `must be ${m[1]}`])],
  [/^Property "(.*)" does not match additional properties schema\.$/, (m, f) => [`${f}.${m[1]}`, "is not a field the schema allows"]],
  [/^Duplicate items at indexes (\d+) and (\d+)\.$/, (m, f) => [f, `must not repeat items (items ${m[1]} and ${m[2]} are equal)`]],
];

/**
 * One issue as `{field, message}` for people (unknown wordings keep the validator's text).
 * @example describeSchemaIssue({ path: "", message: 'Instance type "null" is invalid. Expected "object".' })
 * // { field: "data", message: "must be a JSON object, not null" }
 * @internal (exported for tests)
 */
export function describeSchemaIssue(issue: SchemaIssue, root = "data"): { field: string; message: string } {
  const field = fieldOf(issue.path, root);
  for (const [re, fn] of RULES) {
    const m = re.exec(issue.message);
    if (m) {
      const [f, message] = fn(m, field);
      return { field: f, message };
    }
  }
  return { field, message: issue.message.replace(/\.$/, "") };
}

/**
 * The 422 message: what failed, field by field (at most `max` issues named).
 * @example schemaFailureMessage([{ path: "", message: 'Instance does not have required property "id".' }])
 * // "The payload does not match the trigger's schema: data.id: required"
 */
export function schemaFailureMessage(issues: SchemaIssue[], what = "The payload does not match the trigger's schema", max = 5): string {
  const parts = issues.slice(0, max).map((i) => describeSchemaIssue(i)).map((d) => `${d.field}: ${d.message}`);
  const more = issues.length > max ? ` (and ${issues.length - max} more)` : "";
  return parts.length ? `${what}: ${parts.join("; ")}${more}` : what;
}
