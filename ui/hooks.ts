/**
 * Hooks shared by the views: the current hash route, a shared clock for
 * relative times, and `useApi` (load, keep the last answer while reloading,
 * optional polling while the tab is visible, abort on change).
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { parseHash, type Route } from "./lib/router";
import type { Answer } from "./api";
import { ApiError } from "./api";

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

const tickers = new Set<(n: number) => void>();
let clock: ReturnType<typeof setInterval> | null = null;

/** Date.now(), refreshed every second by one shared timer. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    tickers.add(setNow);
    clock ??= setInterval(() => {
      const n = Date.now();
      for (const t of tickers) t(n);
    }, 1_000);
    return () => {
      tickers.delete(setNow);
      if (tickers.size === 0 && clock) {
        clearInterval(clock);
        clock = null;
      }
    };
  }, []);
  return now;
}

export type Loaded<T> = {
  data: T | null;
  etag: string | null;
  error: ApiError | null;
  loading: boolean;
  /** when the last answer arrived (ms) */
  at: number | null;
  reload: () => void;
};

/**
 * Calls `load(signal)` now, whenever `deps` change, on `reload()`, and every
 * `pollMs` while the page is visible. The previous answer stays on screen
 * while a reload runs, so polling never flashes.
 */
export function useApi<T>(load: (signal: AbortSignal) => Promise<Answer<T>>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [state, setState] = useState<Omit<Loaded<T>, "reload">>({ data: null, etag: null, error: null, loading: true, at: null });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const depsKey = JSON.stringify(deps);
  const lastKey = useRef(depsKey);

  // A layout effect, so the request leaves before the first paint rather than a frame after it.
  useLayoutEffect(() => {
    const changed = lastKey.current !== depsKey;
    lastKey.current = depsKey;
    const ctrl = new AbortController();
    setState((s) => (changed ? { data: null, etag: null, error: null, loading: true, at: null } : { ...s, loading: true }));
    loadRef.current(ctrl.signal).then(
      (a) => !ctrl.signal.aborted && setState({ data: a.data, etag: a.etag, error: null, loading: false, at: Date.now() }),
      (e) => {
        if (ctrl.signal.aborted) return;
        const err = e instanceof ApiError ? e : new ApiError(0, "client_error", e instanceof Error ? e.message : String(e));
        setState((s) => ({ ...s, error: err, loading: false }));
      },
    );
    return () => ctrl.abort();
  }, [depsKey, tick]);

  useEffect(() => {
    if (!pollMs) return;
    const id = setInterval(() => {
      if (document.visibilityState === "visible") setTick((n) => n + 1);
    }, pollMs);
    return () => clearInterval(id);
  }, [pollMs, depsKey]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}

/** Sets document.title for a view. */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · Signalbox`;
  }, [title]);
}
