/**
 * The legacy doc store (`POST /v1/import` with `format: "legacy-docs"`) onto
 * Signalbox definitions with their subscriptions, the list of subscriptions
 * that still need a delivery target, every legacy field left out, and every
 * problem that stops the import (it is all-or-nothing).
 */
import { mapLegacySubscription } from "./subscriptions";
import { mapLegacyTrigger } from "./trigger";
import type { LegacyMapping, MappedTrigger } from "./types";

const DOCUMENT = "(document)";

/**
 * Maps a legacy document. Triggers come out in input order, shaped as
 * `GET /v1/export` shapes them (the definition plus `name`, `status` when
 * the doc had one, and `subscriptions`), so the ordinary import path can
 * take them. `triggers` holds only the triggers without problems.
 * @example
 * mapLegacyDocs({ format: "legacy-docs", triggers: [{ id: "t", doc: { name: "t", type: "event" } }], triggerSubscriptions: [{ id: "t:f", doc: { trigger: "t", flow: "f", mode: "auto" } }] })
 * // { triggers: [{ name: "t", type: "event", subscriptions: { f: { mode: "auto", target: { type: "pull", startFrom: "now" } } } }],
 * //   needsTarget: ["t/f"], ignored: [], problems: [] }
 */
export function mapLegacyDocs(input: unknown): LegacyMapping {
  const result: LegacyMapping = { triggers: [], needsTarget: [], ignored: [], problems: [] };
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    result.problems.push({ name: DOCUMENT, path: "", message: "the document must be an object" });
    return result;
  }
  const doc = input as Record<string, unknown>;
  if (doc.format !== "legacy-docs") result.problems.push({ name: DOCUMENT, path: "format", message: 'format must be "legacy-docs"' });
  const triggers = listOf(doc, "triggers", result);
  const subscriptions = listOf(doc, "triggerSubscriptions", result);

  const byName = new Map<string, MappedTrigger>();
  const skipped = new Map<string, string>();
  const seen = new Set<string>();
  for (const entry of triggers) {
    const e = entry as { id?: unknown; doc?: unknown } | null;
    const m = mapLegacyTrigger(e?.id, e?.doc);
    if (seen.has(m.name)) {
      result.problems.push({ name: m.name, path: "name", message: "two trigger docs have this name" });
      continue;
    }
    seen.add(m.name);
    if (m.kind === "skipped") {
      skipped.set(m.name, m.reason);
      result.ignored.push({ name: m.name, field: m.field, reason: m.reason });
      continue;
    }
    for (const i of m.ignored) result.ignored.push({ name: m.name, ...i });
    for (const p of m.problems) result.problems.push({ name: m.name, ...p });
    if (m.trigger) {
      byName.set(m.name, m.trigger);
      result.triggers.push(m.trigger);
    }
  }

  for (const entry of subscriptions) {
    const e = entry as { id?: unknown; doc?: unknown } | null;
    const m = mapLegacySubscription(e?.id, e?.doc);
    if (!m.ok) {
      for (const p of m.problems) result.problems.push({ name: m.name, ...p });
      continue;
    }
    const path = `subscriptions.${m.flow}`;
    if (skipped.has(m.trigger)) {
      result.ignored.push({ name: m.trigger, field: path, reason: `its trigger was skipped: ${skipped.get(m.trigger)}` });
      continue;
    }
    if (!seen.has(m.trigger)) {
      result.problems.push({ name: m.trigger, path, message: `subscribes flow ${JSON.stringify(m.flow)} to a trigger that is not in the document` });
      continue;
    }
    const trigger = byName.get(m.trigger);
    if (!trigger) continue; // the trigger has problems of its own
    const existing = trigger.subscriptions[m.flow];
    if (existing) {
      if (existing.mode !== m.subscription.mode) result.problems.push({ name: m.trigger, path, message: "two subscription docs for this flow disagree on the mode" });
      continue;
    }
    trigger.subscriptions[m.flow] = m.subscription;
    result.needsTarget.push(`${m.trigger}/${m.flow}`);
    for (const i of m.ignored) result.ignored.push({ name: m.trigger, field: `${path}.${i.field}`, reason: i.reason });
  }
  return result;
}

function listOf(doc: Record<string, unknown>, key: string, result: LegacyMapping): unknown[] {
  const v = doc[key];
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  result.problems.push({ name: DOCUMENT, path: key, message: `${key} must be an array of {id, doc}` });
  return [];
}
