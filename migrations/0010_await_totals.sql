-- GET /v1/metrics: awaits by status per tenant, kept up to date beside the
-- per-run rows (the same batch changes both), so a scrape reads one row
-- instead of summing every run.
CREATE TABLE run_awaits_totals (
  tenant    TEXT    PRIMARY KEY,
  waiting   INTEGER NOT NULL DEFAULT 0,
  resolved  INTEGER NOT NULL DEFAULT 0,
  timed_out INTEGER NOT NULL DEFAULT 0,
  cancelled INTEGER NOT NULL DEFAULT 0
);
INSERT INTO run_awaits_totals (tenant, waiting, resolved, timed_out, cancelled)
  SELECT tenant, sum(waiting), sum(resolved), sum(timed_out), sum(cancelled) FROM run_awaits GROUP BY tenant;
