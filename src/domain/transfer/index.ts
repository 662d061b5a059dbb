/** Definitions transfer (export, import, legacy import, sync), pure: validation, the export shape, planning. */
export type { Current, Incoming, Mode, Plan, Problem, TransferSummary } from "./types";
export { validateDefinitions } from "./validate";
export { currentOf, exportedTrigger } from "./export";
export { needsPreview, planTransfer, summarize } from "./plan";
