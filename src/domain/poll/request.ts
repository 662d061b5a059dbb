/** The request a poll sends: the group's URL with the stored cursor in `cursor.param`, its method and headers. */
import type { PollSpec } from "./types";

export type PollRequest = { url: string; method: string; headers: Record<string, string> };

/**
 * The request for one poll. With `cursor` and a stored cursor value, the
 * URL carries `param=<value>` (replacing a value already in the URL); with
 * no stored cursor yet, the URL is sent as it is.
 * @example pollRequest({ url: "https://api.example.com/items?limit=50", cursor: { param: "since", fromPointer: "/next" } }, "c 2")
 * // { url: "https://api.example.com/items?limit=50&since=c+2", method: "GET", headers: {} }
 */
export function pollRequest(poll: Pick<PollSpec, "url" | "method" | "headers" | "cursor">, storedCursor: string | null): PollRequest {
  let url = poll.url;
  if (poll.cursor && storedCursor !== null) {
    const u = new URL(poll.url);
    u.searchParams.set(poll.cursor.param, storedCursor);
    url = u.href;
  }
  return { url, method: (poll.method ?? "GET").toUpperCase(), headers: { ...(poll.headers ?? {}) } };
}
