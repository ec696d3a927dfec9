#!/bin/sh
# test-serve-openapi.sh: docs/openapi.json checked against a live chousa
# serve (tests/serve/openapi_check.py): every route documented, every
# documented operation answers with a documented status, type and shape.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM
# The document's example asks for an update (POST /api/v1/update?wait=1):
# its feeds are refused on this machine, never fetched from the internet.
serve_store '[feeds]\nurlhaus_url = http://127.0.0.1:9/u\nthreatfox_url = http://127.0.0.1:9/t\nfeodo_url = http://127.0.0.1:9/f\nmalwarebazaar_url = http://127.0.0.1:9/m\nmalpedia_url = http://127.0.0.1:9/p\nwarninglist_url = http://127.0.0.1:9/w\nabusech-fp_url = http://127.0.0.1:9/a\n'
READ=$("$CHOUSA" -q token create --role read doc-reader)
ADMIN=$("$CHOUSA" -q token create --role admin doc-admin)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
python3 "$TESTS/serve/openapi_check.py" "$TESTS/../docs/openapi.json" \
    "$TESTS/../src/serve" "$URL" "$READ" "$ADMIN" 2> "$T/py.err" ||
	not_ok openapi_check_run "$(tail -n 3 "$T/py.err" | tr '\n' ' ')"
