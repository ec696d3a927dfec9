#!/bin/sh
# test-serve-lookup-memo.sh: the team server keeps each look-up's verdict
# (the policy's run) and its answer written out until the store changes,
# and never past it: a warninglist or a list imported by `chousa import`
# while the server runs changes the next look-up's verdict and records at
# once, with no restart.  A kept answer reads as a fresh one, first in a
# list or not, in JSON and in text.
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

python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if any(r.get("source") == "memofeed" for r in d[0]["records"]) else 1)' "$T/body" &&
    ok memo_new_record_in_answer || not_ok memo_new_record_in_answer "$(head -c 300 "$T/body")"

# Kept answers, alone and in a list, against the same answers written
# afresh: the list's members are the single answers, in order.
http GET "/api/v1/lookup?indicator=www.dnautik.com" "$TOKEN"
cp "$T/body" "$T/one-a"
http GET "/api/v1/lookup?indicator=memo-new.example.net" "$TOKEN"
cp "$T/body" "$T/one-b"
for round in 1 2; do
	http GET "/api/v1/lookup?indicator=memo-new.example.net&indicator=www.dnautik.com&indicator=memo-new.example.net&indicator=not%20an%20indicator" "$TOKEN"
	python3 - "$T/body" "$T/one-a" "$T/one-b" <<'PY' && ok "memo_list_is_singles_$round" || not_ok "memo_list_is_singles_$round" "$(head -c 400 "$T/body")"
import json, sys
got = json.load(open(sys.argv[1]))
a, b = json.load(open(sys.argv[2]))[0], json.load(open(sys.argv[3]))[0]
sys.exit(0 if got == [b, a, b] else 1)
PY
done
http GET "/api/v1/lookup?indicator=memo-new.example.net&format=text" "$TOKEN"
cp "$T/body" "$T/text-1"
http GET "/api/v1/lookup?indicator=memo-new.example.net&format=text" "$TOKEN"
cmp -s "$T/body" "$T/text-1" && grep -q memofeed "$T/body" && ok memo_text_kept ||
    not_ok memo_text_kept "$(head -c 300 "$T/body")"
# The CLI's own answer, from the store directly, is the same bytes.
"$CHOUSA" lookup memo-new.example.net > "$T/text-cli" 2>&1
cmp -s "$T/text-cli" "$T/text-1" && ok memo_text_as_cli ||
    not_ok memo_text_as_cli "$(diff "$T/text-cli" "$T/text-1" | head -5)"
