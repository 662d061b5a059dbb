/**
 * Schedule triggers on the object's single alarm. The cursor is the last
 * occurrence handled; each alarm takes the occurrences due since, applies the
 * catch-up and overlap policies (pure, in src/domain/schedule/policy.ts) and
 * hands each fire to the pipeline with an id derived from the trigger and the
 * scheduled time, so a repeated alarm, a catch-up or a backfill never fires
 * one twice. A stored schedule the validator no longer accepts is recorded
 * once (`schedule.invalid`) and treated as paused; the rest of the alarm runs.
 */
import { AppError } from "../../src/errors";
import { nextOccurrences, occurrencesAfter, occurrencesBetween, jitterOffsetMs, occurrenceId, selectCatchup, overlapAction, ON_TIME_MS, type ScheduleSpec } from "../../src/domain/schedule";
import { parseAnchor } from "../../src/domain/schedule/anchor";
import type { SchedulePreview } from "../../src/contracts/views";
import type { Core, TriggerRow } from "./core";
import { loadEntry, requireActiveEntry, requireEntry } from "./tables/entry";
import { loadScheduleState, setCursor, setLastFire, hasBuffered, bufferedCount, bufferOccurrence, takeBuffered } from "./tables/schedule-state";
import { deliveriesOfFire, patchDelivery } from "./tables/deliveries";
import { allSubscriptions } from "./tables/subscriptions";
import { readMeta, writeMeta } from "./tables/meta";
import { recordEvent } from "./journal";
import { fire, type FireOutcome } from "./pipeline";
import { logEvent } from "../../src/observability/log";

/** At most this many occurrences are enumerated per alarm (a long outage of a per-second cron). */
const MAX_SCAN = 10_000;
const OCC_DEDUP_SECONDS = 400 * 86_400;

type Sched = NonNullable<TriggerRow["def"]["schedule"]> & ScheduleSpec;

export function scheduleOf(row: TriggerRow | null): Sched | null {
  return row && row.def.type === "schedule" && row.def.schedule ? (row.def.schedule as Sched) : null;
}

const anchorOf = (row: TriggerRow, s: Sched) => (s.anchor && parseAnchor(s.anchor)) || row.registeredAt;
const seedOf = (row: TriggerRow) => `${row.tenant}:${row.name}`;
const jitterOf = (row: TriggerRow, s: Sched, occ: number) => (s.jitterSeconds ? jitterOffsetMs(seedOf(row), occ, s.jitterSeconds) : 0);

/** How many occurrences are worked out at once and kept for the alarms that follow, within how long. */
const AHEAD = 16;
const AHEAD_SPAN_MS = 3_600_000;

/**
 * The occurrences after `cursor`, ascending, as far as they are known: every
 * one up to the last of those kept from an earlier reading of the same spec
 * (so a per-second schedule works its cron out every 16 s, not twice per
 * alarm), or up to AHEAD fresh ones within the next hour (at least one).
 * Empty when the schedule has none left.
 */
function upcoming(core: Core, row: TriggerRow, s: Sched, cursor: number): number[] {
  const key = `${JSON.stringify(s)}|${anchorOf(row, s)}`;
  const kept = core.scheduleAhead;
  if (kept && kept.key === key && kept.from <= cursor && cursor < (kept.times[kept.times.length - 1] ?? -Infinity)) return kept.times.filter((t) => t > cursor);
  const times: number[] = [];
  for (const t of occurrencesAfter(s, cursor, anchorOf(row, s))) {
    times.push(t);
    // a sparse schedule (yearly, a leap day) keeps only what the next hour holds, at least one
    if (times.length >= AHEAD || t > cursor + AHEAD_SPAN_MS) break;
  }
  core.scheduleAhead = { key, from: cursor, times };
  return times;
}

/** The active, valid schedule of this trigger, or null (retired, paused, not a schedule, or invalid). */
function activeSchedule(core: Core): { row: TriggerRow; s: Sched } | null {
  const row = loadEntry(core);
  const s = scheduleOf(row);
  if (!row || !s || row.status !== "active" || s.enabled === false) return null;
  if (readMeta<number>(core, "schedule_invalid") === row.version) return null;
  return { row, s };
}

/** Runs schedule maths; a definition it cannot evaluate is recorded once and the schedule treated as paused. */
function guarded<T>(core: Core, row: TriggerRow, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (e) {
    core.tx(() => {
      if (readMeta<number>(core, "schedule_invalid") === row.version) return;
      writeMeta(core, "schedule_invalid", row.version);
      recordEvent(core, "schedule.invalid", { version: row.version, error: String((e as Error).message).slice(0, 500) });
    });
    return fallback;
  }
}

