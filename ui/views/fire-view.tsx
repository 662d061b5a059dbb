/**
 * One fire (GET …/fires/{eventId}): payload (absent when persistData is
 * false), source, event type and headers, and every delivery. Replay delivers
 * it again (all flows or one); Skip skips what is not delivered yet. While a
 * delivery is still on its way the view re-reads the fire every 2 s.
 */
import { useEffect, useState } from "preact/hooks";
import { api, type ApiError } from "../api";
import { useApi, useTitle } from "../hooks";
import { href } from "../lib/router";
import { Badge } from "../components/badge";
import { DeliveriesTable } from "../components/deliveries-table";
import { ErrorBox } from "../components/error-box";
import { JsonBlock } from "../components/json-block";
import { Loading } from "../components/loading";
import { Time } from "../components/time";

const MOVING = new Set(["queued", "delivering", "processing"]);
const SETTLED = new Set(["delivered", "completed", "skipped"]);

export function FireView({ name, eventId, delivery }: { name: string; eventId: string; delivery: string }) {
  useTitle(`Fire ${eventId}`);
  const [pollMs, setPollMs] = useState<number | undefined>(2_000);
  const fire = useApi((sig) => api.getFire(name, eventId, sig), [name, eventId], pollMs);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState("");
  const [reason, setReason] = useState("");
  const f = fire.data;
  const moving = !!f?.deliveries?.some((d) => MOVING.has(d.status));
  useEffect(() => {
    if (f) setPollMs(moving ? 2_000 : undefined);
  }, [f, moving]);

  const act = async (label: string, action: () => Promise<string>) => {
    setBusy(label);
    setError(null);
    setNotice("");
    try {
      setNotice(await action());
      fire.reload();
      setPollMs(2_000);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(null);
    }
  };
  const replay = (flows?: string[]) =>
    act("Replaying…", async () => {
      const r = await api.replay(name, eventId, flows);
      return `Replayed: ${r.data.deliveries.length} new deliver${r.data.deliveries.length === 1 ? "y" : "ies"} queued.`;
    });
  const skip = () =>
    act("Skipping…", async () => {
      const r = await api.skip(name, eventId, reason.trim());
      return r.data.skipped.length ? `Skipped ${r.data.skipped.length} deliver${r.data.skipped.length === 1 ? "y" : "ies"}.` : "Nothing left to skip.";
    });

  if (fire.error && !f) {
    return (
      <section>
        <h1 tabIndex={-1}>Fire {eventId}</h1>
        <ErrorBox error={fire.error} title={fire.error.status === 404 ? "No such fire" : "Could not load the fire"} />
        <p><a href={href.trigger(name)}>← {name}</a></p>
      </section>
    );
  }
  if (!f) return <Loading label="Loading the fire…" />;
  const deliveries = f.deliveries ?? [];
  const skippable = deliveries.some((d) => !SETTLED.has(d.status));

  return (
    <section aria-labelledby="fire-h">
      <p class="crumbs"><a href={href.triggers()}>Triggers</a> / <a href={href.trigger(name)}>{name}</a> / fires /</p>
      <div class="title-row">
        <h1 id="fire-h" tabIndex={-1}><code>{f.eventId}</code></h1>
        <Badge status={f.status} />
        {f.deliveryStatus ? <Badge status={f.deliveryStatus} label={`deliveries: ${f.deliveryStatus}`} /> : null}
      </div>
      <dl class="facts">
        <dt>Fired</dt><dd><Time at={f.firedAt} /></dd>
        <dt>Source</dt><dd>{f.source ?? "—"}</dd>
        <dt>Event type</dt><dd>{f.eventType ?? <span class="muted">none</span>}</dd>
        <dt>Sequence</dt><dd>{f.seq ?? "—"}</dd>
        {f.skipReason ? (<><dt>Skip reason</dt><dd><code>{f.skipReason}</code></dd></>) : null}
        {f.scheduledFor !== undefined ? (<><dt>Scheduled for</dt><dd><Time at={f.scheduledFor} /> (late {f.latenessMs ?? 0} ms)</dd></>) : null}
      </dl>
      <div class="actions">
        <button type="button" onClick={() => replay()} disabled={!!busy || deliveries.length === 0}>Replay</button>
        <form class="inline-form" onSubmit={(e) => (e.preventDefault(), skip())}>
          <label>Skip reason <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} placeholder="optional" /></label>
          <button type="submit" disabled={!!busy || !skippable}>Skip</button>
        </form>
        {busy ? <Loading label={busy} inline /> : null}
        {notice ? <span class="ok" role="status">{notice}</span> : null}
      </div>
      <ErrorBox error={error} title="The action failed" />
      <ErrorBox error={fire.error} title="Could not refresh the fire" />
      <section class="card" aria-labelledby="deliveries-h">
        <h2 id="deliveries-h">Deliveries {moving ? <Loading label="on their way…" inline /> : null}</h2>
        <DeliveriesTable deliveries={deliveries} highlight={delivery} busy={!!busy} onReplayFlow={(flow) => replay([flow])} />
      </section>
      <section class="card" aria-labelledby="payload-h">
        <h2 id="payload-h">Payload</h2>
        {"data" in f ? <JsonBlock value={f.data} /> : <p class="empty">The payload is not kept for this trigger (config.persistData is false).</p>}
      </section>
      <section class="card" aria-labelledby="headers-h">
        <h2 id="headers-h">Headers</h2>
        {f.headers && Object.keys(f.headers).length ? (
          <table class="kv">
            <tbody>
              {Object.entries(f.headers).map(([k, v]) => (
                <tr key={k}><th scope="row"><code>{k}</code></th><td class="wrap">{String(v)}</td></tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="empty">No request headers recorded for this fire (only webhook fires carry them).</p>
        )}
      </section>
    </section>
  );
}
