/**
 * The one data-access module of the Worker: every object name, D1 query and
 * stub it hands out carries the tenant it was built with, so no route can
 * reach another tenant's data.
 */
import type { Env } from "../env";
import type { TriggerObject } from "../../durable-objects/trigger-object";
import type { RunObject } from "../../durable-objects/run-object";
import { AppError } from "../errors";

export type TriggerListFilter = { type?: string; status?: string; q?: string; subscribedBy?: string };

type Cursor = [number, string];

function encodeCursor(c: Cursor): string {
  return btoa(JSON.stringify(c)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  try {
    const v = JSON.parse(atob(s.replace(/-/g, "+").replace(/_/g, "/")));
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === "string") return v as Cursor;
  } catch {
    /* fall through */
  }
  throw new AppError(400, "invalid_cursor", "The cursor is not one this API returned");
}

type TriggerIndexRow = {
  name: string; type: string; status: string; display_name: string | null; registered_at: number;
  last_activity_at: number; stats: string; version: number;
};

export class TenantStore {
  constructor(
    private readonly env: Env,
    readonly tenant: string,
  ) {}

  /** The TriggerObject of one of this tenant's triggers. */
  trigger(name: string): DurableObjectStub<TriggerObject> {
    return this.env.TRIGGERS.get(this.env.TRIGGERS.idFromName(`${this.tenant}:${name}`));
  }

  /** The RunObject of one of this tenant's runs. */
  run(runId: string): DurableObjectStub<RunObject> {
    return this.env.RUNS.get(this.env.RUNS.idFromName(`${this.tenant}:${runId}`));
  }

  /** GET /v1/triggers: one indexed D1 query per page, newest first. */
  async listTriggers(filter: TriggerListFilter, limit: number, cursor?: string) {
    const c = decodeCursor(cursor);
    const where = ["t.tenant = ?"];
    const params: unknown[] = [this.tenant];
    if (filter.type) (where.push("t.type = ?"), params.push(filter.type));
    if (filter.status) (where.push("t.status = ?"), params.push(filter.status));
    if (filter.q) (where.push("substr(t.name, 1, ?) = ?"), params.push(filter.q.length, filter.q));
    if (filter.subscribedBy) {
      where.push("EXISTS (SELECT 1 FROM subscriptions s WHERE s.tenant = t.tenant AND s.trigger_name = t.name AND s.flow = ?)");
      params.push(filter.subscribedBy);
    }
    if (c) (where.push("(t.registered_at < ? OR (t.registered_at = ? AND t.name < ?))"), params.push(c[0], c[0], c[1]));
    const { results } = await this.env.DB.prepare(
      `SELECT t.name, t.type, t.status, t.display_name, t.registered_at, t.last_activity_at, t.stats, t.version
       FROM triggers t WHERE ${where.join(" AND ")} ORDER BY t.registered_at DESC, t.name DESC LIMIT ?`,
    )
      .bind(...params, limit + 1)
      .all<TriggerIndexRow>();
    const page = results.slice(0, limit);
    const last = page[page.length - 1];
    return {
      triggers: page.map((r) => ({
        name: r.name, type: r.type, status: r.status, displayName: r.display_name, registeredAt: r.registered_at,
        lastActivityAt: r.last_activity_at, stats: JSON.parse(r.stats), version: r.version,
      })),
      nextCursor: results.length > limit && last ? encodeCursor([last.registered_at, last.name]) : null,
    };
  }

  /** GET /v1/flows/{flow}/subscriptions: the flow's subscriptions from the index, then each one's detail. */
  async listFlowSubscriptionNames(flow: string, limit: number, cursor?: string) {
    const after = cursor ? decodeCursor(cursor)![1] : "";
    const { results } = await this.env.DB.prepare(
      `SELECT trigger_name, mode, target_type, subscribed_at FROM subscriptions WHERE tenant = ? AND flow = ? AND trigger_name > ? ORDER BY trigger_name LIMIT ?`,
    )
      .bind(this.tenant, flow, after, limit + 1)
      .all<{ trigger_name: string; mode: string; target_type: string; subscribed_at: number }>();
    const page = results.slice(0, limit);
    return { rows: page, nextCursor: results.length > limit ? encodeCursor([0, page[page.length - 1].trigger_name]) : null };
  }

  /** Where a webhook path leads per the index: trigger, allowed methods, body cap (the object re-checks all). */
  async webhookRoute(path: string): Promise<{ name: string; methods: string[]; maxBody: number } | null> {
    const r = await this.env.DB.prepare(
      `SELECT name, webhook_methods, webhook_max_body FROM triggers WHERE tenant = ? AND webhook_path = ? ORDER BY status = 'active' DESC, registered_at DESC LIMIT 1`,
    )
      .bind(this.tenant, path)
      .first<{ name: string; webhook_methods: string | null; webhook_max_body: number | null }>();
    if (!r) return null;
    return { name: r.name, methods: (r.webhook_methods ?? "POST").split(","), maxBody: r.webhook_max_body ?? 1024 * 1024 };
  }

  /** The trigger that owns a webhook path in the index (the object re-checks). */
  async triggerForWebhookPath(path: string): Promise<string | null> {
    const r = await this.env.DB.prepare(
      `SELECT name FROM triggers WHERE tenant = ? AND webhook_path = ? ORDER BY status = 'active' DESC, registered_at DESC LIMIT 1`,
    )
      .bind(this.tenant, path)
      .first<{ name: string }>();
    return r?.name ?? null;
  }
}
