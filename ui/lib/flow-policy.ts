/**
 * A flow's policy (API.md "Flows: delivery policy") for people, and the
 * policy editor's model: the form's strings from a policy, the PUT body from
 * the form. Pure. The editor checks nothing itself: the API's 400 names the
 * field, and the view puts it next to that field.
 */
import type { FlowPolicy } from "../types";

/** The editor's inputs, named by their path in the PUT body (as the API's error details name them). */
export const POLICY_FIELDS = [
  { name: "rateLimit.limit", label: "Rate limit: attempts", help: "at most this many attempts start in any window (1-100000)" },
  { name: "rateLimit.periodSeconds", label: "Rate limit: window (s)", help: "the window's length in seconds (1-3600)" },
  { name: "concurrency", label: "Concurrency", help: "attempts in flight at once (1-1000; 1 = one at a time)" },
  { name: "breaker.failureThreshold", label: "Breaker: failures", help: "consecutive failed attempts that open it (1-1000)" },
  { name: "breaker.cooldownSeconds", label: "Breaker: cooldown (s)", help: "seconds before one probe goes out (1-3600)" },
] as const;

export type PolicyField = (typeof POLICY_FIELDS)[number]["name"];
export type PolicyValues = Record<PolicyField, string>;

const text = (n: number | undefined) => (n === undefined ? "" : String(n));
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The policy in a few words, one part per rule ([] for no policy).
 * @example policySummary({ rateLimit: { limit: 10, periodSeconds: 1 }, paused: true }) // ["10 per 1 s", "paused"]
 */
export function policySummary(p: FlowPolicy | undefined): string[] {
  const out: string[] = [];
  if (!p) return out;
  if (p.rateLimit) out.push(`${p.rateLimit.limit} per ${p.rateLimit.periodSeconds} s`);
  if (p.concurrency !== undefined) out.push(`${p.concurrency} in flight`);
  if (p.breaker) out.push(`breaker after ${plural(p.breaker.failureThreshold, "failure")}, ${p.breaker.cooldownSeconds} s cooldown`);
  if (p.paused) out.push("paused");
  return out;
}

/** The editor's strings for a policy (empty: not set). */
export function policyValues(p: FlowPolicy): PolicyValues {
  return {
    "rateLimit.limit": text(p.rateLimit?.limit),
    "rateLimit.periodSeconds": text(p.rateLimit?.periodSeconds),
    concurrency: text(p.concurrency),
    "breaker.failureThreshold": text(p.breaker?.failureThreshold),
    "breaker.cooldownSeconds": text(p.breaker?.cooldownSeconds),
  };
}

/** A number when the string is one, else the string as typed (the API then says what is wrong with it); undefined when empty. */
function numberOf(s: string): number | string | undefined {
  const t = s.trim();
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** An object of the parts given, or undefined when none is (a half-filled pair is sent half: the API names the missing part). */
function pair(parts: Record<string, string>): Record<string, number | string> | undefined {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(parts)) {
    const n = numberOf(v);
    if (n !== undefined) out[k] = n;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The PUT body for the form. PUT replaces the whole policy, so the flow's
 * pause is carried over as it is (the editor does not pause or resume).
 * @example policyBody({ ...empty, concurrency: "5" }, true) // { concurrency: 5, paused: true }
 */
export function policyBody(v: PolicyValues, paused: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const rateLimit = pair({ limit: v["rateLimit.limit"], periodSeconds: v["rateLimit.periodSeconds"] });
  if (rateLimit) body.rateLimit = rateLimit;
  const concurrency = numberOf(v.concurrency);
  if (concurrency !== undefined) body.concurrency = concurrency;
  const breaker = pair({ failureThreshold: v["breaker.failureThreshold"], cooldownSeconds: v["breaker.cooldownSeconds"] });
  if (breaker) body.breaker = breaker;
  if (paused) body.paused = true;
  return body;
}
