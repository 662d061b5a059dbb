/**
 * The fire form's model: fields from a trigger's `ui.form` or its JSON Schema,
 * the payload built from what was typed, and the server's 422 details mapped
 * back onto fields. Pure (no DOM), so it is unit-tested directly.
 */

type FieldKind = "text" | "number" | "integer" | "boolean" | "select" | "textarea" | "json";

export type Field = {
  name: string;
  kind: FieldKind;
  label: string;
  required: boolean;
  options?: { label: string; value: unknown }[];
  help?: string;
  placeholder?: string;
  initial?: unknown;
};

/** What the inputs hold: strings for text-like inputs, booleans for checkboxes, an option index (as a string) for selects. */
export type RawValues = Record<string, string | boolean>;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

const UI_KINDS: Record<string, FieldKind> = {
  text: "text", string: "text", email: "text", url: "text", password: "text",
  number: "number", float: "number", integer: "integer", int: "integer",
  boolean: "boolean", checkbox: "boolean", switch: "boolean", toggle: "boolean",
  select: "select", enum: "select", radio: "select", dropdown: "select",
  textarea: "textarea", multiline: "textarea", longtext: "textarea",
  json: "json", object: "json", array: "json",
};

function optionsOf(raw: unknown): { label: string; value: unknown }[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.map((o) => {
    if (isObject(o) && "value" in o) return { value: o.value, label: String(o.label ?? o.value) };
    return { value: o, label: typeof o === "string" ? o : JSON.stringify(o) };
  });
}

/**
 * Fields from `ui.form` (an array of `{name, type, label, options?, required?, help?, placeholder?, default?}`);
 * null when the trigger has no usable form. Unknown types render as text.
 * @example fieldsFromUiForm([{ name: "n", type: "number", label: "Count" }]) // [{ name: "n", kind: "number", label: "Count", required: false }]
 */
export function fieldsFromUiForm(form: unknown, schema?: unknown): Field[] | null {
  if (!Array.isArray(form)) return null;
  const required = new Set(isObject(schema) && Array.isArray(schema.required) ? schema.required.map(String) : []);
  const fields: Field[] = [];
  for (const f of form) {
    if (!isObject(f) || typeof f.name !== "string" || f.name === "") continue;
    const options = optionsOf(f.options);
    let kind = UI_KINDS[String(f.type ?? "text").toLowerCase()] ?? "text";
    if (kind === "select" && !options) kind = "text";
    fields.push({
      name: f.name,
      kind,
      label: typeof f.label === "string" && f.label ? f.label : f.name,
      required: f.required === true || required.has(f.name),
      ...(options ? { options } : {}),
      ...(typeof f.help === "string" ? { help: f.help } : typeof f.description === "string" ? { help: f.description } : {}),
      ...(typeof f.placeholder === "string" ? { placeholder: f.placeholder } : {}),
      ...("default" in f ? { initial: f.default } : {}),
    });
  }
  return fields.length ? fields : null;
}

function kindOfSchema(p: Record<string, unknown>): FieldKind {
  if (Array.isArray(p.enum)) return "select";
  const types = Array.isArray(p.type) ? p.type.filter((t) => t !== "null") : [p.type];
  switch (types[0]) {
    case "string": return typeof p.maxLength === "number" && p.maxLength > 200 ? "textarea" : "text";
    case "number": return "number";
    case "integer": return "integer";
    case "boolean": return "boolean";
    default: return "json";
  }
}

/**
 * Fields from a JSON Schema of type object with `properties` (string, number,
 * integer, boolean, enum; anything else becomes a JSON field); null otherwise.
 */
export function fieldsFromSchema(schema: unknown): Field[] | null {
  if (!isObject(schema) || !isObject(schema.properties)) return null;
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const fields: Field[] = [];
  for (const [name, p] of Object.entries(schema.properties)) {
    const prop = isObject(p) ? p : {};
    const kind = kindOfSchema(prop);
    fields.push({
      name,
      kind,
      label: typeof prop.title === "string" && prop.title ? prop.title : name,
      required: required.has(name),
      ...(kind === "select" ? { options: optionsOf(prop.enum) } : {}),
      ...(typeof prop.description === "string" ? { help: prop.description } : {}),
      ...("default" in prop ? { initial: prop.default } : {}),
    });
  }
  return fields.length ? fields : null;
}

/** The inputs' starting values (defaults where the form or schema gives one). */
export function initialValues(fields: Field[]): RawValues {
  const out: RawValues = {};
  for (const f of fields) {
    if (f.kind === "boolean") out[f.name] = f.initial === true;
    else if (f.kind === "select") {
      const i = f.options?.findIndex((o) => JSON.stringify(o.value) === JSON.stringify(f.initial)) ?? -1;
      out[f.name] = i >= 0 ? String(i) : "";
    } else if (f.kind === "json") out[f.name] = f.initial === undefined ? "" : JSON.stringify(f.initial, null, 2);
    else out[f.name] = f.initial === undefined || f.initial === null ? "" : String(f.initial);
  }
  return out;
}

