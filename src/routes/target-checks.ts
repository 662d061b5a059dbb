/**
 * What the deployment allows as an outbound address, checked where a target
 * is set: http targets and await callbacks (their url), queue targets (their
 * binding), poll URLs. A refusal is a 400 naming the field; import and sync
 * list the same problems with every other.
 */
import { AppError } from "../errors";
import { outboundUrlProblem } from "../policy/outbound-urls";
import { queueTargetProblem } from "./queue-target";

type Env = Record<string, unknown>;
type FieldProblem = { path: string; code: string; message: string };
type AnyTarget = { type: "http"; url: string } | { type: "queue"; queue: string } | { type: "pull" };

/**
 * Why this deployment refuses a target for the tenant, with the field's path
 * under `at` (e.g. "target.url", "callback.queue"), or null.
 */
export function targetProblem(env: Env, tenant: string, target: AnyTarget, at: string): FieldProblem | null {
  if (target.type === "http") {
    const message = outboundUrlProblem(env, target.url);
    return message ? { path: `${at}.url`, code: "invalid_target", message } : null;
  }
  if (target.type === "queue") {
    const p = queueTargetProblem(env, tenant, target.queue);
    return p ? { path: `${at}.queue`, code: p.code, message: p.message } : null;
  }
  return null;
}

/** A poll trigger's URL against the outbound-address policy. */
export function pollUrlProblem(env: Env, def: { poll?: { url: string } }): FieldProblem | null {
  const message = def.poll ? outboundUrlProblem(env, def.poll.url) : null;
  return message ? { path: "poll.url", code: "invalid_target", message } : null;
}

/** The 400 answer for one problem: the field first in the message, and in details as validation issues are. */
export function refuse(p: FieldProblem | null): void {
  if (p) throw new AppError(400, p.code, `${p.path}: ${p.message}`, [{ path: p.path, message: p.message }]);
}
