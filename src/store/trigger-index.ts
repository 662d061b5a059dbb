/**
 * The global trigger index in D1, for one tenant: listing (one indexed query
 * per page) and the statements the TriggerObjects' outbox applies to keep it
 * a converging projection (version-guarded, so any order of application ends
 * at the objects' state).
 */
import { decodeCursor, encodeCursor } from "./cursor";

export type TriggerListFilter = { type?: string; status?: string; q?: string; subscribedBy?: string };

/** What the index stores of a trigger (the object's entry, flattened). */
export type IndexEntry = {
  name: string; type: string; status: string; displayName: string | null; webhookPath: string | null; webhookMethods: string | null;
  webhookMaxBody: number | null; registeredAt: number; lastActivityAt: number; stats: unknown; version: number; idHash: string;
  /** a flow trigger's flow (null for the others) and its spec */
  flowName: string | null; flowSpec: unknown;
  /** when the trigger was retired (null: active); cleanup finds old retirements by it */
  retiredAt?: number | null;
  /** who manages it: api, import, or a sync source (POST /v1/sync prunes by it) */
  source: string;
};

/** A flow trigger listening to a flow's reports, as the index knows it. */
export type FlowListener = { name: string; on: string[]; triggers: string[] | null };

/** Sorts after every character a name can hold: `name >= q AND name < q + NAME_END` is the prefix `q`. */
const NAME_END = "\u{10FFFF}";

type Row = { name: string; type: string; status: string; display_name: string | null; registered_at: number; last_activity_at: number; stats: string; version: number };

export class TriggerIndex {
  constructor(
    private readonly db: D1Database,
    readonly tenant: string,
  ) {}

  /** Rows D1 reported read by this instance's queries (GET /v1/triggers answers it in a header). */
  rowsRead = 0;

