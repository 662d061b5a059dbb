/**
 * The policy editor of a flow: rate limit, concurrency and breaker, saved
 * with PUT /v1/flows/{flow} (which replaces the whole policy; the flow's
 * pause is read just before and kept as it is). The API is the judge: a 400 is shown with its
 * message, and each problem it names goes next to its field.
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { problemsByField } from "../lib/form-model";
import { POLICY_FIELDS, policyBody, policyValues, type PolicyField, type PolicyValues } from "../lib/flow-policy";
import type { FlowPolicy } from "../types";
import { ErrorBox } from "./error-box";
import { Loading } from "./loading";

type Props = { flow: string; policy: FlowPolicy; paused: boolean; onSaved: () => void };

const EMPTY = policyValues({});

export function FlowPolicyForm({ flow, policy, paused, onSaved }: Props) {
  const [values, setValues] = useState<PolicyValues>(() => policyValues(policy));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const [saved, setSaved] = useState(false);
  const [dirty, setDirty] = useState(false);
  // a policy changed elsewhere (another tab, the API) shows up, unless the user is editing
  const { paused: _, ...rules } = policy;
  const rulesKey = JSON.stringify(rules);
  useEffect(() => {
    if (!dirty) setValues(policyValues(policy));
  }, [rulesKey]);

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setProblems({});
    setSaved(false);
    try {
      // the pause as it is now (the view may be seconds old): a save must neither pause nor resume
      const now = await api.flow(flow).then((r) => r.data.policy.paused === true, (e) => (e instanceof ApiError && e.status === 404 ? false : Promise.reject(e)));
      await api.putFlow(flow, policyBody(values, now));
      setSaved(true);
      setDirty(false);
      onSaved();
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : new ApiError(0, "client_error", String(err));
      setError(apiErr);
      setProblems(problemsByField(apiErr.details, POLICY_FIELDS.map((f) => f.name)).byField);
    } finally {
      setBusy(false);
    }
  };
  const edit = (next: PolicyValues) => {
    setSaved(false);
    setDirty(true);
    setValues(next);
  };
  const set = (name: PolicyField) => (e: Event) => edit({ ...values, [name]: (e.currentTarget as HTMLInputElement).value });

  return (
    <form class="policy-form" onSubmit={save} noValidate aria-label="Edit the policy" data-testid="policy-form">
      <div class="field-row">
        {POLICY_FIELDS.map((f) => {
          const id = `policy-${f.name.replace(".", "-")}`;
          const bad = problems[f.name];
          return (
            <div key={f.name} class={`field${bad ? " invalid" : ""}`} data-field={f.name}>
              <label for={id}>{f.label}</label>
              <input id={id} type="number" step={1} inputMode="numeric" value={values[f.name]} onInput={set(f.name)} placeholder="not set"
                aria-invalid={bad ? "true" : undefined} aria-describedby={bad ? `${id}-error` : `${id}-help`} />
              {bad ? <p id={`${id}-error`} class="field-error" role="alert">{bad.join("; ")}</p> : <p id={`${id}-help`} class="help">{f.help}</p>}
            </div>
          );
        })}
      </div>
      <p class="muted small-text">Empty fields are not set. Saving replaces the whole policy{paused ? "; the flow stays paused" : ""}.</p>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>Save policy</button>
        <button type="button" onClick={() => edit(EMPTY)} disabled={busy}>Clear the fields</button>
        {busy ? <Loading label="Saving…" inline /> : null}
        {saved ? <span class="ok" role="status">Policy saved.</span> : null}
      </div>
      <ErrorBox error={error} title="The policy was not saved" />
    </form>
  );
}
