/**
 * Bulk recovery of a flow (POST /v1/flows/{flow}/recover): the dead or
 * failed deliveries of fires in a time range, each replayed once, through
 * the flow's policy. "Dry run" counts them; "Recover…" counts them too and
 * asks before replaying; a call stops at 10,000 and "Continue" passes the
 * answer's cursor. The range is fixed at the count, so what is replayed is
 * what was counted (plus fires that died since).
 */
import { useState } from "preact/hooks";
import { api, type ApiError } from "../api";
import { countText, utcText } from "../lib/format";
import { SINCE_AT, SINCE_CHOICES, resolveRange } from "../lib/recover-range";
import type { RecoverAnswer, RecoverRequest } from "../types";
import { ErrorBox } from "./error-box";
import { Loading } from "./loading";

type Status = RecoverRequest["status"];
type Ask = { since: number; until?: number; status: Status };
type Done = { matched: number; replayed: number; calls: number; last: RecoverAnswer };

const rangeText = (a: Ask) => `fired from ${utcText(a.since)} to ${a.until !== undefined ? utcText(a.until) : "now"}`;

export function FlowRecover({ flow, onRecovered }: { flow: string; onRecovered: () => void }) {
  const [choice, setChoice] = useState("1h");
  const [sinceAt, setSinceAt] = useState("");
  const [untilAt, setUntilAt] = useState("");
  const [status, setStatus] = useState<Status>("dead");
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState("");
  const [error, setError] = useState<ApiError | null>(null);
  const [count, setCount] = useState<{ ask: Ask; answer: RecoverAnswer } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<Done | null>(null);

  const reset = () => (setCount(null), setConfirming(false), setDone(null), setProblem(""), setError(null));
  const on = <T,>(setter: (v: T) => void) => (v: T) => (reset(), setter(v));

  const call = async (label: string, body: RecoverRequest): Promise<RecoverAnswer | null> => {
    setBusy(label);
    setError(null);
    try {
      return (await api.recoverFlow(flow, body)).data;
    } catch (e) {
      setError(e as ApiError);
      return null;
    } finally {
      setBusy(null);
    }
  };
  /** Counts what the range holds (a dry run); `thenConfirm` opens the question after. */
  const dryRun = async (thenConfirm: boolean) => {
    reset();
    const range = resolveRange(choice, sinceAt, untilAt, Date.now());
    if ("error" in range) return setProblem(range.error);
    const ask: Ask = { ...range, status };
    const answer = await call("Counting…", { ...ask, dryRun: true });
    if (!answer) return;
    setCount({ ask, answer });
    setConfirming(thenConfirm && answer.matched > 0);
  };
  const recover = async (ask: Ask, cursor?: string) => {
    setConfirming(false);
    const answer = await call("Replaying…", { ...ask, ...(cursor ? { cursor } : {}) });
    if (!answer) return;
    setDone((d) => ({ matched: (cursor ? d?.matched ?? 0 : 0) + answer.matched, replayed: (cursor ? d?.replayed ?? 0 : 0) + answer.replayed, calls: (cursor ? d?.calls ?? 0 : 0) + 1, last: answer }));
    onRecovered();
  };

  return (
    <form class="filters" onSubmit={(e) => (e.preventDefault(), dryRun(false))} aria-label="Recover deliveries" data-testid="recover-form">
      <label>Since
        <select name="since" value={choice} onChange={(e) => on(setChoice)(e.currentTarget.value)}>
          {SINCE_CHOICES.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          <option value={SINCE_AT}>a date and time…</option>
        </select>
      </label>
      {choice === SINCE_AT ? (
        <label>From (local time)
          <input type="datetime-local" name="sinceAt" step={1} value={sinceAt} onInput={(e) => on(setSinceAt)(e.currentTarget.value)} />
        </label>
      ) : null}
      <label>Until (optional, local time)
        <input type="datetime-local" name="untilAt" step={1} value={untilAt} onInput={(e) => on(setUntilAt)(e.currentTarget.value)} />
      </label>
      <label>Deliveries
        <select name="status" value={status} onChange={(e) => on(setStatus)(e.currentTarget.value as Status)}>
          <option value="dead">dead</option>
          <option value="failed">failed</option>
        </select>
      </label>
      <button type="submit" disabled={!!busy}>Dry run</button>
      <button type="button" class="danger" disabled={!!busy || confirming} onClick={() => dryRun(true)}>Recover…</button>
      {busy ? <Loading label={busy} inline /> : null}
      <div class="recover-out">
        {problem ? <p class="field-error" role="alert">{problem}</p> : null}
        {count && !done ? (
          <p role="status" data-testid="recover-count">
            <strong>{countText(count.answer.matched)}{count.answer.more ? "+" : ""} would be replayed</strong>
            <span class="muted small-text"> · {count.ask.status} deliveries of fires {rangeText(count.ask)}, not recovered before</span>
          </p>
        ) : null}
        {confirming && count ? (
          <div class="confirm" role="alertdialog" aria-labelledby="recover-q" data-testid="recover-confirm">
            <p id="recover-q"><strong>Replay {countText(count.answer.matched)}{count.answer.more ? "+" : ""} {count.ask.status} deliveries of {flow}?</strong></p>
            <p class="muted small-text">Each goes out again with a new delivery id, through the flow's policy; none is replayed twice by a recover.</p>
            <div class="actions">
              <button type="button" class="primary" onClick={() => recover(count.ask)}>Recover</button>
              <button type="button" onClick={() => setConfirming(false)}>Cancel</button>
            </div>
          </div>
        ) : null}
        {done ? (
          <p role="status" data-testid="recover-done">
            <span class="ok">Matched {countText(done.matched)}, replayed {countText(done.replayed)}</span>
            {done.calls > 1 ? <span class="muted small-text"> over {done.calls} calls</span> : null}
            {done.last.more && count ? (
              <> · more to go <button type="button" disabled={!!busy} onClick={() => recover(count.ask, done.last.cursor)}>Continue</button></>
            ) : "."}
          </p>
        ) : null}
        <ErrorBox error={error} title="The recover failed" />
      </div>
    </form>
  );
}