  /**
   * GET /v1/triggers: newest first. Every shape is one indexed read: `q` is a
   * name range on the primary key, `subscribedBy` starts from the flow's live
   * subscriptions (kept in list order, migration 0009), never a scan of the
   * tenant's triggers.
   */
  async list(filter: TriggerListFilter, limit: number, cursor?: string) {
    const c = decodeCursor(cursor);
    // rows come either from the triggers or, for subscribedBy, from the flow's subscriptions (s), in the same order
    const order = filter.subscribedBy ? { at: "s.trigger_registered_at", name: "s.trigger_name" } : { at: "t.registered_at", name: "t.name" };
    const where = filter.subscribedBy ? ["s.tenant = ?", "s.flow = ?", "s.removed = 0"] : ["t.tenant = ?"];
    const params: unknown[] = filter.subscribedBy ? [this.tenant, filter.subscribedBy] : [this.tenant];
    if (filter.type) (where.push("t.type = ?"), params.push(filter.type));
    if (filter.status) (where.push("t.status = ?"), params.push(filter.status));
    if (filter.q) (where.push("t.name >= ? AND t.name < ?"), params.push(filter.q, filter.q + NAME_END));
    if (c) (where.push(`(${order.at} < ? OR (${order.at} = ? AND ${order.name} < ?))`), params.push(c[0], c[0], c[1]));
    const from = filter.subscribedBy ? "subscriptions s JOIN triggers t ON t.tenant = s.tenant AND t.name = s.trigger_name" : "triggers t";
    const { results, meta } = await this.db
      .prepare(
        `SELECT t.name, t.type, t.status, t.display_name, t.registered_at, t.last_activity_at, t.stats, t.version
         FROM ${from} WHERE ${where.join(" AND ")} ORDER BY ${order.at} DESC, ${order.name} DESC LIMIT ?`,
      )
      .bind(...params, limit + 1)
      .all<Row>();
    this.rowsRead += Number(meta?.rows_read ?? 0);
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

  /** GET /v1/flows/{flow}/subscriptions: the triggers a flow is subscribed to, by name. */
  async flowSubscriptions(flow: string, limit: number, cursor?: string) {
    const after = cursor ? decodeCursor(cursor)![1] : "";
    const { results } = await this.db
      .prepare(`SELECT trigger_name FROM subscriptions WHERE tenant = ? AND flow = ? AND removed = 0 AND trigger_name > ? ORDER BY trigger_name LIMIT ?`)
      .bind(this.tenant, flow, after, limit + 1)
      .all<{ trigger_name: string }>();
    const page = results.slice(0, limit);
    return { names: page.map((r) => r.trigger_name), nextCursor: results.length > limit ? encodeCursor([0, page[page.length - 1].trigger_name]) : null };
  }

  /** The active flow triggers listening to a flow (an indexed read, bounded). */
  async flowListeners(flow: string): Promise<FlowListener[]> {
    const { results } = await this.db
      .prepare(`SELECT name, flow_spec FROM triggers WHERE tenant = ? AND flow_name = ? AND status = 'active' LIMIT 1000`)
      .bind(this.tenant, flow)
      .all<{ name: string; flow_spec: string | null }>();
    return results.map((r) => {
      const spec = (r.flow_spec ? JSON.parse(r.flow_spec) : {}) as { on?: string[]; triggers?: string[] };
      return { name: r.name, on: spec.on ?? ["completed"], triggers: spec.triggers ?? null };
    });
  }

  /** POST /v1/sync: a page of the names of active triggers of a source, by name (the objects confirm; the index may lag). */
  async activeNamesBySource(source: string, limit: number, after = ""): Promise<string[]> {
    const { results } = await this.db
      .prepare(`SELECT name FROM triggers WHERE tenant = ? AND source = ? AND status = 'active' AND name > ? ORDER BY name LIMIT ?`)
      .bind(this.tenant, source, after, limit)
      .all<{ name: string }>();
    return results.map((r) => r.name);
  }

  /**
   * GET /v1/fires: triggers whose last activity is at or after `since` and that
   * were registered by `until`, newest activity first, a page after `after`
   * (one indexed range read; `prefix` filters names).
   */
  async activeSince(f: { since: number; until: number; prefix: string | null; after: [number, string] | null; limit: number }): Promise<{ name: string; lastActivityAt: number }[]> {
    const where = ["tenant = ?", "last_activity_at >= ?", "registered_at <= ?"];
    const params: unknown[] = [this.tenant, f.since, f.until];
    if (f.prefix) (where.push("substr(name, 1, ?) = ?"), params.push(f.prefix.length, f.prefix));
    if (f.after) (where.push("(last_activity_at < ? OR (last_activity_at = ? AND name < ?))"), params.push(f.after[0], f.after[0], f.after[1]));
    const { results } = await this.db
      .prepare(`SELECT name, last_activity_at FROM triggers WHERE ${where.join(" AND ")} ORDER BY last_activity_at DESC, name DESC LIMIT ?`)
      .bind(...params, f.limit)
      .all<{ name: string; last_activity_at: number }>();
    return results.map((r) => ({ name: r.name, lastActivityAt: r.last_activity_at }));
  }

  /** The trigger names whose fire ids carry this hash (normally one). */
  async namesByHash(hash: string): Promise<string[]> {
    const { results } = await this.db.prepare(`SELECT name FROM triggers WHERE tenant = ? AND id_hash = ? LIMIT 5`).bind(this.tenant, hash).all<{ name: string }>();
    return results.map((r) => r.name);
  }

  /** Upserts the entry unless the index already holds a newer version. */
  upsertEntry(e: IndexEntry): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO triggers (tenant, name, type, status, display_name, webhook_path, webhook_methods, webhook_max_body, registered_at, last_activity_at, stats, version, id_hash, flow_name, flow_spec, retired_at, source, stats_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
         ON CONFLICT (tenant, name) DO UPDATE SET type = excluded.type, status = excluded.status, display_name = excluded.display_name,
           webhook_path = excluded.webhook_path, webhook_methods = excluded.webhook_methods, webhook_max_body = excluded.webhook_max_body,
           registered_at = excluded.registered_at, last_activity_at = max(triggers.last_activity_at, excluded.last_activity_at),
           stats = CASE WHEN triggers.stats_at = 0 THEN excluded.stats ELSE triggers.stats END,
           version = excluded.version, id_hash = excluded.id_hash, flow_name = excluded.flow_name, flow_spec = excluded.flow_spec,
           retired_at = excluded.retired_at, source = excluded.source
         WHERE excluded.version >= triggers.version`,
      )
      .bind(
        this.tenant, e.name, e.type, e.status, e.displayName, e.webhookPath, e.webhookMethods, e.webhookMaxBody,
        e.registeredAt, e.lastActivityAt, JSON.stringify(e.stats), e.version, e.idHash, e.flowName, e.flowSpec === null ? null : JSON.stringify(e.flowSpec),
        e.retiredAt ?? null, e.source,
      );
  }

  /**
   * Upserts a subscription row (version-guarded; a newer tombstone wins). It
   * carries its trigger's registeredAt, so `subscribedBy` lists in order from it.
   */
  upsertSubscription(
    trigger: string, s: { flow: string; mode: string; targetType: string; subscribedAt: number; version: number; triggerRegisteredAt?: number },
  ): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO subscriptions (tenant, trigger_name, flow, mode, target_type, subscribed_at, version, removed, trigger_registered_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)
         ON CONFLICT (tenant, trigger_name, flow) DO UPDATE SET mode = excluded.mode, target_type = excluded.target_type,
           subscribed_at = excluded.subscribed_at, version = excluded.version, removed = 0, trigger_registered_at = excluded.trigger_registered_at
         WHERE excluded.version >= subscriptions.version`,
      )
      .bind(this.tenant, trigger, s.flow, s.mode, s.targetType, s.subscribedAt, s.version, s.triggerRegisteredAt ?? 0);
  }

  /** Marks a subscription removed (a tombstone, so an older upsert applied later changes nothing). */
  removeSubscription(trigger: string, flow: string, version: number): D1PreparedStatement {
    return this.db
      .prepare(
        `INSERT INTO subscriptions (tenant, trigger_name, flow, mode, target_type, subscribed_at, version, removed) VALUES (?, ?, ?, 'auto', 'none', 0, ?, 1)
         ON CONFLICT (tenant, trigger_name, flow) DO UPDATE SET removed = 1, version = excluded.version WHERE excluded.version >= subscriptions.version`,
      )
      .bind(this.tenant, trigger, flow, version);
  }

  /** Pushes a stats snapshot and the metrics figures (an older snapshot never overwrites a newer one). */
  async updateStats(trigger: string, stats: unknown, metrics: unknown, lastActivityAt: number, at: number): Promise<void> {
    await this.db
      .prepare(`UPDATE triggers SET stats = ?, metrics = ?, stats_at = ?, last_activity_at = max(last_activity_at, ?) WHERE tenant = ? AND name = ? AND stats_at <= ?`)
      .bind(JSON.stringify(stats), JSON.stringify(metrics), at, lastActivityAt, this.tenant, trigger, at)
      .run();
  }

  async batch(stmts: D1PreparedStatement[]): Promise<void> {
    if (stmts.length) await this.db.batch(stmts);
  }
}
