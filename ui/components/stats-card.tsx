/** A trigger's stats (GET …/stats), refreshed by the view, with the fires/failures chart. */
import type { DetailedStats } from "../types";
import { countText, durationText } from "../lib/format";
import { HistoryChart } from "./history-chart";
import { Time } from "./time";

export function StatsCard({ stats }: { stats: DetailedStats }) {
  const cells: [string, string, string][] = [
    ["totalFires", "Fires", countText(stats.totalFires)],
    ["firesLastHour", "Last hour", countText(stats.firesLastHour)],
    ["delivered", "Delivered", countText(stats.delivered)],
    ["failed", "Failed", countText(stats.failed)],
    ["dead", "Dead", countText(stats.dead)],
    ["skipped", "Skipped", countText(stats.skipped)],
    ["pending", "Pending", countText(stats.pending)],
    ["p50DeliveryMs", "p50 delivery", durationText(stats.p50DeliveryMs)],
    ["p99DeliveryMs", "p99 delivery", durationText(stats.p99DeliveryMs)],
  ];
  return (
    <section class="card" aria-labelledby="stats-h">
      <h2 id="stats-h">Stats</h2>
      <dl class="stat-grid">
        {cells.map(([key, label, value]) => (
          <div key={key} class="stat" data-stat={key}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="muted small-text">
        Last fire: <Time at={stats.lastFiredAt ?? null} empty="never" />
      </p>
      {stats.outbox && stats.outbox.failing > 0 ? (
        <p class="tone-warn small-text" role="status" data-stat="outboxFailing">
          {countText(stats.outbox.failing)} index update or notice failing, retried ({stats.outbox.maxAttempts} attempts){stats.outbox.lastError ? `: ${stats.outbox.lastError}` : ""}
        </p>
      ) : null}
      <h3>Fires and failures, last 12 h</h3>
      <HistoryChart history={stats.history} />
    </section>
  );
}