/** The next time the alarm must run for the schedule (next occurrence + jitter), or null. */
export function nextScheduleDue(core: Core): number | null {
  const a = activeSchedule(core);
  const st = loadScheduleState(core);
  if (!a || !st) return null;
  const { row, s } = a;
  const [next] = guarded(core, row, () => upcoming(core, row, s, st.cursor), []);
  const due = next === undefined ? null : next + jitterOf(row, s, next);
  // buffered occurrences are released when the running fire settles; poll for it meanwhile
  return hasBuffered(core) ? Math.min(due ?? Infinity, core.now() + 1_000) : due;
}

/** nextFireAt for the trigger view. */
export function nextFireAt(core: Core): number | null {
  const a = activeSchedule(core);
  if (!a) return null;
  const { row, s } = a;
  const cursor = loadScheduleState(core)?.cursor;
  const [next] = guarded(core, row, () => (cursor === undefined ? nextOccurrences(s, core.now(), 1, anchorOf(row, s)) : upcoming(core, row, s, cursor)), []);
  return next === undefined ? null : next + jitterOf(row, s, next);
}

/** GET …/schedule?count=N: the next fire times (with jitter). */
export function preview(core: Core, count: number): SchedulePreview {
  const row = requireEntry(core);
  const s = scheduleOf(row);
  if (!s) throw new AppError(409, "not_a_schedule", `Trigger '${row.name}' is not a schedule trigger`);
  const from = Math.max(loadScheduleState(core)?.cursor ?? 0, core.now());
  let times: number[];
  try {
    times = nextOccurrences(s, from, count, anchorOf(row, s));
  } catch (e) {
    throw new AppError(409, "schedule_invalid", `The stored schedule cannot be evaluated: ${(e as Error).message}`);
  }
  return {
    timezone: s.timezone ?? "UTC",
    enabled: s.enabled !== false && row.status === "active",
    dst: { gap: (s.dst as { gap?: string } | undefined)?.gap ?? "shift", fold: (s.dst as { fold?: string } | undefined)?.fold ?? "once" },
    next: times.map((o) => {
      const at = o + jitterOf(row, s, o);
      return { at, iso: new Date(at).toISOString(), scheduledFor: o };
    }),
  };
}

/** Is any delivery of the last scheduled fire still running (queued, processing; or delivered to a flow that reports)? */
function running(core: Core, lastFireSeq: number | null): boolean {
  if (lastFireSeq === null) return false;
  const reporting = new Set(allSubscriptions(core).filter((s) => s.reports).map((s) => s.flow));
  return deliveriesOfFire(core, lastFireSeq).some(
    (d) => d.status === "queued" || d.status === "processing" || (d.status === "delivered" && reporting.has(d.flow)),
  );
}

/** Hands one occurrence to the pipeline; null when it was already fired. */
function fireOccurrence(core: Core, row: TriggerRow, s: Sched, occ: number, extra: Record<string, unknown>, skipReason?: string): FireOutcome | null {
  const jitterMs = jitterOf(row, s, occ);
  const o = fire(core, {
    source: "schedule", data: s.payload ?? {}, eventId: occurrenceId(seedOf(row), occ),
    dedupKey: `occ:${occ}`, dedupWindowSeconds: OCC_DEDUP_SECONDS, onSchemaFail: "skip",
    meta: { scheduledFor: occ, jitterMs, latenessMs: Math.max(0, core.now() - (occ + jitterMs)), ...extra },
    skip: skipReason ? { reason: skipReason } : undefined,
    alsoWrite: (a) => {
      if (a.status === "accepted") setLastFire(core, a.seq);
    },
  });
  return o.answer.status === "deduplicated" ? null : o;
}

/** Applies the overlap policy to one on-time occurrence (inside a transaction). */
function fireWithOverlap(core: Core, row: TriggerRow, s: Sched, occ: number, lastFireSeq: number | null, extra: Record<string, unknown>): FireOutcome | null {
  const action = overlapAction(s.overlap ?? "skip", running(core, lastFireSeq), bufferedCount(core));
  if (action === "fire") return fireOccurrence(core, row, s, occ, extra);
  if (action === "skip") return fireOccurrence(core, row, s, occ, extra, "overlap");
  if (action === "buffer") {
    bufferOccurrence(core, occ);
    recordEvent(core, "schedule.buffered", { scheduledFor: occ, policy: s.overlap });
    return null;
  }
  // cancel_other: what the running fire has not delivered yet is skipped; the new fire goes out.
  const now = core.now();
  for (const d of deliveriesOfFire(core, lastFireSeq!)) {
    if (d.status !== "queued") continue;
    patchDelivery(core, d, { status: "skipped", reason: "cancelled_by_overlap", next_attempt_at: null }, now);
    core.noteSkipped(d.id);
    recordEvent(core, "delivery.skipped", { deliveryId: d.id, flow: d.flow, reason: "cancelled_by_overlap" });
  }
  return fireOccurrence(core, row, s, occ, { ...extra, cancelled: lastFireSeq });
}

