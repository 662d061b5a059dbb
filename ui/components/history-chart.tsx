/**
 * Fires and failures per bucket over the last hours, as an SVG bar chart
 * (SVG attributes, no inline style, so the CSP holds). Renders the stats
 * answer's `history` when the server sends one, an empty state otherwise.
 */
import type { DetailedStats } from "../types";
import { localText, utcText } from "../lib/format";

const W = 720;
const H = 140;
const PAD = 18;

export function HistoryChart({ history }: { history: DetailedStats["history"] }) {
  if (!history || !Array.isArray(history.buckets)) {
    return (
      <p class="empty" data-testid="history-empty">
        No fire history from this service yet: the chart appears once the stats answer carries <code>history</code>.
      </p>
    );
  }
  const buckets = history.buckets;
  const total = buckets.reduce((n, b) => n + (b.fires || 0), 0);
  const failed = buckets.reduce((n, b) => n + (b.failures || 0), 0);
  if (buckets.length === 0 || (total === 0 && failed === 0)) {
    return (
      <p class="empty" data-testid="history-empty">
        No fires in the last {Math.round(((buckets.length || 72) * (history.bucketMs || 600_000)) / 3_600_000)} h.
      </p>
    );
  }
  const max = Math.max(1, ...buckets.map((b) => Math.max(b.fires || 0, b.failures || 0)));
  const slot = (W - PAD) / buckets.length;
  const bar = Math.max(1, slot - 1);
  const y = (n: number) => H - PAD - ((H - 2 * PAD) * n) / max;
  const first = buckets[0].at;
  const last = buckets[buckets.length - 1].at + (history.bucketMs || 0);
  return (
    <figure class="chart" data-testid="history-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${total} fires and ${failed} failures from ${localText(first)} to ${localText(last)}`}>
        <line class="axis" x1={PAD} y1={H - PAD} x2={W} y2={H - PAD} />
        <text class="axis-label" x={0} y={PAD}>{max}</text>
        <text class="axis-label" x={0} y={H - PAD}>0</text>
        {buckets.map((b, i) => (
          <g key={b.at}>
            <title>{`${utcText(b.at)}: ${b.fires} fires, ${b.failures} failures`}</title>
            <rect class="bar-fires" x={PAD + i * slot} y={y(b.fires || 0)} width={bar} height={H - PAD - y(b.fires || 0)} />
            {b.failures ? <rect class="bar-failures" x={PAD + i * slot + bar / 4} y={y(b.failures)} width={bar / 2} height={H - PAD - y(b.failures)} /> : null}
          </g>
        ))}
        <text class="axis-label" x={PAD} y={H - 2}>{localText(first)}</text>
        <text class="axis-label end" x={W} y={H - 2}>now</text>
      </svg>
      <figcaption>
        <span class="legend legend-fires">fires</span> <span class="legend legend-failures">failures</span> · {total} fires, {failed} failures,{" "}
        {Math.round((history.bucketMs || 0) / 60_000)} min buckets
      </figcaption>
    </figure>
  );
}
