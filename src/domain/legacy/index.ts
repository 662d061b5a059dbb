/** The earlier doc-based trigger store onto Signalbox definitions, for `POST /v1/import` with `format: "legacy-docs"`. */
export type { IgnoredField } from "./types";
export { mapLegacyDocs } from "./import";
