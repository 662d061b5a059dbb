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
