/** Where the CLI talks to: --url/--key, else SIGNALBOX_URL/SIGNALBOX_API_KEY. */
import { createClient, type SignalboxClient } from "../../client/client";
import { UsageError } from "./output";

export type Config = { url: string; key: string };

export function resolveConfig(flags: { url?: string; key?: string }, env: Record<string, string | undefined>): Config {
  const url = flags.url ?? env.SIGNALBOX_URL;
  const key = flags.key ?? env.SIGNALBOX_API_KEY;
  if (!url) throw new UsageError("no server: set SIGNALBOX_URL or pass --url https://…");
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(url)}`);
  if (!key) throw new UsageError("no API key: set SIGNALBOX_API_KEY or pass --key");
  return { url: url.replace(/\/+$/, ""), key };
}

export function clientFor(config: Config): SignalboxClient {
  return createClient({ baseUrl: config.url, apiKey: config.key, headers: { "user-agent": "signalbox-cli" } });
}
