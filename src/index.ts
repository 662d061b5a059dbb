/** The Worker's exports: the HTTP app, the queue consumer and the Durable Object classes. */
import { createApp } from "./app";
import { consumeDeliveries } from "./delivery/consumer";
import type { DeliveryMessage, Env } from "./env";

export { TriggerObject } from "../durable-objects/trigger-object";
export { RunObject } from "../durable-objects/run-object";
export { PollGroupObject } from "../durable-objects/poll-group-object";
export { verifyDelivery } from "./receiver/verify-delivery";

const app = createApp();

export default {
  fetch: (req, env, ctx) => app.fetch(req, env, ctx),
  queue: (batch, env) => consumeDeliveries(batch, env),
} satisfies ExportedHandler<Env, DeliveryMessage>;
