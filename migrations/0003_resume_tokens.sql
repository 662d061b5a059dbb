-- Webhook awaits: which run object a resume token (by its SHA-256) belongs to. The token itself is never stored.
CREATE TABLE resume_tokens (
  token_hash TEXT PRIMARY KEY,
  tenant     TEXT NOT NULL,
  run_id     TEXT NOT NULL,
  step       TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
