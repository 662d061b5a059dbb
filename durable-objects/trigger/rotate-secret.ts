/**
 * Rotating an http subscription's signing secret (POST …/rotate-secret):
 * a new `whsec_` secret at once, and for `overlapHours` every delivery is
 * signed with the previous secret as well, so a flow can switch its
 * verifier over without dropping a delivery. The stream records
 * `subscription.secret_rotated`, never a secret.
 */
import { AppError } from "../../src/errors";
import { generateWebhookSecret } from "../../src/domain/standard-webhooks";
import type { Core, SecretRotation, Subscription } from "./core";
import { requireEntry } from "./tables/entry";
import { findSubscription, saveSubscription } from "./tables/subscriptions";
import { recordEvent } from "./journal";
import { touch } from "./projection";

/**
 * Replaces the secret; the old one keeps signing until `now + overlapHours`
 * (0: replaced at once). A rotation during an overlap starts a new one from
 * the secret being replaced: at most two secrets sign a delivery.
 */
export function rotateSecret(core: Core, flow: string, overlapHours: number): { secret: string; sub: Subscription; previousSecretExpiresAt: number | null } {
  return core.tx(() => {
    requireEntry(core);
    const old = findSubscription(core, flow);
    if (!old) throw new AppError(404, "not_found", `Flow '${flow}' is not subscribed`);
    if (old.target.type !== "http") {
      throw new AppError(409, "not_an_http_subscription", `Flow '${flow}' has a ${old.target.type} target; only http targets are signed, so there is no secret to rotate`);
    }
    const now = core.now();
    const secret = generateWebhookSecret();
    const previous = old.target.secret;
    const until = now + Math.round(overlapHours * 3_600_000);
    const rotation: SecretRotation | null = previous && until > now ? { previousSecret: previous, until, rotatedAt: now } : null;
    const sub: Subscription = { ...old, target: { ...old.target, secret }, rotation };
    saveSubscription(core, sub, now);
    const version = touch(core);
    recordEvent(core, "subscription.secret_rotated", { flow, overlapHours, previousSecretExpiresAt: rotation?.until ?? null, version });
    return { secret, sub, previousSecretExpiresAt: rotation?.until ?? null };
  });
}
