/**
 * PollGroupObject: one per tenant and poll group (url, method, headers and
 * pointers, hashed). Its single alarm is the group's poll clock and, being
 * one object, its lock: two polls of one group never run at once. It keeps
 * the members, the seen item ids, the cursor and the fan-out outbox; the
 * members' TriggerObjects fire the items.
 */
import { DurableObject } from "cloudflare:workers";
import type { ObjectEnv } from "../src/contracts/object-env";
import type { PollGroupRpc } from "../src/contracts/object-rpc";
import { rpcGuard, AppError, isRpcFailure } from "../src/errors";
import { pollGroupKey } from "../src/domain/poll";
import { objectStub, triggerObjectName } from "../src/contracts/objects";
import type { PollMember } from "../src/contracts/rpc";
import { PollCore } from "./poll/core";
import { join, leave, stateView } from "./poll/membership";
import { deleteMember, listMembers } from "./poll/members";
import { drainFanOut, nextFanOutDue, pendingFanOut } from "./poll/fanout";
import { pollOnce } from "./poll/poll";
import { seenCount } from "./poll/seen";
import { configureLogs } from "../src/observability/log";

/** How often an awake group asks its members whether they still belong (orphans: triggers gone without a leave). */
const VERIFY_EVERY_MS = 3_600_000;
/** After an unexpected error the alarm comes back this much later, not at once. */
const ERROR_RETRY_MS = 5_000;

const guard = rpcGuard;

export class PollGroupObject extends DurableObject<ObjectEnv> implements PollGroupRpc {
  readonly core: PollCore;
  private polling = false;

  constructor(ctx: DurableObjectState, env: ObjectEnv) {
    super(ctx, env);
    configureLogs(env.LOG_LEVEL);
    this.core = new PollCore(ctx.storage, env);
  }

  /** A trigger of the group registered, updated or reactivated. */
  async join(key: string, member: PollMember) {
    return guard(async () => {
      if ((await pollGroupKey(member.poll)) !== key) throw new AppError(400, "invalid_request", "The poll block does not belong to this group");
      const r = join(this.core, key, member);
      await this.rearm();
      return r;
    });
  }

  /** A trigger left (retired, or now polls another source). The last one removes the group. */
  async leave(name: string) {
    return guard(async () => {
      if (leave(this.core, name)) await this.core.destroy();
      else await this.rearm();
      return { left: name };
    });
  }

  async state() {
    return guard(() => stateView(this.core));
  }

  /** For tests and benchmarks: what the group holds. */
  async inspect() {
    const st = this.core.state();
    return {
      exists: this.core.ready && st !== null,
      members: listMembers(this.core).map((m) => m.name),
      state: st, seen: seenCount(this.core), pendingFanOut: pendingFanOut(this.core),
      alarm: await this.ctx.storage.getAlarm(),
    };
  }

  override async alarm(): Promise<void> {
    const core = this.core;
    try {
      if (!core.ready || !core.state() || !listMembers(core).length) return void (await core.destroy());
      await drainFanOut(core);
      const st = core.state();
      if (st && !this.polling && st.nextAt !== null && st.nextAt <= core.now() + 5) {
        this.polling = true;
        try {
          await pollOnce(core);
        } finally {
          this.polling = false;
        }
        await drainFanOut(core);
      }
      await this.verify();
      if (!core.ready || !listMembers(core).length) return void (await core.destroy());
      await this.rearm();
    } catch (e) {
      console.error(JSON.stringify({ msg: "poll group alarm failed", error: String((e as Error).message).slice(0, 300) }));
      if (core.ready) await this.ctx.storage.setAlarm(core.now() + ERROR_RETRY_MS);
    }
  }

  /** Asks each member, at most hourly, whether it still belongs; drops the ones that do not. */
  private async verify(): Promise<void> {
    const core = this.core;
    const st = core.state();
    if (!st || core.now() - st.verifiedAt < VERIFY_EVERY_MS) return;
    for (const m of listMembers(core)) {
      const res = await objectStub(core.env.TRIGGERS, triggerObjectName(st.tenant, m.name)).pollFanOut({ group: st.key, ref: "check" }).catch(() => null);
      const gone = res !== null && (isRpcFailure(res) ? [404, 410].includes(res.__error.status) : !res.member);
      if (gone) core.tx(() => deleteMember(core, m.name));
    }
    const now = core.state();
    if (now) core.tx(() => core.saveState({ ...now, verifiedAt: core.now() }));
  }

  private async rearm(): Promise<void> {
    const core = this.core;
    const st = core.state();
    if (!core.ready || !st) return;
    const times = [st.nextAt, nextFanOutDue(core), st.nextAt !== null ? st.verifiedAt + VERIFY_EVERY_MS : null].filter((t): t is number => t !== null);
    if (!times.length) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(Math.min(...times), core.now()));
  }
}
