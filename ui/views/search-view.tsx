/**
 * Find a fire or a delivery by its id: `dlv_…` ids through
 * GET /v1/deliveries/{id}, anything else through GET /v1/fires/{id}; a hit
 * opens the fire view (with the delivery highlighted).
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { useTitle } from "../hooks";
import { href } from "../lib/router";
import { ErrorBox } from "../components/error-box";
import { Loading } from "../components/loading";

export function SearchView({ id }: { id: string }) {
  useTitle("Search");
  const [draft, setDraft] = useState(id);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    setDraft(id);
    setError(null);
    if (!id) return;
    const ctrl = new AbortController();
    setBusy(true);
    (async () => {
      try {
        if (id.startsWith("dlv_")) {
          const r = await api.findDelivery(id, ctrl.signal);
          location.replace(href.fire(r.data.trigger, r.data.eventId, r.data.deliveryId));
        } else {
          const r = await api.findFire(id, ctrl.signal);
          location.replace(href.fire(r.data.trigger, r.data.eventId));
        }
      } catch (e) {
        if (!ctrl.signal.aborted) setError(e instanceof ApiError ? e : new ApiError(0, "client_error", String(e)));
      } finally {
        if (!ctrl.signal.aborted) setBusy(false);
      }
    })();
    return () => ctrl.abort();
  }, [id]);

  return (
    <section aria-labelledby="search-h">
      <h1 id="search-h" tabIndex={-1}>Find a fire or a delivery</h1>
      <form class="filters" role="search" onSubmit={(e) => (e.preventDefault(), (location.hash = href.search(draft.trim())))}>
        <label>
          Event id or delivery id
          <input name="id" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} placeholder="evt_… or dlv_…" size={48} />
        </label>
        <button type="submit">Find</button>
      </form>
      {busy ? <Loading label={`Looking up ${id}…`} /> : null}
      {error ? (
        <ErrorBox error={error} title={error.status === 404 ? `Nothing found for ${id} (for this key)` : "The search failed"} />
      ) : !id ? (
        <p class="empty">Paste an event id (<code>evt_…</code>, <code>whk_…</code>, <code>sch_…</code>) or a delivery id (<code>dlv_…</code>).</p>
      ) : null}
    </section>
  );
}
