/** The Worker's exports: the HTTP app, the queue consumer, the daily cleanup and the Durable Object classes. */
import { createApp } from "./app";
import { consumeDeliveries } from "./delivery/consumer";
import { cleanupAllTenants } from "./maintenance/cleanup";
import type { Env } from "./env";
import type { DeliveryMessage } from "./contracts/messages";
import { configureLogs } from "./observability/log";

export { TriggerObject } from "../durable-objects/trigger-object";
export { RunObject } from "../durable-objects/run-object";
export { PollGroupObject } from "../durable-objects/poll-group-object";
export { FlowGateObject } from "../durable-objects/flow-gate-object";
export { verifyDelivery } from "./receiver/verify-delivery";

const app = createApp();

export default {
  fetch: (req, env, ctx) => (configureLogs(env.LOG_LEVEL), app.fetch(req, env, ctx)),
  queue: (batch, env) => (configureLogs(env.LOG_LEVEL), consumeDeliveries(batch, env)),
  // the daily cleanup of every tenant (wrangler.toml [triggers])
  scheduled: (controller, env, ctx) => (configureLogs(env.LOG_LEVEL), ctx.waitUntil(cleanupAllTenants(env, controller.scheduledTime))),
} satisfies ExportedHandler<Env, DeliveryMessage>;
