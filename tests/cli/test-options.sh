# test-options.sh: a CLI that feels native (issue 16, item 4).
#  - -h, --help and --json work on every command; -vv is counted.
#  - "-format json" is refused with the option meant, never read as
#    "-f ormat"; commands, options, formats and source names that name
#    nothing get "did you mean".
#  - One exit status table: --help, the man page and the README agree.
#  - `chousa completion bash|zsh|fish` is made from the option tables:
#    bash completion is driven through COMP_WORDS in a real bash, and the
#    zsh and fish scripts pass their shells' syntax check.
#  - With no input and a terminal on stdin, usage, not a wait.
#  - investigate --extract FILE reads the file.
. "$TESTS/cli/lib.sh"

export CHOUSA_DB="$T/db"
"$CHOUSA" -q import feodo "$SAMPLES/abusech/feodo/ipblocklist_2021-12-20.csv" \
    > /dev/null 2>&1
COMMANDS=$("$CHOUSA" help --json | python3 -c '
import json, sys
print(" ".join(c["name"] for c in json.load(sys.stdin)["commands"]))')
[ -n "$COMMANDS" ] && ok help_json_lists_commands || not_ok help_json_lists_commands "none"

# ---- -h, --help, --json everywhere ----
bad_h= bad_json=
for c in $COMMANDS; do
	"$CHOUSA" "$c" -h > "$T/h" 2>&1 || bad_h="$bad_h $c"
	grep -q "^usage: chousa $c" "$T/h" || bad_h="$bad_h $c"
	"$CHOUSA" "$c" --json --help > /dev/null 2>&1 || bad_json="$bad_json $c"
	"$CHOUSA" --json "$c" --help > /dev/null 2>&1 || bad_json="$bad_json $c"
done
[ -z "$bad_h" ] && ok every_command_takes_h || not_ok every_command_takes_h "$bad_h"
[ -z "$bad_json" ] && ok every_command_takes_json || not_ok every_command_takes_json "$bad_json"

# --json prints JSON for the commands that print text otherwise.
json_ok() {
	name=$1
	shift
	"$@" > "$T/j" 2> "$T/e"
	if [ -s "$T/j" ] && python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' "$T/j" 2> /dev/null; then ok "$name"
	else not_ok "$name" "$(head -c 200 "$T/j") $(head -c 200 "$T/e")"; fi
}
json_ok version_json "$CHOUSA" version --json
json_ok help_json "$CHOUSA" help investigate --json
json_ok refang_json "$CHOUSA" refang --json 'hxxp://evil[.]com/a' 'two'
json_ok defang_json sh -c "echo http://evil.com/a | '$CHOUSA' --json defang"
json_ok import_json "$CHOUSA" import --json feodo \
    "$SAMPLES/abusech/feodo/ipblocklist_2021-12-20.csv"
expect import_json_counts '"state":"imported".*"rows_read":750' "$T/j"
json_ok completion_json "$CHOUSA" completion bash --json
json_ok lookup_json_before_command "$CHOUSA" --json lookup 192.0.2.1
json_ok investigate_json "$CHOUSA" investigate --json --offline 192.0.2.1
"$CHOUSA" investigate --format json --offline 192.0.2.1 > "$T/fmt" 2> /dev/null
if cmp -s "$T/j" "$T/fmt"; then ok investigate_json_is_format_json; else
	not_ok investigate_json_is_format_json "$(diff "$T/fmt" "$T/j" | head -c 200)"; fi

# ---- -vv ----
check vv_before_command 0 "$CHOUSA" -vv version
check vv_after_command 0 "$CHOUSA" lookup -vv 192.0.2.1
check vq_cluster 0 "$CHOUSA" -qv version

# ---- single-dash long options ----
check single_dash_format 2 "$CHOUSA" investigate -format json 192.0.2.1
expect single_dash_format_hint "unknown option '-format'; did you mean '--format'\?" "$T/err"
refute single_dash_not_read_as_f "'ormat'" "$T/err"
check single_dash_file 2 "$CHOUSA" investigate -file x
expect single_dash_file_hint "did you mean '--file'" "$T/err"
check single_dash_typo 2 "$CHOUSA" investigate -fromat json 192.0.2.1
expect single_dash_typo_hint "did you mean '--format'\?" "$T/err"
check single_dash_global 2 "$CHOUSA" -db x version
expect single_dash_global_hint "did you mean '--db'" "$T/err"
# A short option with its value attached still works.
printf '192.0.2.1\n' > "$T/ind"
check short_option_value_attached 0 "$CHOUSA" investigate --offline "-f$T/ind"

# ---- did you mean ----
check command_typo 2 "$CHOUSA" investiagte 192.0.2.1
expect command_typo_hint "unknown command 'investiagte'; did you mean 'investigate'\?" "$T/err"
check help_command_typo 2 "$CHOUSA" help lokup
expect help_command_typo_hint "did you mean 'lookup'\?" "$T/err"
check option_typo 2 "$CHOUSA" investigate --fromat json 192.0.2.1
expect option_typo_hint "unknown option '--fromat'; did you mean '--format'\?" "$T/err"
check option_ambiguous 2 "$CHOUSA" investigate --ex 192.0.2.1
expect option_ambiguous_names_both "ambiguous: --extract, --exhaustive" "$T/err"
check format_typo 2 "$CHOUSA" investigate --format jsno 192.0.2.1
expect format_typo_hint "unknown format 'jsno'; did you mean 'json'\?" "$T/err"
check sweep_format_typo 2 "$CHOUSA" sweep --format zek "$T/ind"
expect sweep_format_typo_hint "did you mean 'zeek'\?" "$T/err"
check export_format_typo 2 "$CHOUSA" export --format suricta
expect export_format_typo_hint "unknown format 'suricta'; did you mean 'suricata'\?" "$T/err"
check db_subcommand_typo 2 "$CHOUSA" db stat
expect db_subcommand_typo_hint "unknown subcommand 'stat'; did you mean 'stats'\?" "$T/err"
check cache_no_subcommand 2 "$CHOUSA" cache
expect cache_no_subcommand_names_them "name a subcommand: stats or clear" "$T/err"
check export_number_checked 2 "$CHOUSA" export --format txt --active 0
expect export_number_range "--active needs a number from 1 to 36500" "$T/err"
check import_source_typo 2 "$CHOUSA" import urlhuas "$T/ind"
expect import_source_typo_hint "unknown source 'urlhuas'; did you mean 'urlhaus'\?" "$T/err"
check update_source_typo 2 "$CHOUSA" update feod
expect update_source_typo_hint "unknown source 'feod'; did you mean 'feodo'\?" "$T/err"
check investigate_source_typo 2 "$CHOUSA" investigate --offline \
    --sources local-feodo,virustotl 192.0.2.1
expect investigate_source_typo_hint "did you mean 'virustotal'\?" "$T/err"
check color_typo 2 "$CHOUSA" --color alwyas version
expect color_typo_hint "did you mean 'always'\?" "$T/err"

# ---- one exit status table ----
"$CHOUSA" help --json > "$T/help.json"
"$CHOUSA" help --man > "$T/man"
"$CHOUSA" --help > "$T/help.txt"
python3 - "$T/help.json" "$T/man" "$T/help.txt" "$TESTS/../README.md" \
    "$TESTS/../cli/cli.h" <<'PY' > "$T/exit"
import json, re, sys
table = {e["status"]: e["meaning"] for e in json.load(open(sys.argv[1]))["exit_statuses"]}
man = open(sys.argv[2]).read().replace("\\-", "-")
helptext = " ".join(open(sys.argv[3]).read().split())
readme = open(sys.argv[4]).read()
enum = dict((int(v), k) for k, v in re.findall(r"(EXIT_\w+) = (\d+)", open(sys.argv[5]).read()))
rows = dict((int(s), m.strip()) for s, m in re.findall(r"^\| (\d+) \| (.*) \|$", readme, re.M))
for st, meaning in table.items():
    if ".TP\n%d\n%s" % (st, meaning) not in man:
        print("man lacks", st)
    if "%d %s" % (st, meaning) not in helptext:
        print("--help lacks", st)
    if rows.get(st) != meaning:
        print("README says %r for %d, the table %r" % (rows.get(st), st, meaning))
for st in enum:
    if st not in table:
        print("cli.h has", enum[st], "outside the table")
for st in rows:
    if st not in table:
        print("README has", st, "outside the table")
PY
if [ ! -s "$T/exit" ]; then ok exit_status_one_table; else
	not_ok exit_status_one_table "$(head -c 400 "$T/exit" | tr '\n' '|')"; fi

# ---- completion ----
"$CHOUSA" completion bash > "$T/chousa.bash"
complete_words chousa inv > "$T/c"
expect bash_completes_commands "^investigate$" "$T/c"
complete_words chousa investigate --fo > "$T/c"
expect bash_completes_options "^--format$" "$T/c"
complete_words chousa investigate --format '' > "$T/c"
expect bash_completes_formats "^stix$" "$T/c"
complete_words chousa investigate --format = j > "$T/c"
expect bash_completes_format_after_equals "^json$" "$T/c"
complete_words chousa -v --db x sweep --format ze > "$T/c"
expect bash_completes_sweep_formats "^zeek$" "$T/c"
# Every report format completion offers is in --help with what it is.
complete_words chousa investigate --format '' > "$T/c"
"$CHOUSA" help --json investigate > "$T/h"
missing=
for w in $(cat "$T/c"); do grep -q "$w: " "$T/h" || missing="$missing $w"; done
if [ -s "$T/c" ] && [ -z "$missing" ]; then ok investigate_help_lists_formats
else not_ok investigate_help_lists_formats "not in --help:$missing"; fi
complete_words chousa export --format '' > "$T/c"
expect bash_completes_export_formats "^rpz$" "$T/c"
complete_words chousa db '' > "$T/c"
expect bash_completes_subcommands "^stats$" "$T/c"
complete_words chousa --col > "$T/c"
expect bash_completes_global_options "^--color$" "$T/c"
complete_words chousa lookup --j > "$T/c"
expect bash_completes_json_everywhere "^--json$" "$T/c"
mkdir -p "$T/files" && : > "$T/files/alert.eml"
complete_words chousa investigate -f "$T/files/al" > "$T/c"
expect bash_completes_files "alert.eml$" "$T/c"
# Every option of --help is completed: the same table.
"$CHOUSA" help --json | python3 -c '
import json, sys
for c in json.load(sys.stdin)["commands"]:
    print(c["name"], " ".join("--" + o["name"] for o in c["options"]))' |
while read -r cmd opts; do
	complete_words chousa "$cmd" -- > "$T/c"
	for o in $opts; do
		grep -qx -- "$o" "$T/c" || echo "$cmd $o"
	done
done > "$T/missing"
[ ! -s "$T/missing" ] && ok bash_completion_has_every_option ||
    not_ok bash_completion_has_every_option "$(head -c 200 "$T/missing")"
"$CHOUSA" completion zsh > "$T/_chousa"
if command -v zsh > /dev/null 2>&1; then
	check zsh_completion_syntax 0 zsh -n "$T/_chousa"
else
	ok "zsh_completion_syntax # SKIP zsh is not installed"
fi
expect zsh_completion_has_formats "--format\[.*\]:FORMAT:\(text json" "$T/_chousa"
"$CHOUSA" completion fish > "$T/chousa.fish"
if command -v fish > /dev/null 2>&1; then
	check fish_completion_syntax 0 fish --no-execute "$T/chousa.fish"
	check fish_completion_loads 0 fish -c "source '$T/chousa.fish'; complete -C 'chousa investigate --form'"
	expect fish_completes_options "^--format" "$T/out"
else
	ok "fish_completion_syntax # SKIP fish is not installed"
fi
check completion_unknown_shell 2 "$CHOUSA" completion tcsh

# ---- no input on a terminal: usage, no wait ----
# on_tty CMD...: run CMD with a pseudo-terminal as stdin; print its exit
# status and whether it ended within 5 s.
on_tty() {
	python3 - "$@" <<'PY'
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT)
os.close(slave)
try:
    out, _ = p.communicate(timeout=5)
    print("exit %d" % p.returncode)
    sys.stdout.write(out.decode(errors="replace"))
except subprocess.TimeoutExpired:
    p.kill()
    print("waited")
PY
}
for c in investigate extract refang defang; do
	on_tty "$CHOUSA" "$c" > "$T/tty"
	expect "tty_${c}_prints_usage_at_once" "^exit 2$" "$T/tty"
	expect "tty_${c}_says_why" "no input: .*terminal" "$T/tty"
