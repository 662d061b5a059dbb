/**
 * The flows subscribed to a trigger: mode, target, retry policy and, for
 * http and queue targets, the delivery state (the subscription's breaker
 * and when it opened, a Retry-After hold, waiting and in-flight counts).
 * Secrets arrive redacted and are shown as is. Each flow links to its page.
 */
import { countText } from "../lib/format";
import { href } from "../lib/router";
import type { Subscription } from "../types";
import { Badge } from "./badge";
import { BreakerBadge } from "./breaker-badge";
import { Time } from "./time";

export function targetText(t: Subscription["target"] | undefined): string {
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

/** Breaker, hold and counts; pull subscriptions (which pace themselves) have none. */
function DeliveryState({ s }: { s: Subscription }) {
  if (!s.breaker) return <span class="muted">—</span>;
  return (
    <div class="sub-state">
      <BreakerBadge state={s.breaker} openedAt={s.breakerOpenedAt} />
      {s.heldUntil ? <span class="small-text" data-col="heldUntil">held until <Time at={s.heldUntil} /></span> : null}
      <span class="small-text" data-col="counts">{countText(s.waiting ?? 0)} waiting · {countText(s.inFlight ?? 0)} in flight</span>
    </div>
  );
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
              <tr><th scope="col">Flow</th><th scope="col">Mode</th><th scope="col">Target</th><th scope="col">Delivery state</th><th scope="col">Retry</th><th scope="col">Since</th></tr>
            </thead>
            <tbody>
              {rows.map(([flow, s]) => (
                <tr key={flow} data-flow={flow} class={s.breaker && s.breaker !== "closed" ? "row-bad" : undefined}>
                  <td><a href={href.flow(flow)}><code>{flow}</code></a></td>
                  <td><Badge status={s.mode === "manual" ? "paused" : "active"} label={s.mode} /></td>
                  <td class="wrap">
                    {targetText(s.target)}
                    {s.target?.secret ? <span class="muted small-text"> · secret {s.target.secret}</span> : null}
                  </td>
                  <td data-col="state"><DeliveryState s={s} /></td>
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
