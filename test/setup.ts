/**
 * Applies the D1 migrations before the tests of each file run, and lets the
 * file's background work settle after its last test: an object's post-commit
 * work and the structured log's end-of-turn flush can still be running when
 * a file's tests end, and a console line the pool is still forwarding while
 * it closes the file's environment fails the whole run ("Closing rpc while
 * onUserConsoleLog was pending", seen once in CI after hardening-bugs.test.ts).
 */
import { afterAll } from "vitest";
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations((env as any).DB, (env as any).TEST_MIGRATIONS);

afterAll(() => new Promise((r) => setTimeout(r, 250)));
