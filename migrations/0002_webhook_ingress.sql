-- What the webhook ingress needs before it reads a body: allowed methods and the size cap.
ALTER TABLE triggers ADD COLUMN webhook_methods TEXT;
ALTER TABLE triggers ADD COLUMN webhook_max_body INTEGER;
