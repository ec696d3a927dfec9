# test-terminal.sh: what a terminal shows, checked in a real one.  In tmux
# panes of a given width, the text report wraps at the pane's width between
# words (no word split, continuation lines indented, commands whole) and is
# coloured unless NO_COLOR; in a pseudo-terminal (script(1)), investigate
# batches and imports draw progress with a count, a rate and an ETA, and a
# file or a pipe gets neither colour nor wrapping.
. "$TESTS/cli/lib.sh"
export CHOUSA_CONFIG="$T/config" CHOUSA_DB="$T/demo.db"
: > "$CHOUSA_CONFIG"
demo_store
INPUTS="www.dnautik.com 162.243.103.246 billing@www.dnautik.com"

# ---- a file or a pipe: no colour, no wrapping ----
env -u NO_COLOR "$CHOUSA" investigate --offline $INPUTS > "$T/plain" 2> /dev/null
refute pipe_no_colour "$(printf '\033')" "$T/plain"
awk 'length($0) > 150 { n++ } END { exit (n == 0) }' "$T/plain" &&
	ok pipe_not_wrapped || not_ok pipe_not_wrapped "no line over 150 columns"
COLUMNS=72 "$CHOUSA" investigate --offline $INPUTS > "$T/cols" 2> /dev/null
# A line may pass the width only as a command (it must paste whole) or as
# one word alone (a link, a hash: no break can help it).
overlong() {
	python3 -c '
import sys
w = int(sys.argv[1])
bad = [l for l in open(sys.argv[2], encoding="utf-8").read().splitlines()
       if len(l) > w and not l.startswith("    chousa ") and len(l.split()) > 1]
print("\n".join(bad))
sys.exit(1 if bad else 0)' "$1" "$2"
}
overlong 72 "$T/cols" > "$T/long" &&
	ok columns_variable_wraps_a_file || not_ok columns_variable_wraps_a_file "$(head -c 200 "$T/long")"

if ! command -v tmux > /dev/null 2>&1; then
	echo "ok - terminal_tmux # SKIP tmux not installed (scripts/install-deps.sh test)"
else
	SOCK="chousa-test-$$"
	trap 'tmux -L "$SOCK" kill-server 2> /dev/null' EXIT
	# pane NAME WIDTH CMD: run CMD in a detached pane WIDTH columns wide,
	# wait for it, and keep what the pane shows in $T/NAME (-J joins what
	# the terminal itself wrapped, -e keeps colour sequences).
	pane() {
		tmux -L "$SOCK" -f /dev/null new-session -d -s "$1" -x "$2" \
		    -y 50 "$3; echo __DONE__; sleep 60"
		tmux -L "$SOCK" set-option -t "$1" history-limit 5000 > /dev/null
		i=0
		while [ $i -lt 300 ]; do
			tmux -L "$SOCK" capture-pane -p -J -t "$1" -S - > "$T/$1" 2> /dev/null
			grep -q '^__DONE__' "$T/$1" && break
			sleep 0.1
			i=$((i + 1))
		done
		tmux -L "$SOCK" capture-pane -p -J -e -t "$1" -S - | sed '/^__DONE__/,$d' > "$T/$1.e"
		sed '/^__DONE__/,$d' "$T/$1" > "$T/$1.tmp" && mv "$T/$1.tmp" "$T/$1"
		tmux -L "$SOCK" kill-session -t "$1" 2> /dev/null
	}
	pane narrow 80 "NO_COLOR=1 '$CHOUSA' investigate --offline $INPUTS 2>/dev/null"
	if [ -s "$T/narrow" ]; then ok tmux_pane_runs; else not_ok tmux_pane_runs "empty pane"; fi
	# Nothing past the pane's width but the commands, which paste whole.
	overlong 80 "$T/narrow" > "$T/long" &&
		ok tmux_wraps_at_pane_width || not_ok tmux_wraps_at_pane_width "$(head -c 200 "$T/long")"
	grep -q '^    chousa investigate d7e61d7d1f31426d1c59eeab4e60fdd433b6889a548b94129e0ae34fb766a7cf$' "$T/narrow" &&
		ok tmux_command_whole || not_ok tmux_command_whole "no whole command line"
	# The same words in the same order as unwrapped: none was split.
	tr -s ' \n' '\n\n' < "$T/plain" | grep -v '^$' > "$T/w.plain"
	tr -s ' \n' '\n\n' < "$T/narrow" | grep -v '^$' > "$T/w.narrow"
	if cmp -s "$T/w.plain" "$T/w.narrow"; then ok tmux_no_word_split; else
		not_ok tmux_no_word_split "$(diff "$T/w.plain" "$T/w.narrow" | head -n 4 | tr '\n' '|')"; fi
	# Wrapped lines keep their indentation: only what starts a line
	# unwrapped starts one wrapped.
	grep -v '^ ' "$T/plain" | grep -v '^$' | sort -u > "$T/l.plain"
	grep -v '^ ' "$T/narrow" | grep -v '^$' | awk '{print $1}' | sort -u > "$T/f.narrow"
	awk '{print $1}' "$T/l.plain" | sort -u > "$T/f.plain"
	if cmp -s "$T/f.plain" "$T/f.narrow"; then ok tmux_continuations_indented; else
		not_ok tmux_continuations_indented "$(diff "$T/f.plain" "$T/f.narrow" | head -n 4 | tr '\n' '|')"; fi
	grep -q '^                               ' "$T/narrow" &&
		ok tmux_finding_hangs_under_detail || not_ok tmux_finding_hangs_under_detail "no line indented to the details"
	pane wide 200 "NO_COLOR=1 '$CHOUSA' investigate --offline $INPUTS 2>/dev/null"
	awk 'length($0) > 80 { n++ } END { exit (n == 0) }' "$T/wide" &&
		ok tmux_wide_pane_uses_width || not_ok tmux_wide_pane_uses_width "no line over 80 in a 200-column pane"
	# Colour on a terminal, none under NO_COLOR.
	pane colour 120 "env -u NO_COLOR '$CHOUSA' investigate --offline www.dnautik.com 2>/dev/null"
	grep -q '31mmalicious' "$T/colour.e" &&
		ok tmux_colour_verdict || not_ok tmux_colour_verdict "$(grep -m1 Verdict "$T/colour.e" | od -c | head -n 2)"
	grep -q "$(printf '\033')\\[" "$T/narrow.e" &&
		not_ok tmux_no_colour_under_no_color "escape sequences" || ok tmux_no_colour_under_no_color
	# The triage table, coloured, in a 100-column pane.
	pane table 100 "env -u NO_COLOR '$CHOUSA' investigate --offline --brief $INPUTS unknown-4821.example.net 2>/dev/null"
	grep -q '33msuspicious' "$T/table.e" &&
		ok tmux_table_colour || not_ok tmux_table_colour "$(head -n 8 "$T/table")"
	overlong 100 "$T/table" > "$T/long" &&
		ok tmux_table_fits || not_ok tmux_table_fits "$(head -c 200 "$T/long")"
