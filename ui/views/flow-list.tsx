/**
 * The flows (GET /v1/flows): every flow with a policy or a subscription, by
 * name, with its policy in a few words and its live state (waiting, in
 * flight, breaker, pause, Retry-After hold). 50 a page over the API's
 * cursor, kept in the URL; the page is re-read every 5 s while the tab is
 * visible, the previous answer staying on screen meanwhile.
 */
import { api } from "../api";
import { useApi, useTitle } from "../hooks";
import { countText } from "../lib/format";
import { policySummary } from "../lib/flow-policy";
import { href, type Query } from "../lib/router";
import { Badge } from "../components/badge";
import { BreakerBadge } from "../components/breaker-badge";
import { ErrorBox } from "../components/error-box";
import { Loading } from "../components/loading";
import { Time } from "../components/time";
import type { Flow } from "../types";

const LIST_POLL_MS = 5_000;

function FlowRow({ f }: { f: Flow }) {
  const rules = policySummary(f.policy).filter((p) => p !== "paused");
  const s = f.state;
  return (
    <tr data-flow={f.flow} class={s.breaker !== "closed" ? "row-bad" : undefined}>
      <td><a href={href.flow(f.flow)}>{f.flow}</a></td>
      <td data-col="policy" class="wrap">{rules.length ? rules.join(" · ") : <span class="muted">no policy (per-subscription defaults)</span>}</td>
      <td class="num" data-col="waiting">{countText(s.waiting)}</td>
      <td class="num" data-col="inFlight">{countText(s.inFlight)}</td>
      <td data-col="breaker"><BreakerBadge state={s.breaker} openedAt={s.breakerOpenedAt} /></td>
      <td data-col="paused">{s.paused ? <Badge status="paused" /> : <span class="muted">no</span>}</td>
      <td data-col="heldUntil"><Time at={s.heldUntil} relativeOnly empty="—" /></td>
    </tr>
  );
}

export function FlowList({ query }: { query: Query }) {
  useTitle("Flows");
  const list = useApi((sig) => api.listFlows({ cursor: query.cursor, limit: 50 }, sig), [query.cursor], LIST_POLL_MS);
  const prev = (query.prev ?? "").split(",").filter(Boolean);
  const page = (cursor: string | undefined, stack: string[]) => href.flows({ cursor, prev: stack.join(",") || undefined });
  const flows = list.data?.flows ?? [];
  return (
    <section aria-labelledby="flows-h">
      <h1 id="flows-h" tabIndex={-1}>Flows</h1>
      <p class="muted small-text">
        A flow is whatever receives deliveries under one name, across every trigger it subscribes to; its policy paces it (see the flow).
      </p>
      <p class="muted small-text live-note" aria-live="off">
        State refreshes every {LIST_POLL_MS / 1000} s{list.at ? <> · updated <Time at={list.at} relativeOnly /></> : null}
        {list.loading && list.data ? " · refreshing…" : ""}
      </p>
      <ErrorBox error={list.error} title="Could not load the flows" />
      {list.loading && !list.data ? <Loading label="Loading flows…" /> : null}
      {list.data && flows.length === 0 ? (
        <p class="empty" data-testid="flows-empty">
          {query.cursor ? "No more flows." : "No flows yet: subscribe one to a trigger (PUT /v1/triggers/<name>/subscriptions/<flow>) or give one a policy (PUT /v1/flows/<flow>)."}
        </p>
      ) : null}
      {flows.length > 0 ? (
        <div class="table-wrap">
          <table data-testid="flow-table">
            <thead>
              <tr>
                <th scope="col">Flow</th><th scope="col">Policy</th><th scope="col" class="num">Waiting</th><th scope="col" class="num">In flight</th>
                <th scope="col">Breaker</th><th scope="col">Paused</th><th scope="col">Held until</th>
              </tr>
            </thead>
            <tbody>{flows.map((f) => <FlowRow key={f.flow} f={f} />)}</tbody>
          </table>
        </div>
      ) : null}
      <nav class="pager" aria-label="Pages">
        {query.cursor ? <a href={page(prev[prev.length - 1] || undefined, prev.slice(0, -1))}>← Back</a> : null}
        {list.data?.nextCursor ? <a href={page(list.data.nextCursor, [...prev, query.cursor ?? ""])} rel="next">More →</a> : null}
      </nav>
    </section>
  );
}
