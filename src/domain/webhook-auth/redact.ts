/** Write-only secrets: the auth config as reads and logs show it. */
import type { WebhookAuth } from "./types";

export const REDACTED = "********";
const SECRET_FIELDS = ["secret", "token", "value", "password"] as const;

/**
 * A copy with every secret field replaced by "********"; other fields are kept.
 *
 * @example
 * redactWebhookAuth({ type: "bearer", token: "abc" }) // { type: "bearer", token: "********" }
 */
export function redactWebhookAuth(auth: WebhookAuth): WebhookAuth {
  const copy: Record<string, unknown> = { ...auth };
  for (const field of SECRET_FIELDS) {
    if (Object.hasOwn(copy, field)) copy[field] = REDACTED;
  }
  return copy as WebhookAuth;
}
