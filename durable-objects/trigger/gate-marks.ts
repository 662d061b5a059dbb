/**
 * Which of this trigger's flows a gate paces (their marks, kept in `meta`),
 * and the ledger's asks and reports to those gates (docs/flow-control.md).
 */
import type { GateMark } from "../../src/contracts/rpc";
import { flowGateObjectName, objectStub } from "../../src/contracts/objects";
import type { GateGrant, GateReport } from "../ledger/types";
import type { Core } from "./core";
import { loadEntry } from "./tables/entry";
import { readMeta, writeMeta } from "./tables/meta";

const KEY = "gates";
const marks = new WeakMap<Core, Record<string, GateMark>>();

/** The gate marks of this trigger's flows (a flow without one is not gated). */
export function gateMarks(core: Core): Record<string, GateMark> {
  if (!core.ready) return {};
  let m = marks.get(core);
  if (!m) marks.set(core, (m = readMeta<Record<string, GateMark>>(core, KEY) ?? {}));
  return m;
}

export function gate(core: Core, flow: string) {
  const entry = loadEntry(core);
  if (!entry) throw new Error("no trigger");
  return { stub: objectStub(core.env.FLOW_GATES, flowGateObjectName(entry.tenant, flow)), trigger: entry.name };
}

/** The ledger's ask (ledger/hand-over.ts): how many of `want` deliveries of a gated flow may start now. */
export async function askGate(core: Core, flow: string, want: number, oldestDueAt: number, leaseMs: number): Promise<GateGrant> {
  const { stub, trigger } = gate(core, flow);
  return stub.ask(trigger, want, oldestDueAt, leaseMs);
}

/** The ledger's report (ledger/outcomes.ts), in the background: a lost report's permits free themselves at their lease. */
export function reportToGate(core: Core, flow: string, outcomes: GateReport[], unused: number): void {
  if (!outcomes.length && unused === 0) return;
  try {
    const { stub, trigger } = gate(core, flow);
    stub.report(trigger, outcomes, unused).catch(() => {});
  } catch {
    // no trigger any more: nothing to report for
  }
}

/** Keeps a flow's mark (inside a transaction; memory follows the commit). */
export function saveGateMark(core: Core, flow: string, mark: GateMark | null): void {
  const next = { ...gateMarks(core) };
  if (mark && mark.gated) next[flow] = mark;
  else delete next[flow];
  writeMeta(core, KEY, next);
  core.onCommit(() => marks.set(core, next));
}
