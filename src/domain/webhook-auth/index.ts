/** Inbound webhook authentication: verification, presets, config validation and redaction. */
export type { AuthResult, HmacAuth, HmacProvider, InboundRequest, MacAlgorithm, SignatureEncoding, WebhookAuth } from "./types";
export { verifyWebhook } from "./verify";
export { PROVIDERS, defaultDedupKey, isSlackUrlVerification, type ProviderInfo } from "./providers";
export { validateWebhookAuth } from "./validate";
