#!/bin/sh
# test-serve-openapi.sh: docs/openapi.json checked against a live chousa
# serve (tests/serve/openapi_check.py): every route documented, every
# documented operation answers with a documented status, type, headers and
# shape, for its examples and the answers they do not give; then, on a
# server whose tokens may make 2 requests a minute, the 429 of each.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
TARPIT=
trap 'serve_stop; [ -z "$TARPIT" ] || kill "$TARPIT" 2> /dev/null' EXIT INT TERM
schema_python || :
[ -n "$SCHEMA_PY" ] || { not_ok jsonschema "no python3 with jsonschema (scripts/install-deps.sh: python3-jsonschema)"; exit 0; }
# urlhaus's feed is a tarpit: it holds its connections, so an update runs
# until the check creates $T/open; from then on it closes them at once.
# The other feeds are refused on this machine, never fetched from the
# internet.
python3 - "$T/tarpit.port" "$T/open" <<'PY' > /dev/null 2>&1 &
import os, socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
s.settimeout(0.1)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held, end = [], time.time() + 600
while time.time() < end:
    try:
        held.append(s.accept()[0])
    except OSError:
        pass
    if os.path.exists(sys.argv[2]):
        for c in held:
            c.close()
        held = []
PY
TARPIT=$!
i=0
while [ ! -s "$T/tarpit.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
TP=$(cat "$T/tarpit.port")
serve_store "[feeds]\ntimeout = 60\nurlhaus_url = http://127.0.0.1:$TP/u\nthreatfox_url = http://127.0.0.1:9/t\nfeodo_url = http://127.0.0.1:9/f\nmalwarebazaar_url = http://127.0.0.1:9/m\nmalpedia_url = http://127.0.0.1:9/p\nwarninglist_url = http://127.0.0.1:9/w\nabusech-fp_url = http://127.0.0.1:9/a\n"
READ=$("$CHOUSA" -q token create --role read doc-reader)
ADMIN=$("$CHOUSA" -q token create --role admin doc-admin)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
"$SCHEMA_PY" "$TESTS/serve/openapi_check.py" live \
    "$TESTS/../docs/openapi.json" "$TESTS/../src/serve" "$URL" "$READ" \
    "$ADMIN" "$T/open" 2> "$T/py.err" ||
	not_ok openapi_check_run "$(tail -n 3 "$T/py.err" | tr '\n' ' ')"
serve_stop
# [server] rate and burst: 2 requests a minute per token.
export CHOUSA_SERVER_RATE=2 CHOUSA_SERVER_BURST=2
serve_start ||
	{ not_ok rate_server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
"$SCHEMA_PY" "$TESTS/serve/openapi_check.py" rate \
    "$TESTS/../docs/openapi.json" "$TESTS/../src/serve" "$URL" "$READ" \
    "$ADMIN" 2> "$T/py.err" ||
	not_ok openapi_check_rate_run "$(tail -n 3 "$T/py.err" | tr '\n' ' ')"
