#!/bin/sh
# test-serve-lookup-memo.sh: the team server keeps each look-up's verdict
# (the policy's run) until the store changes, and never past it: a
# warninglist or a list imported by `chousa import` while the server runs
# changes the next look-up's verdict at once, with no restart.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_up '[server]\nrate = 0\n' read alice

# verdict_is NAME WANT: the verdict of the last look-up's answer.
verdict_is() {
	got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["verdict"])' "$T/body" 2> /dev/null)
	[ "$got" = "$2" ] && ok "$1" || not_ok "$1" "verdict '$got', want '$2': $(head -c 300 "$T/body")"
}

http GET "/api/v1/lookup?indicator=www.dnautik.com" "$TOKEN"
status_is memo_first 200
verdict_is memo_first_malicious malicious
http GET "/api/v1/lookup?indicator=www.dnautik.com" "$TOKEN"
verdict_is memo_again_malicious malicious

# A benign list naming the name itself makes it suspicious (row 2).
printf '{"name":"memo test","version":1,"description":"test","type":"hostname","list":["www.dnautik.com"]}\n' > "$T/wl.json"
check memo_import_benign 0 "$CHOUSA" -q import warninglist "$T/wl.json"
http GET "/api/v1/lookup?indicator=www.dnautik.com" "$TOKEN"
verdict_is memo_forgotten_after_import suspicious

# A name listed while the server runs is listed at the next look-up.
http GET "/api/v1/lookup?indicator=memo-new.example.net" "$TOKEN"
verdict_is memo_unlisted_first unknown
printf 'memo-new.example.net\n' > "$T/list.txt"
check memo_import_list 0 "$CHOUSA" -q import list --source-name memofeed "$T/list.txt"
http GET "/api/v1/lookup?indicator=memo-new.example.net" "$TOKEN"
verdict_is memo_listed_after_import malicious
