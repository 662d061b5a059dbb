/**
 * An exact sliding-window limit (API.md "Flows: delivery policy"): in no
 * interval of `periodMs` do more than `limit` starts happen — unlike a token
 * bucket, whose burst equals the limit and lets twice the limit through
 * around a window's edge. The window keeps the starts of the last period as
 * (time, count) pairs, so a batch of grants at one moment is one entry, and
 * it is plain JSON for a checkpoint. Pure: the clock is an argument.
 */

/** Starts as [epoch ms, how many] pairs, oldest first. */
export type WindowState = [number, number][];

export class SlidingWindow {
  private readonly starts: WindowState;

  constructor(
    readonly limit: number,
    readonly periodMs: number,
    state: WindowState = [],
  ) {
    this.starts = state.map(([t, n]) => [t, n]);
  }

  /** Drops what left the window: a start at `t` counts until `t + periodMs` (inclusive, so the limit holds at both ends). */
  private prune(now: number): void {
    while (this.starts.length && this.starts[0][0] + this.periodMs < now) this.starts.shift();
  }

  /** Starts counted at `now`. */
  used(now: number): number {
    this.prune(now);
    return this.starts.reduce((n, [, c]) => n + c, 0);
  }

  /**
   * How many may start at `now`.
   * @example new SlidingWindow(2, 1000).room(0) // 2
   */
  room(now: number): number {
    return Math.max(0, this.limit - this.used(now));
  }

  /** Records `n` starts at `now` (at most the room: the caller asked for it first). */
  take(now: number, n: number): void {
    if (n <= 0) return;
    this.prune(now);
    const last = this.starts[this.starts.length - 1];
    if (last && last[0] === now) last[1] += n;
    else this.starts.push([now, n]);
  }

  /** When the next start may happen (now when there is room). */
  nextRoomAt(now: number): number {
    if (this.room(now) > 0) return now;
    // the window is full: room appears when enough of the oldest starts leave it
    let excess = this.used(now) - this.limit + 1;
    for (const [t, n] of this.starts) {
      excess -= n;
      if (excess <= 0) return t + this.periodMs + 1;
    }
    return now + this.periodMs;
  }

  /** The state to checkpoint (pruned). */
  state(now: number): WindowState {
    this.prune(now);
    return this.starts.map(([t, n]) => [t, n]);
  }
}
