/** Shapes of definitions transfer (export, import, legacy import, sync): what comes in, what is stored, the plan between them. */
import type { TriggerDef } from "../../schemas/trigger";
import type { SubscriptionDef } from "../../schemas/subscription";

/** One thing that stops an import or sync (they are all-or-nothing). `conflict` ones are 409 when no other kind is present. */
export type Problem = { name: string; path: string; message: string; kind: "invalid" | "conflict" };

/** A subscription of an incoming definition, validated. A redacted secret was removed from `body` (`redactedSecret`). */
export type IncomingSubscription = { flow: string; body: SubscriptionDef; redactedSecret: boolean };

/** An incoming definition, validated: the PUT body (its `source` set by the caller), the wanted status, its subscriptions. */
export type Incoming = {
  name: string; def: TriggerDef; status: "active" | "retired"; subscriptions: IncomingSubscription[];
  /** legacy import: when the trigger was first registered (epoch ms); used when the import creates it */
  registeredAt?: number;
};

/** A subscription as export shows it. */
export type ExportedSubscription = {
  mode: string; target: Record<string, unknown>; retry: Record<string, unknown>;
  /** shaping (API.md "Flows: delivery policy", per subscription), when set */
  ordering?: unknown; debounce?: unknown; batch?: unknown;
};

/** A stored trigger as its object's view shows it (secrets redacted), reduced to what planning compares. */
export type Current = {
  name: string;
  /** the PUT-shaped definition, redacted, with `source` */
  def: Record<string, unknown>;
  status: string;
  source: string;
  version: number;
  subscriptions: Record<string, ExportedSubscription>;
};

/** What a definition with plain secrets would change, as its object says (see the object's previewDefinition). */
export type Preview = { trigger: boolean; subscriptions: Record<string, "created" | "updated" | "unchanged"> };

/** `keepTargets` (legacy import): a subscription that exists keeps its target and retry; only its mode comes from the document. */
export type Mode = { kind: "import"; keepTargets?: boolean } | { kind: "sync"; source: string; prune: boolean; adopt: boolean };

/** `check`: it carries plain secrets, only its object can tell (plan again with its preview). */
export type Change = "create" | "update" | "none" | "check";

/** `keptTarget`: the stored target (not pull) was kept in place of the document's. */
export type SubscriptionStep = { flow: string; body: SubscriptionDef; change: Change; keptTarget?: boolean };

export type TriggerStep = {
  name: string;
  register: Change;
  def: TriggerDef;
  status: "retire" | "reactivate" | null;
  retireReason: string;
  subscriptions: SubscriptionStep[];
  /** the webhook path it will hold, and the one it holds now */
  path: string | null;
  previousPath: string | null;
  /** the registeredAt a created trigger keeps (legacy import) */
  registeredAt?: number;
};

export type Plan = {
  steps: TriggerStep[];
  /** sync with prune: active triggers of the source missing from the set */
  prune: string[];
  pruneReason: string;
  problems: Problem[];
};

/** The answer of import and sync (sync adds `retired`, legacy import `needsTarget` and `ignored`). */
export type TransferSummary = {
  created: string[];
  updated: string[];
  unchanged: string[];
  subscriptions: { created: string[]; updated: string[]; unchanged: string[] };
  retired: string[];
  /** "trigger/flow" of subscriptions that kept a stored target other than pull (legacy import) */
  keptTargets: string[];
};
