/**
 * What flow gates and the flows routes call on a trigger (docs/flow-control.md):
 * a policy change, a wake, the trigger's part of a flow's state; and the
 * gate asked when a subscription is put. The marks are ./gate-marks.ts.
 */
import type { GateMark } from "../../src/contracts/rpc";
import type { LaneFigures } from "../../src/domain/flow/state";
import type { Core } from "./core";
import type { TriggerHost } from "./host";
import { loadEntry } from "./tables/entry";
import { gate, gateMarks, saveGateMark } from "./gate-marks";
import { findSubscription } from "./tables/subscriptions";
import { book } from "./stats";
import { redactTarget } from "../../src/domain/redact";

/** The flow's policy changed (its gate tells every subscribed trigger): an older version than the one kept changes nothing. */
export async function gateChanged(host: TriggerHost, flow: string, mark: GateMark | null): Promise<void> {
  const core = host.core;
  if (!core.ready || !loadEntry(core)) return;
  const have = gateMarks(core)[flow];
  const version = mark?.version ?? Number.POSITIVE_INFINITY;
  if (have && mark && have.version >= version) return;
  core.tx(() => saveGateMark(core, flow, mark));
  // a flow-wide breaker replaces the subscription's own: an open one would keep the lane from ever asking
  if (mark?.breaker || !mark?.gated) core.ledger.resetLane(flow);
  core.ledger.gateWake(flow);
  await host.settle({ deliveries: true });
}

/** A subscription was put: whether its flow is gated is asked of the flow's gate (the source of truth). */
export async function learnGate(host: TriggerHost, flow: string): Promise<void> {
  const { stub } = gate(host.core, flow);
  const v = await stub.view();
  if (v) await gateChanged(host, flow, { version: v.version, gated: true, breaker: v.policy.breaker !== undefined, rate: v.policy.rateLimit !== undefined });
}

/** The flow's gate has room again: the lane asks at once. */
export async function gateWake(host: TriggerHost, flow: string): Promise<void> {
  if (!host.core.ready) return;
  host.core.ledger.gateWake(flow);
  await host.settle({ deliveries: true });
}

/** This trigger's part of a flow's state (null: not subscribed and nothing waiting). */
export function flowLane(core: Core, flow: string): LaneFigures | null {
  if (!core.ready || !loadEntry(core)) return null;
  const waiting = Math.max(0, book(core).flows[flow]?.pending ?? 0);
  if (!findSubscription(core, flow) && waiting === 0) return null;
  const lane = core.ledger.laneView(flow);
  const oldest = waiting > 0
    ? core.sql.one<{ t: number }>(`SELECT fired_at AS t FROM deliveries WHERE event_seq >= ? AND status = 'queued' AND flow = ? ORDER BY event_seq, n LIMIT 1`, book(core).openLow, flow)?.t ?? null
    : null;
  const sub = findSubscription(core, flow);
  return {
    waiting, inFlight: lane.inFlight, oldestWaitingAt: oldest, breaker: lane.breaker, breakerOpenedAt: lane.breakerOpenedAt, heldUntil: lane.heldUntil,
    subscription: sub ? { mode: sub.mode, target: redactTarget(sub.target as Record<string, unknown>) } : null,
  };
}
