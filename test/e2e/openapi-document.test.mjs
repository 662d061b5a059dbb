/**
 * The OpenAPI document, built in Node from the app (no wrangler needed):
 * valid against the OpenAPI 3.1 schema (@seriousme/openapi-schema-validator
 * reads its schemas from disk, so it runs here, not inside workerd), and the
 * committed client types (client/schema.d.ts) are what openapi-typescript
 * makes of it today. Route coverage and /docs are tested in workerd
 * (test/integration/openapi.test.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { Validator } from "@seriousme/openapi-schema-validator";
import { buildDocument } from "../../scripts/openapi-document.mjs";
import { SCHEMA_FILE, generateSchemaTypes } from "../../scripts/gen-client.mjs";

test("the OpenAPI document is valid OpenAPI 3.1", { timeout: 60_000 }, async () => {
  const doc = await buildDocument();
  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.equal(validator.version, "3.1");
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2)?.slice(0, 4000));
});

test("client/schema.d.ts is up to date with the document (npm run gen:client)", { timeout: 60_000 }, async () => {
  const [committed, fresh] = await Promise.all([readFile(SCHEMA_FILE, "utf8"), generateSchemaTypes()]);
  assert.ok(committed === fresh, "client/schema.d.ts is stale: run npm run gen:client and commit it");
});
