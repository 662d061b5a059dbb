/** An API error as the user sees it: the envelope's message, its code and status, and its details. */
import type { ApiError } from "../api";
import { jsonText } from "./json-block";

export function ErrorBox({ error, title }: { error: ApiError | Error | null | undefined; title?: string }) {
  if (!error) return null;
  const api = error as Partial<ApiError>;
  const details = api.details;
  return (
    <div class="error-box" role="alert">
      <strong>{title ?? "The service answered with an error"}</strong>
      <p class="error-message">{error.message}</p>
      {api.code ? (
        <p class="muted small-text">
          {api.code}
          {api.status ? ` · HTTP ${api.status}` : ""}
        </p>
      ) : null}
      {Array.isArray(details) && details.length ? (
        <ul class="error-details">
          {details.map((d, i) => (
            <li key={i}>{typeof d === "object" && d ? `${(d as { path?: unknown }).path ?? ""} ${(d as { message?: unknown }).message ?? jsonText(d)}`.trim() : String(d)}</li>
          ))}
        </ul>
      ) : details !== undefined && details !== null ? (
        <pre class="json">{jsonText(details)}</pre>
      ) : null}
    </div>
  );
}
