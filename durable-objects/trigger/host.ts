/**
 * What the TriggerObject hands its verb modules: the current core (replaced
 * when the trigger is deleted), the object's state, the one post-commit path
 * and the inbox drain. The class implements it; the verbs take it.
 */
import type { Core } from "./core";
import type { Committed } from "./after-commit";
import type { CommitGroup } from "./commit-group";

export interface TriggerHost {
  core: Core;
  readonly ctx: DurableObjectState;
  readonly env: Core["env"];
  /** The one post-commit path (./after-commit.ts). */
  settle(c: Committed): Promise<void>;
  /** Applies the D1 projection now (so a list right after a write shows it); the alarm retries failures. */
  project(): Promise<void>;
  /** Starts an inbox drain after the current answer (./inbox-drain.ts). */
  scheduleDrain(): void;
  /** API fires, webhook requests and chained fires that arrive together share one transaction (./commit-group.ts). */
  readonly commitGroup: CommitGroup;
}
