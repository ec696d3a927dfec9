#!/bin/sh
# test-client-split.sh: `chousa --server URL lookup` with more indicators
# than a server takes a request (1000) asks in pieces and prints what the
# local command prints, byte for byte (text and --json, stdout and stderr
# apart and together), with its exit status, wherever the pieces' edges
# fall (on indicators that do not parse, a last piece with none that
# does).  investigate keeps one request (its triage table ranks and counts
# every input at once) and says the limit.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\n' investigate split
export CHOUSA_SERVER_KEY="$TOKEN"

ips() { i=$1; while [ "$i" -le "$2" ]; do echo "10.0.$((i / 256)).$((i % 256))"; i=$((i + 1)); done; }
# 1101: the C2 in the second piece, garbage at its edge.
{ ips 1 998; echo 162.243.103.246; echo 'not an ioc 1'; echo 'not an ioc 2'; ips 1000 1097; echo 162.243.103.246:8080; echo www.dnautik.com; } > "$T/1101.txt"
# A last piece of garbage only, and a first one of garbage only.
{ ips 1 1000; echo 'no ioc a'; echo 'no ioc b'; } > "$T/tail.txt"
{ i=0; while [ $i -lt 1000 ]; do echo "bad $i"; i=$((i + 1)); done; echo 8.8.8.8; echo 162.243.103.246; } > "$T/head.txt"
# Three pieces, nothing malicious.
ips 1 2500 > "$T/2500.txt"

same_lookup() {
	name=$1 want=$2 list=$3
	shift 3
	"$CHOUSA" lookup "$@" - < "$list" > "$T/local.out" 2> "$T/local.err"
	l=$?
	"$CHOUSA" --server "$URL" lookup "$@" - < "$list" > "$T/remote.out" 2> "$T/remote.err"
	r=$?
	same_as_local "$name" "$want" "$l" "$r"
	"$CHOUSA" lookup "$@" - < "$list" > "$T/local.out" 2>&1
	"$CHOUSA" --server "$URL" lookup "$@" - < "$list" > "$T/remote.out" 2>&1
	cmp -s "$T/local.out" "$T/remote.out" && ok "${name}_merged" ||
		not_ok "${name}_merged" "$(cmp "$T/local.out" "$T/remote.out")"
}
same_lookup lookup_1101_text 3 "$T/1101.txt"
same_lookup lookup_1101_json 3 "$T/1101.txt" --json
"$CHOUSA" --server "$URL" lookup --json - < "$T/1101.txt" > "$T/remote.out" 2> /dev/null
python3 -c 'import json, sys; n = len(json.load(open(sys.argv[1]))); sys.exit(n != 1099)' "$T/remote.out" 2> /dev/null &&
	ok lookup_1101_json_one_array || not_ok lookup_1101_json_one_array "not one array of 1099: $(tail -c 100 "$T/remote.out")"
same_lookup lookup_tail_garbage_json 3 "$T/tail.txt" --json
same_lookup lookup_head_garbage_json 3 "$T/head.txt" --json
same_lookup lookup_head_garbage_text 3 "$T/head.txt"
same_lookup lookup_2500_text 0 "$T/2500.txt"
same_lookup lookup_2500_json 0 "$T/2500.txt" --json
# Malicious and no bad input: exit 1 from the second piece.
{ ips 1 1200; echo 162.243.103.246; } > "$T/mal.txt"
same_lookup lookup_malicious_in_second 1 "$T/mal.txt"

check investigate_over_limit 3 "$CHOUSA" --server "$URL" investigate --offline -f "$T/1101.txt"
expect investigate_over_limit_said "^chousa: 1101 indicators: a server takes at most 1000 a request" "$T/err"
