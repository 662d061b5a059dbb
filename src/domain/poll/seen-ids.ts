/**
 * The item ids a poll group has already seen, bounded: the most recently
 * seen ones are kept (at least 10,000) and the rest evicted first in, first
 * out. Serialises to a plain array of ids for the group's SQLite row.
 */
import type { PollItem } from "./extract";

/** The spec's floor: "each group keeps at least the last 10,000 item ids". */
export const SEEN_IDS_CAPACITY = 10_000;

/**
 * A bounded set of ids. Eviction goes by when an id was last seen, not
 * first: an id the source still returns on every page is moved to the newest
 * end each time, so it never ages out (and fires again) while it is on the
 * page. Map iteration order gives the FIFO for free.
 * @example
 * const seen = new SeenIds();
 * seen.markSeen(["a", "b"]);
 * seen.unseen([{ id: "b", item: 1 }, { id: "c", item: 2 }]) // [{ id: "c", item: 2 }]
 */
export class SeenIds {
  readonly capacity: number;
  #ids = new Map<string, true>();

  constructor(capacity = SEEN_IDS_CAPACITY, ids: Iterable<string> = []) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new Error("capacity must be a positive integer");
    this.capacity = capacity;
    this.markSeen(ids);
  }

  /** Restores a set from {@link toJSON}'s output; anything that is not an array of strings gives an empty set. */
  static fromJSON(value: unknown, capacity = SEEN_IDS_CAPACITY): SeenIds {
    const ids = Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
    return new SeenIds(capacity, ids);
  }

  get size(): number {
    return this.#ids.size;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Records ids as seen now, in order (the last one is the newest), evicting the oldest beyond capacity. */
  markSeen(ids: Iterable<string>): void {
    for (const id of ids) {
      this.#ids.delete(id);
      this.#ids.set(id, true);
    }
    for (const id of this.#ids.keys()) {
      if (this.#ids.size <= this.capacity) break;
      this.#ids.delete(id);
    }
  }

  /** The items of a page whose id is not in the set, in page order; the set is not changed. */
  unseen<T extends Pick<PollItem, "id">>(items: T[]): T[] {
    return items.filter((i) => !this.#ids.has(i.id));
  }

  /** The ids, oldest first: JSON.stringify writes a compact array of strings. */
  toJSON(): string[] {
    return [...this.#ids.keys()];
  }
}
