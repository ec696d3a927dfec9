#!/bin/sh
# run.sh: run every bench/bench-*.sh and append their Markdown to
# bench/RESULTS.md under a heading with the commit, the date and the machine.
# Each script gets CHOUSA (the binary), BENCH_WORK (scratch, reused between
# runs so generated corpora are made once) and GEN (the corpus generator).
# BENCH=name runs only bench/bench-<name>.sh.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
export CHOUSA="$top/build/chousa"
export BENCH_WORK="${BENCH_WORK:-$top/bench/work}"
if [ -z "${GEN:-}" ]; then
	for g in "$top/../shared/bench/gen_corpus.py" "$top/bench/gen_corpus.py"; do
		[ -f "$g" ] && GEN=$g && break
	done
fi
export GEN="${GEN:-}"
mkdir -p "$BENCH_WORK"
make --no-print-directory chousa >&2

out=$(mktemp)
{
	echo
	echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo none)"
	echo
	echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m), load before: $(cut -d' ' -f1-3 /proc/loadavg)."
} > "$out"
for b in bench/bench-*.sh; do
	name=$(basename "$b" .sh)
	name=${name#bench-}
	[ -n "${BENCH:-}" ] && [ "$BENCH" != "$name" ] && continue
	echo "bench: $name" >&2
	if ! sh "$b" >> "$out"; then
		echo "bench: $name failed" >&2
		printf '\n### %s\n\nfailed: see stderr of bench/bench-%s.sh\n' "$name" "$name" >> "$out"
	fi
done
cat "$out"
cat "$out" >> bench/RESULTS.md
rm -f "$out"
