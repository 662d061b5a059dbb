/** The pure part of poll triggers: group keys, timing, reading answers, failure policy, limits and validation. */
export type { PollCursor, PollSpec, PollTiming } from "./types";
export { DEFAULT_ID_POINTER, DEFAULT_ITEMS_POINTER, canonicalPollSource, pollGroupKey } from "./group-key";
export { MIN_POLL_PERIOD_MS, groupSchedule, nextPollAfter, nextPollAt, parseEvery, pollPeriodMs, pollTimingProblems } from "./period";
export { MAX_ITEMS_PER_POLL, MAX_ITEM_ID_LENGTH, extractItems, normaliseId, type Extraction, type ItemProblem, type PollItem } from "./extract";
export {
  MAX_POLL_RETRY_MS, applyPollOutcome, classifyPollOutcome, describeOutcome, initialPollState, pollRetryDelayMs, unpausePollState,
  type OutcomeContext, type PollEvent, type PollFailedData, type PollOutcome, type PollRecoveredData, type PollState, type PollVerdict,
} from "./failure";
export {
  DEFAULT_MAX_POLL_RESPONSE_BYTES, DEFAULT_POLL_TIMEOUT_MS, MAX_POLL_TIMEOUT_MS, MIN_POLL_TIMEOUT_MS, SEEN_IDS_CAPACITY, pollTimeoutMs, readBodyCapped, responseSizeProblem,
} from "./limits";
export { pollRequest, type PollRequest } from "./request";
export { validatePoll } from "./validate";
