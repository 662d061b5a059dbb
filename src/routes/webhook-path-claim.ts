/**
 * Deciding who owns a webhook path, synchronously, before a registration:
 * the claim in D1 (its primary key decides between two racing registrations).
 * A claim held by a trigger that no longer uses the path (its registration
 * failed, or it moved and the release was lost) is taken over once it is
 * older than CLAIM_GRACE_MS; the owner's object is asked, as the source of truth.
 */
import { AppError, isRpcFailure } from "../errors";
import type { TenantStore } from "../data/tenant-store";
import { CLAIM_GRACE_MS } from "../store/webhook-paths";
import { forgetRoute } from "./webhook-route-cache";

/** Claims `path` for `name`; 409 when another trigger holds it. Returns whether this call made a new claim. */
export async function claimWebhookPath(store: TenantStore, path: string, name: string): Promise<boolean> {
  const now = Date.now();
  const { owner, claimedAt } = await store.paths.claim(path, name, now);
  // a request that just found this path unknown must not keep answering 404 here
  forgetRoute(store.tenant, path);
  if (owner === name) return claimedAt === now;
  const taken = () => new AppError(409, "webhook_path_taken", `Webhook path '${path}' belongs to trigger '${owner}'`);
  if (now - claimedAt < CLAIM_GRACE_MS) throw taken();
  const current = await store.trigger(owner).get();
  const stillUses = !isRpcFailure(current) && current.webhook?.path === path;
  if (stillUses || !(await store.paths.takeOver(path, owner, name, now))) throw taken();
  return true;
}
