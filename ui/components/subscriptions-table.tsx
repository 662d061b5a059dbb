/** The flows subscribed to a trigger: mode, target and retry policy (secrets arrive redacted and are shown as is). */
import type { Subscription } from "../types";
import { Badge } from "./badge";
import { Time } from "./time";

function targetText(t: Subscription["target"]): string {
  if (!t) return "—";
  if (t.type === "http") return `http ${t.url ?? ""}${t.timeoutMs ? ` (timeout ${t.timeoutMs} ms)` : ""}`;
  if (t.type === "queue") return `queue ${t.queue ?? ""}`;
  if (t.type === "pull") return `pull (from ${t.startFrom ?? "now"})`;
  return t.type;
}

function retryText(r: Subscription["retry"]): string {
  if (!r) return "default";
  return `${r.maxAttempts ?? "?"} attempts, backoff ${r.initialBackoffSeconds ?? "?"} s → ${r.maxBackoffSeconds ?? "?"} s`;
}

export function SubscriptionsTable({ subscriptions }: { subscriptions: Record<string, Subscription> | undefined }) {
  const rows = Object.entries(subscriptions ?? {});
  return (
    <section class="card" aria-labelledby="subs-h">
      <h2 id="subs-h">Subscriptions</h2>
      {rows.length === 0 ? (
        <p class="empty">No flow is subscribed yet — subscribe one with <code>PUT /v1/triggers/&lt;name&gt;/subscriptions/&lt;flow&gt;</code>.</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="subscriptions">
            <thead>
              <tr><th scope="col">Flow</th><th scope="col">Mode</th><th scope="col">Target</th><th scope="col">Retry</th><th scope="col">Since</th></tr>
            </thead>
            <tbody>
              {rows.map(([flow, s]) => (
                <tr key={flow}>
                  <td><code>{flow}</code></td>
                  <td><Badge status={s.mode === "manual" ? "paused" : "active"} label={s.mode} /></td>
                  <td class="wrap">
                    {targetText(s.target)}
                    {s.target?.secret ? <span class="muted small-text"> · secret {s.target.secret}</span> : null}
                  </td>
                  <td>{retryText(s.retry)}</td>
                  <td><Time at={s.subscribedAt} relativeOnly /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
