/**
 * First-attempt bodies of deliveries just created, kept so the hand-over
 * need not read the fire back: a shortcut bounded in bytes (the JSON size of
 * each body), never a store. What does not fit, or is evicted, is rebuilt
 * from the fire's stream event when its attempt is handed over.
 */
const BODY_CACHE_BYTES = 4 * 1024 * 1024;

export class BodyCache {
  private readonly bodies = new Map<string, { body: Record<string, unknown>; bytes: number }>();
  private bytes = 0;

  constructor(private readonly budget = BODY_CACHE_BYTES) {}

  /** Keeps a body if it fits the budget, evicting the oldest ones for it. */
  put(id: string, body: Record<string, unknown>, bytes: number): void {
    if (bytes > this.budget) return;
    this.delete(id);
    for (const [old] of this.bodies) {
      if (this.bytes + bytes <= this.budget) break;
      this.delete(old);
    }
    this.bodies.set(id, { body, bytes });
    this.bytes += bytes;
  }

  /** Takes a body out (null: not kept). */
  take(id: string): Record<string, unknown> | null {
    const hit = this.bodies.get(id);
    if (!hit) return null;
    this.delete(id);
    return hit.body;
  }

  delete(id: string): void {
    const hit = this.bodies.get(id);
    if (!hit) return;
    this.bodies.delete(id);
    this.bytes -= hit.bytes;
  }

  clear(): void {
    this.bodies.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.bodies.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }
}
