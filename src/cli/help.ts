/** The text of `signalbox --help`. */
export const HELP = `signalbox: the Signalbox command line

Usage: signalbox <command> [arguments] [options]

Commands:
  sync <file> [--dry-run] [--prune] [--adopt] [--source code]
        Make the triggers of a source exactly the definitions in <file> (a .json
        file, or a .js/.mjs/.ts module exporting them, e.g. written with
        defineTrigger). Validated locally first; prints created/updated/
        unchanged/retired. The source is --source, else the file's own
        "source", else code. --dry-run changes nothing; --prune retires
        triggers of the source that the file no longer has.
  tail <trigger> [--types a,b] [--after seq] [--count n]
        Follow the trigger's live stream, one line per event (--json: the
        events as JSON lines). Ctrl-C stops; --count stops after n events.
  listen <trigger> --forward-to <url> [--flow cli] [--secret whsec_…] [--count n]
        Read the trigger's fires through a pull subscription (created if the
        flow has none) and POST each to <url> signed per Standard Webhooks
        with the printed secret; acknowledged after a 2xx, retried otherwise.
  fire <trigger> [<json> | @file.json | -] [--idempotency-key k] [--flows a,b]
        Fire a trigger with the JSON payload.
  ls [--type t] [--status s] [--q prefix] [--limit n]
        List triggers, newest first.
  flows
        List flows with their state (waiting, in flight, breaker, paused,
        held until) and policy.
  flow <name>
        Show a flow: its policy, state and subscriptions.
  flow <name> activity [--limit n] [--after seq]
        The flow's activity log, oldest first (policy changes, pauses,
        breaker, holds, recoveries).
  flow <name> pause | resume
        Stop sending the flow's deliveries (they wait), or start again.
  flow <name> set [--rate 50/1s] [--concurrency 4] [--breaker 5/30s] [--paused]
  flow <name> set --clear
        Replace the flow's WHOLE policy with these flags: what is not given is
        removed (a paused flow is resumed unless --paused). --clear removes it.
  flow <name> recover --since 1h|<ISO time>|<ms> [--until …]
                      [--status dead|failed] [--trigger t …] [--dry-run]
        Replay the flow's dead (default) or failed deliveries of fires in the
        range, each once, through its policy; --dry-run only counts them.

Options:
  --url <url>    the Signalbox server (default: $SIGNALBOX_URL)
  --key <key>    the API key (default: $SIGNALBOX_API_KEY)
  --json         machine-readable output (JSON on stdout; errors as JSON on stderr)
  -h, --help     this text

Exit codes:
  0  success
  1  API error (the server answered an error, or could not be reached)
  2  usage error (unknown command or option, missing argument or configuration)
  3  validation failed (definitions or payload rejected, locally or with 400/422)
`;
