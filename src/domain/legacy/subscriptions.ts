/**
 * Legacy `trigger-subscriptions` docs (`{trigger, flow, mode}`, id
 * `<trigger>:<flow>`) onto Signalbox subscriptions. They had no delivery
 * target, so each becomes a pull subscription starting from now and is
 * listed as needing a target.
 */
import { isValidName } from "../names";
import type { MappedSubscription } from "./types";

export type SubscriptionMapping =
  | { ok: true; trigger: string; flow: string; subscription: MappedSubscription; ignored: { field: string; reason: string }[] }
  | { ok: false; name: string; problems: { path: string; message: string }[] };

const KNOWN = new Set(["trigger", "flow", "mode"]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Maps one subscription doc. The doc's `trigger` and `flow` are what count
 * (the id is derived from them, and a name may itself contain ":").
 * Ignored paths are relative to the subscription (`subscribedAt`).
 * @example mapLegacySubscription("orders:billing", { trigger: "orders", flow: "billing", mode: "manual" })
 * // { ok: true, trigger: "orders", flow: "billing", subscription: { mode: "manual", target: { type: "pull", startFrom: "now" } }, ignored: [] }
 */
export function mapLegacySubscription(id: unknown, doc: unknown): SubscriptionMapping {
  const name = isObject(doc) && typeof doc.trigger === "string" && doc.trigger !== "" ? doc.trigger : typeof id === "string" && id !== "" ? id : "(no id)";
  if (!isObject(doc)) return { ok: false, name, problems: [{ path: "", message: "the subscription doc must be an object" }] };
  const problems: { path: string; message: string }[] = [];
  const flowLabel = typeof doc.flow === "string" && doc.flow !== "" ? doc.flow : "?";
  const at = (field: string) => `subscriptions.${flowLabel}${field ? `.${field}` : ""}`;
  if (typeof doc.trigger !== "string" || doc.trigger === "") problems.push({ path: at("trigger"), message: "the subscription names no trigger" });
  if (typeof doc.flow !== "string" || doc.flow === "") problems.push({ path: at("flow"), message: "the subscription names no flow" });
  else if (!isValidName(doc.flow)) problems.push({ path: at("flow"), message: `flow ${JSON.stringify(doc.flow)} must match ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$` });
  const mode = doc.mode ?? "auto";
  if (mode !== "auto" && mode !== "manual") problems.push({ path: at("mode"), message: 'mode must be "auto" or "manual"' });
  if (problems.length > 0) return { ok: false, name, problems };
  const ignored = Object.keys(doc)
    .filter((k) => !KNOWN.has(k))
    .map((k) => ({ field: k, reason: k === "subscribedAt" ? "Signalbox sets subscribedAt when the subscription is created" : "no equivalent in Signalbox subscriptions" }));
  return {
    ok: true, trigger: doc.trigger as string, flow: doc.flow as string, ignored,
    subscription: { mode: mode as "auto" | "manual", target: { type: "pull", startFrom: "now" } },
  };
}
