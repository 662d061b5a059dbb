/**
 * A trigger's fires, all of them or those with a delivery in one status
 * (GET …/fires?status=dead|failed|…), with cursor paging; replay one fire, or
 * every fire listed on the page. On a status tab a replay goes only to the
 * flows whose delivery is in that status (a flow that already got the fire
 * gets nothing new), and "Replay all" first asks, saying how many deliveries
 * go to which flows.
 */
import { useState } from "preact/hooks";
import { api, type ApiError } from "../api";
import { useApi, useTitle } from "../hooks";
import { href } from "../lib/router";
import { REPLAYABLE, planText, replayPlan, type ReplayPlan } from "../lib/replay-plan";
import { Badge } from "../components/badge";
import { ErrorBox } from "../components/error-box";
import { Loading } from "../components/loading";
import { Time } from "../components/time";
import type { Fire } from "../types";

const TABS: [string, string][] = [["", "All"], ["dead", "Dead"], ["failed", "Failed"], ["queued", "Queued"], ["skipped", "Skipped"], ["delivered", "Delivered"]];

function summary(f: Fire, status: string): string {
  const ds = (f.deliveries ?? []).filter((d) => !status || d.status === status);
  return ds.map((d) => `${d.flow}: ${d.status}, ${d.attempts ?? 0} attempt${d.attempts === 1 ? "" : "s"}${d.lastStatusCode ? `, HTTP ${d.lastStatusCode}` : ""}${d.lastError && d.lastError !== `HTTP ${d.lastStatusCode}` ? `, ${d.lastError}` : ""}`).join("; ");
}

export function FiresView({ name, status, cursor }: { name: string; status: string; cursor: string }) {
  const label = TABS.find(([s]) => s === status)?.[1] ?? status;
  useTitle(`${label} fires of ${name}`);
  const fires = useApi((sig) => api.fires(name, { status, cursor, limit: 50 }, sig), [name, status, cursor], 5_000);
  const [progress, setProgress] = useState<{ done: number; total: number; failed: number } | null>(null);
  const [confirm, setConfirm] = useState<ReplayPlan | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState("");
  const list = fires.data?.fires ?? [];
  const bulk = REPLAYABLE.includes(status);
  /** On a status tab: the flows of this fire whose latest delivery is in it ([] when replayed already); undefined: every flow. */
  const flowsOf = (f: Fire) => (bulk ? replayPlan([f], status).fires[0]?.flows ?? [] : undefined);

  const replayOne = async (f: Fire) => {
    setBusyId(f.eventId);
    setError(null);
    try {
      const flows = flowsOf(f);
      await api.replay(name, f.eventId, flows);
      setNotice(`Replayed ${f.eventId}${flows ? ` to ${flows.join(", ")}` : ""}.`);
      fires.reload();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusyId(null);
    }
  };
  const replayAll = async (plan: ReplayPlan) => {
    setConfirm(null);
    setError(null);
    setNotice("");
    let failed = 0;
    let sent = 0;
    setProgress({ done: 0, total: plan.fires.length, failed: 0 });
    for (const [i, f] of plan.fires.entries()) {
      try {
        await api.replay(name, f.eventId, f.flows);
        sent += f.flows.length;
      } catch (e) {
        failed++;
        setError(e as ApiError);
      }
      setProgress({ done: i + 1, total: plan.fires.length, failed });
    }
    setProgress(null);
    const to = plan.byFlow.map(([flow]) => flow).join(", ");
    setNotice(`Replayed ${sent} ${status} deliver${sent === 1 ? "y" : "ies"} of ${plan.fires.length - failed} fires to ${to}${failed ? ` (${failed} fires failed)` : ""}.`);
    fires.reload();
  };
  const plan = bulk ? replayPlan(list, status) : null;

  return (
    <section aria-labelledby="fires-h">
      <p class="crumbs"><a href={href.triggers()}>Triggers</a> / <a href={href.trigger(name)}>{name}</a> /</p>
      <h1 id="fires-h" tabIndex={-1}>{status ? `Fires with ${label.toLowerCase()} deliveries` : "Fires"}</h1>
      <nav class="tabs" aria-label="Delivery status">
        {TABS.map(([s, l]) => (
          <a key={s} href={href.fires(name, s)} aria-current={s === status ? "page" : undefined}>{l}</a>
        ))}
      </nav>
      <div class="actions">
        {plan ? (
          <button type="button" onClick={() => setConfirm(plan)} disabled={!!progress || !!confirm || plan.deliveries === 0}>
            Replay all {plan.fires.length} listed
          </button>
        ) : null}
        {progress ? (
          <span role="status" class="loading inline">
            <progress max={progress.total} value={progress.done} /> {progress.done}/{progress.total} replayed
          </span>
        ) : null}
        {notice ? <span class="ok" role="status">{notice}</span> : null}
      </div>
      {confirm ? (
        <div class="confirm" role="alertdialog" aria-labelledby="replay-q" data-testid="replay-confirm">
          <p id="replay-q"><strong>{planText(confirm, status)}</strong></p>
          <p class="muted small-text">Each goes out again with a new delivery id; the other flows of these fires get nothing.</p>
          <div class="actions">
            <button type="button" class="primary" onClick={() => replayAll(confirm)}>Replay {confirm.deliveries} deliveries</button>
            <button type="button" onClick={() => setConfirm(null)}>Cancel</button>
          </div>
        </div>
      ) : null}
      <ErrorBox error={error} title="A replay failed" />
      <ErrorBox error={fires.error} title="Could not load the fires" />
      {fires.loading && !fires.data ? <Loading label="Loading fires…" /> : null}
      {fires.data && list.length === 0 ? (
        <p class="empty" data-testid="fires-empty">{status ? `No fire has a ${status} delivery. ` : "No fires yet. "}<a href={href.trigger(name)}>Back to {name}</a></p>
      ) : null}
      {list.length > 0 ? (
        <div class="table-wrap">
          <table data-testid="fires">
            <thead>
              <tr><th scope="col">Fire</th><th scope="col">Fired</th><th scope="col">Status</th><th scope="col">Deliveries</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              {list.map((f) => (
                <tr key={f.eventId} data-event={f.eventId} class={f.deliveries?.some((d) => d.status === "dead" || d.status === "failed") ? "row-bad" : undefined}>
                  <td><a href={href.fire(name, f.eventId)}><code>{f.eventId}</code></a></td>
                  <td><Time at={f.firedAt} relativeOnly /></td>
                  <td><Badge status={f.status} />{f.deliveryStatus ? <> <Badge status={f.deliveryStatus} /></> : null}</td>
                  <td class="wrap">{summary(f, status) || "—"}</td>
                  <td>
                    <button type="button" class="small" disabled={busyId === f.eventId || !!progress || flowsOf(f)?.length === 0} onClick={() => replayOne(f)}
                      title={!bulk ? "Replay to every flow" : flowsOf(f)?.length ? `Replay to ${flowsOf(f)!.join(", ")}` : `Replayed already: no flow's latest delivery is ${status}`}>Replay</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav class="pager" aria-label="Pages">
        {cursor ? <a href={href.fires(name, status)}>← Newest</a> : null}
        {fires.data?.nextCursor ? <a href={href.fires(name, status, fires.data.nextCursor)}>Older →</a> : null}
      </nav>
    </section>
  );
}
