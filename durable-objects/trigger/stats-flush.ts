/**
 * Coalescing: a change marks the stats dirty in memory (no row and no D1
 * write per fire); within STATS_COALESCE_MS the alarm writes the stats
 * checkpoint (one row) and pushes the snapshot to the D1 index. A failed
 * push stays dirty and is retried after another period, never at once.
 */
import { TriggerIndex } from "../../src/store/trigger-index";
import { statsView } from "../../src/domain/trigger-stats/state";
import { metricsSnapshot } from "../../src/domain/trigger-stats/metrics-snapshot";
import type { TriggerStats } from "../../src/contracts/views";
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { eventTsFrom, lastEvent } from "./tables/events";
import { allSubscriptions } from "./tables/subscriptions";
import { book, checkpointStats, STATS_COALESCE_MS } from "./stats";
import { openLowWater } from "./delivery-store";

/** The `stats` object as readers see it. */
export function currentStats(core: Core): TriggerStats {
  return statsView(book(core), allSubscriptions(core).filter((s) => s.mode === "auto").length);
}

/** The latest activity: the index entry's own time or the newest stream event. */
export function lastActivity(core: Core): number {
  const t = loadEntry(core);
  return Math.max(t?.lastActivityAt ?? 0, lastEvent(core)?.ts ?? 0);
}

/** Checkpoints the stats and pushes them to D1 when due (or when forced). */
export async function flushStats(core: Core, force = false): Promise<void> {
  const t = loadEntry(core);
  if (!t || (!force && (core.statsDueAt === null || core.statsDueAt > core.now()))) return;
  core.statsDueAt = null;
  const openLow = openLowWater(core);
  checkpointStats(core, openLow);
  const metrics = metricsSnapshot(book(core), book(core).pending > 0 ? eventTsFrom(core, openLow) : null);
  try {
    await new TriggerIndex(core.env.DB, t.tenant).updateStats(t.name, currentStats(core), metrics, lastActivity(core), core.now());
  } catch {
    core.statsDueAt = core.now() + STATS_COALESCE_MS;
  }
}
