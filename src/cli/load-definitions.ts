/**
 * Reads the definitions `sync` sends: a .json file (an array, `{"triggers": […]}`
 * with an optional `"source"` and `"flows"`, or an export document), or a
 * JavaScript/TypeScript module whose default export (or `triggers` export) is
 * an array, an object of definitions by name, or a function returning either
 * (a `source` export names the module's source, a `flows` export, an object
 * or a function returning one, its flow policies). `.ts` modules are bundled
 * with esbuild first (Node 20 cannot strip types itself); esbuild must be
 * installed next to the CLI.
 */
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { UsageError } from "./output";
import { definitionsOf, type DefinitionsDocument, type ModuleExtras } from "./definitions-document";

const TS = new Set([".ts", ".mts", ".cts", ".tsx"]);
const JS = new Set([".js", ".mjs", ".cjs"]);

type Loaded = { value: unknown; extras: ModuleExtras };

const called = async (v: unknown): Promise<unknown> => (typeof v === "function" ? await (v as () => unknown)() : v);

async function importModule(path: string): Promise<Loaded> {
  const mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  return { value: await called(mod.default ?? mod.triggers), extras: { source: mod.source, flows: await called(mod.flows) } };
}

/** Bundles a TypeScript module to a temporary .mjs and imports it; `signalbox` resolves to this package. */
async function importTypeScript(path: string): Promise<Loaded> {
  let esbuild: typeof import("esbuild");
  try {
    esbuild = await import("esbuild");
  } catch {
    throw new UsageError("loading a .ts file needs esbuild (npm install --save-dev esbuild), or use a .js/.mjs/.json file");
  }
  const self = fileURLToPath(new URL("./index.js", import.meta.url).href);
  const dir = await mkdtemp(join(tmpdir(), "signalbox-defs-"));
  try {
    const outfile = join(dir, "definitions.mjs");
    await esbuild.build({
      entryPoints: [path], outfile, bundle: true, platform: "node", format: "esm", logLevel: "silent",
      plugins: [{ name: "signalbox", setup: (b) => b.onResolve({ filter: /^signalbox$/ }, () => ({ path: self })) }],
    }).catch((e: { errors?: { text: string }[]; message: string }) => {
      throw new UsageError(`cannot load ${path}: ${e.errors?.map((x) => x.text).join("; ") ?? e.message}`);
    });
    return await importModule(outfile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function loadDefinitions(file: string): Promise<DefinitionsDocument> {
  const path = resolve(file);
  const ext = extname(path).toLowerCase();
  if (ext === ".json") {
    const text = await readFile(path, "utf8").catch((e) => { throw new UsageError(`cannot read ${file}: ${e.code ?? e.message}`); });
    try {
      return definitionsOf(JSON.parse(text), file);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`${file} is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (JS.has(ext)) {
    const m = await importModule(path).catch((e) => { throw new UsageError(`cannot load ${file}: ${(e as Error).message}`); });
    return definitionsOf(m.value, file, m.extras);
  }
  if (TS.has(ext)) {
    const m = await importTypeScript(path);
    return definitionsOf(m.value, file, m.extras);
  }
  throw new UsageError(`${file}: expected a .json, .js, .mjs or .ts file`);
}
