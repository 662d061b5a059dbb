/**
 * One trigger: its definition as the API answers it (secrets redacted), the
 * webhook URL, subscriptions with their delivery state (breaker, hold,
 * waiting and in flight), stats with the history chart (both re-read every
 * 5 s), the schedule's next fire times and DST policy, poll state, recent
 * fires, and the actions (retire/reactivate, pause/resume).
 */
import { api } from "../api";
import { useApi, useTitle } from "../hooks";
import { href } from "../lib/router";
import { Badge } from "../components/badge";
import { CopyButton } from "../components/copy-button";
import { ErrorBox } from "../components/error-box";
import { JsonBlock } from "../components/json-block";
import { Loading } from "../components/loading";
import { ScheduleCard } from "../components/schedule-card";
import { StatsCard } from "../components/stats-card";
import { SubscriptionsTable } from "../components/subscriptions-table";
import { Time } from "../components/time";
import { TriggerActions } from "../components/trigger-actions";
import { RecentFires } from "../components/recent-fires";
import type { PollState } from "../types";

const STATS_POLL_MS = 5_000;
/** The trigger itself (its subscriptions' breakers and counts) is re-read as often as its stats. */
const TRIGGER_POLL_MS = 5_000;
const FIREABLE = new Set(["event", "manual", "schedule", "webhook"]);

function PollCard({ state }: { state: PollState | undefined }) {
  return (
    <section class="card" aria-labelledby="poll-h">
      <h2 id="poll-h">Poll state</h2>
      {!state ? (
        <p class="empty">No poll state reported yet (the first poll runs within a second of registration).</p>
      ) : (
        <dl class="facts" data-testid="poll-state">
          <dt>Last polled</dt><dd><Time at={state.lastPolledAt ?? null} empty="never" /></dd>
          <dt>Last status</dt><dd>{state.lastStatus ?? (state.lastPolledAt ? "none (no answer)" : "—")}</dd>
          {state.lastError ? (<><dt>Last error</dt><dd class="bad-text">{state.lastError}</dd></>) : null}
          <dt>Consecutive failures</dt><dd>{state.consecutiveFailures ?? 0}</dd>
          <dt>Paused</dt><dd>{state.paused ? <Badge status="paused" label="paused until the trigger is updated" /> : "no"}</dd>
          {state.group ? (<><dt>Group</dt><dd><code>{state.group}</code></dd></>) : null}
        </dl>
      )}
    </section>
  );
}

export function TriggerView({ name }: { name: string }) {
  useTitle(name);
  const trig = useApi((sig) => api.trigger(name, sig), [name], TRIGGER_POLL_MS);
  const stats = useApi((sig) => api.stats(name, sig), [name], STATS_POLL_MS);
  const t = trig.data;
  const reload = () => (trig.reload(), stats.reload());

  if (trig.error && !t) {
    return (
      <section>
        <h1 tabIndex={-1}>{name}</h1>
        <ErrorBox error={trig.error} title={trig.error.status === 404 ? "No such trigger (for this key)" : "Could not load the trigger"} />
        <p><a href={href.triggers()}>← All triggers</a></p>
      </section>
    );
  }
  if (!t) return <Loading label={`Loading ${name}…`} />;

  return (
    <section aria-labelledby="trigger-h">
      <p class="crumbs"><a href={href.triggers()}>Triggers</a> /</p>
      <div class="title-row">
        <h1 id="trigger-h" tabIndex={-1}>{t.name}</h1>
        <Badge status={t.status} />
        <span class="tag">{t.type}</span>
      </div>
      {t.displayName ? <p class="lead">{t.displayName}</p> : null}
      {t.description ? <p>{t.description}</p> : null}
      {t.status === "retired" ? (
        <p class="notice">Retired <Time at={t.retiredAt ?? null} />{t.retiredReason ? `: ${t.retiredReason}` : ""}. Fires and webhooks answer 410.</p>
      ) : null}
      <div class="toolbar">
      <nav class="subnav" aria-label="This trigger">
        {FIREABLE.has(t.type) ? <a class="button" href={href.fireForm(t.name)}>Fire…</a> : null}
        <a href={href.fires(t.name)}>All fires</a>
        <a href={href.fires(t.name, "dead")}>Dead deliveries</a>
        <a href={href.fires(t.name, "failed")}>Failed deliveries</a>
        <a href={href.live(t.name)}>Live tail</a>
      </nav>
      <TriggerActions trigger={t} etag={trig.etag} onChanged={reload} />
      </div>
      <ErrorBox error={trig.error} title="Could not refresh the trigger" />
      {t.webhookUrl ? (
        <section class="card" aria-labelledby="webhook-h">
          <h2 id="webhook-h">Webhook URL</h2>
          <p class="copy-row">
            <code data-testid="webhook-url">{t.webhookUrl}</code> <CopyButton text={t.webhookUrl} label="Copy URL" />
          </p>
        </section>
      ) : null}
      {stats.data ? <StatsCard stats={stats.data} /> : stats.error ? <ErrorBox error={stats.error} title="Could not load the stats" /> : <Loading label="Loading stats…" />}
      {t.type === "schedule" ? <ScheduleCard trigger={t} /> : null}
      {t.type === "poll" ? <PollCard state={t.poll?.state} /> : null}
      <SubscriptionsTable subscriptions={t.subscriptions} />
      <RecentFires name={t.name} fireable={FIREABLE.has(t.type)} />
      <section class="card" aria-labelledby="def-h">
        <h2 id="def-h">Definition</h2>
        <p class="muted small-text">
          Version {t.version} · registered <Time at={t.registeredAt} /> · source {t.source ?? "api"}. Secrets are write-only and show as ********.
        </p>
        <JsonBlock value={t} collapsed label="Show the trigger as JSON" />
      </section>
    </section>
  );
}
