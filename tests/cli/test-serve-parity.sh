#!/bin/sh
# test-serve-parity.sh: `chousa --server URL` investigate, lookup, extract
# and sources print what the local command prints on the same store, byte
# for byte (stdout, stderr, and both in one stream), and end with its exit
# status, over a matrix: each output format and option, indicators known
# bad, unknown, malformed, defanged, IDN and punycode, IPv6, URLs with a
# query and Unicode, every hash length; several at once, stdin, a file, an
# empty input; options the local command refuses (refused alike, before a
# request); colour.  What differs on purpose is in docs/team.md: more than
# 1000 indicators a request (investigate, extract), extract of several
# files, sources --check (test-serve, test-client-split, test-serve-inputs).
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

# A STIX bundle's ids are made from the stamp, here and in the server.
export SOURCE_DATE_EPOCH=1700000000
serve_up '[server]\nrate = 0\n' investigate parity
export CHOUSA_SERVER_KEY="$TOKEN"

# same NAME STDIN ARGS...: the local and the remote run alike; ages are
# measured against the clock, so a pair that differs is run once more.
run_pair() {
	in=$1
	shift
	"$CHOUSA" "$@" < "$in" > "$T/l.out" 2> "$T/l.err"
	ls=$?
	"$CHOUSA" --server "$URL" "$@" < "$in" > "$T/r.out" 2> "$T/r.err"
	rs=$?
	"$CHOUSA" "$@" < "$in" > "$T/l.mix" 2>&1
	"$CHOUSA" --server "$URL" "$@" < "$in" > "$T/r.mix" 2>&1
	[ "$ls" = "$rs" ] && cmp -s "$T/l.out" "$T/r.out" &&
	    cmp -s "$T/l.err" "$T/r.err" && cmp -s "$T/l.mix" "$T/r.mix"
}
same() {
	name=$1
	shift
	if run_pair "$@" || run_pair "$@"; then ok "$name (exit $ls)"; else
		not_ok "$name" "exit $ls/$rs; out: $(diff "$T/l.out" "$T/r.out" | head -n 3 | tr '\n' '|') err: $(diff "$T/l.err" "$T/r.err" | head -n 3 | tr '\n' '|') merged: $(cmp "$T/l.mix" "$T/r.mix")"
	fi
}

B=www.dnautik.com C2=162.243.103.246
SHA256=d7e61d7d1f31426d1c59eeab4e60fdd433b6889a548b94129e0ae34fb766a7cf
MAIL="$TESTS/../demo/alert.eml"
cat > "$T/inds" <<EOF
$B
$C2
$SHA256
5e2c0a1f3b4d6e7f8091a2b3c4d5e6f7
0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c
$(printf '%0128d' 0 | tr 0 a)
8.8.8.8
unknown-domain.example.org
not_an_ioc
hxxp://www[.]dnautik[.]com/wp-admin/n/
162[.]243[.]103[.]246
日本語.jp
xn--wgv71a119e.jp
ＷＷＷ．ｄｎａｕｔｉｋ．ｃｏｍ
2001:DB8:0:0::1
[2001:db8::1]:443
http://例え.テスト/パス?q=値&a=1
https://www.dnautik.com/a?b=c#frag
$C2:8080
$C2/32
10.0.0.0/8
user@dnautik.com
999.1.1.1
WWW.DNAUTIK.COM.
EOF
printf '%s\n# a comment\n\n%s\nnot an ioc\n' "$B" "$C2" > "$T/list.txt"
: > "$T/empty.txt"
printf '通信先は日本語.jpです。hxxps://例え.テスト/パス?q=値 と [2001:db8::2]:443 と %s:8080 と %s\n' "$C2" "$SHA256" > "$T/ja.txt"

# ---- lookup ----
i=0
while IFS= read -r x; do
	i=$((i + 1))
	same "lookup_$i" /dev/null lookup "$x"
	same "lookup_json_$i" /dev/null lookup --json "$x"
