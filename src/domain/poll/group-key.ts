/**
 * Poll groups: triggers that read the same source the same way share one
 * poll. The group key is a hash of a canonical form of that source, so
 * equivalent definitions (header names in another case or order, a method in
 * lowercase, an explicit default pointer) land in the same group.
 */
import { sha256Hex } from "../bytes";
import type { PollSpec } from "./types";

export const DEFAULT_ID_POINTER = "/id";
/** The answer itself is the array of items. */
export const DEFAULT_ITEMS_POINTER = "";

type GroupSource = Pick<PollSpec, "url" | "method" | "headers" | "itemsPointer" | "idPointer" | "cursor">;

/**
 * The canonical JSON the group key hashes: an array in a fixed order, with
 * the URL normalised by the URL parser (host case, default port), the method
 * uppercased, header names lowercased and sorted (two names that differ only
 * in case are joined with ", ", as fetch would send them) and the pointers'
 * defaults filled in. Header values and the query string are kept as they
 * are. The tenant is not part of it: groups live inside a tenant.
 * @example canonicalPollSource({ url: "https://API.example.com/items" }) // '["poll-group.v1","https://api.example.com/items","GET",[],"","/id",null]'
 * @internal (exported for tests)
 */
export function canonicalPollSource(poll: GroupSource): string {
  const merged = new Map<string, string>();
  for (const name of Object.keys(poll.headers ?? {}).sort()) {
    const lower = name.toLowerCase();
    const value = poll.headers![name];
    merged.set(lower, merged.has(lower) ? `${merged.get(lower)}, ${value}` : value);
  }
  const headers = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([
    "poll-group.v1",
    normaliseUrl(poll.url),
    (poll.method ?? "GET").toUpperCase(),
    headers,
    poll.itemsPointer ?? DEFAULT_ITEMS_POINTER,
    poll.idPointer ?? DEFAULT_ID_POINTER,
    poll.cursor ? [poll.cursor.param, poll.cursor.fromPointer] : null,
  ]);
}

/**
 * The poll group's key: lowercase hex SHA-256 of {@link canonicalPollSource}.
 * @example await pollGroupKey({ url: "https://api.example.com/items", every: "5m" }) // 64 hex digits
 */
export async function pollGroupKey(poll: GroupSource): Promise<string> {
  return sha256Hex(canonicalPollSource(poll));
}

function normaliseUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}