done
on_tty "$CHOUSA" investigate --offline -f "$T/ind" > "$T/tty"
expect tty_investigate_with_file_runs "^exit 0$" "$T/tty"
on_tty "$CHOUSA" refang 'hxxp://a[.]com' > "$T/tty"
expect tty_refang_with_args_runs "^exit 0$" "$T/tty"
# A pipe is not a terminal: stdin is read as before.
echo 'hxxp://a[.]com' | "$CHOUSA" refang > "$T/out"
expect pipe_still_read "^http://a.com" "$T/out"

# ---- investigate --extract FILE ----
printf 'From: a@example.org\nThe C2 is 185[.]220[.]101[.]1 today.\n' > "$T/alert.eml"
check extract_reads_named_file 0 "$CHOUSA" investigate --offline --extract \
    --json "$T/alert.eml"
expect extract_file_indicator '"input":"185.220.101.1"' "$T/out"
refute extract_file_name_not_text "alert.eml" "$T/out"
check extract_text_operand 0 "$CHOUSA" investigate --offline --extract \
    --json 'seen 45.9.148.3 in the proxy log'
expect extract_text_operand_still_text '"input":"45.9.148.3"' "$T/out"
check extract_missing_file 3 "$CHOUSA" investigate --offline --extract \
    "$T/nosuch.eml"