function setPath(target: Record<string, unknown>, name: string, value: unknown) {
  const parts = name.split(".");
  let at = target;
  for (const p of parts.slice(0, -1)) {
    if (!isObject(at[p])) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts[parts.length - 1]] = value;
}

/**
 * Builds the fire's `data` from the inputs. Empty inputs are left out (so the
 * server reports a missing required field next to it); a number or JSON input
 * that does not parse is an error here.
 * @example buildPayload([{ name: "n", kind: "number", label: "n", required: false }], { n: "3" }) // { data: { n: 3 }, errors: {} }
 */
export function buildPayload(fields: Field[], raw: RawValues): { data: Record<string, unknown>; errors: Record<string, string> } {
  const data: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = raw[f.name];
    if (f.kind === "boolean") {
      setPath(data, f.name, v === true);
      continue;
    }
    const s = typeof v === "string" ? v : "";
    if (s.trim() === "") continue;
    if (f.kind === "number" || f.kind === "integer") {
      const n = Number(s);
      if (!Number.isFinite(n)) errors[f.name] = "Enter a number";
      else setPath(data, f.name, n);
    } else if (f.kind === "select") {
      const opt = f.options?.[Number(s)];
      if (opt) setPath(data, f.name, opt.value);
    } else if (f.kind === "json") {
      try {
        setPath(data, f.name, JSON.parse(s));
      } catch (e) {
        errors[f.name] = `Not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
      }
    } else setPath(data, f.name, s);
  }
  return { data, errors };
}

function segmentsOf(path: unknown): string[] | null {
  if (Array.isArray(path)) return path.map(String);
  if (typeof path === "number") return [String(path)];
  if (typeof path !== "string") return null;
  const p = path.replace(/^#/, "");
  if (p === "" || p === "/") return [];
  if (p.startsWith("/")) return p.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  return p.split(/[.[\]]+/).filter(Boolean);
}

type Item = { segments: string[] | null; message: string };

function itemsOf(details: unknown): Item[] {
  if (details === null || details === undefined) return [];
  if (typeof details === "string") return [{ segments: null, message: details }];
  if (Array.isArray(details)) return details.flatMap((d) => {
    if (typeof d === "string") return [{ segments: null, message: d }];
    if (!isObject(d)) return [];
    const message = String(d.message ?? d.error ?? d.msg ?? d.reason ?? JSON.stringify(d));
    const path = d.path ?? d.pointer ?? d.instancePath ?? d.instanceLocation ?? d.field ?? d.name ?? d.location;
    return [{ segments: segmentsOf(path), message }];
  });
  if (isObject(details)) {
    for (const k of ["issues", "errors", "problems"]) if (Array.isArray(details[k])) return itemsOf(details[k]);
    return Object.entries(details).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((m) => ({ segments: segmentsOf(k), message: typeof m === "string" ? m : JSON.stringify(m) })),
    );
  }
  return [];
}

const REQUIRED_RE = [/required property ["'“]?([^"'”]+)["'”]?/i, /["'“]([^"'”]+)["'”] is (?:a )?required/i, /missing (?:required )?(?:property|field) ["'“]?([^"'”\s]+)/i];

/**
 * Maps 422 `error.details` onto field names, tolerant of their shape: an
 * array of `{path|pointer|instancePath|field, message}` (JSON pointers,
 * dotted paths or arrays, with or without a leading `data`), a map of field
 * to message(s), or strings. A root-level "required property" message goes
 * to that field. What matches no field is returned in `general`.
 */
export function problemsByField(details: unknown, fieldNames: string[]): { byField: Record<string, string[]>; general: string[] } {
  const names = new Set(fieldNames);
  const byField: Record<string, string[]> = {};
  const general: string[] = [];
  const add = (name: string, message: string) => (byField[name] ??= []).push(message);
  for (const { segments, message } of itemsOf(details)) {
    let segs = segments ?? [];
    if (segs[0] === "data" && !names.has("data")) segs = segs.slice(1);
    let target: string | undefined;
    for (let n = segs.length; n > 0 && !target; n--) {
      const candidate = segs.slice(0, n).join(".");
      if (names.has(candidate)) target = candidate;
    }
    if (!target && segs.length === 0) {
      for (const re of REQUIRED_RE) {
        const m = re.exec(message);
        if (m && names.has(m[1])) target = m[1];
        if (target) break;
      }
    }
    if (target) add(target, message);
    else general.push(segs.length ? `${segs.join(".")}: ${message}` : message);
  }
  return { byField, general };
}
