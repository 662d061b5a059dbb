/** Definitions transfer (export, import, legacy import, sync), pure: validation, the export shape, planning. */
export type { Change, Current, Incoming, IncomingSubscription, Mode, Plan, Preview, Problem, TransferSummary, TriggerStep } from "./types";
export { validateDefinitions, type ValidateOptions } from "./validate";
export { currentOf, definitionOf, exportedTrigger } from "./export";
export { needsPreview, planTransfer, summarize, type PlanInput } from "./plan";
