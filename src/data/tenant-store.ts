/**
 * The one data-access facade: every object stub, D1 query and statement it
 * hands out carries the tenant it was built with, so no caller can reach
 * another tenant's data. Workers and Durable Objects both build one.
 */
import type { Env } from "../env";
import type { TriggerObject } from "../../durable-objects/trigger-object";
import type { RunObject } from "../../durable-objects/run-object";
import { objectStub, runObjectName, triggerObjectName } from "../contracts/objects";
import { TriggerIndex } from "./trigger-index";
import { WebhookPaths } from "./webhook-paths";
import { ResumeTokens } from "./resume-tokens";
import { TriggerRemoval } from "./trigger-removal";
import { TenantMetrics } from "./tenant-metrics";
import { RunIndex } from "./run-index";

export type { TriggerListFilter } from "./trigger-index";

export class TenantStore {
  readonly index: TriggerIndex;
  readonly paths: WebhookPaths;
  readonly tokens: ResumeTokens;
  readonly removal: TriggerRemoval;
  readonly metrics: TenantMetrics;
  readonly runs: RunIndex;

  constructor(
    private readonly env: Pick<Env, "TRIGGERS" | "RUNS" | "DB">,
    readonly tenant: string,
  ) {
    this.index = new TriggerIndex(env.DB, tenant);
    this.paths = new WebhookPaths(env.DB, tenant);
    this.tokens = new ResumeTokens(env.DB, tenant);
    this.removal = new TriggerRemoval(env.DB, tenant);
    this.metrics = new TenantMetrics(env.DB, tenant);
    this.runs = new RunIndex(env.DB, tenant);
  }

  /** The TriggerObject of one of this tenant's triggers. */
  trigger(name: string): DurableObjectStub<TriggerObject> {
    return objectStub(this.env.TRIGGERS, triggerObjectName(this.tenant, name));
  }

  /** The RunObject of one of this tenant's runs. */
  run(runId: string): DurableObjectStub<RunObject> {
    return objectStub(this.env.RUNS, runObjectName(this.tenant, runId));
  }
}
