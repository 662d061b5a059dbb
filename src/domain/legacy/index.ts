/** The earlier doc-based trigger store onto Signalbox definitions, for `POST /v1/import` with `format: "legacy-docs"`. */
export type { IgnoredField, LegacyDocument, LegacyMapping, LegacyTriggerDoc, MappedSubscription, MappedTrigger, MappingProblem } from "./types";
export { mapLegacyDocs } from "./import";
export { mapLegacyTrigger } from "./trigger";
export { mapLegacySubscription } from "./subscriptions";
export { mapLegacyAuth } from "./auth";
export { legacyWebhookPath, mapLegacyWebhook } from "./webhook";
export { mapLegacySchedule } from "./schedule";
export { mapLegacyConfig } from "./config";
