#!/bin/sh
# test-client-config.sh: a config that others can read and that holds a
# token ([server] api_key) is refused by every command that can ask a team
# server, as investigate refuses it, with the chmod that fixes it; none of
# them answers from the local store instead ("not in the store") or asks
# the server.  Once chmod 600, the same config asks the server.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\n' admin configtest

# The client's config and an empty local store: an answer from the
# local store would be "not in the store".
printf '[server]\nurl = %s\napi_key = %s\n' "$URL" "$TOKEN" > "$T/client.conf"
chmod 644 "$T/client.conf"
export CHOUSA_CONFIG="$T/client.conf" CHOUSA_DB="$T/empty/db"
echo 162.243.103.246 > "$T/iocs.txt"
: > "$T/log"
refused() {
	name=$1
	shift
	check "$name" 3 "$@"
	expect "${name}_said" "^chousa: config '$T/client\.conf' holds API keys but others can read it; run: chmod 600 '$T/client\.conf'$" "$T/err"
	refute "${name}_no_output" . "$T/out"
}
refused lookup "$CHOUSA" lookup 162.243.103.246
refused lookup_json_stdin sh -c '"$CHOUSA" lookup --json - < "$1"' _ "$T/iocs.txt"
refused investigate "$CHOUSA" investigate --offline 162.243.103.246
refused extract "$CHOUSA" extract "$T/iocs.txt"
refused sources "$CHOUSA" sources
refused sweep "$CHOUSA" sweep "$T/log"
refused sweep_json "$CHOUSA" sweep --json "$T/log"
refused export "$CHOUSA" export --format stix -o "$T/out.json"
refused audit "$CHOUSA" audit
refused token_list "$CHOUSA" token list
refused import "$CHOUSA" import urlhaus "$TESTS/../demo/urlhaus.csv"
refused update "$CHOUSA" update
# --server on the command line reads the same config for its token.
refused lookup_server_option "$CHOUSA" --server "$URL" lookup 162.243.103.246
refused token_server_option "$CHOUSA" --server "$URL" token list
# Nothing reached the server: only the token's creation is in its log.
refute nothing_asked '"(lookup|investigate|extract|sources|sweep|export|audit)"' "$T/audit.log"
# Help is still printed.
check help_printed 0 "$CHOUSA" lookup --help
expect help_printed_usage "^usage: chousa lookup" "$T/out"

# Readable by its owner only, the config asks the server.
chmod 600 "$T/client.conf"
check lookup_asks_server 1 "$CHOUSA" lookup 162.243.103.246
expect lookup_asks_server_records "162\.243\.103\.246.*2 records.*malicious" "$T/out"
check lookup_json_stdin_asks_server 1 sh -c '"$CHOUSA" lookup --json - < "$1"' _ "$T/iocs.txt"
expect lookup_json_stdin_asks_server_records '"records"' "$T/out"
