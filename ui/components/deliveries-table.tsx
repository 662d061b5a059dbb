/** A fire's deliveries: status, attempts, last status code and error, next attempt; a per-flow replay. */
import type { Delivery } from "../types";
import { durationText } from "../lib/format";
import { Badge } from "./badge";
import { JsonBlock } from "./json-block";
import { Time } from "./time";

type Props = { deliveries: Delivery[]; highlight?: string; onReplayFlow?: (flow: string) => void; busy?: boolean };

export function DeliveriesTable({ deliveries, highlight, onReplayFlow, busy }: Props) {
  if (deliveries.length === 0) return <p class="empty">No deliveries: no flow was subscribed when this fired (or it was skipped as a whole).</p>;
  return (
    <div class="table-wrap">
      <table data-testid="deliveries">
        <thead>
          <tr>
            <th scope="col">Delivery</th><th scope="col">Flow</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th>
            <th scope="col">Last code</th><th scope="col">Last error / reason</th><th scope="col">Next attempt</th><th scope="col">Delivered</th>
            {onReplayFlow ? <th scope="col"><span class="visually-hidden">Actions</span></th> : null}
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.deliveryId} class={d.deliveryId === highlight ? "highlight" : undefined} data-delivery={d.deliveryId} data-status={d.status}>
              <td><code class="id">{d.deliveryId}</code></td>
              <td><code>{d.flow}</code></td>
              <td><Badge status={d.status} /></td>
              <td class="num">{d.attempts ?? 0}</td>
              <td>{d.lastStatusCode ?? "—"}</td>
              <td class="wrap">
                {d.lastError ?? (d.reason ? null : "—")}
                {d.reason ? <div class="small-text">reason: <code>{d.reason}</code></div> : null}
                {d.output !== undefined ? <JsonBlock value={d.output} collapsed label="Output" /> : null}
              </td>
              <td><Time at={d.nextAttemptAt ?? null} relativeOnly /></td>
              <td>
                <Time at={d.deliveredAt ?? null} relativeOnly />
                {d.latencyMs !== null && d.latencyMs !== undefined ? <span class="muted small-text"> ({durationText(d.latencyMs)})</span> : null}
              </td>
              {onReplayFlow ? (
                <td>
                  <button type="button" class="small" disabled={busy} onClick={() => onReplayFlow(d.flow)}>
                    Replay {d.flow}
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
