-- Flow policies (PUT /v1/flows/{flow}) as their gates project them: the
-- policy, who owns it (a sync source, or null for the API) and the gate's
-- state (coalesced, for GET /v1/flows and the flow metrics). A flow with no
-- policy and no pause has no row; its subscriptions list it.
CREATE TABLE flows (
  tenant     TEXT    NOT NULL,
  flow       TEXT    NOT NULL,
  policy     TEXT    NOT NULL,
  source     TEXT,
  version    INTEGER NOT NULL,
  state      TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (tenant, flow)
);
