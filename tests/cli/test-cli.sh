# test-cli.sh: the command itself: help, version, the man page, usage
# errors and exit statuses.
. "$TESTS/cli/lib.sh"

check version 0 "$CHOUSA" --version
expect version_prints "^chousa [0-9]" "$T/out"
check help 0 "$CHOUSA" --help
expect help_lists_commands "^  version" "$T/out"
check no_command_is_usage 2 "$CHOUSA"
check unknown_command_is_usage 2 "$CHOUSA" frobnicate
expect unknown_command_says_so "unknown command 'frobnicate'" "$T/err"
check unknown_option_is_usage 2 "$CHOUSA" --frob
check command_help 0 "$CHOUSA" help --help
expect command_help_usage "^usage: chousa help" "$T/out"
check man_page 0 "$CHOUSA" help --man
expect man_has_exit_status "^\.SH EXIT STATUS" "$T/out"
check global_option_after_command 0 "$CHOUSA" version -q --db /nonexistent
# A closed output pipe: stop, and never say 0 ("nothing malicious").
printf 'hxxp://a[.]com/x\n%.0s' $(seq 1 20000) > "$T/many.txt"
st=$(sh -c '"$1" refang < "$2"; echo $? > "$3"' sh "$CHOUSA" "$T/many.txt" "$T/pipe.st" | head -n 1 > /dev/null; cat "$T/pipe.st")
if [ "$st" = 141 ]; then ok closed_pipe_is_sigpipe; else
	not_ok closed_pipe_is_sigpipe "status $st, want 141"; fi
