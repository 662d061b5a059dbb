-- GET /v1/metrics reads one row per trigger: the figures each trigger's object
-- pushes with its coalesced stats (never a stream scan, never a write per fire).
ALTER TABLE triggers ADD COLUMN metrics TEXT NOT NULL DEFAULT '{}';

-- Awaits by status, one row per run, pushed by the run's object when an await
-- starts, settles or is purged.
CREATE TABLE run_awaits (
  tenant     TEXT    NOT NULL,
  run_id     TEXT    NOT NULL,
  waiting    INTEGER NOT NULL DEFAULT 0,
  resolved   INTEGER NOT NULL DEFAULT 0,
  timed_out  INTEGER NOT NULL DEFAULT 0,
  cancelled  INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, run_id)
);
