/**
 * Asks for an API key once per tab. The key is checked with one read
 * (GET /v1/triggers?limit=1) before it is kept, and then kept in
 * sessionStorage only (see session.ts).
 */
import { useState } from "preact/hooks";
import { api, ApiError } from "../api";
import { useTitle } from "../hooks";
import { setKey } from "../session";
import { ErrorBox } from "../components/error-box";
import { Loading } from "../components/loading";

export function Login({ onSignedIn, reason }: { onSignedIn: () => void; reason?: string }) {
  useTitle("Sign in");
  const [key, setKeyDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const k = key.trim();
    if (!k) return;
    setBusy(true);
    setError(null);
    try {
      await api.checkKey(k);
      setKey(k);
      setKeyDraft("");
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, "client_error", String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="login" tabIndex={-1}>
      <h1>Signalbox</h1>
      <form onSubmit={submit} class="card login-card" aria-describedby="key-note">
        <h2>Sign in with an API key</h2>
        {reason ? <p class="notice" role="alert">{reason}</p> : null}
        <label for="api-key">API key</label>
        <input id="api-key" name="api-key" type="password" autoComplete="off" spellcheck={false} value={key}
          onInput={(e) => setKeyDraft(e.currentTarget.value)} required autoFocus />
        <p id="key-note" class="muted small-text">
          Kept in this tab's session storage only — never in the URL, a cookie or local storage. Closing the tab forgets it.
        </p>
        <button type="submit" class="primary" disabled={busy}>Sign in</button>
        {busy ? <Loading label="Checking the key…" inline /> : null}
        <ErrorBox error={error} title={error?.status === 401 ? "This key was not accepted" : "Could not sign in"} />
      </form>
    </main>
  );
}
