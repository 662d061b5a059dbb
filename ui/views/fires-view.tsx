/**
 * A trigger's fires, all of them or those with a delivery in one status
 * (GET …/fires?status=dead|failed|…), with cursor paging; replay one fire, or
 * every fire listed on the page (one replay call each, progress shown).
 */
import { useState } from "preact/hooks";
import { api, type ApiError } from "../api";
import { useApi, useTitle } from "../hooks";
import { href } from "../lib/router";
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
  const [busyId, setBusyId] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState("");
  const list = fires.data?.fires ?? [];

  const replayOne = async (eventId: string) => {
    setBusyId(eventId);
    setError(null);
    try {
      await api.replay(name, eventId);
      setNotice(`Replayed ${eventId}.`);
      fires.reload();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusyId(null);
    }
  };
  const replayAll = async () => {
    const ids = list.map((f) => f.eventId);
    setError(null);
    setNotice("");
    let failed = 0;
    setProgress({ done: 0, total: ids.length, failed: 0 });
    for (const [i, id] of ids.entries()) {
      try {
        await api.replay(name, id);
      } catch (e) {
        failed++;
        setError(e as ApiError);
      }
      setProgress({ done: i + 1, total: ids.length, failed });
    }
    setProgress(null);
    setNotice(`Replayed ${ids.length - failed} of ${ids.length} fires${failed ? ` (${failed} failed)` : ""}.`);
    fires.reload();
  };

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
        <button type="button" onClick={replayAll} disabled={!!progress || list.length === 0}>
          Replay all {list.length} listed
        </button>
        {progress ? (
          <span role="status" class="loading inline">
            <progress max={progress.total} value={progress.done} /> {progress.done}/{progress.total} replayed
          </span>
        ) : null}
        {notice ? <span class="ok" role="status">{notice}</span> : null}
      </div>
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
                <tr key={f.eventId} data-event={f.eventId}>
                  <td><a href={href.fire(name, f.eventId)}><code>{f.eventId}</code></a></td>
                  <td><Time at={f.firedAt} relativeOnly /></td>
                  <td><Badge status={f.status} />{f.deliveryStatus ? <> <Badge status={f.deliveryStatus} /></> : null}</td>
                  <td class="wrap">{summary(f, status) || "—"}</td>
                  <td>
                    <button type="button" class="small" disabled={busyId === f.eventId || !!progress} onClick={() => replayOne(f.eventId)}>Replay</button>
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
