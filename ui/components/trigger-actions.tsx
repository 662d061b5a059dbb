/**
 * Actions on a trigger: retire (with an optional reason) or reactivate, and
 * pause/resume of a schedule (a PUT of the definition with `schedule.enabled`
 * flipped, guarded by If-Match with the version the view was loaded at, so a
 * concurrent change is a 409 shown to the user, not overwritten).
 */
import { useState } from "preact/hooks";
import { api, type ApiError } from "../api";
import { definitionForPut } from "../lib/trigger-def";
import type { Trigger } from "../types";
import { ErrorBox } from "./error-box";
import { Loading } from "./loading";

type Props = { trigger: Trigger; etag: string | null; onChanged: () => void };

export function TriggerActions({ trigger, etag, onChanged }: Props) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);

  const run = async (label: string, action: () => Promise<unknown>) => {
    setBusy(label);
    setError(null);
    try {
      await action();
      setConfirming(false);
      onChanged();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(null);
    }
  };

  const version = etag ?? `"${trigger.version}"`;
  const enabled = trigger.schedule?.enabled !== false;
  const setEnabled = (on: boolean) => run(on ? "Resuming…" : "Pausing…", () => api.putTrigger(trigger.name, definitionForPut(trigger, on), version));

  return (
    <div class="actions" aria-label="Trigger actions">
      {trigger.type === "schedule" && trigger.status === "active" ? (
        <button type="button" onClick={() => setEnabled(!enabled)} disabled={!!busy}>
          {enabled ? "Pause schedule" : "Resume schedule"}
        </button>
      ) : null}
      {trigger.status === "retired" ? (
        <button type="button" onClick={() => run("Reactivating…", () => api.reactivate(trigger.name))} disabled={!!busy}>
          Reactivate
        </button>
      ) : confirming ? (
        <form class="inline-form" onSubmit={(e) => (e.preventDefault(), run("Retiring…", () => api.retire(trigger.name, reason.trim())))}>
          <label>
            Reason <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} placeholder="optional" />
          </label>
          <button type="submit" class="danger" disabled={!!busy}>Retire now</button>
          <button type="button" onClick={() => setConfirming(false)}>Cancel</button>
        </form>
      ) : (
        <button type="button" class="danger" onClick={() => setConfirming(true)} disabled={!!busy}>
          Retire…
        </button>
      )}
      {busy ? <Loading label={busy} inline /> : null}
      <ErrorBox error={error} title="The action failed" />
    </div>
  );
}
