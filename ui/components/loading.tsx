/** Progress for anything slower than a moment: nothing for the first 150 ms, then a labelled spinner. */
import { useEffect, useState } from "preact/hooks";

export function Loading({ label = "Loading…", inline }: { label?: string; inline?: boolean }) {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    const t = setTimeout(() => setShown(true), 150);
    return () => clearTimeout(t);
  }, []);
  if (!shown) return null;
  return (
    <span class={inline ? "loading inline" : "loading"} role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {label}
    </span>
  );
}