expect extract_missing_file_says_so "no file '.*nosuch.eml'" "$T/err"

# ---- --server on a command that works on this machine's store ----
# Refused, rather than answered from the local store as if from the
# server's (a sweep's "0 hits" from an empty store read as the team's).
printf 'seen 185.220.101.1 here\n' > "$T/log.txt"
check server_refused_by_cache 2 "$CHOUSA" --server http://127.0.0.1:9 cache stats
# import, update and token with --server act on the server's store.
check server_import_asks_the_server 4 "$CHOUSA" --server http://127.0.0.1:9 import list "$T/log.txt"
expect server_import_said_unreachable "cannot reach the server 'http://127.0.0.1:9'" "$T/err"
check server_refused_after_command 2 "$CHOUSA" db --server=http://127.0.0.1:9 backup "$T/b.db"
expect server_db_says_instead "on the server's machine" "$T/err"
check server_token_asks_the_server 4 "$CHOUSA" --server http://127.0.0.1:9 token list
check server_refused_by_mcp 2 "$CHOUSA" --server http://127.0.0.1:9 mcp
check server_harmless_for_refang 0 "$CHOUSA" --server http://127.0.0.1:9 refang 'a[.]com'
check server_after_double_dash_is_an_operand 0 "$CHOUSA" refang -- --server
