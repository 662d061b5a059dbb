/** A time as people read it: local time and "3 s ago", with the UTC time in the title (on hover). */
import { useNow } from "../hooks";
import { localText, relativeTime, utcText } from "../lib/format";

type Props = { at: number | null | undefined; timeZone?: string; relativeOnly?: boolean; empty?: string };

export function Time({ at, timeZone, relativeOnly, empty = "—" }: Props) {
  const now = useNow();
  if (at === null || at === undefined || !Number.isFinite(at)) return <span class="muted">{empty}</span>;
  const rel = relativeTime(at, now);
  const local = localText(at, timeZone);
  return (
    <time dateTime={new Date(at).toISOString()} title={`${utcText(at)}${relativeOnly ? ` (${local})` : ""}`}>
      {relativeOnly ? rel : `${local} · ${rel}`}
    </time>
  );
}
