/** Makes sure the single alarm fires no later than a time (cached: no storage read per fire). */
import type { Core } from "./core";

export async function armAlarm(core: Core, at: number): Promise<void> {
  if (core.alarmAt === undefined) core.alarmAt = await core.storage.getAlarm();
  if (core.alarmAt === null || at < core.alarmAt) {
    core.alarmAt = at;
    await core.storage.setAlarm(at);
  }
}
