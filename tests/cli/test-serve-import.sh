#!/bin/sh
# test-serve-import.sh: files imported into the team's store through the
# server (POST /api/v1/import, chousa --server URL import;
# src/serve/api_import.c).
#  1. The same as chousa import here, byte for byte (stdout, stderr and
#     exit status), for real files of the feeds and of MISP, STIX and a
#     case's list, with each option: against a copy of the server's store
#     taken just before, so both start alike.  A file of the wrong format,
#     and a bad row with --strict, fail alike, nothing written.
#  2. What was imported is answered at once: a look-up, an investigation
#     and a sweep through the server find the case's indicators.
#  3. Only an admin imports: no token 401, a read token 403, each refusal
#     audited; the import itself audited with its counts.
#  4. Bad options 400, a file over [server] import_max 413 (with a
#     Content-Length and chunked), hostile names refused, hostile rows
#     said inert; the server serves on and keeps nothing in TMPDIR.
#  5. [server] url alone never sends an import to the server; two imports
#     at once both land.  An admin's web session pastes a case's
#     indicators on the Import page: imported, rejects escaped, CSRF and
#     role checked, audited; or uploads a file there (STIX, MISP gzipped,
#     the warninglists archive), refused as the API refuses it.
#  6. kill -9 in the middle of an import: the store whole, none of the
#     rows or all, TMPDIR empty; the import again after a restart.
#  7. The client gone in the middle of an import (a Ctrl-C): stopped and
#     rolled back, as here.  SIGTERM in the middle of an import: stopped
#     and rolled back, not waited for; the client told so.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store '[server]\nrate = 0\nimport_max = 3000000\n'
ADMIN=$("$CHOUSA" -q token create --role admin boss)
READ=$("$CHOUSA" -q token create --role read alice)
mkdir -p "$T/servertmp"
TMPDIR="$T/servertmp" serve_start ||
	{ not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
S="$SAMPLES"
cd "$T" || exit 1

# ---- 1. the same as chousa import here ----
# parity NAME EXIT ARGS...: `chousa ARGS` with --server and the admin
# token, and here on a copy of the server's store taken just before; the
# same stdout, stderr (2>&1 order too) and exit status EXIT.
parity() {
	name=$1 want=$2
	shift 2
	rm -f "$T/copy.db"
	"$CHOUSA" -q db backup "$T/copy.db" > /dev/null 2>&1
	CHOUSA_DB="$T/copy.db" "$CHOUSA" "$@" > "$T/local.out" 2> "$T/local.err"
	lst=$?
	CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" "$@" \
	    > "$T/remote.out" 2> "$T/remote.err"
	rst=$?
	same_as_local "$name" "$want" "$lst" "$rst"
}

cp "$S/abusech/urlhaus/csv_online_2026-08-18_head21lines.csv" urlhaus.csv
cp "$S/import/misp/mispevent_testfiles__event.json" event.misp.json
printf 'case42-evil.com\n203.0.113.77\nhttp://drop.case42-evil.com/a.exe\nnot an indicator\n' > case42.txt
printf 'sha256,nonsense\n' > wrong.csv

parity import_urlhaus_same 0 import urlhaus urlhaus.csv
expect import_urlhaus_said '^urlhaus: urlhaus.csv \(csv\): read [0-9]+, added' "$T/remote.err"
parity import_again_unchanged_same 0 import urlhaus urlhaus.csv
parity import_misp_same 0 import misp event.misp.json
parity import_auto_json_same 0 --json import --source auto event.misp.json
expect import_json_line '^\{"source":"misp","file":"event.misp.json","state":"imported"' "$T/remote.out"
parity import_list_options_same 0 import list --tag case42 --family emotet --source-name case42 case42.txt
expect import_list_added '^case42: case42.txt \(text\): read 3, added 3' "$T/remote.err"
parity import_quiet_same 0 -q import list --source-name case43 case42.txt
[ -s "$T/remote.err" ] && not_ok import_quiet_says_nothing "$(head -c 200 "$T/remote.err")" || ok import_quiet_says_nothing
stix=$(ls "$S"/import/stix/*/*.json 2> /dev/null | head -n 1)
if [ -n "$stix" ]; then
	cp "$stix" bundle.stix.json
	parity import_stix_same 0 -v import stix bundle.stix.json
fi
parity import_warninglists_archive_same 0 import warninglist "$S/warninglists/misp-warninglists-main.subset.tar.gz"
expect import_warninglists_archive_said '^warninglist: .*misp-warninglists-main.subset.tar.gz \([0-9]+ lists\)' "$T/remote.err"
parity import_warninglists_archive_json_same 0 --json import warninglist "$S/warninglists/misp-warninglists-main.subset.tar.gz"
expect import_warninglists_archive_json '"format":"archive","lists":[1-9]' "$T/remote.out"
parity import_wrong_format_same 3 import urlhaus wrong.csv
parity import_wrong_format_json_same 3 --json import threatfox wrong.csv
expect import_wrong_format_json_failed '"state":"failed".*"exit_status":3' "$T/remote.out"
printf 'good-row-case.com\n\001\002bad\n' > strict.txt
parity import_strict_bad_row_same 3 -v import list --strict --source-name strictcase strict.txt
parity import_several_files_same 3 import urlhaus urlhaus.csv wrong.csv
# Nothing of a refused file was written.
"$CHOUSA" lookup good-row-case.com > /dev/null 2>&1
[ $? = 0 ] && ok import_strict_wrote_nothing || not_ok import_strict_wrote_nothing "good-row-case.com is listed"

# ---- 2. answered at once ----
check import_lookup_through_server 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" lookup 'case42-evil[.]com'
expect import_lookup_source 'case42' "$T/out"
check import_investigate_through_server 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" --json investigate --offline 203.0.113.77
expect import_investigate_malicious '"verdict":"malicious"' "$T/out"
printf '10.0.0.5 GET http://www.case42-evil.com/x\n' > conn.log
check import_sweep_through_server 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" sweep conn.log
expect import_sweep_hit 'case42-evil.com' "$T/out"

# ---- 3. an admin's only; audited ----
printf 'one-more-case.com\n' > more.txt
check import_read_token_refused 3 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" import list more.txt
expect import_read_token_said "role 'read' may not" "$T/err"
check import_no_token_refused 3 env CHOUSA_SERVER_KEY= "$CHOUSA" --server "$URL" import list more.txt
"$CHOUSA" lookup one-more-case.com > /dev/null 2>&1
[ $? = 0 ] && ok import_refused_wrote_nothing || not_ok import_refused_wrote_nothing "one-more-case.com is listed"
sleep 0.3	# the audit writer gathers for 10 ms
check import_audited 1 "$CHOUSA" audit --log "$T/audit.log" --what import --json
expect import_audited_counts '"who":"boss".*"what":"import".*"inputs":\["case42.txt"\].*"verdict":"added:3,updated:0,rejected:0"' "$T/out"
expect import_audited_read_refused '"who":"alice".*"what":"import".*"status":403' "$T/out"
expect import_audited_no_token '"what":"import".*"status":401' "$T/out"

# ---- 4. bad requests; the server serves on ----
# upload NAME QUERY FILE [OPTIONS...]: POST FILE to /api/v1/import?QUERY
# with the admin token; the status in $T/status, the body in $T/up.NAME.
upload() {
	name=$1 query=$2 file=$3
	shift 3
	python3 "$TESTS/cli/serve_upload.py" "$URL" "$ADMIN" \
	    "/api/v1/import?$query" "$file" "$T/up.$name" "$@" \
	    > "$T/status" 2> "$T/up.$name.err"
}
status_of() {
	got=$(cat "$T/status")
	if [ "$got" = "$2" ]; then ok "$1"; else
		not_ok "$1" "status $got, want $2: $(head -c 300 "$T/up.$3" 2> /dev/null) $(head -c 300 "$T/up.$3.err")"
	fi
}
upload nosource "" more.txt
status_of import_no_source_400 400 nosource
upload badsource "source=urlhause" more.txt
status_of import_unknown_source_400 400 badsource
expect import_unknown_source_said "unknown source 'urlhause'" "$T/up.badsource"
upload misspelt "source=list&tagg=x" more.txt
status_of import_unknown_parameter_400 400 misspelt
upload badbool "source=list&strict=maybe" more.txt
status_of import_bad_boolean_400 400 badbool
upload badname "source=list&name=a%1b%5d0%3bpwned%07" more.txt
status_of import_control_in_name_400 400 badname
upload longtag "source=list&tag=$(printf '%0300d' 0)" more.txt
status_of import_long_tag_400 400 longtag
# C1 controls and bidi overrides, refused as a token's note refuses them.
upload c1name "source=list&source_name=case%C2%858" more.txt
status_of import_c1_in_source_name_400 400 c1name
expect import_c1_said "the source_name holds a control character or a line or direction mark \(at byte 4\)" "$T/up.c1name"
upload bidi "source=list&tag=a%E2%80%AEb" more.txt
status_of import_bidi_in_tag_400 400 bidi
upload isolate "source=list&family=Q%E2%81%A6Bot" more.txt
status_of import_isolate_in_family_400 400 isolate
upload badformat "source=list&format=xml" more.txt
status_of import_bad_format_400 400 badformat
upload wrongfmt "source=urlhaus&name=wrong.csv" wrong.csv
status_of import_wrong_format_422 422 wrongfmt
expect import_wrong_format_body '"state":"failed"' "$T/up.wrongfmt"
# A damaged upload (a gzip whose CRC-32 is wrong) is the sender's fault:
# 422, as a file of the wrong format is, nothing imported.
gzip -c "$S/abusech/feodo/ipblocklist_2021-12-20.csv" > feodo-ok.csv.gz
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-8] ^= 1; open(sys.argv[2], "wb").write(b)' feodo-ok.csv.gz feodo-crc.csv.gz
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-8] ^= 1; open(sys.argv[2], "wb").write(b)' "$S/warninglists/misp-warninglists-main.subset.tar.gz" wl-crc.tar.gz
upload damaged "source=feodo&name=feodo-crc.csv.gz" feodo-crc.csv.gz
status_of import_damaged_gzip_422 422 damaged
expect import_damaged_gzip_said 'feodo-crc.csv.gz.*damaged gzip input: CRC mismatch' "$T/up.damaged"
expect import_damaged_gzip_failed '"state":"failed"' "$T/up.damaged"
upload damagedwl "source=warninglist&name=wl-crc.tar.gz" wl-crc.tar.gz
status_of import_damaged_bundle_422 422 damagedwl
expect import_damaged_bundle_said 'damaged gzip input: CRC mismatch' "$T/up.damagedwl"
python3 -c "import sys; sys.stdout.write('a.example\n' * 400000)" > "$T/toobig"
upload toobig "source=list" "$T/toobig"
status_of import_over_cap_413 413 toobig
expect import_over_cap_names_key 'over [0-9]+ bytes \(\[server\] import_max\)' "$T/up.toobig"
upload toobigc "source=list" "$T/toobig" --chunked --piece 1048576
status_of import_chunked_over_cap_413 413 toobigc
# The API's own answers: the JSON line, or the summary as text.
upload api_json "source=list&name=more.txt&source_name=apicase" more.txt
status_of import_api_json_200 200 api_json
expect import_api_json_line '^\{"source":"apicase","file":"more.txt","state":"imported".*"added":1' "$T/up.api_json"
upload api_text "source=list&name=more.txt&source_name=apicase&format=text" more.txt
status_of import_api_text_200 200 api_text
expect import_api_text_summary '^apicase: more.txt \(text\): read 1, added 0, updated 0, unchanged 1' "$T/up.api_text"
# A row that carries a terminal's escape is said inert.
printf 'ok-row-case.com\n\033]0;pwned\007evil\n' > hostile.txt
CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" -v import list --source-name hostile hostile.txt > "$T/out" 2> "$T/err"
if grep -q "$(printf '\033')" "$T/err" "$T/out"; then not_ok import_hostile_row_inert "an ESC byte came out"; else ok import_hostile_row_inert; fi
check import_server_serves_on 0 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" lookup 192.0.2.1
[ -z "$(ls -A "$T/servertmp")" ] && ok nothing_left_in_tmpdir ||
	not_ok nothing_left_in_tmpdir "$(ls -A "$T/servertmp" | head)"

# ---- 5. [server] url alone; two at once ----
cp "$CHOUSA_CONFIG" "$T/client.config"
printf '[server]\nurl = %s\napi_key = %s\n' "$URL" "$ADMIN" >> "$T/client.config"
chmod 600 "$T/client.config"
printf 'local-only-case.com\n' > local.txt
rm -f "$T/own.db"
check import_config_url_stays_local 0 env CHOUSA_CONFIG="$T/client.config" CHOUSA_DB="$T/own.db" "$CHOUSA" import list local.txt
check import_config_url_local_store_has_it 1 env CHOUSA_DB="$T/own.db" "$CHOUSA" lookup local-only-case.com
check import_config_url_server_has_not 0 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" lookup local-only-case.com
printf 'twin-a-case.com\n' > a.txt
printf 'twin-b-case.com\n' > b.txt
CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" -q import list --source-name twins a.txt > /dev/null 2>&1 &
pa=$!
CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" -q import list --source-name twins b.txt > /dev/null 2>&1 &
pb=$!
wait $pa; sa=$?
wait $pb; sb=$?
[ "$sa$sb" = 00 ] && ok import_two_at_once || not_ok import_two_at_once "exits $sa and $sb"
check import_two_at_once_both_landed 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" lookup twin-a-case.com twin-b-case.com
n=$(grep -c 'twins' "$T/out")
[ "$n" -ge 2 ] && ok import_two_at_once_both_listed || not_ok import_two_at_once_both_listed "$(cat "$T/out")"

# ---- 5b. the web page's Import, for an admin's session ----
curl -s -c "$T/jar" -o /dev/null -H "Origin: $URL" --data-urlencode "token=$ADMIN" "$URL/login"
curl -s -b "$T/jar" -o "$T/home.html" "$URL/"
expect web_nav_links_import_for_admin '<a href="/import">Import</a>' "$T/home.html"
curl -s -b "$T/jar" -o "$T/import.html" -w '%{http_code}' "$URL/import" > "$T/wstatus"
[ "$(cat "$T/wstatus")" = 200 ] && ok web_import_page_200 || not_ok web_import_page_200 "HTTP $(cat "$T/wstatus")"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/import.html" | head -n 1)
# web_import NAME FIELDS...: POST the form with the session's CSRF token.
web_import() {
	name=$1
	shift
	curl -s -b "$T/jar" -H "Origin: $URL" -o "$T/$name.html" -w '%{http_code}' \
	    --data-urlencode "csrf=$csrf" "$@" "$URL/import" > "$T/wstatus"
}
web_import wimp --data-urlencode "source_name=webcase" --data-urlencode "tag=phishing" \
    --data-urlencode "indicators=$(printf 'hxxp://web-case-login[.]com/a\n198.51.100.61\n<script>alert(1)</script>\n')"
[ "$(cat "$T/wstatus")" = 200 ] && ok web_import_200 || not_ok web_import_200 "HTTP $(cat "$T/wstatus"): $(head -c 300 "$T/wimp.html")"
expect web_import_summary '<p id="import-summary"><strong>webcase</strong>: 3 read, 2 added, 0 updated, 0 unchanged, 1 rejected' "$T/wimp.html"
expect web_import_reject_escaped '<li>line 3: &#39;&lt;script&gt;alert\(1\)&lt;/script&gt;&#39; is not an indicator' "$T/wimp.html"
refute web_import_no_markup_from_data '<script>alert' "$T/wimp.html"
check web_import_then_found 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" lookup web-case-login.com
expect web_import_listed_under_its_name 'webcase' "$T/out"
web_import wnoname --data-urlencode "source_name=" --data-urlencode "indicators=198.51.100.62"
[ "$(cat "$T/wstatus")" = 400 ] && ok web_import_needs_a_name || not_ok web_import_needs_a_name "HTTP $(cat "$T/wstatus")"
web_import wempty --data-urlencode "source_name=webcase" --data-urlencode "indicators=  "
[ "$(cat "$T/wstatus")" = 400 ] && ok web_import_needs_indicators || not_ok web_import_needs_indicators "HTTP $(cat "$T/wstatus")"
web_import wctl --data-urlencode "source_name=$(printf 'web\033[31mcase')" --data-urlencode "indicators=198.51.100.63"
[ "$(cat "$T/wstatus")" = 400 ] && ok web_import_control_in_name_400 || not_ok web_import_control_in_name_400 "HTTP $(cat "$T/wstatus")"
web_import wbidi --data-urlencode "source_name=$(printf 'web\342\200\256esac')" --data-urlencode "indicators=198.51.100.63"
[ "$(cat "$T/wstatus")" = 400 ] && ok web_import_bidi_in_name_400 || not_ok web_import_bidi_in_name_400 "HTTP $(cat "$T/wstatus")"
expect web_import_bidi_said "the source_name holds a control character or a line or direction mark" "$T/wbidi.html"
curl -s -b "$T/jar" -H "Origin: $URL" -o /dev/null -w '%{http_code}' --data-urlencode "source_name=x" \
    --data-urlencode "indicators=198.51.100.64" "$URL/import" > "$T/wstatus"
[ "$(cat "$T/wstatus")" = 403 ] && ok web_import_without_csrf_403 || not_ok web_import_without_csrf_403 "HTTP $(cat "$T/wstatus")"
curl -s -c "$T/jar2" -o /dev/null -H "Origin: $URL" --data-urlencode "token=$READ" "$URL/login"
curl -s -b "$T/jar2" -o "$T/home2.html" "$URL/"
refute web_nav_no_import_for_read '/import' "$T/home2.html"
curl -s -b "$T/jar2" -o "$T/import2.html" -w '%{http_code}' "$URL/import" > "$T/wstatus"
# Refused for its role, said on a page (not sent to sign in again).
[ "$(cat "$T/wstatus")" = 403 ] && ok web_import_read_session_refused || not_ok web_import_read_session_refused "HTTP $(cat "$T/wstatus")"
sleep 0.3
check web_import_audited 1 "$CHOUSA" audit --log "$T/audit.log" --what "web: import" --json
expect web_import_audited_counts '"who":"boss".*"inputs":\["webcase"\].*"verdict":"added:2,updated:0,rejected:1"' "$T/out"

# ---- 5c. a file on the web page's Import (multipart, streamed) ----
expect web_import_file_form '<form method="post" action="/import/file" enctype="multipart/form-data" id="import-file-form" data-max="[0-9]*" data-max-setting="import_max"' "$T/import.html"
# web_file NAME FIELDS...: POST the file form (-F fields) with the CSRF.
web_file() {
	name=$1
	shift
	curl -s -b "$T/jar" -H "Origin: $URL" -o "$T/$name.html" -w '%{http_code}' \
	    -F "csrf=$csrf" "$@" "$URL/import/file" > "$T/wstatus"
}
status_is() {
	[ "$(cat "$T/wstatus")" = "$2" ] && ok "$1" ||
		not_ok "$1" "HTTP $(cat "$T/wstatus"): $(grep -o '<p class="error"[^<]*' "$T/$3.html" | head -c 300)"
}
cp "$S/import/stix/oasis/cti-documentation__indicator-for-malicious-url.json" url-indicator.json
web_file wfstix -F source=auto -F source_name=webstix -F "file=@url-indicator.json"
status_is web_file_stix_200 200 wfstix
expect web_file_stix_summary '<p id="import-summary"><strong>webstix</strong> \(url-indicator.json, stix2.1\): 1 read, 1 added' "$T/wfstix.html"
check web_file_stix_then_found 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" --json lookup 'http://x4z9arb[.]cn/4712/'
expect web_file_stix_listed 'webstix' "$T/out"
cp "$S/import/misp/57c4445b-c548-4654-af0b-4be3950d210f.json" event2.json
gzip -c event2.json > event2.json.gz
web_file wfmisp -F source=misp -F "file=@event2.json.gz"
status_is web_file_misp_gzip_200 200 wfmisp
printf '{"Event":{"info":"x","Object":[{"name":"file","Attribute":"<b>z</b>"}]}}' > obj.json
web_file wfobj -F source=misp -F "file=@obj.json"
expect web_file_reject_says_where '<li>Event.Object\[0\]: an object whose Attribute is not a list</li>' "$T/wfobj.html"
expect web_file_misp_summary '<strong>misp</strong> \(event2.json.gz, event\): 3 read, [0-9]+ added' "$T/wfmisp.html"
web_file wfwl -F source=warninglist -F "file=@$S/warninglists/misp-warninglists-main.subset.tar.gz"
status_is web_file_warninglists_archive_200 200 wfwl
expect web_file_warninglists_summary '<strong>warninglist</strong> \(misp-warninglists-main.subset.tar.gz\): [1-9][0-9]* lists, [0-9]+ entries read' "$T/wfwl.html"
cp "$S/import/misp/mispevent_testfiles__event.json" empty-event.json
web_file wfempty -F source=misp -F "file=@empty-event.json"
expect web_file_note_said '<p id="import-note">Nothing to import: the event holds no attributes</p>' "$T/wfempty.html"
# Refused: the wrong format (nothing written), the form's checks.
printf '{"type":"bundle","id":"bundle--9","objects":3}' > scalar.json
web_file wfbad -F "file=@scalar.json"
status_is web_file_bad_bundle_422 422 wfbad
expect web_file_bad_bundle_said 'Nothing was imported: &#39;objects&#39; is a number, not a list' "$T/wfbad.html"
printf 'half-written-web.com\n' > half.txt
web_file wfstrict -F source=threatfox -F "file=@half.txt"
status_is web_file_wrong_format_422 422 wfstrict
"$CHOUSA" lookup half-written-web.com > /dev/null 2>&1
[ $? = 0 ] && ok web_file_refused_wrote_nothing || not_ok web_file_refused_wrote_nothing "half-written-web.com is listed"
curl -s -b "$T/jar" -H "Origin: $URL" -o "$T/wfcsrf.html" -w '%{http_code}' -F "csrf=forged" \
    -F "file=@half.txt" "$URL/import/file" > "$T/wstatus"
status_is web_file_forged_csrf_403 403 wfcsrf
web_file wfnofile -F source=list
status_is web_file_no_file_400 400 wfnofile
expect web_file_no_file_said 'choose a file to import' "$T/wfnofile.html"
web_file wfsrc -F source=nosuch -F "file=@half.txt"
status_is web_file_unknown_source_400 400 wfsrc
web_file wfctl -F "tag=$(printf 'a\033[31mb')" -F "file=@half.txt"
status_is web_file_control_in_tag_400 400 wfctl
web_file wfc1 -F "family=$(printf 'a\302\233b')" -F "file=@half.txt"
status_is web_file_c1_in_family_400 400 wfc1
web_file wflate -F "file=@half.txt" -F source_name=late
status_is web_file_option_after_file_400 400 wflate
head -c 3100000 /dev/zero | tr '\0' 'a' > toobig.txt
web_file wfbig -F source=list -F "file=@toobig.txt"
status_is web_file_over_import_max_413 413 wfbig
# A hostile file name is data: escaped wherever it is said.
printf 'evil-file-name-case.com\n' > hostile.txt
web_file wfname -F source=list -F source_name=webcase2 -F tag=web-tag -F family=emotet \
    -F "file=@hostile.txt;filename=<img src=x onerror=alert(1)>.txt"
status_is web_file_hostile_name_200 200 wfname
refute web_file_no_markup_from_name '<img src=x' "$T/wfname.html"
expect web_file_name_said_escaped '<strong>webcase2</strong> \(&lt;img src=x onerror=alert\(1\)&gt;.txt, text\)' "$T/wfname.html"
check web_file_list_found 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" --json lookup evil-file-name-case.com
expect web_file_list_tag_family '"source":"webcase2".*"family":"win.emotet".*"tags":\["web-tag"\]' "$T/out"
curl -s -b "$T/jar2" -H "Origin: $URL" -o /dev/null -w '%{http_code}' -F "csrf=$csrf" \
    -F "file=@half.txt" "$URL/import/file" > "$T/wstatus"
case $(cat "$T/wstatus") in 303|403) ok web_file_read_session_refused ;;
*) not_ok web_file_read_session_refused "HTTP $(cat "$T/wstatus")" ;; esac
sleep 0.3
check web_file_audited 1 "$CHOUSA" audit --log "$T/audit.log" --what "web: import a file" --json
expect web_file_audited_counts '"who":"boss".*"inputs":\["url-indicator.json"\].*"verdict":"added:1,updated:0,rejected:0"' "$T/out"
[ -z "$(ls "$T/servertmp")" ] && ok web_file_tmpdir_empty || not_ok web_file_tmpdir_empty "$(ls "$T/servertmp")"

# ---- 5b. no room for the upload in the server's TMPDIR ----
# The server keeps an upload in TMPDIR while it imports it; a TMPDIR that
# cannot take it (gone here, full elsewhere) is the machine's state: 507,
# and the CLI ends with 3 as a local import on a full disk does, not 5.
mv "$T/servertmp" "$T/servertmp.away"
upload notmp "source=list" case42.txt
status_of import_no_tmpdir_507 507 notmp
expect import_no_tmpdir_said "cannot keep the upload in .*servertmp" "$T/up.notmp"
CHOUSA_SERVER_KEY="$ADMIN" check import_no_tmpdir_cli_exit_3 3 "$CHOUSA" --server "$URL" import list case42.txt
expect import_no_tmpdir_cli_said "^chousa: cannot keep the upload in .*servertmp" "$T/err"
mv "$T/servertmp.away" "$T/servertmp"

# ---- 6. the server killed in the middle of an import ----
# The import is one transaction: after kill -9 and a restart the store is
# whole, holds none of the file's rows or all of them, and the upload
# left nothing in TMPDIR (an unlinked file).
# big_import FILE NAME: FILE of 120000 domains NAME-N-case.com, counted
# in before, imported under NAME in the background (client, its output in
# $T/big.out and big.err); returns when the server says it imports it.
big_import() {
	python3 -c "
import sys
for i in range(120000):
    sys.stdout.write('$2-%d-case.com\n' % i)" > "$1"
	before=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
	CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" -q import list \
	    --source-name "$2" "$1" > "$T/big.out" 2> "$T/big.err" &
	client=$!
	log_wait "import: $1 of"
}
big_import big.txt killed
serve_kill
wait $client; st=$?
[ "$st" = 4 ] && ok import_killed_client_says_unreachable || not_ok import_killed_client_says_unreachable "client exit $st"
check import_killed_store_whole 0 "$CHOUSA" db check
after=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
if [ "$after" = "$before" ] || [ "$after" = $((before + 120000)) ]; then
	ok "import_killed_none_or_all ($before -> $after)"
else
	not_ok import_killed_none_or_all "$before -> $after"
fi
[ -z "$(ls -A "$T/servertmp")" ] && ok import_killed_nothing_left_in_tmpdir ||
	not_ok import_killed_nothing_left_in_tmpdir "$(ls -A "$T/servertmp" | head)"
TMPDIR="$T/servertmp" serve_start ||
	{ not_ok server_restarts "$(head -c 300 "$T/serve.log")"; exit 0; }
check import_after_restart 0 env CHOUSA_SERVER_KEY="$ADMIN" "$CHOUSA" --server "$URL" -q import list --source-name killed big.txt
n=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
[ "$n" = $((before + 120000)) ] && ok import_after_restart_all_rows || not_ok import_after_restart_all_rows "$before -> $n"

# ---- 7a. the client stopped in the middle of an import ----
# As a Ctrl-C stops the import here: the client gone, the server stops
# the import and rolls it back, says so in its log, and serves on.
big_import big3.txt left
kill -TERM $client
wait $client
import_left import_client_left big3.txt boss
check import_client_left_serves_on 1 env CHOUSA_SERVER_KEY="$READ" "$CHOUSA" --server "$URL" lookup case42-evil.com

# ---- 7. the server stopped in the middle of an import ----
# SIGTERM (systemctl stop) waits for the import up to [server]
# drain_timeout; a second one stops it at once: the import is stopped and
# rolled back, said in the log, the client told the server stops.
big_import big2.txt stopped
kill "$SERVER_PID"
sleep 0.2
serve_stop
wait $client; st=$?
[ "$st" = 4 ] && ok import_stopped_client_status_4 || not_ok import_stopped_client_status_4 "client exit $st: $(head -c 200 "$T/big.err")"
expect import_stopped_client_told "the server is stopping" "$T/big.err"
expect import_stopped_logged "import: big2.txt by boss: nothing imported: .*stopped before its end.*the server stops" "$T/serve.log"
check import_stopped_store_whole 0 "$CHOUSA" db check
after=$(sqlite3 "$CHOUSA_DB" "SELECT count(*) FROM indicators")
[ "$after" = "$before" ] && ok "import_stopped_rolled_back ($before -> $after)" ||
	not_ok import_stopped_rolled_back "$before -> $after"
[ -z "$(ls -A "$T/servertmp")" ] && ok import_stopped_nothing_left_in_tmpdir ||
	not_ok import_stopped_nothing_left_in_tmpdir "$(ls -A "$T/servertmp" | head)"
