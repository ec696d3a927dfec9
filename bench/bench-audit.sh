#!/bin/sh
# bench-audit.sh: `chousa audit INDICATOR` over a team server's audit log
# and its five rotated files (1.2M lines, 400 MB, as bench-serve.sh's load
# leaves them: audit_max 64 MiB), beside the peer an admin reaches for
# (jq, selecting the entries whose inputs hold the indicator as written)
# and the floor (grep -F for the indicator in quotes, which neither
# parses nor normalises), all in the same run, best of 3.  Prints a
# Markdown section.
#   CHOUSA           binary (default ./chousa)
#   BENCH_WORK       scratch dir (default bench/work)
#   BENCH_AUDIT_N    lines (default 1200000)
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
CHOUSA=${CHOUSA:-$top/chousa}
work=${BENCH_WORK:-$top/bench/work}
n=${BENCH_AUDIT_N:-1200000}
command -v jq > /dev/null || { echo "bench-audit: jq is needed (scripts/install-deps.sh test)" >&2; exit 2; }
dir=$work/audit-$n
log=$dir/audit.log
if [ ! -f "$log.5" ]; then
	mkdir -p "$dir"
	# Lines as src/serve/server.c writes them: 2,500 indicators asked
	# by 20 analysts, some defanged, one in ten refused; newest last,
	# split as the server rotates (log.5 oldest).
	python3 - "$log" "$n" <<'PY'
import json, random, sys
path, n = sys.argv[1], int(sys.argv[2])
random.seed(7)
iocs = ["%d.%d.%d.%d" % (random.randrange(1, 224), random.randrange(256),
        random.randrange(256), random.randrange(1, 255)) for _ in range(1000)]
iocs += ["c2-%d.example-%d.com" % (i, i % 97) for i in range(1000)]
iocs += ["http://dl-%d.example.net/p/%d.exe" % (i, i) for i in range(500)]
per = n // 6
t0 = 1764000000
for part in range(6):
    name = path if part == 5 else "%s.%d" % (path, 5 - part)
    with open(name, "w") as f:
        for i in range(per):
            k = part * per + i
            v = random.choice(iocs)
            if random.random() < 0.2:
                v = v.replace(".", "[.]").replace("http", "hxxp")
            refused = random.random() < 0.1
            t = t0 + k // 20
            f.write(json.dumps({
                "time": "%04d-%02d-%02dT%02d:%02d:%02dZ" % (2025, 11, 24 + t // 86400 % 5,
                        t // 3600 % 24, t // 60 % 60, t % 60),
                "who": None if refused else "analyst%d" % (k % 20),
                "token_id": None if refused else k % 20, "role": "read",
                "via": "bearer", "peer": "192.0.2.%d" % (k % 250),
                "method": "GET", "path": "/api/v1/lookup", "what": "lookup",
                "status": 401 if refused else 200, "duration_ms": 0.04,
                "n_inputs": 0 if refused else 1,
                "inputs": [] if refused else [v], "sources": "store",
                "online_requests": None,
                "verdict": None if refused else "malicious",
                "refused": "unknown token" if refused else None,
                "ended": None}, separators=(",", ":")) + "\n")
PY
fi
ind=$(sed -n 1000p "$log" | python3 -c "import json,sys; print(json.loads(sys.stdin.read())['inputs'][0].replace('[.]', '.').replace('hxxp', 'http'))")
lines=$(cat "$log" "$log".[1-5] | wc -l)
bytes=$(cat "$log" "$log".[1-5] | wc -c)

best() {
	python3 - "$@" <<'PY'
import subprocess, sys, time
ts = []
for _ in range(3):
    t = time.monotonic()
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ts.append(time.monotonic() - t)
print("%.3f" % min(ts))
PY
}
cat "$log" "$log".[1-5] > /dev/null
t_chousa=$(best "$CHOUSA" audit --log "$log" --limit 10000 --json "$ind")
found=$("$CHOUSA" audit --log "$log" --limit 10000 --json "$ind" | tail -n 1)
# The last hours only: the newest file's first line on.
since=$(head -n 1 "$log" | python3 -c "import json,sys; print(json.loads(sys.stdin.read())['time'])")
t_since=$(best "$CHOUSA" audit --log "$log" --limit 10000 --json --since "$since" "$ind")
found_since=$("$CHOUSA" audit --log "$log" --limit 10000 --json --since "$since" "$ind" | tail -n 1)
t_jq=$(best sh -c "jq -c --arg i '$ind' 'select(.inputs|index(\$i))' '$log.5' '$log.4' '$log.3' '$log.2' '$log.1' '$log'")
n_jq=$(jq -c --arg i "$ind" 'select(.inputs|index($i))' "$log.5" "$log.4" "$log.3" "$log.2" "$log.1" "$log" | wc -l)
# Counted, not sent to /dev/null: GNU grep stops at the first match then.
t_grep=$(best sh -c "grep -hF '\"$ind\"' '$log' '$log.1' '$log.2' '$log.3' '$log.4' '$log.5' | wc -l")
n_chousa=$(echo "$found" | sed 's/.*"matched":\([0-9]*\).*/\1/')

cat <<EOF

### chousa audit (bench-audit.sh)

An audit log and its five rotated files: $lines lines, $((bytes / 1048576)) MiB,
2,500 indicators asked by 20 analysts, a fifth of them defanged, a tenth
refused.  Who asked about \`$ind\`?  Best of 3, files in the page cache.

| tool | time | entries found | vs chousa |
|---|---:|---:|---:|
| \`chousa audit --json\` (every line parsed, inputs compared in normal form) | $t_chousa s | $n_chousa | 1.00x |
| \`chousa audit --json --since $since\` (the newest file's hours; files read: $(echo "$found_since" | sed 's/.*"files":\([0-9]*\).*/\1/')) | $t_since s | $(echo "$found_since" | sed 's/.*"matched":\([0-9]*\).*/\1/') | $(python3 -c "print('%.2fx' % ($t_since / $t_chousa))") |
| jq, the peer (the indicator as written only) | $t_jq s | $n_jq | $(python3 -c "print('%.2fx' % ($t_jq / $t_chousa))") |
| grep -F, the floor (no parsing, as written only) | $t_grep s | $(grep -hF "\"$ind\"" "$log" "$log".[1-5] | wc -l) | $(python3 -c "print('%.2fx' % ($t_grep / $t_chousa))") |

jq and grep miss the entries where the indicator was asked defanged;
chousa finds them (the difference in the count).  With --since, a rotated
file whose last line is older is not read, nor those before it.
EOF
