/**
 * Fires and failures per bucket over the last 12 hours, as an SVG bar chart
 * (SVG attributes, no inline style, so the CSP holds) on a time axis from
 * 12 h ago to now: each bucket sits at its own time, as wide as its period.
 * Renders the stats answer's `history` when the server sends one, an empty
 * state otherwise.
 */
import type { DetailedStats } from "../types";
import { utcText } from "../lib/format";
import { placeOnAxis } from "../lib/time-axis";

const W = 720;
const H = 140;
const PAD = 18;
/** The axis spans the last 12 h up to now (the stats answer's history covers that), ticks every 3 h. */
const HOURS = 12;
const TICKS = [12, 9, 6, 3, 0];

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
        No fires in the last {HOURS} h.
      </p>
    );
  }
  const now = Date.now();
  const plot = W - PAD;
  const placed = placeOnAxis(buckets, history.bucketMs || 600_000, now, HOURS, plot);
  const max = Math.max(1, ...placed.map((b) => Math.max(b.fires || 0, b.failures || 0)));
  const y = (n: number) => H - PAD - ((H - 2 * PAD) * n) / max;
  const bar = (b: (typeof placed)[number]) => Math.max(1, b.width - 1);
  return (
    <figure class="chart" data-testid="history-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${total} fires and ${failed} failures in the last ${HOURS} h`}>
        <line class="axis" x1={PAD} y1={H - PAD} x2={W} y2={H - PAD} />
        <text class="axis-label" x={0} y={PAD}>{max}</text>
        <text class="axis-label" x={0} y={H - PAD}>0</text>
        {placed.map((b) => (
          <g key={b.at}>
            <title>{`${utcText(b.at)}: ${b.fires} fires, ${b.failures} failures`}</title>
            <rect class="bar-fires" x={PAD + b.x} y={y(b.fires || 0)} width={bar(b)} height={H - PAD - y(b.fires || 0)} data-at={b.at} />
            {b.failures ? <rect class="bar-failures" x={PAD + b.x + bar(b) / 4} y={y(b.failures)} width={bar(b) / 2} height={H - PAD - y(b.failures)} /> : null}
          </g>
        ))}
        {TICKS.map((h) => (
          <text key={h} class={`axis-label${h === 0 ? " end" : h === HOURS ? "" : " middle"}`} x={PAD + plot * (1 - h / HOURS)} y={H - 2}>{h === 0 ? "now" : `${h} h ago`}</text>
        ))}
      </svg>
      <figcaption>
        <span class="legend legend-fires">fires</span> <span class="legend legend-failures">failures</span> · {total} fires, {failed} failures,{" "}
        {Math.round((history.bucketMs || 0) / 60_000)} min buckets
      </figcaption>
    </figure>
  );
}
