-- Flow triggers (chaining): which active triggers listen to a flow's reports, found by flow name (never a scan).
ALTER TABLE triggers ADD COLUMN flow_name TEXT;
ALTER TABLE triggers ADD COLUMN flow_spec TEXT;
CREATE INDEX triggers_by_flow ON triggers (tenant, flow_name) WHERE flow_name IS NOT NULL;
