/**
 * The runs list (GET /v1/runs?status=…): runs with awaits in a status,
 * waiting first, most recently changed first, each opening to its awaits.
 * Re-read every 5 s; open a run by id as well.
 */
import { useState } from "preact/hooks";
import { api } from "../api";
import { useApi, useTitle } from "../hooks";
import { countText } from "../lib/format";
import { href } from "../lib/router";
import { ErrorBox } from "../components/error-box";
import { Loading } from "../components/loading";
import { Time } from "../components/time";

const TABS: [string, string][] = [["waiting", "Waiting"], ["resolved", "Resolved"], ["timed_out", "Timed out"], ["cancelled", "Cancelled"], ["all", "All"]];
const COUNTS = ["waiting", "resolved", "timed_out", "cancelled"] as const;

export function RunsView({ status, cursor }: { status: string; cursor: string }) {
  const label = TABS.find(([s]) => s === status)?.[1] ?? status;
  useTitle(`${label} runs`);
  const [runId, setRunId] = useState("");
  const runs = useApi((sig) => api.runs({ status: status === "all" ? undefined : status, cursor, limit: 50 }, sig), [status, cursor], 5_000);
  const list = runs.data?.runs ?? [];
  return (
    <section aria-labelledby="runs-h">
      <h1 id="runs-h" tabIndex={-1}>Runs</h1>
      <nav class="tabs" aria-label="Await status">
        {TABS.map(([s, l]) => <a key={s} href={href.runs(s)} aria-current={s === status ? "page" : undefined}>{l}</a>)}
      </nav>
      <form class="filters" onSubmit={(e) => (e.preventDefault(), runId.trim() && (location.hash = href.awaits(runId.trim())))}>
        <label>Open a run by id
          <input name="runId" value={runId} onInput={(e) => setRunId(e.currentTarget.value)} placeholder="run-1" />
        </label>
        <button type="submit">Open</button>
      </form>
      <ErrorBox error={runs.error} title="Could not load the runs" />
      {runs.loading && !runs.data ? <Loading label="Loading runs…" /> : null}
      {runs.data && list.length === 0 ? (
        <p class="empty" data-testid="runs-empty">{status === "all" ? "No run has awaits." : `No run has ${label.toLowerCase()} awaits.`}</p>
      ) : null}
      {list.length > 0 ? (
        <div class="table-wrap">
          <table data-testid="runs">
            <thead>
              <tr><th scope="col">Run</th>{COUNTS.map((c) => <th key={c} scope="col" class="num">{c.replace("_", " ")}</th>)}<th scope="col">Changed</th></tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <tr key={r.runId} data-run={r.runId} class={r.awaits.timed_out ? "row-bad" : undefined}>
                  <td><a href={href.awaits(r.runId)}><code>{r.runId}</code></a></td>
                  {COUNTS.map((c) => <td key={c} class="num" data-col={c}>{countText(r.awaits[c])}</td>)}
                  <td><Time at={r.updatedAt} relativeOnly /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav class="pager" aria-label="Pages">
        {cursor ? <a href={href.runs(status)}>← Newest</a> : null}
        {runs.data?.nextCursor ? <a href={href.runs(status, runs.data.nextCursor)} rel="next">Older →</a> : null}
      </nav>
      <p class="muted small-text">From the runs' own figures in the index: they may lag a few seconds.</p>
    </section>
  );
}
