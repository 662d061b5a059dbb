/** The awaits of a run (GET /v1/runs/{runId}/awaits): step, kind, state, times and result (the runs list links here). */
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { useApi, useTitle } from "../hooks";
import { href } from "../lib/router";
import { Badge } from "../components/badge";
import { ErrorBox } from "../components/error-box";
import { JsonBlock } from "../components/json-block";
import { Loading } from "../components/loading";
import { Time } from "../components/time";

function AwaitsTable({ runId }: { runId: string }) {
  const list = useApi((sig) => api.awaits(runId, sig), [runId], 5_000);
  if (list.error && !list.data) return <ErrorBox error={list.error} title="Could not load the awaits" />;
  if (!list.data) return <Loading label="Loading awaits…" />;
  const awaits = list.data.awaits ?? [];
  if (awaits.length === 0) return <p class="empty">Run <code>{runId}</code> has no awaits (or they were purged 7 days after settling).</p>;
  return (
    <div class="table-wrap">
      <table data-testid="awaits">
        <thead>
          <tr><th scope="col">Step</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Result</th></tr>
        </thead>
        <tbody>
          {awaits.map((a) => (
            <tr key={a.step} data-step={a.step}>
              <td><code>{a.step}</code></td>
              <td>{a.kind}</td>
              <td><Badge status={a.status} /></td>
              <td><Time at={a.createdAt ?? null} relativeOnly /></td>
              <td><Time at={a.expiresAt ?? null} relativeOnly /></td>
              <td>{a.result !== undefined ? <JsonBlock value={a.result} collapsed label="Result" /> : <span class="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AwaitsView({ runId }: { runId: string }) {
  useTitle(runId ? `Awaits of ${runId}` : "Awaits");
  const [draft, setDraft] = useState(runId);
  useEffect(() => setDraft(runId), [runId]);
  return (
    <section aria-labelledby="awaits-h">
      <p class="crumbs"><a href={href.runs()}>Runs</a> /</p>
      <h1 id="awaits-h" tabIndex={-1}>{runId ? <>Awaits of run <code>{runId}</code></> : "Awaits of a run"}</h1>
      <form class="filters" onSubmit={(e) => (e.preventDefault(), (location.hash = href.awaits(draft.trim())))}>
        <label>
          Run id
          <input name="runId" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} placeholder="run-1" />
        </label>
        <button type="submit">Show</button>
      </form>
      {runId ? <AwaitsTable runId={runId} /> : <p class="empty">Enter a run id to see its sleeps, waits for events and webhook awaits.</p>}
    </section>
  );
}
