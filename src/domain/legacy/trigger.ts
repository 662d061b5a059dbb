/**
 * One legacy trigger doc onto a Signalbox definition. Fields with an
 * equivalent are mapped, every other one is reported as ignored with its
 * dotted path, and what cannot be mapped is a problem. Run-scoped (await)
 * docs are not triggers in Signalbox and are skipped as a whole, reported.
 */
import { isValidName } from "../names";
import { mapLegacyConfig } from "./config";
import { mapLegacySchedule } from "./schedule";
import { mapLegacyWebhook } from "./webhook";
import type { MappedTrigger, PartMapping } from "./types";

const TYPES = ["event", "manual", "webhook", "schedule"] as const;
const STATUSES = ["active", "retired", "deprecated"];
const SCHEMA_KEYWORDS = ["$schema", "$ref", "type", "properties", "items", "enum", "const", "anyOf", "oneOf", "allOf", "required"];

/** Why each legacy field without an equivalent is left out. */
const NO_EQUIVALENT: Record<string, string> = {
  source: 'imported triggers have source "import"',
  transform: "a transform function has no JSON form; use transform.pick",
  lastActivityAt: "kept by Signalbox itself",
  stats: "kept by Signalbox itself",
  version: "kept by Signalbox itself",
  subscriptions: "subscriptions come from the trigger-subscriptions docs",
  retiredAt: "set by Signalbox when the trigger is retired",
  retiredReason: "set by Signalbox when the trigger is retired",
};

export type TriggerMapping =
  | { kind: "mapped"; name: string; trigger?: MappedTrigger; ignored: PartMapping<never>["ignored"]; problems: PartMapping<never>["problems"] }
  | { kind: "skipped"; name: string; field: string; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Maps one entry of the legacy `triggers` collection. `name` in the answer
 * is the doc's name, else its id, for reporting; `trigger` is set only when
 * there are no problems.
 * @example mapLegacyTrigger("user.created", { name: "user.created", type: "event", scope: "flow" }).trigger
 * // { name: "user.created", type: "event", subscriptions: {} }
 */
export function mapLegacyTrigger(id: unknown, doc: unknown): TriggerMapping {
  const fallback = typeof id === "string" && id !== "" ? id : "(no name)";
  if (!isObject(doc)) return { kind: "mapped", name: fallback, ignored: [], problems: [{ path: "", message: "the doc must be an object" }] };
  const name = typeof doc.name === "string" && doc.name !== "" ? doc.name : fallback;
  if (doc.scope === "run" || (typeof doc.type === "string" && doc.type.startsWith("await."))) {
    return {
      kind: "skipped", name, field: doc.scope === "run" ? "scope" : "type",
      reason: "run-scoped await, not a trigger: Signalbox awaits are per run (PUT /v1/runs/{runId}/awaits/{step})",
    };
  }
  const ignored: { field: string; reason: string }[] = [];
  const problems: { path: string; message: string }[] = [];
  const def: Record<string, unknown> = { name };

  if (typeof doc.name !== "string" || doc.name === "") problems.push({ path: "name", message: "the doc has no name" });
  else if (!isValidName(doc.name)) problems.push({ path: "name", message: `name ${JSON.stringify(doc.name)} must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$` });
  else if (typeof id === "string" && id !== doc.name) problems.push({ path: "name", message: `the doc id ${JSON.stringify(id)} and its name ${JSON.stringify(doc.name)} differ` });

  const type = TYPES.find((t) => t === doc.type);
  if (type) def.type = type;
  else problems.push({ path: "type", message: doc.type === undefined ? "the doc has no type" : `type ${JSON.stringify(doc.type)} is not one the legacy store had (${TYPES.join(", ")})` });

  if (doc.scope !== undefined && doc.scope !== "flow") problems.push({ path: "scope", message: 'scope must be "flow" (or "run" for awaits, which are skipped)' });
  if (doc.status !== undefined) {
    if (typeof doc.status === "string" && STATUSES.includes(doc.status)) def.status = doc.status;
    else problems.push({ path: "status", message: `status must be one of ${STATUSES.join(", ")}` });
  }
  for (const [key, max] of [["displayName", 200], ["description", 4000]] as const) {
    const v = doc[key];
    if (v === undefined || v === null) continue;
    if (typeof v === "string" && v.length <= max) def[key] = v;
    else problems.push({ path: key, message: `${key} must be a string of at most ${max} characters` });
  }

  const part = (prefix: string, m: PartMapping<unknown>, into?: string) => {
    for (const i of m.ignored) ignored.push({ field: `${prefix}.${i.field}`, reason: i.reason });
    for (const p of m.problems) problems.push({ path: p.path ? `${prefix}.${p.path}` : prefix, message: p.message });
    if (m.value !== undefined && into) def[into] = m.value;
  };
  const webhookKey = doc.webhook !== undefined ? "webhook" : doc.endpoint !== undefined ? "endpoint" : null;
  if (type === "webhook") {
    if (webhookKey === null) problems.push({ path: "webhook", message: "a webhook trigger needs webhook.path" });
    else part(webhookKey, mapLegacyWebhook(doc[webhookKey]), "webhook");
  }
  if (type === "schedule") {
    if (doc.schedule === undefined) problems.push({ path: "schedule", message: "a schedule trigger needs schedule.cron" });
    else part("schedule", mapLegacySchedule(doc.schedule, doc.data), "schedule");
  }
  if (doc.config !== undefined) part("config", mapLegacyConfig(doc.config), "config");
  // the trigger keeps when it was first registered: an import that creates it sets this registeredAt
  if (doc.registeredAt !== undefined) {
    if (isEpochMs(doc.registeredAt)) def.registeredAt = doc.registeredAt;
    else ignored.push({ field: "registeredAt", reason: "not a time in epoch milliseconds: Signalbox sets registeredAt when the trigger is created" });
  }
  if (isObject(doc.ui)) def.ui = doc.ui;
  if (doc.schema !== undefined) {
    if (doc.schema === true || (isObject(doc.schema) && SCHEMA_KEYWORDS.some((k) => k in (doc.schema as object)))) def.schema = doc.schema;
    else ignored.push({ field: "schema", reason: "not a JSON Schema (a zod schema has no JSON form)" });
  }

  const mapped = new Set(["name", "type", "scope", "status", "displayName", "description", "config", "schema", "registeredAt"]);
  if (type === "webhook" && webhookKey) mapped.add(webhookKey);
  if (type === "schedule") mapped.add("schedule").add("data");
  if (isObject(doc.ui)) mapped.add("ui");
  for (const key of Object.keys(doc)) {
    if (mapped.has(key)) continue;
    ignored.push({ field: key, reason: NO_EQUIVALENT[key] ?? otherTypeReason(key, type) ?? "no equivalent in Signalbox" });
  }
  if (problems.length > 0) return { kind: "mapped", name, ignored, problems };
  return { kind: "mapped", name, trigger: { ...def, subscriptions: {} } as MappedTrigger, ignored, problems };
}

/** A whole number of milliseconds since 1970 that a Date can hold. */
const isEpochMs = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0 && v <= 8.64e15;

function otherTypeReason(key: string, type: string | undefined): string | undefined {
  if (key === "webhook" || key === "endpoint") return `only webhook triggers have a webhook (this one is ${type ?? "untyped"})`;
  if (key === "schedule") return `only schedule triggers have a schedule (this one is ${type ?? "untyped"})`;
  if (key === "data") return "only a schedule trigger's data (its payload) has an equivalent";
  return undefined;
}
