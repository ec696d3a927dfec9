#!/bin/sh
# test-serve-sweep-body.sh: what POST /api/v1/sweep takes as its body, and
# what it says of a body it reads only in part.
#  1. A multipart form (curl -F) is refused with 415 saying how to send the
#     log; octet-stream, text, no type and curl --data-binary's own label
#     (application/x-www-form-urlencoded) are swept;
#     chousa --server URL sweep still is.
#  2. A gzip cut short (even within its first 64 KiB of content): what was
#     read is swept, summary.incomplete and Chousa-Warning say so; with no
#     hits, Chousa-Exit 3.
#  3. A zip or tar.gz of two logs: both swept, each a file of its own.
#  4. A query parameter given twice (types=ip&types=domain) is a 400 naming
#     it on every route, where the second was dropped unseen.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

L="$TESTS/data/logs"
serve_store '[server]\nrate = 0\n'
"$CHOUSA" -q import list --family emotet --source-name testfeed \
    "$L/iocs.txt" > /dev/null 2>&1
TOKEN=$("$CHOUSA" -q token create --role read analyst)
serve_start ||
	{ not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }

# post NAME CURL_OPTIONS...: curl to /api/v1/sweep; the status in
# $T/NAME.status, the body in $T/NAME, the headers in $T/NAME.h.
post() {
	name=$1
	shift
	curl -s -o "$T/$name" -D "$T/$name.h" -w '%{http_code}' \
	    -H "Authorization: Bearer $TOKEN" "$@" > "$T/$name.status"
}
code_is() {	# NAME POST WANT
	got=$(cat "$T/$2.status")
	[ "$got" = "$3" ] && ok "$1" ||
		not_ok "$1" "status $got, want $3: $(head -c 300 "$T/$2")"
}

# ---- 1. a form is no log ----
"$CHOUSA" sweep --json "$L/zeek-http.log" > "$T/local" 2> /dev/null
want=$(grep -c '"indicator"' "$T/local")
post multipart -F "file=@$L/zeek-http.log" "$URL/api/v1/sweep"
code_is sweep_multipart_415 multipart 415
expect sweep_multipart_says_how 'curl --data-binary @FILE or -T FILE' "$T/multipart"
expect sweep_multipart_exit_3 '^Chousa-Exit: 3' "$T/multipart.h"
# curl --data-binary labels the log x-www-form-urlencoded: it is swept.
post urlenc --data-binary "@$L/zeek-http.log" "$URL/api/v1/sweep"
code_is sweep_data_binary_200 urlenc 200
[ "$(grep -c '"indicator"' "$T/urlenc")" = "$want" ] && ok sweep_data_binary_all_hits ||
	not_ok sweep_data_binary_all_hits "$(grep -c '"indicator"' "$T/urlenc") hits, want $want"
post binary --data-binary "@$L/zeek-http.log" -H \
    'Content-Type: application/octet-stream' "$URL/api/v1/sweep"
code_is sweep_binary_200 binary 200
[ "$(grep -c '"indicator"' "$T/binary")" = "$want" ] && [ "$want" -gt 0 ] &&
	ok sweep_binary_every_hit || not_ok sweep_binary_every_hit "$(head -c 300 "$T/binary")"
post upload -T "$L/zeek-http.log" -X POST "$URL/api/v1/sweep"
code_is sweep_T_200 upload 200
post text --data-binary "@$L/zeek-http.log" -H 'Content-Type: text/plain' \
    "$URL/api/v1/sweep"
code_is sweep_text_plain_200 text 200
CHOUSA_SERVER_KEY="$TOKEN" "$CHOUSA" --server "$URL" sweep "$L/zeek-http.log" > "$T/remote" 2> "$T/remote.err"
[ $? = 1 ] && [ -s "$T/remote" ] && ok sweep_cli_server_unaffected ||
	not_ok sweep_cli_server_unaffected "$(head -c 300 "$T/remote.err")"

