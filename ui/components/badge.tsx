/** A status word with a colour that says good, bad, waiting or neutral. */
const TONES: Record<string, string> = {
  active: "good", delivered: "good", completed: "good", accepted: "good", resolved: "good", open: "good",
  retired: "bad", dead: "bad", failed: "bad", timed_out: "bad", deprecated: "warn",
  queued: "warn", delivering: "warn", processing: "warn", pending: "warn", waiting: "warn", paused: "warn", retrying: "warn",
  skipped: "neutral", deduplicated: "neutral", cancelled: "neutral", none: "neutral",
};

export function Badge({ status, label }: { status: string | null | undefined; label?: string }) {
  const s = status ?? "unknown";
  return <span class={`badge tone-${TONES[s] ?? "neutral"}`}>{label ?? s}</span>;
}
