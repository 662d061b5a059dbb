/** The pure part of poll triggers: group keys, timing, reading answers, failure policy, limits and validation. */
export type { PollSpec, PollTiming } from "./types";
export { DEFAULT_ITEMS_POINTER, pollGroupKey } from "./group-key";
export { nextPollAfter } from "./period";
export { extractItems, type Extraction } from "./extract";
export { applyPollOutcome, initialPollState, unpausePollState, type PollOutcome, type PollState } from "./failure";
export { SEEN_IDS_CAPACITY, pollTimeoutMs, readBodyCapped, responseSizeProblem } from "./limits";
export { pollRequest, type PollRequest } from "./request";
