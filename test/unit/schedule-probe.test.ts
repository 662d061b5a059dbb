import { it } from "vitest";
import { CronExpressionParser } from "cron-parser";
import { nextOccurrences } from "../../src/domain/schedule";
import { offsetAt, resolveWallTime } from "../../src/domain/schedule/zone";
it("probe", () => {
  for (let rep = 0; rep < 3; rep++) {
  let t0 = performance.now();
  const it = CronExpressionParser.parse("* * * * * *", { currentDate: Date.UTC(2026, 0, 1), tz: "UTC" });
  for (let i = 0; i < 1000; i++) it.next();
  console.log("cron 1000 secondly", performance.now() - t0);
  t0 = performance.now();
  for (let i = 0; i < 3000; i++) offsetAt("America/New_York", Date.UTC(2026, 0, 1) + i * 1000);
  console.log("3000 offsetAt", performance.now() - t0);
  t0 = performance.now();
  for (let i = 0; i < 1000; i++) resolveWallTime("America/New_York", Date.UTC(2026, 0, 1) + i * 1000);
  console.log("1000 resolve", performance.now() - t0);
  t0 = performance.now();
  nextOccurrences({ cron: "* * * * * *", timezone: "America/New_York" }, Date.parse("2026-03-08T06:59:00Z"), 1000, 0);
  console.log("1000 secondly NY", performance.now() - t0);
  t0 = performance.now();
  nextOccurrences({ cron: "* * * * * *" }, Date.parse("2026-03-08T06:59:00Z"), 1000, 0);
  console.log("1000 secondly UTC", performance.now() - t0);
  }
});
it("probe2", () => {
  for (let rep = 0; rep < 2; rep++) {
    let t0 = performance.now();
    nextOccurrences({ cron: "7 * * * *", timezone: "Australia/Lord_Howe" }, Date.parse("2026-01-01T00:00:00Z"), 8760, 0);
    console.log("8760 hourly LH", performance.now() - t0);
    t0 = performance.now();
    nextOccurrences({ cron: "7 * * * *" }, Date.parse("2026-01-01T00:00:00Z"), 8760, 0);
    console.log("8760 hourly UTC", performance.now() - t0);
    t0 = performance.now();
    nextOccurrences({ cron: "0 3 * * *", timezone: "Australia/Lord_Howe" }, Date.parse("2026-01-01T00:00:00Z"), 1000, 0);
    console.log("1000 daily LH", performance.now() - t0);
  }
});