done < "$T/inds"
same lookup_several /dev/null lookup "$B" "$C2" "$SHA256" not_an_ioc 8.8.8.8
same lookup_stdin "$T/list.txt" lookup -
same lookup_stdin_json "$T/list.txt" --json lookup -
same lookup_empty "$T/empty.txt" lookup -
same lookup_quiet /dev/null -q lookup "$B" not_an_ioc
same lookup_verbose /dev/null -v lookup "$B"
# Coloured as locally: the verdict in red.
same lookup_color_always /dev/null --color always lookup "$B" "$C2"
same lookup_color_never /dev/null --no-color lookup "$B"

# ---- extract ----
for o in "" --json --unique --defang --public-only "--types url,domain" \
    "--types hash" "--json --defang --unique" "--threads 2"; do
	n=$(printf '%s' "$o" | tr -c 'a-z0-9' _)
	same "extract_ja$n" "$T/ja.txt" extract $o
	same "extract_mail$n" /dev/null extract $o "$MAIL"
done
same extract_empty "$T/empty.txt" extract
same extract_empty_json "$T/empty.txt" extract --json
same extract_missing /dev/null extract "$T/no-such-file"
# Refused as locally: a usage error, a directory said alike.
same extract_types_unknown "$T/ja.txt" extract --types nosuch
same extract_threads_0 "$T/ja.txt" extract --threads 0
same extract_directory /dev/null extract "$T"

# ---- sources ----
same sources /dev/null sources
same sources_json /dev/null sources --json
same sources_global_json /dev/null --json sources
same sources_quiet /dev/null -q sources
same sources_argument /dev/null sources extra

# ---- investigate ----
for f in "" --json "--format md" "--format html" "--format stix" \
    "--format misp" "--format dot" "--format nosuch" --brief --no-defang \
    "--tlp amber" "--depth 1" "--max-samples 1" "--budget 3" \
    "--at 2020-11-27" "--sources local" --exhaustive "--width 50"; do
	n=$(printf '%s' "$f" | tr -c 'a-z0-9' _)
	same "investigate$n" /dev/null investigate --offline $f "$B" "$C2"
done
i=0
while IFS= read -r x; do
	i=$((i + 1))
	same "investigate_$i" /dev/null investigate --offline "$x"
done < "$T/inds"
same investigate_stdin "$T/list.txt" investigate --offline
same investigate_file /dev/null investigate --offline -f "$T/list.txt"
same investigate_empty "$T/empty.txt" investigate --offline
same investigate_extract_ja /dev/null investigate --offline --extract "$T/ja.txt"
same investigate_quiet /dev/null -q investigate --offline "$B" not_an_ioc
same investigate_verbose /dev/null -v investigate --offline "$B"
same investigate_color_always /dev/null --color always investigate --offline "$B" "$C2"
# The note that closes an e-mail's report comes after the report is
# flushed, also past stdout's buffer (a STIX bundle of 8 KiB and more).
same investigate_extract_mail_stix /dev/null investigate --offline --extract --format stix "$MAIL"
same investigate_extract_mail_json /dev/null investigate --offline --extract --json "$MAIL"
# Options refused as the local command refuses them, before a request.
same investigate_depth_over /dev/null investigate --offline --depth 9 "$B"
same investigate_depth_word /dev/null investigate --offline --depth x "$B"
same investigate_samples_0 /dev/null investigate --offline --max-samples 0 "$B"
same investigate_budget_empty /dev/null investigate --offline --budget '' "$B"
same investigate_at_unreadable /dev/null investigate --offline --at garbage "$B"
same investigate_sources_unknown /dev/null investigate --offline --sources nosuch "$B"
same investigate_cache_only_offline /dev/null investigate --offline --cache-only "$B"
same investigate_cache_only_refresh /dev/null investigate --refresh --cache-only "$B"
