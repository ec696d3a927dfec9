#!/bin/sh
# test-client-empty.sh: input with nothing to ask about (an empty list,
# comments and blank lines only, a text without an indicator, a log that
# cannot be opened) gets through `chousa --server URL` what it gets
# locally, byte for byte on stdout and stderr, with the same status.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\n' investigate empty
export CHOUSA_SERVER_KEY="$TOKEN"

# same NAME WANT STDIN ARGS...: the command here and through the server,
# STDIN (printf's format) on its standard input.
same_empty() {
	name=$1 want=$2 input=$3
	shift 3
	printf "$input" | "$CHOUSA" "$@" > "$T/local.out" 2> "$T/local.err"
	l=$?
	printf "$input" | "$CHOUSA" --server "$URL" "$@" > "$T/remote.out" 2> "$T/remote.err"
	r=$?
	# A sweep's time is the run's own: the local one reads, the client
	# only asks.
	for f in "$T/local.out" "$T/local.err" "$T/remote.out" "$T/remote.err"; do
		sed -i 's/"seconds":[0-9.]*/"seconds":S/; s/ in [0-9.]* s (/ in S s (/' "$f"
	done
	same_as_local "$name" "$want" "$l" "$r"
}
same_empty lookup_nothing 0 '' lookup -
same_empty lookup_json_nothing 0 '' lookup --json -
same_empty lookup_comments 0 '# a list\n\n   \n' lookup -
same_empty lookup_json_comments 0 '# a list\n\n' lookup --json -
same_empty investigate_nothing 3 '' investigate --offline -
same_empty investigate_comments 3 '# x\n\n' investigate --offline -
same_empty extract_blank_line 3 '\n' investigate --extract --offline -
same_empty extract_blank_line_json 3 '\n' investigate --extract --offline --json -
same_empty extract_no_indicator 3 'nothing to see here\n' investigate --extract --offline -
same_empty extract_not_a_file 3 '' investigate --extract --offline no-such-file.txt
same_empty extract_cmd_nothing 0 '' extract -
same_empty extract_cmd_json_nothing 0 '' extract --json -
same_empty sweep_missing 3 '' sweep "$T/no-such.log"
same_empty sweep_missing_json 3 '' sweep --json "$T/no-such.log"
same_empty sweep_missing_csv 3 '' sweep --csv "$T/no-such.log"
same_empty sweep_missing_json_log_time 3 '' sweep --json --as-of-log-time "$T/no-such.log"
same_empty sweep_missing_quiet 3 '' -q sweep --json "$T/no-such.log"
# A text of private addresses only says they were left out, then that
# nothing is left, here and through the server.
same_empty extract_private_only 3 'seen 10.0.0.1 and 192.168.1.5 talk\n' investigate --offline --extract -
expect extract_private_only_said "^chousa: 2 indicators left out \(private addresses\): name one as an operand, without --extract, to investigate it$" "$T/remote.err"
expect extract_private_only_then "^chousa: no indicator to investigate$" "$T/remote.err"
same_empty extract_private_one 3 'from 127.0.0.1\n' investigate --offline --extract -
expect extract_private_one_said "^chousa: 1 indicator left out \(private addresses\)" "$T/local.err"
same_empty extract_private_operand 3 '' investigate --offline --extract 'seen 10.0.0.1 and 192.168.1.5 talk'
# With a public one beside them, the investigation runs as before.
same_empty extract_private_and_public 0 'seen 10.0.0.1 and 192.0.2.77.nip.io\n' investigate --offline --extract -
refute extract_private_and_public_quiet "left out \(private" "$T/local.err"
