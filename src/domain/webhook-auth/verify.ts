/** Entry point: checks an inbound webhook against its trigger's `webhook.auth`, one file per scheme. */
import { OK, reject } from "./common";
import { verifyGeneric } from "./generic";
import { verifyGithub } from "./github";
import { verifyLinear } from "./linear";
import { verifySentry } from "./sentry";
import { verifyShopify } from "./shopify";
import { verifyApiKey, verifyBasic, verifyBearer } from "./simple";
import { verifySlack } from "./slack";
import { verifyStandardWebhooks } from "./standard-webhooks";
import { verifyStripe } from "./stripe";
import type { AuthResult, HmacAuth, HmacProvider, InboundRequest, WebhookAuth } from "./types";

type HmacVerifier = (auth: HmacAuth, req: InboundRequest, nowMs: number) => Promise<AuthResult>;

const HMAC_VERIFIERS: Record<HmacProvider, HmacVerifier> = {
  github: verifyGithub,
  stripe: verifyStripe,
  slack: verifySlack,
  shopify: verifyShopify,
  "standard-webhooks": verifyStandardWebhooks,
  linear: verifyLinear,
  sentry: verifySentry,
  generic: verifyGeneric,
};

/**
 * Verifies `req` over its raw body bytes. Never throws: a missing, empty or
 * garbled credential, and a config that could never be satisfied safely
 * (e.g. an empty secret), are `{ ok: false }`.
 *
 * @example
 * const result = await verifyWebhook({ type: "hmac", provider: "github", secret }, req, Date.now());
 * if (!result.ok) throw new AppError(401, "unauthorized", result.reason);
 */
export async function verifyWebhook(auth: WebhookAuth, req: InboundRequest, nowMs: number): Promise<AuthResult> {
  try {
    return await dispatch(auth, req, nowMs);
  } catch {
    return reject("verification failed");
  }
}

function dispatch(auth: WebhookAuth, req: InboundRequest, nowMs: number): Promise<AuthResult> | AuthResult {
  switch (auth.type) {
    case "none":
      return OK;
    case "bearer":
      return filled(auth.token) ? verifyBearer(auth, req) : misconfigured();
    case "api_key":
      return filled(auth.value) ? verifyApiKey(auth, req) : misconfigured();
    case "basic":
      return filled(auth.username) && filled(auth.password) ? verifyBasic(auth, req) : misconfigured();
    case "hmac": {
      // An empty key would let anyone compute a valid signature.
      if (!filled(auth.secret)) return misconfigured();
      const verifier = Object.hasOwn(HMAC_VERIFIERS, auth.provider) ? HMAC_VERIFIERS[auth.provider] : undefined;
      return verifier ? verifier(auth, req, nowMs) : reject("unknown provider");
    }
    default:
      return reject("unknown auth type");
  }
}

function filled(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

function misconfigured(): AuthResult {
  return reject("webhook auth misconfigured");
}
