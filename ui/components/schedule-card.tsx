/** A schedule trigger's rule, time zone, DST policy and its next fire times (GET …/schedule?count=5). */
import { api } from "../api";
import { useApi } from "../hooks";
import { dstPolicy, scheduleRule } from "../lib/trigger-def";
import { localText } from "../lib/format";
import type { Trigger } from "../types";
import { Badge } from "./badge";
import { ErrorBox } from "./error-box";
import { Loading } from "./loading";
import { Time } from "./time";

export function ScheduleCard({ trigger }: { trigger: Trigger }) {
  const s = trigger.schedule ?? {};
  const preview = useApi((sig) => api.schedule(trigger.name, sig), [trigger.name, trigger.version], 60_000);
  const tz = preview.data?.timezone ?? s.timezone ?? "UTC";
  const enabled = preview.data?.enabled ?? s.enabled !== false;
  const dst = dstPolicy(s);
  return (
    <section class="card" aria-labelledby="schedule-h">
      <h2 id="schedule-h">Schedule</h2>
      <dl class="facts">
        <dt>Rule</dt>
        <dd><code>{scheduleRule(s as Record<string, unknown>)}</code></dd>
        <dt>Time zone</dt>
        <dd data-testid="schedule-tz">{tz}</dd>
        <dt>State</dt>
        <dd>
          {enabled ? <Badge status="active" label="running" /> : <Badge status="paused" label="paused" />}
          {s.pauseNote ? <span class="muted"> {s.pauseNote}</span> : null}
        </dd>
        <dt>DST</dt>
        <dd data-testid="schedule-dst">
          gap <code>{dst.gap}</code>{dst.defaulted.gap ? " (default)" : ""}, fold <code>{dst.fold}</code>{dst.defaulted.fold ? " (default)" : ""}
          <span class="muted small-text">
            {" "}— {dst.gap === "shift" ? "a time skipped by spring-forward fires at the end of the gap" : "a time skipped by spring-forward is dropped"};{" "}
            {dst.fold === "once" ? "a repeated hour fires once" : "a repeated hour fires twice"}
          </span>
        </dd>
        {s.overlap ? (<><dt>Overlap</dt><dd><code>{s.overlap}</code></dd></>) : null}
        {s.catchup ? (<><dt>Catch-up</dt><dd><code>{s.catchup}</code></dd></>) : null}
      </dl>
      <h3>Next fire times</h3>
      {preview.error ? <ErrorBox error={preview.error} /> : null}
      {preview.loading && !preview.data ? <Loading label="Computing the next fire times…" /> : null}
      {preview.data && preview.data.next.length === 0 ? <p class="empty">No upcoming fire time{enabled ? "" : " (the schedule is paused)"}.</p> : null}
      {preview.data && preview.data.next.length > 0 ? (
        <ol class="next-times" data-testid="next-times">
          {preview.data.next.map((n) => (
            <li key={n.at}>
              <Time at={n.at} />
              <span class="muted small-text"> · {localText(n.at, tz)} ({tz})</span>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
