#!/bin/sh
# bench-extract.sh: chousa extract over a mixed corpus of logs
# (gen_corpus.py --formats all) and Japanese/English write-up prose
# (bench/gen-prose.py), beside `rg -o` with an equivalent URL/IP/domain/
# email/hash regex and the read floor `cat FILE > /dev/null`, all in the
# same run.  Prints a Markdown section.
#   CHOUSA            binary (default ./chousa)
#   BENCH_WORK        scratch dir (default bench/work)
#   BENCH_EXTRACT_MB  corpus size in MiB (default 1024)
#   GEN               gen_corpus.py when ../shared/bench/ has none
#   BENCH_GEN_ONLY=1  only build the corpus
#   CHOUSA_BEFORE     an older binary, timed in the same run when set
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
CHOUSA=${CHOUSA:-$top/chousa}
work=${BENCH_WORK:-$top/bench/work}
mb=${BENCH_EXTRACT_MB:-1024}
gen=$top/../shared/bench/gen_corpus.py
[ -f "$gen" ] || gen=${GEN:-}
[ -n "$gen" ] && [ -f "$gen" ] || { echo "bench-extract: gen_corpus.py not found (set GEN)" >&2; exit 2; }
command -v rg > /dev/null || { echo "bench-extract: rg (ripgrep) is needed" >&2; exit 2; }

dir=$work/extract-$mb
corpus=$dir/corpus.txt
if [ ! -f "$corpus" ]; then
	mkdir -p "$dir"
	# Three quarters logs (7 formats), one quarter prose.
	per=$(python3 -c "print(max(1, round($mb * 0.75 / 7, 2)))")
	python3 "$gen" --out "$dir/logs" --formats all --log-mb "$per" \
	    --n 50000 --quiet > /dev/null 2>&1
	python3 bench/gen-prose.py "$(python3 -c "print($mb * 0.25)")" \
	    "$dir/prose.txt"
	# Interleave in 1 MiB pieces so neither kind is all at one end.
	python3 - "$dir" "$corpus" <<'PY'
import os, sys
d, out = sys.argv[1], sys.argv[2]
srcs = [os.path.join(d, "logs", f) for f in sorted(os.listdir(os.path.join(d, "logs")))
        if not f.startswith("indicators") and not f.endswith(".json") or f == "eve.json"]
srcs = [open(p, "rb") for p in srcs if os.path.isfile(p) and not p.endswith("manifest.json")]
srcs.append(open(os.path.join(d, "prose.txt"), "rb"))
with open(out, "wb") as o:
    live = list(srcs)
    while live:
        for f in list(live):
            chunk = f.read(1 << 20)
            if not chunk:
                live.remove(f)
                continue
            chunk += f.readline()
            o.write(chunk)
PY
	rm -rf "$dir/logs" "$dir/prose.txt"
fi
size=$(wc -c < "$corpus")
[ "${BENCH_GEN_ONLY:-}" = 1 ] && exit 0

# secs CMD: "wall cpu" seconds of CMD (cpu = user + sys of it and its
# children); the best wall of two runs when the corpus is small.  On a
# shared machine the CPU seconds are the steadier figure.
secs() {
	best=
	runs=1
	[ "$mb" -lt 256 ] && runs=2
	i=0
	while [ $i -lt $runs ]; do
		/usr/bin/time -f "%e %U %S" -o "$dir/time" sh -c "$1" > /dev/null 2>&1
		t=$(awk '{ printf "%s %.3f", $1, $2 + $3 }' "$dir/time")
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { split(a, x, " "); split(b, y, " "); exit !(x[1] < y[1]) }'; then
			best=$t
		fi
		i=$((i + 1))
	done
	echo "$best"
}
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }
mbs() { python3 -c "print('%.1f' % ($size / 1048576 / max($1, 0.001)))"; }
row() { printf '| %s | %.2f | %s | %.2f | %s |' "$1" "$(wall "$2")" "$(mbs "$(wall "$2")")" "$(cpu "$2")" "$(mbs "$(cpu "$2")")"; }

RE='(?:https?|ftp)://[^\s"<>]+|\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-fA-F]{32}(?:[0-9a-fA-F]{8})?(?:[0-9a-fA-F]{24})?(?:[0-9a-fA-F]{64})?\b|\b(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}\b|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|\bAS\d+\b|(?:[0-9a-fA-F]{1,4}:){2,7}:?[0-9a-fA-F]{0,4}'

cat "$corpus" > /dev/null	# warm the page cache
t_cat=$(secs "cat '$corpus' > /dev/null")
t_ch=$(secs "'$CHOUSA' extract '$corpus' | wc -l")
t_ch1=$(secs "'$CHOUSA' extract --threads 1 '$corpus' | wc -l")
t_rg=$(secs "rg -o -e '$RE' '$corpus' | wc -l")
before_row=""
if [ -n "${CHOUSA_BEFORE:-}" ]; then
	t_b=$(secs "'$CHOUSA_BEFORE' extract '$corpus' | wc -l")
	n_b=$("$CHOUSA_BEFORE" extract "$corpus" | wc -l)
	before_row=$(row "chousa extract, before (CHOUSA_BEFORE) — $n_b lines" "$t_b")
fi
t_rga=$(secs "rg --no-unicode -o -e '$RE' '$corpus' | wc -l")
n_ch=$("$CHOUSA" extract "$corpus" | wc -l)
n_rg=$(rg --no-unicode -o -e "$RE" "$corpus" | wc -l)
peer() { python3 -c "print(min($1, $2))"; }
rw=$(peer "$(wall "$t_rg")" "$(wall "$t_rga")")
rc=$(peer "$(cpu "$t_rg")" "$(cpu "$t_rga")")

cat <<MD
## extract: $(python3 -c "print('%.0f' % ($size / 1048576))") MiB of mixed logs and prose

Corpus: gen_corpus.py --formats all (three quarters) and generated
Japanese/English write-up prose with defanged indicators (one quarter),
interleaved.  Output piped to \`wc -l\` for every tool.  Machine:
$(nproc) CPUs, shared with other jobs (load average $(cut -d' ' -f1 /proc/loadavg) at the
end), so CPU seconds (user + sys) are given beside wall seconds.

| tool | wall s | MB/s | CPU s | MB/CPU-s |
|------|-------:|-----:|------:|---------:|
$(row "cat FILE > /dev/null (read floor)" "$t_cat")
$(row "chousa extract (default threads) — $n_ch lines" "$t_ch")
$(row "chousa extract --threads 1" "$t_ch1")
$before_row
$(row "rg -o REGEX (Unicode, the default)" "$t_rg")
$(row "rg --no-unicode -o REGEX — $n_rg lines" "$t_rga")

Ratio chousa/rg (throughput against the faster rg; above 1 means chousa
is faster): wall **$(python3 -c "print('%.2f' % ($rw / max($(wall "$t_ch"), 0.001)))")**, one thread $(python3 -c "print('%.2f' % ($rw / max($(wall "$t_ch1"), 0.001)))"); CPU, one thread,
**$(python3 -c "print('%.2f' % ($rc / max($(cpu "$t_ch1"), 0.001)))")**.  Against the default (Unicode) rg, wall: $(python3 -c "print('%.2f' % ($(wall "$t_rg") / max($(wall "$t_ch"), 0.001)))").
chousa also refangs, checks the public suffix list, parses URLs and IPs
and prints normal forms, which the regex does not; the regex finds
things chousa rightly leaves out (file names, version numbers, URL path
segments), hence the different line counts.
MD
