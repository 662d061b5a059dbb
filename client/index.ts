/**
 * The `signalbox` package: a typed client for the HTTP API, the delivery
 * verifier for flows, and `defineTrigger` / `defineFlows` for code-defined
 * triggers and flow policies.
 */
export { createClient, type ClientOptions, type SignalboxClient, type Schemas, type StreamEvent } from "./client";
export { SignalboxError, NotFoundError, ConflictError, ValidationError, UnauthorizedError, RateLimitedError, errorFromResponse } from "./errors";
export { defineTrigger, defineFlows, type TriggerDefinition, type FlowPolicies } from "./define";
export { verifyDelivery } from "../src/receiver/verify-delivery";
export type { paths, components, operations } from "./schema";
