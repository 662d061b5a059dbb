/**
 * One flow (GET /v1/flows/{flow}, re-read every 3 s): its live state, Pause
 * and Resume, the policy editor, the triggers it subscribes to, bulk
 * recovery of dead or failed deliveries, and its activity log.
 */
import { useState } from "preact/hooks";
import { api, type ApiError } from "../api";
import { useApi, useTitle } from "../hooks";
import { policySummary } from "../lib/flow-policy";
import { href } from "../lib/router";
import { Badge } from "../components/badge";
import { BreakerBadge } from "../components/breaker-badge";
import { ErrorBox } from "../components/error-box";
import { FlowActivityCard } from "../components/flow-activity";
import { FlowPolicyForm } from "../components/flow-policy-form";
import { FlowRecover } from "../components/flow-recover";
import { FlowStateCard } from "../components/flow-state";
import { Loading } from "../components/loading";
import { targetText } from "../components/subscriptions-table";
import type { Flow } from "../types";

const FLOW_POLL_MS = 3_000;

function PauseButton({ flow, paused, onChanged }: { flow: string; paused: boolean; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const click = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.pauseFlow(flow, !paused);
      onChanged();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="actions" aria-label="Flow actions">
      <button type="button" class={paused ? "primary" : undefined} onClick={click} disabled={busy}>{paused ? "Resume" : "Pause"}</button>
      <span class="muted small-text">{paused ? "Nothing is sent while paused; fires are recorded and their deliveries wait." : "Pausing holds every delivery of this flow; fires keep being recorded."}</span>
      {busy ? <Loading label={paused ? "Resuming…" : "Pausing…"} inline /> : null}
      <ErrorBox error={error} title={paused ? "Could not resume the flow" : "Could not pause the flow"} />
    </div>
  );
}

function Subscriptions({ subs }: { subs: NonNullable<Flow["subscriptions"]> }) {
  return (
    <section class="card" aria-labelledby="flow-subs-h">
      <h2 id="flow-subs-h">Subscriptions</h2>
      {subs.length === 0 ? (
        <p class="empty">Subscribed to no trigger: the policy waits for one.</p>
      ) : (
        <div class="table-wrap">
          <table data-testid="flow-subscriptions">
            <thead><tr><th scope="col">Trigger</th><th scope="col">Mode</th><th scope="col">Target</th></tr></thead>
            <tbody>
              {subs.map((s) => (
                <tr key={s.trigger} data-trigger={s.trigger}>
                  <td><a href={href.trigger(s.trigger)}>{s.trigger}</a></td>
                  <td><Badge status={s.mode === "manual" ? "paused" : "active"} label={s.mode} /></td>
                  <td class="wrap">{targetText(s.target)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted small-text">Each subscription's own delivery state (its breaker without a flow policy) is on its trigger's page.</p>
    </section>
  );
}

export function FlowView({ flow, after }: { flow: string; after: string }) {
  useTitle(`Flow ${flow}`);
  const res = useApi((sig) => api.flow(flow, sig), [flow], FLOW_POLL_MS);
  const f = res.data;
  if (res.error && !f) {
    return (
      <section>
        <h1 tabIndex={-1}>{flow}</h1>
        <ErrorBox error={res.error} title={res.error.status === 404 ? "No such flow: it has neither a policy nor a subscription" : "Could not load the flow"} />
        <p><a href={href.flows()}>← All flows</a></p>
      </section>
    );
  }
  if (!f) return <Loading label={`Loading ${flow}…`} />;
  const rules = policySummary(f.policy).filter((p) => p !== "paused");
  return (
    <section aria-labelledby="flow-h">
      <p class="crumbs"><a href={href.flows()}>Flows</a> /</p>
      <div class="title-row">
        <h1 id="flow-h" tabIndex={-1}>{f.flow}</h1>
        {f.state.paused ? <Badge status="paused" /> : null}
        {f.state.breaker !== "closed" ? <BreakerBadge state={f.state.breaker} /> : null}
      </div>
      <PauseButton flow={f.flow} paused={f.state.paused} onChanged={res.reload} />
      <ErrorBox error={res.error} title="Could not refresh the flow" />
      <FlowStateCard state={f.state} />
      <section class="card" aria-labelledby="policy-h">
        <h2 id="policy-h">Policy</h2>
        <p data-testid="policy-summary">{rules.length ? rules.join(" · ") : <span class="muted">No policy: not paced; each subscription has its own breaker (20 failures, 30 s cooldown), honours Retry-After and has at most 64 attempts in flight.</span>}</p>
        <FlowPolicyForm flow={f.flow} policy={f.policy} paused={f.policy.paused === true} onSaved={res.reload} />
      </section>
      <Subscriptions subs={f.subscriptions ?? []} />
      <section class="card" aria-labelledby="recover-h">
        <h2 id="recover-h">Recover</h2>
        <p class="muted small-text">Replay the dead or failed deliveries of this flow whose fire is in a time range, each once, through the flow's policy.</p>
        <FlowRecover flow={f.flow} onRecovered={res.reload} />
      </section>
      <FlowActivityCard flow={f.flow} after={after} />
    </section>
  );
}
