/** One input of the fire form, by kind, with its label, help and the problems the server reported for it. */
import type { Field, RawValues } from "../lib/form-model";

type Props = { field: Field; values: RawValues; problems: string[] | undefined; onChange: (name: string, v: string | boolean) => void };

export function FormField({ field: f, values, problems, onChange }: Props) {
  const id = `field-${f.name}`;
  const errId = `${id}-error`;
  const invalid = problems && problems.length > 0;
  const common = {
    id,
    name: f.name,
    "aria-invalid": invalid ? ("true" as const) : undefined,
    "aria-describedby": invalid ? errId : undefined,
    "aria-required": f.required ? ("true" as const) : undefined,
  };
  const str = typeof values[f.name] === "string" ? (values[f.name] as string) : "";
  let input;
  switch (f.kind) {
    case "boolean":
      input = <input {...common} type="checkbox" checked={values[f.name] === true} onChange={(e) => onChange(f.name, e.currentTarget.checked)} />;
      break;
    case "select":
      input = (
        <select {...common} value={str} onChange={(e) => onChange(f.name, e.currentTarget.value)}>
          <option value="">— choose —</option>
          {(f.options ?? []).map((o, i) => <option key={i} value={String(i)}>{o.label}</option>)}
        </select>
      );
      break;
    case "textarea":
    case "json":
      input = (
        <textarea {...common} rows={f.kind === "json" ? 5 : 3} class={f.kind === "json" ? "code" : undefined} value={str}
          placeholder={f.placeholder ?? (f.kind === "json" ? "JSON, e.g. {\"a\": 1}" : undefined)} onInput={(e) => onChange(f.name, e.currentTarget.value)} />
      );
      break;
    default:
      input =
        f.kind === "number" || f.kind === "integer" ? (
          <input {...common} type="number" step={f.kind === "integer" ? 1 : "any"} value={str} placeholder={f.placeholder}
            onInput={(e) => onChange(f.name, e.currentTarget.value)} />
        ) : (
          <input {...common} type="text" value={str} placeholder={f.placeholder} onInput={(e) => onChange(f.name, e.currentTarget.value)} />
        );
  }
  return (
    <div class={`field kind-${f.kind}${invalid ? " invalid" : ""}`} data-field={f.name}>
      <label for={id}>
        {f.label}
        {f.required ? <span class="required" aria-hidden="true"> *</span> : null}
        <span class="muted small-text"> {f.kind === "json" ? "(JSON)" : ""}</span>
      </label>
      {input}
      {f.help ? <p class="help">{f.help}</p> : null}
      {invalid ? (
        <p id={errId} class="field-error" role="alert">
          {problems.join("; ")}
        </p>
      ) : null}
    </div>
  );
}
