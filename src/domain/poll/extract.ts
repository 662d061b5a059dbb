/**
 * Reading one poll answer: the items (at most 1,000 a poll), each item's id
 * as a string, the problems with items that cannot be fired, and the next
 * cursor. An item without a usable id is reported, never dropped in silence.
 */
import { getPointer } from "../transform";
import { DEFAULT_ID_POINTER, DEFAULT_ITEMS_POINTER } from "./group-key";
import type { PollSpec } from "./types";

/**
 * Items read per poll; the rest come on the next one.
 * @internal (exported for tests)
 */
export const MAX_ITEMS_PER_POLL = 1_000;
/** Longer ids are refused: the group keeps 10,000 of them. */
const MAX_ITEM_ID_LENGTH = 1_024;

type PollItem = { id: string; item: unknown };
type ItemProblem = { index: number; message: string };

export type Extraction =
  | {
      ok: true;
      /** New and old alike, in answer order, each id once (the first wins). */
      items: PollItem[];
      /** Items beyond the per-poll limit, left for the next poll. */
      leftOver: number;
      /** Items (by index in the answer's array) that have no usable id. */
      problems: ItemProblem[];
      /** Items whose id came again later in the same answer, collapsed into the first. */
      duplicates: number;
      /** The cursor at `cursor.fromPointer` as a string; null when there is none (keep the stored one). */
      nextCursor: string | null;
    }
  | { ok: false; error: string };

/**
 * Extracts the items of a parsed JSON answer. Ids that are strings (not
 * empty, at most 1,024 characters) or finite numbers (as `String(n)`, so
 * `7` and `"7"` are one id) are used; anything else is a problem.
 * `ok: false` when the items are not an array (a poll failure, not an
 * empty page).
 * @example extractItems({ items: [{ id: 7 }] }, { itemsPointer: "/items" }) // { ok: true, items: [{ id: "7", item: { id: 7 } }], leftOver: 0, problems: [], duplicates: 0, nextCursor: null }
 */
export function extractItems(
  body: unknown,
  poll: Pick<PollSpec, "itemsPointer" | "idPointer" | "cursor">,
  limit = MAX_ITEMS_PER_POLL,
): Extraction {
  const itemsPointer = poll.itemsPointer ?? DEFAULT_ITEMS_POINTER;
  const idPointer = poll.idPointer ?? DEFAULT_ID_POINTER;
  const list = getPointer(body, itemsPointer);
  if (!Array.isArray(list)) {
    const where = itemsPointer === "" ? "the answer" : `itemsPointer ${JSON.stringify(itemsPointer)}`;
    return { ok: false, error: `${where} is ${describe(list)}, not an array of items` };
  }
  const taken = list.slice(0, Math.max(0, limit));
  const items: PollItem[] = [];
  const problems: ItemProblem[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  taken.forEach((item, index) => {
    const raw = getPointer(item, idPointer);
    const id = normaliseId(raw);
    if (typeof id !== "string") {
      problems.push({ index, message: `item ${index}: ${id.problem} at idPointer ${JSON.stringify(idPointer)}` });
    } else if (seen.has(id)) {
      duplicates++;
    } else {
      seen.add(id);
      items.push({ id, item });
    }
  });
  return { ok: true, items, leftOver: list.length - taken.length, problems, duplicates, nextCursor: readCursor(body, poll.cursor?.fromPointer) };
}

/**
 * An item id as a string, or why it cannot be one.
 * @example normaliseId(42) // "42"
 * @internal (exported for tests)
 */
export function normaliseId(raw: unknown): string | { problem: string } {
  if (typeof raw === "number") return Number.isFinite(raw) ? String(raw) : { problem: "the id is not a finite number" };
  if (typeof raw !== "string") return { problem: raw === undefined ? "no id" : `the id is ${describe(raw)}, not a string or number` };
  if (raw === "") return { problem: "the id is an empty string" };
  if (raw.length > MAX_ITEM_ID_LENGTH) return { problem: `the id is longer than ${MAX_ITEM_ID_LENGTH} characters` };
  return raw;
}

/** Strings as they are, numbers as `String(n)`; null, absent or any other value means no new cursor. */
function readCursor(body: unknown, pointer: string | undefined): string | null {
  if (pointer === undefined) return null;
  const v = getPointer(body, pointer);
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return null;
}

function describe(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
