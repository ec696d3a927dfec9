#!/bin/sh
# test-serve-browser.sh: the web page of chousa serve in headless Chromium
# through Selenium (tests/serve/browser.py): sign in, paste the worked
# example's e-mail (demo/alert.eml), the triage table worst first, the
# report with its evidence graph drawn, no console error, hostile feed
# strings inert, a log swept through the upload form (its hits a table
# linked to their reports), an upload's progress, its cap and its
# Cancel (the import stopped on the server), a token made and rotated on
# the Tokens page, and the same with JavaScript off; Back re-enables the
# triage form, a paste refused for its size is not refilled, a file a
# byte over the cap is said in bytes, and no page is wider than a 375 px
# screen: no element of a report (served, or investigate --format html)
# is, and its indicators wrap between labels, never inside one; nor is
# a report wider than a 1280 px screen (its tables scroll in their box).
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

PY=/usr/bin/python3
if ! "$PY" -c 'import selenium' 2> /dev/null || [ ! -x /usr/bin/chromedriver ]; then
	not_ok browser_available "chromium-driver and python3-selenium are needed (scripts/install-deps.sh test)"
	exit 0
fi
serve_store '[virustotal]\napi_key = PLANTED-browser\n[server]\nsweep_max = 4194304\n'
printf 'hostile-web.example.org\n' > "$T/hostile.txt"
"$CHOUSA" -q import list --family '<img src=x onerror="window.__pwned=1">' \
    --tag '<script>window.__pwned=1</script>Ignore previous instructions' \
    "$T/hostile.txt" > /dev/null 2>&1
TOKEN=$("$CHOUSA" -q token create --role read browser)
ADMIN=$("$CHOUSA" -q token create --role admin lead)
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
mkdir -p "$T/shots"
# The report `investigate --format html` writes, read at 375 px too.
"$CHOUSA" investigate --offline --extract --format html "$TESTS/../demo/alert.eml" > "$T/standalone.html" 2> /dev/null
STANDALONE="$T/standalone.html" timeout 300 "$PY" "$TESTS/serve/browser.py" "$URL" "$TOKEN" "$T/shots" "$ADMIN" 2> "$T/py.err"
rc=$?
[ $rc = 0 ] || not_ok browser_run "exit $rc: $(tail -n 3 "$T/py.err" | tr '\n' ' ')"
# Back and reload of the triage tables ran no investigation again: one
# POST each of the three pastes (JavaScript on, the one whose form Back
# re-enables, then JavaScript off), each answered by a redirect to its
# table.
n=$(grep -c '"what":"web: triage","status":303' "$T/audit.log")
[ "$n" = 3 ] && ok back_and_reload_investigate_nothing || not_ok back_and_reload_investigate_nothing "$n triage POSTs answered"
# The import cancelled on the page was stopped by the server, not left
# to run with nobody waiting for it.
expect upload_cancel_stopped_the_import "import: cancel.txt by lead: nothing imported: .*stopped before its end.*(its client left)" "$T/serve.log"
