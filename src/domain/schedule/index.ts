/** Schedule maths for schedule triggers: validation, next fire times under a DST policy, jitter and fire ids. Pure: the clock is always an argument. */
export type { ScheduleSpec } from "./types";
export { validateSchedule } from "./validate";
export { nextOccurrences, occurrencesBetween, occurrencesAfter } from "./occurrences";
export { jitterOffsetMs } from "./jitter";
export { occurrenceId } from "./occurrence-id";
export { selectCatchup, overlapAction, ON_TIME_MS } from "./policy";
