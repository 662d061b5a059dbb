/** The schedule fields this module reads; the rest of a trigger's schedule (enabled, overlap, catchup, payload…) is someone else's. */

/** What to do with an occurrence whose local time is skipped (gap) or repeated (fold) by a DST change. */
export type DstPolicy = { gap?: "shift" | "skip"; fold?: "once" | "twice" };

/** A trigger's `schedule` (API.md "Triggers"): exactly one of `cron`, `interval`, `at`, `every`. */
export type ScheduleSpec = {
  /** 5 fields, or 6 with seconds first; read as wall-clock time in `timezone`. */
  cron?: string;
  /** An integer and a unit, s/m/h/d/w, e.g. "15m"; absolute time, so "1d" is always 86400 s. */
  interval?: string;
  /** ISO 8601 date-time with Z or an offset that `interval`/`every` count from; defaults to the registration time. */
  anchor?: string;
  /** "HH:MM" or "HH:MM:SS", daily in `timezone`. */
  at?: string;
  /** The sum of the parts is the period; anchored like `interval`. */
  every?: { seconds?: number; minutes?: number; hours?: number; days?: number; weeks?: number };
  /** IANA zone, default "UTC". */
  timezone?: string;
  /** Defaults: gap "shift", fold "once". */
  dst?: DstPolicy;
  /** 0..3600; applied by the caller with `jitterOffsetMs`, never by `nextOccurrences`. */
  jitterSeconds?: number;
  [other: string]: unknown;
};
