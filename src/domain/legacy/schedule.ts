/**
 * A legacy `schedule` onto Signalbox `schedule`: cron, timezone and enabled
 * as they are, the human-readable interval/at/every forms too (Signalbox
 * has the same ones), and the legacy overlap words mapped onto Signalbox's
 * policies. Checked with the schedule module's own validation.
 */
import { validateSchedule } from "../schedule";
import type { PartMapping } from "./types";

const KNOWN = ["cron", "timezone", "enabled", "interval", "at", "every"];
/** Legacy words ("skip, queue, or replace") and Signalbox's own values. */
const OVERLAP: Record<string, string> = {
  skip: "skip", queue: "buffer_all", replace: "cancel_other",
  allow_all: "allow_all", buffer_one: "buffer_one", buffer_all: "buffer_all", cancel_other: "cancel_other",
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Maps a legacy schedule block; `payload` is the legacy trigger's `data`
 * (what each scheduled fire carried). Paths are relative to the block.
 * @example mapLegacySchedule({ cron: "0 2 * * *", timezone: "America/New_York", overlap: "queue" }).value
 * // { cron: "0 2 * * *", timezone: "America/New_York", overlap: "buffer_all" }
 */
export function mapLegacySchedule(legacy: unknown, payload?: unknown): PartMapping<Record<string, unknown>> {
  const out: PartMapping<Record<string, unknown>> = { ignored: [], problems: [] };
  if (!isObject(legacy)) return { ...out, problems: [{ path: "", message: "schedule must be an object with a cron" }] };
  const schedule: Record<string, unknown> = {};
  for (const key of KNOWN) if (legacy[key] !== undefined) schedule[key] = legacy[key];
  if (schedule.enabled !== undefined && typeof schedule.enabled !== "boolean") out.problems.push({ path: "enabled", message: "schedule.enabled must be true or false" });
  if (legacy.overlap !== undefined) {
    const mapped = typeof legacy.overlap === "string" ? OVERLAP[legacy.overlap] : undefined;
    if (mapped) schedule.overlap = mapped;
    else out.problems.push({ path: "overlap", message: `schedule.overlap ${JSON.stringify(legacy.overlap)} is not skip, queue or replace` });
  }
  if (payload !== undefined) schedule.payload = payload;
  for (const message of validateSchedule(schedule)) out.problems.push({ path: "", message: `schedule: ${message}` });
  for (const key of Object.keys(legacy)) {
    if (!KNOWN.includes(key) && key !== "overlap") out.ignored.push({ field: key, reason: "no equivalent in Signalbox schedule" });
  }
  return out.problems.length > 0 ? out : { ...out, value: schedule };
}
