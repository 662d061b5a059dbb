/**
 * The stats book: the trigger's counters in memory, exact, folded from each
 * stream event as it commits (./journal.ts) and checkpointed into `meta`
 * with the coalesced stats flush. Loading reads the checkpoint and replays
 * the events written after it (a bounded read: what the last few seconds
 * wrote), so a crash or an eviction loses nothing that left a stream event.
 * Counters with no stream event (deduplicated, rejected, refused webhooks)
 * are bumped in memory and may lose the last few seconds after a crash.
 */
import { emptyStats, foldEvent, foldSettled, type SettledDelivery, type StatsState } from "../../src/domain/trigger-stats/state";
import type { Core } from "./core";
import { eventsSinceLight, headSeq } from "./tables/events";
import { readMeta, writeMeta } from "./tables/meta";
import { settledAfter } from "./tables/deliveries";

const CHECKPOINT_KEY = "stats";

/** How long changes coalesce before the checkpoint and the D1 push (./stats-flush.ts). */
export const STATS_COALESCE_MS = 5_000;

/** Marks the stats dirty (in memory: no row and no D1 write per change). */
function markStatsDirty(core: Core): void {
  if (core.statsDueAt === null) core.statsDueAt = core.now() + STATS_COALESCE_MS;
}
const REPLAY_CHUNK = 500;

/** The book, loaded on first use. */
export function book(core: Core): StatsState {
  if (core.book === undefined) core.book = load(core);
  return core.book as StatsState;
}

function load(core: Core): StatsState {
  if (!core.ready) return emptyStats(0);
  const saved = readMeta<StatsState>(core, CHECKPOINT_KEY);
  const s = saved && saved.v === 2 ? { ...emptyStats(), ...saved } : recount(core);
  // checkpoints from before per-flow queued counts: counted once here, after the replay below
  const countFlows = Object.values(s.flows).some((f) => f.pending === undefined);
  for (;;) {
    const rows = eventsSinceLight(core, s.seq, REPLAY_CHUNK);
    for (const r of rows) foldEvent(s, { seq: r.seq, type: r.type, ts: r.ts, data: JSON.parse(r.data) });
    if (rows.length < REPLAY_CHUNK) break;
  }
  // delivered outcomes after the checkpoint that left no event: on rows of fires in the open window
  for (const d of settledAfter(core, s.openLow, s.settledSeq)) foldSettled(s, { settledSeq: d.settled_seq!, flow: d.flow, latencyMs: d.latency_ms ?? 0 });
  if (countFlows) countQueuedByFlow(core, s);
  return s;
}

/** Sets each flow's queued count (and breaker fields) from the rows: the one-time upgrade of an older checkpoint. */
function countQueuedByFlow(core: Core, s: StatsState): void {
  const counts = new Map(core.sql.all<{ flow: string; n: number }>(`SELECT flow, count(*) AS n FROM deliveries WHERE status = 'queued' GROUP BY flow`).map((r) => [r.flow, r.n]));
  for (const [name, f] of Object.entries(s.flows)) {
    f.pending = counts.get(name) ?? 0;
    f.breakerOpen ??= 0;
    f.breakerOpened ??= 0;
  }
  for (const [name, n] of counts) if (!s.flows[name]) s.flows[name] = { delivered: 0, failed: 0, dead: 0, skipped: 0, attempts: 0, pending: n, breakerOpen: 0, breakerOpened: 0 };
}

/** Folds a delivered outcome written without a stream event, once its transaction commits. */
export function foldSettledOnCommit(core: Core, d: SettledDelivery): void {
  book(core);
  core.onCommit(() => {
    foldSettled(book(core), d);
    markStatsDirty(core);
  });
}

/** Folds an event into the book once its transaction commits. */
export function foldOnCommit(core: Core, ev: { seq: number; type: string; ts: number; data: unknown }): void {
  const data = ev.data && typeof ev.data === "object" ? { ...(ev.data as Record<string, unknown>), payload: undefined } : null;
  book(core);
  core.onCommit(() => {
    foldEvent(book(core), { seq: ev.seq, type: ev.type, ts: ev.ts, data });
    markStatsDirty(core);
  });
}

type Bumpable = "deduplicated" | "rejected" | "authFailures";

/** Counts something that leaves no stream event (a duplicate, a refusal). */
export function bump(core: Core, key: Bumpable, webhookOutcome?: string): void {
  const s = book(core);
  s[key]++;
  if (webhookOutcome) s.webhook[webhookOutcome] = (s.webhook[webhookOutcome] ?? 0) + 1;
  markStatsDirty(core);
}

/** Counts a webhook request stored for processing (outcome `accepted`), once committed. */
export function bumpWebhookAccepted(core: Core): void {
  book(core);
  core.onCommit(() => {
    const s = book(core);
    s.webhook.accepted = (s.webhook.accepted ?? 0) + 1;
    markStatsDirty(core);
  });
}

/** Counts a fire skipped without a stream event (a poll item that fails this trigger's filter or schema), once committed. */
export function bumpSkipped(core: Core, reason: string): void {
  book(core);
  core.onCommit(() => {
    const s = book(core);
    s.skippedFires++;
    s.skipReasons[reason] = (s.skipReasons[reason] ?? 0) + 1;
    markStatsDirty(core);
  });
}

/** Writes the checkpoint (one row); `openLow` is where a restart starts looking for queued deliveries. */
export function checkpointStats(core: Core, openLow: number): void {
  const s = book(core);
  s.openLow = openLow;
  writeMeta(core, CHECKPOINT_KEY, s);
}

/**
 * The one-time count for an object written before counters were kept
 * (its first load after the upgrade): scans once, then never again.
 */
function recount(core: Core): StatsState {
  const s = emptyStats(headSeq(core));
  const old = readMeta<Record<string, number>>(core, "counters") ?? {};
  const ev = core.sql.all<{ type: string; n: number; last: number | null }>(
    `SELECT type, count(*) AS n, max(ts) AS last FROM events WHERE type IN ('trigger.fired', 'trigger.skipped') GROUP BY type`,
  );
  const by = new Map(core.sql.all<{ status: string; n: number }>(`SELECT status, count(*) AS n FROM deliveries GROUP BY status`).map((r) => [r.status, r.n]));
  const n = (k: string) => by.get(k) ?? 0;
  const fired = ev.find((e) => e.type === "trigger.fired");
  s.fired = (old.firedBefore ?? 0) + (fired?.n ?? 0);
  s.lastFiredAt = fired?.last ?? null;
  s.skippedFires = (old.skippedBefore ?? 0) + (ev.find((e) => e.type === "trigger.skipped")?.n ?? 0);
  s.delivered = (old.deliveredBefore ?? 0) + n("delivered") + n("processing") + n("completed");
  s.failed = (old.failedBefore ?? 0) + n("failed");
  s.dead = (old.deadBefore ?? 0) + n("dead");
  s.skippedDeliveries = (old.skippedDeliveriesBefore ?? 0) + n("skipped");
  s.pending = n("queued");
  s.deduplicated = old.deduplicated ?? 0;
  s.rejected = old.rejected ?? 0;
  s.authFailures = old.authFailures ?? 0;
  s.openLow = core.sql.one<{ s: number | null }>(`SELECT min(event_seq) AS s FROM deliveries WHERE status = 'queued'`)?.s ?? s.seq + 1;
  countQueuedByFlow(core, s);
  return s;
}
