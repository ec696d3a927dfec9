# lib-online.sh: what the online-source tests share (sourced after lib.sh):
# the loopback replay server (tests/http/server.py) running for
# ONLINE_LIFETIME seconds on $PORT (Malpedia pointed at it), a fresh
# config, and a store built from a real Feodo sample (for the cache, the
# quotas and the local sources; HAVE_LOCAL says whether the import
# worked).
MODS="virustotal hybridanalysis triage urlhaus threatfox malwarebazaar malpedia otx abuseipdb inquest joesandbox anyrun"

python3 "$TESTS/http/server.py" --lifetime "${ONLINE_LIFETIME:-240}" \
    --log "$T/server.log" --port-file "$T/port" > /dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT INT TERM
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
PORT=$(cat "$T/port")

export CHOUSA_DB="$T/db" CHOUSA_CONFIG="$T/config"
: > "$T/config"
chmod 600 "$T/config"
# If the import itself fails, that is the importer's test to report.
if "$CHOUSA" import feodo "$SAMPLES/abusech/feodo/ipblocklist_2025-06-25.csv" \
    > /dev/null 2>&1; then HAVE_LOCAL=1; else HAVE_LOCAL=0; fi
export CHOUSA_HTTP_TIMEOUT=2 CHOUSA_HTTP_BACKOFF_MS=20 CHOUSA_HTTP_RETRIES=2
# An online run whose sources include Malpedia fetches its family list
# for a store without one: from the replay server (its "not found"), not
# from Malpedia.
export CHOUSA_MALPEDIA_URL="http://127.0.0.1:$PORT/malpedia"

# upper NAME: the NAME part of CHOUSA_<NAME>_KEY.
upper() { echo "$1" | tr a-z- A-Z_; }

# findings FILE: "source subject status reason cached|fresh labels" lines.
findings() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    o = json.loads(line)
    for st in o.get("stages") or []:
        for f in st.get("findings") or []:
            print(f["source"], f.get("subject"), f["status"],
                  (f.get("reason") or "-").replace(" ", "_"),
                  "cached" if f.get("from_cache") else "fresh",
                  ",".join(f.get("labels") or []))
' "$1"
}
