/** The legacy doc store's shapes (the earlier doc-based trigger system) and what mapping them onto Signalbox answers. */

/** A legacy subscription had no target: it becomes a pull subscription from now. */
export type MappedSubscription = { mode: "auto" | "manual"; target: { type: "pull"; startFrom: "now" } };

/** A definition as `PUT /v1/triggers/{name}` takes it, plus `name` and `subscriptions` as in `GET /v1/export`. */
export type MappedTrigger = {
  name: string;
  type: "event" | "manual" | "webhook" | "schedule";
  status?: "active" | "retired" | "deprecated";
  /** when the legacy store registered it (epoch ms): kept by the import that creates it */
  registeredAt?: number;
  subscriptions: Record<string, MappedSubscription>;
  [field: string]: unknown;
};

/** A legacy field with no Signalbox equivalent; `field` is a dotted path inside the trigger's doc (`config.foo`). */
export type IgnoredField = { name: string; field: string; reason: string };

/** Something that stops the import: `name` is the trigger (or the doc id), `path` a dotted path inside its doc. */
type MappingProblem = { name: string; path: string; message: string };

export type LegacyMapping = {
  triggers: MappedTrigger[];
  /** "trigger/flow" for every subscription that needs a delivery target. */
  needsTarget: string[];
  ignored: IgnoredField[];
  problems: MappingProblem[];
};

/** What mapping one part of a doc gives: the value (absent when unusable), and what was left out or wrong, with paths relative to the part. */
export type PartMapping<T> = { value?: T; ignored: { field: string; reason: string }[]; problems: { path: string; message: string }[] };
