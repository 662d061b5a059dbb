/**
 * A legacy `config` onto Signalbox `config`: persistData, retentionDays and
 * rateLimit (whose legacy `window` was milliseconds; Signalbox counts
 * `windowSeconds`). Every other key is reported as ignored.
 */
import type { PartMapping } from "./types";

const MAX_RATE = 1_000_000;
const MAX_WINDOW_SECONDS = 86_400;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/**
 * Maps a legacy config block; paths are relative to it.
 * @example mapLegacyConfig({ persistData: true, rateLimit: { max: 1000, window: 3600000 } }).value
 * // { persistData: true, rateLimit: { max: 1000, windowSeconds: 3600 } }
 */
export function mapLegacyConfig(legacy: unknown): PartMapping<Record<string, unknown>> {
  const out: PartMapping<Record<string, unknown>> = { ignored: [], problems: [] };
  if (!isObject(legacy)) return { ...out, problems: [{ path: "", message: "config must be an object" }] };
  const config: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(legacy)) {
    if (key === "persistData") {
      if (typeof v === "boolean") config.persistData = v;
      else out.problems.push({ path: key, message: "config.persistData must be true or false" });
    } else if (key === "retentionDays") {
      if (isInt(v, 1, 3650)) config.retentionDays = v;
      else out.problems.push({ path: key, message: "config.retentionDays must be an integer from 1 to 3650" });
    } else if (key === "rateLimit") {
      const r = mapRateLimit(v);
      out.ignored.push(...r.ignored.map((i) => ({ field: `rateLimit.${i.field}`, reason: i.reason })));
      out.problems.push(...r.problems.map((p) => ({ path: `rateLimit${p.path ? `.${p.path}` : ""}`, message: p.message })));
      if (r.value) config.rateLimit = r.value;
    } else {
      out.ignored.push({ field: key, reason: "no equivalent in Signalbox config (persistData, retentionDays, rateLimit)" });
    }
  }
  return out.problems.length > 0 ? out : { ...out, value: config };
}

function mapRateLimit(v: unknown): PartMapping<{ max: number; windowSeconds: number }> {
  const out: PartMapping<{ max: number; windowSeconds: number }> = { ignored: [], problems: [] };
  if (!isObject(v)) return { ...out, problems: [{ path: "", message: "config.rateLimit must be an object like {max, window}" }] };
  if (!isInt(v.max, 1, MAX_RATE)) out.problems.push({ path: "max", message: `config.rateLimit.max must be an integer from 1 to ${MAX_RATE}` });
  let windowSeconds: unknown;
  if (v.windowSeconds !== undefined) windowSeconds = v.windowSeconds;
  else if (typeof v.window === "number" && v.window > 0) windowSeconds = Math.ceil(v.window / 1000);
  else if (typeof v.windowMs === "number" && v.windowMs > 0) windowSeconds = Math.ceil(v.windowMs / 1000);
  if (!isInt(windowSeconds, 1, MAX_WINDOW_SECONDS)) {
    out.problems.push({ path: "window", message: `config.rateLimit.window (milliseconds) must come to 1 s - ${MAX_WINDOW_SECONDS} s` });
  }
  for (const key of Object.keys(v)) {
    if (!["max", "window", "windowMs", "windowSeconds"].includes(key)) out.ignored.push({ field: key, reason: "no equivalent in Signalbox config.rateLimit" });
  }
  return out.problems.length > 0 ? out : { ...out, value: { max: v.max as number, windowSeconds: windowSeconds as number } };
}
