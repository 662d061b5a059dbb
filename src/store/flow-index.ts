/**
 * Flow policies in D1, for one tenant: the rows the flow gates project
 * (version-guarded, so any order of application ends at the gates' state),
 * the list of flows, which holds every flow with a policy or a live
 * subscription, by name, and the flows with a policy (export) or owned by a
 * sync source (its prune), by name.
 */
import type { FlowPolicy } from "../schemas/flow";

export type FlowRow = { flow: string; policy: FlowPolicy; source: string | null; version: number; state: unknown; updatedAt: number };

type Raw = { flow: string; policy: string; source: string | null; version: number; state: string | null; updated_at: number };
const parse = (r: Raw): FlowRow => ({ flow: r.flow, policy: JSON.parse(r.policy), source: r.source, version: r.version, state: r.state ? JSON.parse(r.state) : null, updatedAt: r.updated_at });

export class FlowIndex {
  constructor(
    private readonly db: D1Database,
    readonly tenant: string,
  ) {}

  /**
   * Applies a gate's projection unless a newer one is there (an empty policy that is not paused removes the row).
   * `newerOnly`: not over the same version either (a writer other than the gate, whose state may be older than the gate's own projection).
   */
  async put(row: Omit<FlowRow, "updatedAt">, at: number, newerOnly = false): Promise<void> {
    const empty = Object.keys(row.policy).length === 0;
    if (empty) {
      await this.db.prepare(`DELETE FROM flows WHERE tenant = ? AND flow = ? AND version <= ?`).bind(this.tenant, row.flow, row.version).run();
      return;
    }
    await this.db
      .prepare(
        `INSERT INTO flows (tenant, flow, policy, source, version, state, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (tenant, flow) DO UPDATE SET policy = excluded.policy, source = excluded.source, version = excluded.version,
           state = excluded.state, updated_at = excluded.updated_at WHERE excluded.version ${newerOnly ? ">" : ">="} flows.version`,
      )
      .bind(this.tenant, row.flow, JSON.stringify(row.policy), row.source, row.version, row.state === null ? null : JSON.stringify(row.state), at)
      .run();
  }

  /** Flows with a policy or a live subscription, by name, after `after`. */
  async names(after: string, limit: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(
        `SELECT flow FROM (
           SELECT flow FROM flows WHERE tenant = ?1 AND flow > ?2
           UNION SELECT DISTINCT flow FROM subscriptions WHERE tenant = ?1 AND removed = 0 AND flow > ?2
         ) ORDER BY flow LIMIT ?3`,
      )
      .bind(this.tenant, after, limit)
      .all<{ flow: string }>();
    return results.map((r) => r.flow);
  }

  /** Flows with a policy (export), by name, after `after`. */
  async withPolicy(after: string, limit: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(`SELECT flow FROM flows WHERE tenant = ? AND flow > ? ORDER BY flow LIMIT ?`)
      .bind(this.tenant, after, limit)
      .all<{ flow: string }>();
    return results.map((r) => r.flow);
  }

  /** Flows whose policy a sync source owns (its prune's candidates), by name, after `after`. */
  async ofSource(source: string, after: string, limit: number): Promise<string[]> {
    const { results } = await this.db
      .prepare(`SELECT flow FROM flows WHERE tenant = ? AND source = ? AND flow > ? ORDER BY flow LIMIT ?`)
      .bind(this.tenant, source, after, limit)
      .all<{ flow: string }>();
    return results.map((r) => r.flow);
  }

  /** The gates' projected state, for the flow metrics (at most 1,000 flows with a policy). */
  async figures(): Promise<{ flow: string; inFlight: number; breakerOpen: boolean; throttled: number }[]> {
    const { results } = await this.db.prepare(`SELECT flow, state FROM flows WHERE tenant = ? ORDER BY flow LIMIT 1000`).bind(this.tenant).all<{ flow: string; state: string | null }>();
    return results.map((r) => {
      const s = (r.state ? JSON.parse(r.state) : {}) as { inFlight?: number; breaker?: string; throttled?: number };
      return { flow: r.flow, inFlight: s.inFlight ?? 0, breakerOpen: s.breaker === "open" || s.breaker === "half_open", throttled: s.throttled ?? 0 };
    });
  }

}
