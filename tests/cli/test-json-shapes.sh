# test-json-shapes.sh: every --json output has the shape docs/json.md
# documents (json-shapes-check.py reads its tables): sweep hits, summary
# and investigations, look-up records, extracted indicators, the sources
# listing and check, import results, db stats, parse, config and config
# check, the token listing and completion, on the demo data and the sample
# logs; and the team server's schemas in docs/openapi.json say the same.
. "$TESTS/cli/lib.sh"

D="$TESTS/../demo"
L="$TESTS/data/logs"
export CHOUSA_DB="$T/store.db"
export CHOUSA_CONFIG="$T/config"
: > "$CHOUSA_CONFIG"

"$CHOUSA" -q import malpedia "$D/malpedia.json"
"$CHOUSA" -q import urlhaus "$D/urlhaus.csv"
"$CHOUSA" -q import threatfox "$D/threatfox.csv"
"$CHOUSA" -q import feodo "$D/feodo.csv"
"$CHOUSA" -q import warninglist "$D/warninglist.json"
"$CHOUSA" -q import list --family win.emotet --source-name testfeed "$L/iocs.txt"
printf '91.92.93.94\n' > "$T/nofamily.txt"
"$CHOUSA" -q import list --source-name nofamily "$T/nofamily.txt"
# A failed import (a row with no URL, --strict), so that db stats lists one.
{
	head -n 12 "$D/urlhaus.csv"
	echo '"999","2026-08-18 16:17:08","","online","","malware_download","","",""'
} > "$T/bad.csv"
"$CHOUSA" -q import --strict urlhaus "$T/bad.csv" > /dev/null 2>&1
# The import results: one imported, one failed.
"$CHOUSA" --json import feodo "$D/feodo.csv" > "$T/import" 2> /dev/null
"$CHOUSA" --json import --strict urlhaus "$T/bad.csv" >> "$T/import" \
    2> /dev/null

# Sweep: hits with and without time, host or family; the summary with and
# without --as-of-log-time; investigations.
printf 'seen 185.244.25.10 and 91.92.93.94 today\n' > "$T/text.log"
{
	"$CHOUSA" sweep --json "$L/eve.json" "$L/squid-access.log"
	"$CHOUSA" sweep --json --format text "$T/text.log"
	"$CHOUSA" sweep --json --as-of-log-time "$L/zeek-conn.log"
	"$CHOUSA" sweep --json --investigate --offline "$L/zeek-http.log"
} > "$T/sweep" 2> /dev/null
grep '^{"summary"' "$T/sweep" > "$T/sweep-summary"
grep '^{"investigation"' "$T/sweep" > "$T/sweep-investigation"
grep -v '^{"summary"\|^{"investigation"' "$T/sweep" > "$T/sweep-hit"

"$CHOUSA" lookup --json www.dnautik.com 162.243.103.246 google.com \
    'http://www.dnautik.com/x' > "$T/lookup" 2> /dev/null
printf 'http://xn--a.evil[.]com/x\n' > "$T/bad-host.txt"
"$CHOUSA" extract --json "$D/alert.eml" "$T/bad-host.txt" > "$T/extract" \
    2> /dev/null
"$CHOUSA" extract --json "$D/alert.eml" >> "$T/extract" 2> /dev/null
"$CHOUSA" sources --json > "$T/sources" 2> /dev/null
# No key is set: every source is skipped, none contacted (test-online.sh
# checks the other states against the replay server).
"$CHOUSA" --json sources --check > "$T/sources-check" 2> /dev/null
# A good backup, then one that failed: db stats lists both.
"$CHOUSA" -q db backup "$T/backup.db" 2> /dev/null
"$CHOUSA" -q db backup "$T/backup.db" 2> /dev/null
"$CHOUSA" db stats --json > "$T/db" 2> /dev/null

# parse: every kind of field, and a line that is no indicator.
printf '%s\n' evil.com nope 'http://1.2.3.4:8080/a?b' 10.0.0.0/8 \
    'hxxps://www[.]example[.]co[.]uk/x' 'http://xn--a.evil.com/x' |
	"$CHOUSA" parse --json - > "$T/parse" 2> /dev/null
"$CHOUSA" parse --json 'user@mail.example.com' >> "$T/parse" 2> /dev/null

# config: a setting from the file, one from the environment, one refused;
# check with problems and without.
printf '[virustotal]\napi_key = %s\nrate = x\n[feedz]\n' \
    0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef \
    > "$T/config-set"
chmod 600 "$T/config-set"
CHOUSA_CONFIG="$T/config-set" CHOUSA_HTTP_TIMEOUT=7 "$CHOUSA" config \
    --json > "$T/config.json" 2> /dev/null
"$CHOUSA" config --all --json >> "$T/config.json" 2> /dev/null
CHOUSA_CONFIG="$T/config-set" "$CHOUSA" config check --json \
    > "$T/config-check" 2> /dev/null
"$CHOUSA" config check --json >> "$T/config-check" 2> /dev/null

# token list: a valid token and a revoked one.
"$CHOUSA" -q token create --role read reader > /dev/null
"$CHOUSA" -q token create --role admin leaver > /dev/null
"$CHOUSA" -q token revoke leaver
"$CHOUSA" token list --json > "$T/tokens" 2> /dev/null
for sh in bash zsh fish; do
	"$CHOUSA" completion "$sh" --json
done > "$T/completion" 2> /dev/null

python3 "$TESTS/cli/json-shapes-check.py" "$TESTS/../docs/json.md" \
    "$TESTS/../docs/openapi.json" \
    "Sweep hit=$T/sweep-hit" "Sweep summary=$T/sweep-summary" \
    "Sweep investigation=$T/sweep-investigation" \
    "Look-up record=$T/lookup" "Extracted indicator=$T/extract" \
    "Sources listing=$T/sources" "Sources check=$T/sources-check" \
    "Import result=$T/import" \
    "Db listing=$T/db" "Parsed indicator=$T/parse" \
    "Config settings=$T/config.json" "Config check=$T/config-check" \
    "Token listing=$T/tokens" "Completion script=$T/completion" \
    2> "$T/py.err" ||
	[ ! -s "$T/py.err" ] || not_ok json_shapes_check_run "$(tail -n 3 "$T/py.err" | tr '\n' ' ')"
