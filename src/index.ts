import { DurableObject } from "cloudflare:workers";
export { TriggerObject } from "../durable-objects/trigger-object";
export class RunObject extends DurableObject {}
export default {
  async fetch() { return new Response("ok"); },
  async queue() {},
} satisfies ExportedHandler;
