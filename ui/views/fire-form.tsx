/**
 * Fire a trigger by hand (POST …/fire {"data"}): the form comes from the
 * trigger's `ui.form`, else from its JSON Schema's properties, else it is a
 * JSON editor. The answer is shown (accepted, deduplicated, skipped and why)
 * and its deliveries follow live until they settle; a 422 puts each schema
 * problem next to its field.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { useApi, useTitle } from "../hooks";
import { buildPayload, fieldsFromSchema, fieldsFromUiForm, initialValues, problemsByField, type RawValues } from "../lib/form-model";
import { href } from "../lib/router";
import { Badge } from "../components/badge";
import { ErrorBox } from "../components/error-box";
import { FormField } from "../components/form-field";
import { Loading } from "../components/loading";
import type { FireAnswer, Trigger } from "../types";

function FireFormBody({ trigger }: { trigger: Trigger }) {
  const fromUi = fieldsFromUiForm(trigger.ui?.form, trigger.schema);
  const fields = useMemo(() => fromUi ?? fieldsFromSchema(trigger.schema), [trigger.version]);
  const [values, setValues] = useState<RawValues>(() => (fields ? initialValues(fields) : {}));
  const [json, setJson] = useState("{}");
  const [idem, setIdem] = useState("");
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ data: FireAnswer; status: number } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const [general, setGeneral] = useState<string[]>([]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setAnswer(null);
    setError(null);
    setGeneral([]);
    let data: unknown;
    if (fields) {
      const built = buildPayload(fields, values);
      if (Object.keys(built.errors).length) {
        setProblems(Object.fromEntries(Object.entries(built.errors).map(([k, v]) => [k, [v]])));
        return;
      }
      data = built.data;
    } else {
      try {
        data = JSON.parse(json);
      } catch (err) {
        setProblems({ __json: [`Not valid JSON: ${err instanceof Error ? err.message : String(err)}`] });
        return;
      }
    }
    setProblems({});
    setBusy(true);
    try {
      const r = await api.fire(trigger.name, idem.trim() ? { data, idempotencyKey: idem.trim() } : { data });
      setAnswer({ data: r.data, status: r.status });
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : new ApiError(0, "client_error", String(err));
      setError(apiErr);
      if (apiErr.status === 422) {
        const mapped = problemsByField(apiErr.details, fields?.map((f) => f.name) ?? []);
        setProblems(fields ? mapped.byField : { __json: mapped.general });
        setGeneral(fields ? mapped.general : []);
      }
    } finally {
      setBusy(false);
    }
  };

  const onChange = (name: string, v: string | boolean) => setValues((old) => ({ ...old, [name]: v }));
  return (
    <form class="fire-form" onSubmit={submit} noValidate aria-describedby="form-source">
      <p id="form-source" class="muted small-text">
        {fromUi ? "Form from the trigger's ui.form." : fields ? "Form from the trigger's JSON Schema." : "This trigger has no form or schema with properties: write the payload as JSON."}
      </p>
      {fields ? (
        fields.map((f) => <FormField key={f.name} field={f} values={values} problems={problems[f.name]} onChange={onChange} />)
      ) : (
        <div class={`field kind-json${problems.__json ? " invalid" : ""}`} data-field="__json">
          <label for="field-json">Payload (<code>data</code>, JSON)</label>
          <textarea id="field-json" class="code" rows={10} value={json} onInput={(e) => setJson(e.currentTarget.value)} aria-invalid={problems.__json ? "true" : undefined} />
          {problems.__json ? <p class="field-error" role="alert">{problems.__json.join("; ")}</p> : null}
        </div>
      )}
      <div class="field">
        <label for="field-idem">Idempotency key <span class="muted small-text">(optional: the same key again answers the first fire)</span></label>
        <input id="field-idem" value={idem} onInput={(e) => setIdem(e.currentTarget.value)} />
      </div>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>Fire</button>
        {busy ? <Loading label="Firing…" inline /> : null}
      </div>
      {general.length ? (
        <ul class="field-error" role="alert">{general.map((g, i) => <li key={i}>{g}</li>)}</ul>
      ) : null}
      <ErrorBox error={error} title={error?.status === 422 ? "Nothing was fired: fix the fields marked above" : "The fire was refused"} />
      {answer ? <FireResult name={trigger.name} answer={answer.data} status={answer.status} /> : null}
    </form>
  );
}

/** Delivery statuses still on their way: the result re-reads the fire until none is left. */
const SETTLING = new Set(["queued", "delivering", "processing"]);
const RESULT_POLL_MS = 1_000;

/** The fire's answer, then its deliveries as they settle (GET …/fires/{eventId} every second while any is on its way). */
function FireResult({ name, answer, status }: { name: string; answer: FireAnswer; status: number }) {
  const first = answer.deliveries ?? [];
  const onItsWay = (ds: { status: string }[]) => ds.some((d) => SETTLING.has(d.status));
  // re-read while a delivery is on its way (the hook polls while its period is set)
  const [following, setFollowing] = useState(onItsWay(first));
  const fire = useApi((sig) => api.getFire(name, answer.eventId, sig), [answer.eventId], following ? RESULT_POLL_MS : undefined);
  const deliveries = fire.data?.deliveries ?? first;
  useEffect(() => setFollowing(onItsWay(deliveries)), [fire.data]);
  return (
    <div class="result" role="status" data-testid="fire-result" data-status={answer.status}>
      <p>
        <Badge status={answer.status} /> HTTP {status} · <a href={href.fire(name, answer.eventId)}><code>{answer.eventId}</code></a>
        {answer.skipReason ? <> · skipped: <code>{answer.skipReason}</code></> : null}
      </p>
      {deliveries.length ? (
        <>
          <ul data-testid="fire-result-deliveries">
            {deliveries.map((d) => (
              <li key={d.deliveryId} data-flow={d.flow} data-status={d.status}>
                <code>{d.flow}</code> <Badge status={d.status} />
                {"lastStatusCode" in d && d.lastStatusCode ? <span class="muted small-text"> HTTP {d.lastStatusCode}</span> : null}
              </li>
            ))}
          </ul>
          <p class="muted small-text">{following ? "Following the deliveries live…" : "Every delivery has settled."}</p>
        </>
      ) : (
        <p class="muted small-text">No delivery: no flow is subscribed{answer.status === "deduplicated" ? " (or this is a duplicate)" : ""}.</p>
      )}
    </div>
  );
}

export function FireForm({ name }: { name: string }) {
  useTitle(`Fire ${name}`);
  const trig = useApi((sig) => api.trigger(name, sig), [name]);
  return (
    <section aria-labelledby="fire-form-h">
      <p class="crumbs"><a href={href.triggers()}>Triggers</a> / <a href={href.trigger(name)}>{name}</a> /</p>
      <h1 id="fire-form-h" tabIndex={-1}>Fire {name}</h1>
      <ErrorBox error={trig.error} title="Could not load the trigger" />
      {trig.loading && !trig.data ? <Loading label="Loading the trigger…" /> : null}
      {trig.data ? <FireFormBody trigger={trig.data} /> : null}
    </section>
  );
}
