/** A poll trigger's `poll` block (API.md "Poll triggers") as the pure poll modules read it. */

type PollCursor = {
  /** Query parameter the stored cursor is sent in, e.g. "since". */
  param: string;
  /** JSON pointer into the answer where the next cursor is. */
  fromPointer: string;
};

export type PollSpec = {
  url: string;
  /** Default "GET". */
  method?: string;
  /** Sent with every poll; values are secrets. */
  headers?: Record<string, string>;
  /** "5s", "90s", "1m", "2h"…; at least 5 s. Exactly one of `every` and `cron`. */
  every?: string;
  /** 5 fields, or 6 with seconds first, in UTC. */
  cron?: string;
  /** Where the items are; default: the answer itself is the array. */
  itemsPointer?: string;
  /** Where an item's id is, inside the item; default "/id". */
  idPointer?: string;
  cursor?: PollCursor;
  /** Only for the trigger that creates the group; default "now". */
  startFrom?: "now" | "beginning";
  /** Default 10 000. */
  timeoutMs?: number;
};

/** The part of a PollSpec that decides when to poll. */
export type PollTiming = Pick<PollSpec, "every" | "cron">;
