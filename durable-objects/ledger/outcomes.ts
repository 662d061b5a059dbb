/**
 * Outcomes and lane protection: a batch of attempts' outcomes is written in
 * one transaction (a repeat or an old attempt is stale and changes
 * nothing); each outcome moves its lane's breaker, Retry-After hold and
 * fast/slow standing (../../src/domain/delivery-lane.ts), and what was in
 * flight is released after the commit.
 */
import { decideAttempt } from "../../src/domain/backoff";
import { FAST_LANE_BUDGET_MS } from "../../src/contracts/limits";
import type { OutcomeItem } from "../../src/contracts/rpc";
import { afterAttempt, smooth, standingFor, type LaneState } from "../../src/domain/delivery-lane";
import { rewind, type Lane } from "./lane";
import type { LaneWindow } from "./window";
import type { GateReport, LedgerDecision } from "./types";

/** Records attempts' outcomes in one transaction; stale ones (repeats, old attempts) change nothing. */
export function recordOutcomes(w: LaneWindow, items: OutcomeItem[], random: () => number = Math.random): ("recorded" | "stale")[] {
  const now = w.host.now();
  const lanes = w.sync();
  const after: (() => void)[] = [];
  const states = new Map<Lane, LaneState>();
  // what each gated lane tells its flow's gate: outcomes, and permits given back unused
  const gates = new Map<Lane, { outcomes: GateReport[]; unused: number }>();
  const toGate = (lane: Lane | undefined) => {
    if (!lane?.config.gated) return null;
    let g = gates.get(lane);
    if (!g) gates.set(lane, (g = { outcomes: [], unused: 0 }));
    return g;
  };
  const answers = w.host.tx(() =>
    items.map((it) => {
      const row = w.store.row(it.id);
      if (!row || row.status !== "queued" || it.attempt !== row.attempts + 1) return "stale" as const;
      const lane = lanes.get(row.lane);
      const handed = lane?.inFlight.get(it.id);
      const res = it.result;
      if (res.deferred) {
        // not attempted (the fast queue's budget, or no room in the consumer): back to waiting, no attempt counted
        if (lane) after.push(() => (w.putBack(lane, it.id), res.deferred === "slow" && demote(w, lane)));
        const g = toGate(lane);
        if (g) g.unused++;
        return "recorded" as const;
      }
      const probe = handed?.probe === true;
      const decision: LedgerDecision = res.skipped
        ? { status: "skipped", reason: res.skipped }
        : decideAttempt(res.statusCode, res.retryAfterSeconds, it.attempt, w.store.policy(row), random());
      const ok = decision.status === "delivered";
      const g = toGate(lane);
      if (g && res.skipped) g.unused++;
      else if (g) g.outcomes.push({ ok, probe, statusCode: res.statusCode, error: res.error, retryAfterSeconds: res.retryAfterSeconds });
      if (probe && !ok && !res.skipped) w.store.writeProbeFailure(row, it.attempt, res, now);
      else w.store.write(row, it.attempt, decision, res, now);
      if (lane && !res.skipped) {
        const { state, events } = afterAttempt(states.get(lane) ?? lane.state, { ok, probe, statusCode: res.statusCode, error: res.error, retryAfterSeconds: res.retryAfterSeconds }, w.breakerOf(lane), now);
        const standing = res.ms === undefined ? state.standing : standingFor(state.standing, smooth(lane.smoothedMs, res.ms));
        const next = { ...state, standing };
        const prev = states.get(lane) ?? lane.state;
        if (JSON.stringify(next) !== JSON.stringify(prev) || events.length) w.store.saveLane(lane.config.lane, next, events, now);
        states.set(lane, next);
      }
      after.push(() => {
        if (!lane) return;
        w.release(lane, it.id);
        if (res.ms !== undefined) lane.smoothedMs = smooth(lane.smoothedMs, res.ms);
        if (decision.status === "retry" || (probe && !ok)) lane.retryCheckAt = Math.min(lane.retryCheckAt, probe && !ok ? now : now + ("delaySeconds" in decision ? decision.delaySeconds * 1000 : 0));
        if (probe && !ok && handed?.fresh) rewind(lane, handed.key);
      });
      return "recorded" as const;
    }),
  );
  for (const [lane, s] of states) lane.state = s;
  for (const f of after) f();
  for (const [lane, g] of gates) w.host.report?.(lane.config.lane, g.outcomes, g.unused);
  return answers;
}

/** The fast queue's consumer found the lane slow: its first attempts take the slow queue from now on. */
function demote(w: LaneWindow, lane: Lane): void {
  if (lane.state.standing === "slow") return;
  const next: LaneState = { ...lane.state, standing: "slow" };
  w.host.tx(() => w.store.saveLane(lane.config.lane, next, [], w.host.now()));
  lane.state = next;
  lane.smoothedMs = Math.max(lane.smoothedMs ?? 0, FAST_LANE_BUDGET_MS);
}
