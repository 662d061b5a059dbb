/** Rows of the tenant-wide fire feed: when, trigger, fire, status, source, and each delivery's flow and status; failures stand out. */
import { href } from "../lib/router";
import { Badge } from "./badge";
import { Time } from "./time";
import type { FeedFire } from "../types";

const BAD = new Set(["dead", "failed"]);

export function FeedTable({ fires }: { fires: FeedFire[] }) {
  return (
    <div class="table-wrap">
      <table data-testid="feed">
        <thead>
          <tr><th scope="col">Fired</th><th scope="col">Trigger</th><th scope="col">Fire</th><th scope="col">Status</th><th scope="col">Source</th><th scope="col">Deliveries</th></tr>
        </thead>
        <tbody>
          {fires.map((f) => (
            <tr key={`${f.trigger}/${f.eventId}`} data-event={f.eventId} class={f.deliveries.some((d) => BAD.has(d.status)) ? "row-bad" : undefined}>
              <td><Time at={f.firedAt} relativeOnly /></td>
              <td><a href={href.trigger(f.trigger)}>{f.trigger}</a></td>
              <td><a href={href.fire(f.trigger, f.eventId)}><code class="id">{f.eventId}</code></a></td>
              <td><Badge status={f.status} />{f.skipReason ? <span class="muted small-text"> {f.skipReason}</span> : null}</td>
              <td>{f.source ?? "—"}{f.eventType ? <span class="muted small-text"> · {f.eventType}</span> : null}</td>
              <td class="wrap">
                {f.deliveries.length === 0 ? <span class="muted">—</span> : null}
                {f.deliveries.map((d) => (
                  <span key={d.deliveryId} class="delivery" data-flow={d.flow} data-status={d.status}>
                    <a href={href.fire(f.trigger, f.eventId, d.deliveryId)}>{d.flow}</a> <Badge status={d.status} />
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