/** Releases buffered occurrences once nothing is running (oldest first, one at a time). */
function releaseBuffer(core: Core, row: TriggerRow, s: Sched): FireOutcome[] {
  const out: FireOutcome[] = [];
  for (;;) {
    if (running(core, loadScheduleState(core)!.lastFireSeq)) return out;
    const next = takeBuffered(core);
    if (next === null) return out;
    const o = fireOccurrence(core, row, s, next, { buffered: true });
    if (o) out.push(o);
    if (o?.answer.deliveries.some((d) => d.status === "queued")) return out; // wait for this one to settle before the next
  }
}

/**
 * The schedule's part of the alarm: fire what is due, record what was missed,
 * release buffered occurrences. Returns the deliveries to send.
 */
export function runSchedule(core: Core): FireOutcome[] {
  const a = activeSchedule(core);
  if (!a || !loadScheduleState(core)) return [];
  const { row, s } = a;
  const now = core.now();
  const due = guarded(core, row, () => {
    const cursor = loadScheduleState(core)!.cursor;
    const isDue = (occ: number) => occ + jitterOf(row, s, occ) <= now;
    // the kept occurrences answer unless every one of them is due (a catch-up, or the last kept one): then the full scan
    const ahead = upcoming(core, row, s, cursor);
    const firstLater = ahead.findIndex((occ) => !isDue(occ));
    if (firstLater >= 0) return { list: ahead.slice(0, firstLater), truncated: false };
    const list: number[] = [];
    let scanned = 0;
    for (const occ of occurrencesAfter(s, cursor, anchorOf(row, s))) {
      if (occ + jitterOf(row, s, occ) > now || ++scanned > MAX_SCAN) break;
      list.push(occ);
    }
    return { list, truncated: scanned > MAX_SCAN };
  }, null);
  if (!due) return [];
  return core.tx(() => {
    const out: FireOutcome[] = [...releaseBuffer(core, row, s)];
    if (due.list.length === 0) return out;
    const catchup = s.catchup ?? "none";
    const lateness = (o: number) => now - (o + jitterOf(row, s, o));
    const { fire: toFire, missed } = selectCatchup(due.list, catchup, (s.catchupWindowSeconds ?? 3600) * 1000, lateness);
    if (missed.length) {
      logEvent("schedule.missed", { tenant: row.tenant, trigger: row.name, scheduledFor: missed[0], items: missed.length }, "warn");
      recordEvent(core, "schedule.missed", {
        count: missed.length, ...(due.truncated ? { atLeast: true } : {}), catchup,
        from: missed[0], to: missed[missed.length - 1], scheduledFor: missed.slice(0, 100),
      });
    }
    let lastFireSeq = loadScheduleState(core)!.lastFireSeq;
    for (const occ of toFire) {
      const o = fireWithOverlap(core, row, s, occ, lastFireSeq, lateness(occ) > ON_TIME_MS ? { catchup: true } : {});
      if (o) {
        out.push(o);
        if (o.answer.status === "accepted") lastFireSeq = o.answer.seq;
      }
    }
    setCursor(core, due.list[due.list.length - 1]);
    return out;
  });
}

/** After a delivery settles: buffered occurrences may go now. */
export function releaseIfSettled(core: Core): FireOutcome[] {
  const a = activeSchedule(core);
  if (!a || !hasBuffered(core)) return [];
  return core.tx(() => releaseBuffer(core, a.row, a.s));
}

/** POST …/schedule/backfill: fires the occurrences in a past range (at most 1000), skipping ones already fired. */
export function backfill(core: Core, fromMs: number, toMs: number): { outcomes: FireOutcome[]; fired: string[]; alreadyFired: number } {
  const row = requireActiveEntry(core);
  const s = scheduleOf(row);
  if (!s) throw new AppError(409, "not_a_schedule", `Trigger '${row.name}' is not a schedule trigger`);
  if (!(fromMs < toMs)) throw new AppError(400, "invalid_request", "'from' must be before 'to'");
  if (toMs > core.now()) throw new AppError(400, "invalid_request", "Backfill fills the past: 'to' must not be in the future");
  let range: { times: number[]; truncated: boolean };
  try {
    range = occurrencesBetween(s, fromMs, toMs, anchorOf(row, s), 1000);
  } catch (e) {
    throw new AppError(409, "schedule_invalid", `The stored schedule cannot be evaluated: ${(e as Error).message}`);
  }
  if (range.truncated) throw new AppError(400, "backfill_too_large", "The range holds more than 1000 occurrences; split it");
  return core.tx(() => {
    const outcomes: FireOutcome[] = [];
    let already = 0;
    for (const occ of range.times) {
      const o = fireOccurrence(core, row, s, occ, { backfill: true });
      if (o) outcomes.push(o);
      else already++;
    }
    return { outcomes, fired: outcomes.map((o) => o.answer.eventId), alreadyFired: already };
  });
}
