/**
 * The Worker's data-access facade for one tenant: the D1 tables of
 * src/store/ and the tenant's object stubs, each carrying the tenant it was
 * built with, so no route can reach another tenant's data. Stubs are typed
 * by the objects' RPC contracts (src/contracts/object-rpc.ts), never by the
 * classes. Durable Objects use src/store/ directly.
 */
import type { Env } from "../env";
import type { FlowGateRpc, RunRpc, TriggerRpc } from "../contracts/object-rpc";
import { flowGateObjectName, objectStub, runObjectName, triggerObjectName, type ObjectStub } from "../contracts/objects";
import { FlowIndex } from "../store/flow-index";
import { TriggerIndex } from "../store/trigger-index";
import { WebhookPaths } from "../store/webhook-paths";
import { ResumeTokens } from "../store/resume-tokens";
import { TriggerRemoval } from "../store/trigger-removal";
import { TenantMetrics } from "../store/tenant-metrics";
import { RunIndex } from "../store/run-index";

export class TenantStore {
  readonly index: TriggerIndex;
  readonly paths: WebhookPaths;
  readonly tokens: ResumeTokens;
  readonly removal: TriggerRemoval;
  readonly metrics: TenantMetrics;
  readonly runs: RunIndex;
  readonly flows: FlowIndex;

  constructor(
    private readonly env: Pick<Env, "TRIGGERS" | "RUNS" | "FLOW_GATES" | "DB">,
    readonly tenant: string,
  ) {
    this.index = new TriggerIndex(env.DB, tenant);
    this.paths = new WebhookPaths(env.DB, tenant);
    this.tokens = new ResumeTokens(env.DB, tenant);
    this.removal = new TriggerRemoval(env.DB, tenant);
    this.metrics = new TenantMetrics(env.DB, tenant);
    this.runs = new RunIndex(env.DB, tenant);
    this.flows = new FlowIndex(env.DB, tenant);
  }

  /** The FlowGateObject of one of this tenant's flows. */
  gate(flow: string): ObjectStub<FlowGateRpc> {
    return objectStub(this.env.FLOW_GATES, flowGateObjectName(this.tenant, flow));
  }

  /** The TriggerObject of one of this tenant's triggers. */
  trigger(name: string): ObjectStub<TriggerRpc> {
    return objectStub(this.env.TRIGGERS, triggerObjectName(this.tenant, name));
  }

  /** The RunObject of one of this tenant's runs. */
  run(runId: string): ObjectStub<RunRpc> {
    return objectStub(this.env.RUNS, runObjectName(this.tenant, runId));
  }
}