fi

# ---- progress, on a pseudo-terminal ----
if ! command -v script > /dev/null 2>&1; then
	echo "ok - terminal_progress # SKIP no script(1)"
	exit 0
fi
python3 -c '
import sys
for i in range(600):
    print("192.0.%d.%d" % (i // 250 + 50, i % 250 + 1))
' > "$T/many.txt"
script -q -e -c "'$CHOUSA' investigate --offline --brief -f '$T/many.txt' > '$T/many.out'" "$T/typescript" > /dev/null 2>&1
tr '\r' '\n' < "$T/typescript" > "$T/progress"
expect investigate_progress_count_rate_eta 'investigating \[#+\.*\] +[0-9]+% [0-9]+/600 indicators, [0-9]+/s, ETA [0-9:-]+' "$T/progress"
expect investigate_progress_ends_full 'investigating \[#{40}\] 100% 600/600 indicators' "$T/progress"
expect investigate_progress_output_kept '^Triage of 600 inputs' "$T/many.out"
refute investigate_progress_not_in_output 'investigating \[' "$T/many.out"
# Not a terminal, or -q: no bar.
"$CHOUSA" investigate --offline --brief -f "$T/many.txt" > /dev/null 2> "$T/err"
refute investigate_no_progress_off_terminal 'investigating' "$T/err"
# The import bar, shared: bytes with a rate and an ETA.
python3 - "$TESTS/data/samples/abusech/urlhaus/csv_online_2026-08-18_head21lines.csv" > "$T/big.csv" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
head = [l for l in lines if l.startswith("#")]
print("\n".join(head))
for i in range(60000):
    print('"%d","2026-08-18 16:17:08","http://198.51.%d.%d/bins/x%d","online",'
          '"2026-08-18 16:17:08","malware_download","elf,mirai",'
          '"https://urlhaus.abuse.ch/url/%d/","tester"'
          % (5000000 + i, i // 250 % 250, i % 250 + 1, i, 5000000 + i))
PY
script -q -e -c "'$CHOUSA' --db '$T/imp.db' import urlhaus '$T/big.csv'" "$T/imp.ts" > /dev/null 2>&1
tr '\r' '\n' < "$T/imp.ts" > "$T/imp.progress"
expect import_progress_rate_eta '\[[#.]+\] +[0-9]+% [0-9.]+/[0-9.]+ MB, [0-9.]+ MB/s, ETA [0-9:-]+' "$T/imp.progress"
