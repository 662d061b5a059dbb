/**
 * JSON shown as text (never as HTML: payloads are hostile input). `collapsed`
 * puts it behind a disclosure so long payloads don't flood a table.
 */
type Props = { value: unknown; label?: string; collapsed?: boolean };

export function jsonText(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

export function JsonBlock({ value, label, collapsed }: Props) {
  const pre = <pre class="json">{jsonText(value)}</pre>;
  if (!collapsed) return pre;
  return (
    <details class="json-details">
      <summary>{label ?? "Show JSON"}</summary>
      {pre}
    </details>
  );
}
