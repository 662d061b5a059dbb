/**
 * The data the browser suite looks at, registered through the public API:
 * one trigger per thing a view shows (a ui.form, a JSON Schema, a dead and a
 * queued delivery, a schedule with a DST policy, a webhook with a secret, a
 * retired trigger, a run with awaits), and a scripted receiver behind them.
 */
import assert from "node:assert/strict";
import { startScriptedReceiver } from "../../chaos/lib/receiver.mjs";

export const NAMES = {
  form: "orders.placed",
  schema: "users.signup",
  dead: "billing.charge",
  queued: "billing.refund",
  schedule: "report.nightly",
  webhook: "github.push",
  retired: "legacy.thing",
  plain: "notes.added",
};

export const UI_FORM = [
  { name: "orderId", type: "text", label: "Order id" },
  { name: "amount", type: "number", label: "Amount" },
  { name: "express", type: "checkbox", label: "Express shipping" },
  { name: "region", type: "select", label: "Region", options: ["eu", "us"] },
  { name: "note", type: "textarea", label: "Note" },
  { name: "meta", type: "json", label: "Metadata" },
];

/**
 * Starts the receiver: `/ok` answers 200; `/flaky` answers 500 while
 * `state.failing` is true, then 200; `/down` always 500.
 */
export async function startReceiver() {
  const state = { failing: true };
  const receiver = await startScriptedReceiver({
    decide: (r) => {
      if (r.path.startsWith("/flaky")) return { status: state.failing ? 500 : 200 };
      if (r.path.startsWith("/down")) return { status: 500 };
      return { status: 200 };
    },
  });
  return { receiver, state };
}

async function put(sb, path, body, expect = [200, 201]) {
  const r = await sb.api("PUT", path, { body });
  assert.ok(expect.includes(r.status), `PUT ${path}: ${r.status} ${r.text}`);
  return r.json;
}

/** Registers everything, oldest first (the list shows newest first). Returns the registration order. */
export async function seed(sb, receiverUrl) {
  const order = [];
  const reg = async (name, def) => {
    await put(sb, `/v1/triggers/${name}`, def);
    order.push(name);
  };
  await reg(NAMES.retired, { type: "event", displayName: "An old trigger" });
  assert.equal((await sb.api("POST", `/v1/triggers/${NAMES.retired}/retire`, { body: { reason: "replaced" } })).status, 200);
  await reg(NAMES.webhook, { type: "webhook", displayName: "GitHub pushes", webhook: { path: "github", auth: { type: "hmac", provider: "github", secret: "gh-s3cret-value" } } });
  await reg(NAMES.schedule, { type: "schedule", schedule: { cron: "0 2 * * *", timezone: "America/New_York", dst: { gap: "skip" } } });
  await reg(NAMES.queued, { type: "event" });
  await put(sb, `/v1/triggers/${NAMES.queued}/subscriptions/refunds`, {
    target: { type: "http", url: `${receiverUrl}/down` }, retry: { maxAttempts: 5, initialBackoffSeconds: 3600, maxBackoffSeconds: 3600 },
  });
  await reg(NAMES.dead, { type: "event", displayName: "Charge a card" });
  await put(sb, `/v1/triggers/${NAMES.dead}/subscriptions/ledger`, { target: { type: "http", url: `${receiverUrl}/flaky` }, retry: { maxAttempts: 1 } });
  await reg(NAMES.plain, { type: "event", filter: { "data.keep": { $ne: false } } });
  await reg(NAMES.schema, {
    type: "manual",
    displayName: "Sign a user up by hand",
    schema: {
      type: "object",
      required: ["email", "plan"],
      properties: {
        email: { type: "string", title: "E-mail", minLength: 3 },
        age: { type: "integer", minimum: 18 },
        plan: { enum: ["free", "pro"] },
        newsletter: { type: "boolean" },
      },
    },
  });
  await put(sb, `/v1/triggers/${NAMES.schema}/subscriptions/crm`, { mode: "manual", target: { type: "http", url: `${receiverUrl}/ok` } });
  await reg(NAMES.form, {
    type: "event",
    displayName: "Order placed",
    schema: { type: "object", required: ["orderId"], properties: { orderId: { type: "string" }, amount: { type: "number", minimum: 1 } } },
    ui: { form: UI_FORM },
  });
  await put(sb, `/v1/triggers/${NAMES.form}/subscriptions/fulfil`, { target: { type: "http", url: `${receiverUrl}/ok` } });
  await put(sb, "/v1/runs/run-42/awaits/nap", { kind: "sleep", durationMs: 3_600_000 });
  await put(sb, "/v1/runs/run-42/awaits/approval", { kind: "webhook", timeoutMs: 3_600_000 });
  return order;
}

/** Fires through the API and returns the answer's JSON (asserting 202). */
export async function fire(sb, name, data) {
  const r = await sb.api("POST", `/v1/triggers/${name}/fire`, { body: { data } });
  assert.equal(r.status, 202, r.text);
  return r.json;
}
