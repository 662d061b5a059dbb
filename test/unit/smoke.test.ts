import { env, exports } from "cloudflare:workers";
import { it, expect } from "vitest";
import { CronExpressionParser } from "cron-parser";
it("boots", async () => {
  const r = await (exports as any).default.fetch("http://x/");
  expect(await r.text()).toBe("ok");
  const id = (env as any).TRIGGERS.idFromName("a");
  expect(await (env as any).TRIGGERS.get(id).ping()).toBe("pong");
  expect(CronExpressionParser.parse("0 2 * * *", { tz: "America/New_York", currentDate: new Date("2026-03-08T00:00:00Z") }).next().toISOString()).toBe("2026-03-08T07:00:00.000Z");
});
