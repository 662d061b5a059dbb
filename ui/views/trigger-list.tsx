/**
 * The triggers list (GET /v1/triggers): newest first, filters (type, status,
 * name prefix, subscribed flow) and cursor paging, all kept in the URL; a
 * trigger with failed or dead deliveries stands out, its counts linking to them. The
 * page is re-read every 5 s while the tab is visible, so the counts stay live
 * (the index may lag the objects by a few seconds, as API.md says).
 */
import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import { api } from "../api";
import { useApi, useTitle } from "../hooks";
import { href, type Query } from "../lib/router";
import { countText } from "../lib/format";
import { Badge } from "../components/badge";
import { ErrorBox } from "../components/error-box";
import { Loading } from "../components/loading";
import { Time } from "../components/time";

const LIST_POLL_MS = 5_000;
const TYPES = ["event", "webhook", "schedule", "manual", "poll", "flow"];
const STATUSES = ["active", "retired", "deprecated"];
const FILTERS = ["type", "status", "q", "subscribedBy"] as const;

let painted = false;

export function TriggerList({ query }: { query: Query }) {
  useTitle("Triggers");
  const [draft, setDraft] = useState<Query>(query);
  useEffect(() => setDraft(query), [JSON.stringify(query)]);
  const filter = Object.fromEntries(FILTERS.filter((k) => query[k]).map((k) => [k, query[k]]));
  const list = useApi((sig) => api.listTriggers({ ...filter, cursor: query.cursor, limit: 50 }, sig), [filter, query.cursor], LIST_POLL_MS);
  const prev = (query.prev ?? "").split(",").filter(Boolean);

  // The first time rows are in the DOM: mark the frame that paints them (the browser test reads it).
  useLayoutEffect(() => {
    if (list.data && !painted) {
      painted = true;
      requestAnimationFrame(() => performance.mark("signalbox:list-painted"));
    }
  }, [list.data]);

  const apply = (e: Event) => {
    e.preventDefault();
    location.hash = href.triggers(Object.fromEntries(FILTERS.map((k) => [k, draft[k]?.trim()])));
  };
  const set = (k: string) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });
  const page = (cursor: string | undefined, prevStack: string[]) => href.triggers({ ...filter, cursor, prev: prevStack.join(",") || undefined });
  const filtered = Object.keys(filter).length > 0;

  return (
    <section aria-labelledby="list-h">
      <h1 id="list-h" tabIndex={-1}>Triggers</h1>
      <form class="filters" onSubmit={apply} aria-label="Filter triggers">
        <label>Type
          <select name="type" value={draft.type ?? ""} onChange={set("type")}>
            <option value="">any</option>
            {TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </label>
        <label>Status
          <select name="status" value={draft.status ?? ""} onChange={set("status")}>
            <option value="">any</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Name starts with
          <input name="q" value={draft.q ?? ""} onInput={set("q")} placeholder="e.g. stripe." />
        </label>
        <label>Subscribed by flow
          <input name="subscribedBy" value={draft.subscribedBy ?? ""} onInput={set("subscribedBy")} placeholder="flow name" />
        </label>
        <button type="submit">Apply</button>
        {filtered ? <a href={href.triggers()}>Clear</a> : null}
      </form>
      <p class="muted small-text live-note" aria-live="off">
        Counts refresh every {LIST_POLL_MS / 1000} s{list.at ? <> · updated <Time at={list.at} relativeOnly /></> : null}
        {list.loading && list.data ? " · refreshing…" : ""}
      </p>
      <ErrorBox error={list.error} title="Could not load the triggers" />
      {list.loading && !list.data ? <Loading label="Loading triggers…" /> : null}
      {list.data && list.data.triggers.length === 0 ? (
        <p class="empty" data-testid="list-empty">
          {filtered || query.cursor
            ? "No trigger matches these filters."
            : "No triggers yet — register one with PUT /v1/triggers/<name> (see the README's walk-through)."}
        </p>
      ) : null}
      {list.data && list.data.triggers.length > 0 ? (
        <div class="table-wrap">
          <table class="triggers" data-testid="trigger-table">
            <thead>
              <tr>
                <th scope="col">Name</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Last fire</th>
                <th scope="col" class="num">Fires</th><th scope="col" class="num">Delivered</th>
                <th scope="col" class="num">Failed</th><th scope="col" class="num">Dead</th>
              </tr>
            </thead>
            <tbody>
              {list.data.triggers.map((t) => (
                <tr key={t.name} data-trigger={t.name} class={(t.stats?.dead ?? 0) + (t.stats?.failed ?? 0) > 0 ? "row-bad" : undefined}>
                  <td>
                    <a href={href.trigger(t.name)}>{t.name}</a>
                    {t.displayName ? <div class="muted small-text">{t.displayName}</div> : null}
                  </td>
                  <td>{t.type}</td>
                  <td><Badge status={t.status} /></td>
                  <td><Time at={t.stats?.lastFiredAt ?? null} relativeOnly empty="never" /></td>
                  <td class="num" data-col="fires">{countText(t.stats?.totalFires ?? 0)}</td>
                  <td class="num" data-col="delivered">{countText(t.stats?.delivered ?? 0)}</td>
                  <td class={`num${t.stats?.failed ? " bad" : ""}`} data-col="failed">
                    {t.stats?.failed ? <a href={href.fires(t.name, "failed")}>{countText(t.stats.failed)}</a> : countText(0)}
                  </td>
                  <td class={`num${t.stats?.dead ? " bad" : ""}`} data-col="dead">
                    {t.stats?.dead ? <a href={href.fires(t.name, "dead")}>{countText(t.stats.dead)}</a> : countText(0)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav class="pager" aria-label="Pages">
        {query.cursor ? <a href={page(prev[prev.length - 1] || undefined, prev.slice(0, -1))}>← Newer</a> : null}
        {list.data?.nextCursor ? <a href={page(list.data.nextCursor, [...prev, query.cursor ?? ""])} rel="next">Older →</a> : null}
      </nav>
    </section>
  );
}