# ---- 2. a log read only in part ----
gzip -c "$L/eve.json" > "$T/eve.json.gz"
head -c 1000 "$T/eve.json.gz" > "$T/cut.json.gz"
post cut -T "$T/cut.json.gz" -X POST "$URL/api/v1/sweep"
code_is sweep_short_cut_200 cut 200
expect sweep_short_cut_exit_1 '^Chousa-Exit: 1' "$T/cut.h"
expect sweep_short_cut_warned '^Chousa-Warning: .*truncated.*lines read were swept' "$T/cut.h"
expect sweep_short_cut_incomplete '"unreadable":0,"incomplete":1,' "$T/cut"
post whole -T "$T/eve.json.gz" -X POST "$URL/api/v1/sweep"
expect sweep_whole_not_incomplete '"unreadable":0,"incomplete":0,' "$T/whole"
head -c 300 "$T/eve.json.gz" > "$T/cut300.json.gz"
post cut300 -T "$T/cut300.json.gz" -X POST "$URL/api/v1/sweep"
code_is sweep_cut_nothing_found_200 cut300 200
expect sweep_cut_nothing_found_exit_3 '^Chousa-Exit: 3' "$T/cut300.h"
CHOUSA_SERVER_KEY="$TOKEN" "$CHOUSA" --server "$URL" sweep --json "$T/cut.json.gz" > "$T/remote" 2> "$T/remote.err"
[ $? = 1 ] && ok sweep_cli_server_cut_exit_1 || not_ok sweep_cli_server_cut_exit_1 "$(head -c 300 "$T/remote.err")"
expect sweep_cli_server_cut_incomplete '"incomplete":1,' "$T/remote"
expect sweep_cli_server_cut_said '1 file read only in part' "$T/remote.err"

# ---- 3. archives: every member a file of its own ----
mkdir -p "$T/arc"
cp "$L/zeek-dns.log" "$L/zeek-http.log" "$T/arc/"
(cd "$T/arc" && zip -q ../two.zip zeek-dns.log zeek-http.log &&
    tar czf ../two.tgz zeek-dns.log zeek-http.log)
"$CHOUSA" sweep --json "$L/zeek-dns.log" "$L/zeek-http.log" > "$T/two.want" 2> /dev/null
want_hits=$(grep -c '"indicator"' "$T/two.want")
for a in two.zip two.tgz; do
	n=$(echo "$a" | tr '.' '_')
	post "$n" -T "$T/$a" -X POST "$URL/api/v1/sweep?name=$a"
	code_is "sweep_${n}_200" "$n" 200
	[ "$(grep -c '"indicator"' "$T/$n")" = "$want_hits" ] &&
		ok "sweep_${n}_every_member" || not_ok "sweep_${n}_every_member" "$(head -c 300 "$T/$n")"
	expect "sweep_${n}_two_files" '"files":2,"unreadable":0,"incomplete":0,' "$T/$n"
	expect "sweep_${n}_member_named" "\"file\":\"$a:zeek-dns.log\"" "$T/$n"
done

# ---- 4. a query parameter given twice is refused, on every route ----
# (but indicator, one a parameter); a list's advice is to join with commas,
# anything else's to give it once.
for q in "/api/v1/export?format=txt&types=ip&types=domain:types" \
    "/api/v1/export?format=csv&format=txt:format" \
    "/api/v1/lookup?indicator=185.244.25.10&format=json&format=text:format" \
    "/api/v1/sources?format=json&format=text:format" \
    "/api/v1/investigate?indicator=185.244.25.10&offline=1&offline=0:offline"; do
	path=${q%:*} key=${q##*:}
	n=$(echo "$path" | sed 's|/api/v1/||; s|?.*||')_$key
	http GET "$path" "$TOKEN"
	status_is "twice_${n}_400" 400
	expect "twice_${n}_named" "parameter '$key' is given more than once: give it once" "$T/body"
	if [ "$key" = types ]; then
		expect "twice_${n}_joined" "commas: types=a,b" "$T/body"
	else
		refute "twice_${n}_not_joined" "commas" "$T/body"
	fi
done
post twice -T "$L/zeek-http.log" -X POST "$URL/api/v1/sweep?format=csv&format=text"
code_is twice_sweep_400 twice 400
http POST "/api/v1/extract?types=ip&types=domain" "$TOKEN" "1.2.3.4 evil.example" text/plain
status_is twice_extract_400 400
http GET "/api/v1/export?format=txt&types=ip,domain" "$TOKEN"
status_is once_list_with_commas_200 200
