/**
 * The deployment's outbound-address policy: http targets, await callbacks and
 * poll URLs may not point at non-public addresses (src/domain/outbound-address.ts)
 * unless the deployment sets ALLOW_PRIVATE_TARGETS=true (local development
 * does). Read from the env on every call, so a test or an operator can change
 * the flag without a restart of anything but the Worker.
 */
import { privateUrlProblem } from "../domain/outbound-address";

/**
 * Whether the deployment allows private, loopback and link-local targets.
 * @example privateTargetsAllowed({ ALLOW_PRIVATE_TARGETS: "true" }) // true
 * @internal (exported for tests)
 */
export function privateTargetsAllowed(env: { ALLOW_PRIVATE_TARGETS?: unknown }): boolean {
  const v = env.ALLOW_PRIVATE_TARGETS;
  return v === true || (typeof v === "string" && v.trim().toLowerCase() === "true");
}

/**
 * Why this deployment refuses `url` as an outbound address, or null when it
 * may be called (the send-time check for a target registered earlier).
 * @example outboundUrlProblem({}, "http://169.254.169.254/latest") // "must not point at a link-local address: …"
 */
export function outboundUrlProblem(env: { ALLOW_PRIVATE_TARGETS?: unknown }, url: string): string | null {
  return privateTargetsAllowed(env) ? null : privateUrlProblem(url);
}
