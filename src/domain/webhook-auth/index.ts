/** Inbound webhook authentication: verification, presets, config validation and redaction. */
export type { WebhookAuth } from "./types";
export { verifyWebhook } from "./verify";
export { PROVIDERS, defaultDedupKey, isSlackUrlVerification } from "./providers";
