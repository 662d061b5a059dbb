/**
 * A flow's own log (GET /v1/flows/{flow}/activity): policy changes, pause and
 * resume, breaker openings and closings, Retry-After holds, recoveries. The
 * API pages it oldest first from a sequence number; the page is in the URL
 * (`?after=`) and re-read every 5 s, so new entries appear on the last page.
 */
import { api } from "../api";
import { useApi } from "../hooks";
import { activityText } from "../lib/flow-activity";
import { href } from "../lib/router";
import { ErrorBox } from "./error-box";
import { Loading } from "./loading";
import { Time } from "./time";

const ACTIVITY_POLL_MS = 5_000;
const PAGE = 50;

export function FlowActivityCard({ flow, after }: { flow: string; after: string }) {
  const log = useApi((sig) => api.flowActivity(flow, { after: after || undefined, limit: PAGE }, sig), [flow, after], ACTIVITY_POLL_MS);
  const entries = log.data?.entries ?? [];
  return (
    <section class="card" aria-labelledby="activity-h">
      <h2 id="activity-h">Activity</h2>
      <p class="muted small-text">Oldest first{after ? `, after entry ${after}` : ""}; re-read every {ACTIVITY_POLL_MS / 1000} s.</p>
      <ErrorBox error={log.error} title="Could not load the activity" />
      {log.loading && !log.data ? <Loading label="Loading the activity…" /> : null}
      {log.data && entries.length === 0 ? <p class="empty" data-testid="activity-empty">{after ? "Nothing after this entry yet." : "No activity yet: policy changes, pauses, breaker openings, holds and recoveries show here."}</p> : null}
      {entries.length > 0 ? (
        <ol class="events" data-testid="activity">
          {entries.map((e) => (
            <li key={e.seq} data-type={e.type}>
              <span class="seq">#{e.seq}</span> <Time at={e.ts} relativeOnly /> <code>{e.type}</code> {activityText(e)}
            </li>
          ))}
        </ol>
      ) : null}
      <nav class="pager" aria-label="Activity pages">
        {after ? <a href={href.flow(flow)}>← From the start</a> : null}
        {log.data?.nextCursor ? <a href={href.flow(flow, log.data.nextCursor)} rel="next">Later →</a> : null}
      </nav>
    </section>
  );
}
