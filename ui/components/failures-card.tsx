/**
 * Failures at a glance: the tenant-wide dead and failed delivery counts and
 * the triggers that have any, worst first, each linking to its Dead and
 * Failed tabs. From the trigger list's stats (GET /v1/triggers, 500 a page,
 * which may lag the triggers by a few seconds), re-read every 10 s.
 */
import { api, type Answer } from "../api";
import { useApi } from "../hooks";
import { countText } from "../lib/format";
import { href } from "../lib/router";
import { ErrorBox } from "./error-box";
import { Loading } from "./loading";
import { Time } from "./time";
import type { TriggerSummary } from "../types";

const FAILURES_POLL_MS = 10_000;
/** Pages of 500 read at most (5,000 triggers); past that the totals say they are partial. */
const MAX_PAGES = 10;
const SHOWN = 20;

async function allTriggers(signal: AbortSignal): Promise<Answer<{ triggers: TriggerSummary[]; partial: boolean }>> {
  const triggers: TriggerSummary[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const r = await api.listTriggers({ limit: 500, cursor }, signal);
    triggers.push(...r.data.triggers);
    cursor = r.data.nextCursor;
    if (!cursor) return { data: { triggers, partial: false }, status: 200, etag: null };
  }
  return { data: { triggers, partial: true }, status: 200, etag: null };
}

export function FailuresCard() {
  const all = useApi(allTriggers, [], FAILURES_POLL_MS);
  const triggers = all.data?.triggers ?? [];
  const bad = triggers
    .map((t) => ({ t, dead: t.stats?.dead ?? 0, failed: t.stats?.failed ?? 0 }))
    .filter((x) => x.dead + x.failed > 0)
    .sort((a, b) => b.dead - a.dead || b.failed - a.failed || (a.t.name < b.t.name ? -1 : 1));
  const dead = bad.reduce((n, x) => n + x.dead, 0);
  const failed = bad.reduce((n, x) => n + x.failed, 0);
  return (
    <section class={`card failures${dead + failed > 0 ? " has-failures" : ""}`} aria-labelledby="failures-h" data-testid="failures">
      <h2 id="failures-h">Failures</h2>
      <ErrorBox error={all.error} title="Could not load the triggers" />
      {all.loading && !all.data ? <Loading label="Counting failures…" /> : null}
      {all.data ? (
        <>
          <dl class="stat-grid">
            <div class={`stat${dead ? " stat-bad" : ""}`} data-stat="dead"><dt>Dead deliveries</dt><dd>{countText(dead)}</dd></div>
            <div class={`stat${failed ? " stat-bad" : ""}`} data-stat="failed"><dt>Failed deliveries</dt><dd>{countText(failed)}</dd></div>
            <div class="stat" data-stat="triggers"><dt>Triggers with failures</dt><dd>{countText(bad.length)} <span class="muted small-text">of {countText(triggers.length)}{all.data.partial ? "+" : ""}</span></dd></div>
          </dl>
          {bad.length === 0 ? (
            <p class="empty ok" data-testid="no-failures">No dead or failed deliveries.</p>
          ) : (
            <div class="table-wrap">
              <table data-testid="failing-triggers">
                <thead><tr><th scope="col">Trigger</th><th scope="col" class="num">Dead</th><th scope="col" class="num">Failed</th><th scope="col">Last fire</th></tr></thead>
                <tbody>
                  {bad.slice(0, SHOWN).map(({ t, dead: d, failed: f }) => (
                    <tr key={t.name} data-trigger={t.name} class="row-bad">
                      <td><a href={href.trigger(t.name)}>{t.name}</a></td>
                      <td class="num" data-col="dead">{d ? <a href={href.fires(t.name, "dead")}>{countText(d)}</a> : "0"}</td>
                      <td class="num" data-col="failed">{f ? <a href={href.fires(t.name, "failed")}>{countText(f)}</a> : "0"}</td>
                      <td><Time at={t.stats?.lastFiredAt ?? null} relativeOnly empty="never" /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {bad.length > SHOWN ? <p class="muted small-text">and {bad.length - SHOWN} more triggers with failures.</p> : null}
            </div>
          )}
          <p class="muted small-text">Counts of the trigger list (they may lag a few seconds), re-read every {FAILURES_POLL_MS / 1000} s.</p>
        </>
      ) : null}
    </section>
  );
}
