-- Code-defined triggers (POST /v1/sync): the index knows each trigger's source,
-- so a sync finds the triggers of its source (to prune them) with one indexed read.
ALTER TABLE triggers ADD COLUMN source TEXT NOT NULL DEFAULT 'api';
CREATE INDEX triggers_by_source ON triggers (tenant, source, name);
