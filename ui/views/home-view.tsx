/**
 * The home page: failures at a glance, and every fire of the tenant, newest
 * first (GET /v1/fires). The filters live in the URL (`#/?status=dead&trigger=stripe.`),
 * so a view can be shared. Live by polling: the first page is re-read every
 * 3 s while the tab is visible (one feed read covers every trigger; an SSE
 * stream per trigger would be one connection per trigger); older pages stay put.
 */
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { useApi, useTitle } from "../hooks";
import { href, type Query } from "../lib/router";
import { ErrorBox } from "../components/error-box";
import { FailuresCard } from "../components/failures-card";
import { FeedTable } from "../components/feed-table";
import { Loading } from "../components/loading";
import { Time } from "../components/time";

const FEED_POLL_MS = 3_000;
const FILTERS = ["status", "trigger", "flow", "eventType", "window"] as const;
const STATUSES = ["dead", "failed", "queued", "delivering", "delivered", "processing", "completed", "skipped"];
/** The time filter, relative to each read, so a shared "last hour" view stays live. */
const WINDOWS: Record<string, [string, number]> = { "1h": ["last hour", 3_600_000], "24h": ["last 24 h", 86_400_000], "7d": ["last 7 days", 7 * 86_400_000] };

export function HomeView({ query }: { query: Query }) {
  useTitle("Home");
  const [draft, setDraft] = useState<Query>(query);
  useEffect(() => setDraft(query), [JSON.stringify(query)]);
  const filter = Object.fromEntries(FILTERS.filter((k) => query[k]).map((k) => [k, query[k]]));
  const { window: win, ...apiFilter } = filter;
  const feed = useApi(
    (sig) => api.feed({ ...apiFilter, since: WINDOWS[win] ? Date.now() - WINDOWS[win][1] : undefined, cursor: query.cursor, limit: 50 }, sig),
    [filter, query.cursor],
    query.cursor ? undefined : FEED_POLL_MS,
  );
  const apply = (e: Event) => {
    e.preventDefault();
    location.hash = href.home(Object.fromEntries(FILTERS.map((k) => [k, draft[k]?.trim()])));
  };
  const set = (k: string) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value });
  const filtered = Object.keys(filter).length > 0;
  const fires = feed.data?.fires ?? [];

  return (
    <section aria-labelledby="home-h">
      <h1 id="home-h" tabIndex={-1}>Home</h1>
      <FailuresCard />
      <section class="card" aria-labelledby="feed-h">
        <h2 id="feed-h">Fires across all triggers</h2>
        <form class="filters" onSubmit={apply} aria-label="Filter fires">
          <label>Delivery status
            <select name="status" value={draft.status ?? ""} onChange={set("status")}>
              <option value="">any</option>
              {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
          <label>Trigger starts with
            <input name="trigger" value={draft.trigger ?? ""} onInput={set("trigger")} placeholder="e.g. stripe." />
          </label>
          <label>Flow
            <input name="flow" value={draft.flow ?? ""} onInput={set("flow")} placeholder="flow name" />
          </label>
          <label>Event type
            <input name="eventType" value={draft.eventType ?? ""} onInput={set("eventType")} placeholder="e.g. push" />
          </label>
          <label>When
            <select name="window" value={draft.window ?? ""} onChange={set("window")}>
              <option value="">any time</option>
              {Object.entries(WINDOWS).map(([k, [label]]) => <option key={k} value={k}>{label}</option>)}
            </select>
          </label>
          <button type="submit">Apply</button>
          {filtered ? <a href={href.home()}>Clear</a> : null}
        </form>
        <p class="muted small-text live-note" aria-live="off" data-testid="feed-note">
          {query.cursor ? "An older page (not live)" : `Live: re-read every ${FEED_POLL_MS / 1000} s`}
          {feed.at ? <> · updated <Time at={feed.at} relativeOnly /></> : null}
        </p>
        <ErrorBox error={feed.error} title="Could not load the fires" />
        {feed.loading && !feed.data ? <Loading label="Loading fires…" /> : null}
        {feed.data && fires.length === 0 ? (
          <p class="empty" data-testid="feed-empty">
            {filtered || query.cursor ? "No fire matches these filters." : "No fires yet: fire a trigger (POST /v1/triggers/<name>/fire) and it shows here."}
            {feed.data.nextCursor ? " Older fires may still match: " : ""}
            {feed.data.nextCursor ? <a href={href.home({ ...filter, cursor: feed.data.nextCursor })}>look further back</a> : null}
          </p>
        ) : null}
        {fires.length > 0 ? <FeedTable fires={fires} /> : null}
        <nav class="pager" aria-label="Pages">
          {query.cursor ? <a href={href.home(filter)}>← Newest</a> : null}
          {feed.data?.nextCursor && fires.length > 0 ? <a href={href.home({ ...filter, cursor: feed.data.nextCursor })} rel="next">Older →</a> : null}
        </nav>
      </section>
    </section>
  );
}
