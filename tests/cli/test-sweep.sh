# test-sweep.sh: `chousa sweep` over real-format samples of every log
# format (tests/data/logs/), captures made by mkpcap.py, gzip, hostile
# input, and the benchmark generator's corpus, whose manifest says exactly
# how many lines must hit and truth.tsv which ones.
. "$TESTS/cli/lib.sh"

L="$TESTS/data/logs"
export CHOUSA_DB="$T/sweep.db"
export CHOUSA_CONFIG="$T/config"
: > "$CHOUSA_CONFIG"

"$CHOUSA" -q import list --family emotet --source-name testfeed \
    "$L/iocs.txt" > /dev/null 2>&1

# hits NAME WANT_LINES FILE [OPTIONS...]: the distinct hit lines.
hits() {
	name=$1 want=$2 file=$3
	shift 3
	"$CHOUSA" sweep "$@" "$file" > "$T/out" 2> "$T/err"
	got=$(cut -f2 "$T/out" | sort -u | wc -l | tr -d ' ')
	if [ "$got" = "$want" ]; then ok "$name"; else
		not_ok "$name" "$got hit lines, want $want: $(head -c 300 "$T/out") $(head -c 200 "$T/err")"
	fi
}

hits sweep_zeek_conn 2 "$L/zeek-conn.log"
expect sweep_zeek_conn_ipv6 'zeek-conn.log:12	2001:db8:10::5	2a0e:1c80:1:1:45:15:158:1	2a0e:1c80:1:1:45:15:158:1	exact	testfeed	win.emotet' "$T/out"
expect sweep_zeek_conn_malformed_counted '1 malformed lines' "$T/err"
hits sweep_zeek_dns 4 "$L/zeek-dns.log"
expect sweep_zeek_dns_parent 'zeek-dns.log:10	.*	evilcorp.xyz	parent' "$T/out"
expect sweep_zeek_dns_answer_set 'zeek-dns.log:11	.*	185.244.25.10	exact' "$T/out"
hits sweep_zeek_http_reordered_fields 3 "$L/zeek-http.log"
expect sweep_zeek_http_url_rebuilt 'zeek-http.log:9	.*http://185.244.25.10:8080/bins/mozi.m	url' "$T/out"
expect sweep_zeek_http_query_kept 'zeek-http.log:12	.*gate.php\?id=7	url' "$T/out"
refute sweep_zeek_http_no_substring 'zeek-http.log:13' "$T/out"
hits sweep_zeek_ssl_sni_parent 1 "$L/zeek-ssl.log"
hits sweep_zeek_files_hashes 1 "$L/zeek-files.log"
expect sweep_zeek_files_md5_uppercase 'zeek-files.log:9	.*5d41402abc4b2a76b9719d911017c592	exact' "$T/out"
check sweep_zeek_x509_nothing 0 "$CHOUSA" sweep "$L/zeek-x509.log"
# Zeek writes unprintable bytes and its separators as \xNN: a UTF-8 path and a
# control byte in a URI match the listed URL only once that is undone; a backslash not
# followed by two hex digits stays as it is.
printf 'http://zeek-escape.example/\342\200\213pay.exe\nhttp://zeek-escape.example/a%%01b\n' > "$T/esc-iocs.txt"
"$CHOUSA" -q --db "$T/esc.db" import list "$T/esc-iocs.txt" > /dev/null 2>&1
printf '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\thost\turi\n' > "$T/esc.log"
printf '1600000000.0\tC1\t10.0.0.5\t50000\t192.0.2.7\t80\tzeek-escape.example\t/\\xe2\\x80\\x8bpay.exe\n' >> "$T/esc.log"
printf '1600000001.0\tC2\t10.0.0.5\t50001\t192.0.2.7\t80\tzeek-escape.example\t/a\\x01b\n' >> "$T/esc.log"
printf '1600000002.0\tC3\t10.0.0.5\t50002\t192.0.2.7\t80\tzeek-escape.example\t/\\xZZpay.exe\n' >> "$T/esc.log"
CHOUSA_DB="$T/esc.db" hits sweep_zeek_escapes_decoded 2 "$T/esc.log"
expect sweep_zeek_escape_utf8_path 'esc.log:6	.*pay.exe	url' "$T/out"
expect sweep_zeek_escape_control_byte 'esc.log:7	.*a%01b	url' "$T/out"
hits sweep_zeek_json 3 "$L/zeek-http.json"
expect sweep_zeek_json_nested_id 'zeek-http.json:2	10.0.0.24	104.21.7.9	http://malware-drop.top/wp-content/plugins/x.exe	url' "$T/out"
hits sweep_eve 9 "$L/eve.json"
expect sweep_eve_escaped_slash 'eve.json:5	.*http://malware-drop.top/wp-content/plugins/x.exe	url' "$T/out"
expect sweep_eve_http_port 'eve.json:6	.*http://185.244.25.10:8080/bins/mozi.m	url' "$T/out"
expect sweep_eve_dns_v1_rdata 'eve.json:4	.*185.244.25.10	exact' "$T/out"
expect sweep_eve_dns_v2_answers 'eve.json:3	.*45.133.1.20	exact' "$T/out"
expect sweep_eve_fileinfo 'eve.json:8	.*9f2b1c0d8e7a6b5c' "$T/out"
expect sweep_eve_alert 'eve.json:9	' "$T/out"
hits sweep_squid 5 "$L/squid-access.log"
expect sweep_squid_connect 'squid-access.log:2	10.0.0.24	104.21.7.9	malware-drop.top	exact' "$T/out"
expect sweep_squid_url_normalised 'squid-access.log:4	.*http://cdn.stage-two.icu/gate.php\?id=7	exact' "$T/out"
expect sweep_squid_peer_ip 'squid-access.log:7	.*45.133.1.20	exact' "$T/out"
hits sweep_clf_combined 3 "$L/access-combined.log"
refute sweep_clf_no_match_inside_target 'access-combined.log:2	.*mozi' "$T/out"
hits sweep_clf_vhost 2 "$L/access-vhost.log"
expect sweep_clf_vhost_https 'access-vhost.log:2	.*https://paste-bin.click/raw/abc123	url' "$T/out"
hits sweep_bind 3 "$L/bind-query.log"
expect sweep_bind_uppercase 'bind-query.log:3	10.0.0.45	.*malware-drop.top	exact' "$T/out"
hits sweep_windns 3 "$L/windns-debug.log"
expect sweep_windns_labels 'windns-debug.log:8	10.0.0.31	.*evilcorp.xyz	parent' "$T/out"
hits sweep_text 4 "$L/text.log" --format text
expect sweep_text_defanged_url 'text.log:4	.*http://malware-drop.top/wp-content/plugins/x.exe	exact' "$T/out"

# Captures, made here: pcap, pcapng and one cut in its last packet.
python3 "$L/mkpcap.py" "$T/c.pcap"
python3 "$L/mkpcap.py" "$T/c.pcapng" --ng
python3 "$L/mkpcap.py" "$T/cut.pcap" --truncate
hits sweep_pcap 6 "$T/c.pcap"
expect sweep_pcap_dns_query "c.pcap:1	10.0.0.31	10.0.0.53	evilcorp.xyz	parent" "$T/out"
expect sweep_pcap_dns_answer "c.pcap:2	.*45.133.1.20	exact" "$T/out"
expect sweep_pcap_http_host "c.pcap:3	.*http://185.244.25.10:8080/bins/mozi.m	url" "$T/out"
expect sweep_pcap_tls_sni "c.pcap:4	10.0.0.17	104.21.55.3	evilcorp.xyz	parent" "$T/out"
expect sweep_pcap_ipv6 "c.pcap:5	2001:db8:10::5	" "$T/out"
hits sweep_pcapng 6 "$T/c.pcapng"
check sweep_pcap_truncated_still_found 1 "$CHOUSA" sweep "$T/cut.pcap"
expect sweep_pcap_truncated_reported 'cut.pcap: capture cut short' "$T/err"
expect sweep_pcap_truncated_keeps_packets 'cut.pcap:5' "$T/out"
expect sweep_pcap_truncated_counts_packets 'the [0-9]* packets read were swept' "$T/err"

# --format's help names every format of the table, with what it is, and
# completion offers the same names.
"$CHOUSA" help --json sweep > "$T/help"
"$CHOUSA" completion bash | sed -n '/sweep:--format)/{n;p;}' |
    sed "s/.*-W '\([^']*\)'.*/\1/" | tr ' ' '\n' > "$T/words"
missing=
for w in $(cat "$T/words"); do
	grep -q "$w: " "$T/help" || missing="$missing $w"
done
if [ -s "$T/words" ] && [ -z "$missing" ]; then ok sweep_help_lists_formats
else not_ok sweep_help_lists_formats "not in --help:$missing"; fi
expect sweep_help_says_what_pcap_is 'pcap: pcap and pcapng captures' "$T/help"

# Compressed input, read as import reads it; a truncated gzip keeps the
# lines of the whole blocks before the cut, and one with none is an error.
gzip -c "$L/eve.json" > "$T/eve.json.gz"
hits sweep_gzip 9 "$T/eve.json.gz"
bzip2 -c "$L/eve.json" > "$T/eve.json.bz2"
hits sweep_bzip2 9 "$T/eve.json.bz2"
xz -c "$L/eve.json" > "$T/eve.json.xz"
hits sweep_xz 9 "$T/eve.json.xz"
(cd "$L" && zip -q "$T/eve.zip" eve.json)
hits sweep_zip 9 "$T/eve.zip"
expect sweep_zip_member_named 'eve.zip:eve.json:5	' "$T/out"
# Every regular member of a zip or tar is a file of its own: its format
# detected by itself, its hits named ARCHIVE:MEMBER; links skipped, said.
"$CHOUSA" sweep --json "$L/zeek-dns.log" "$L/zeek-http.log" > "$T/two.want" 2> /dev/null
want_hits=$(grep -c '"indicator"' "$T/two.want")
mkdir -p "$T/arc"
cp "$L/zeek-dns.log" "$L/zeek-http.log" "$T/arc/"
ln -s zeek-dns.log "$T/arc/link.log"
(cd "$T/arc" && zip -q ../two.zip zeek-dns.log zeek-http.log &&
    tar cf ../two.tar zeek-dns.log link.log zeek-http.log &&
    tar czf ../two.tgz zeek-dns.log zeek-http.log &&
    tar cJf ../two.tar.xz zeek-dns.log zeek-http.log &&
    tar cjf ../two.tar.bz2 zeek-dns.log zeek-http.log)
(cd "$T/arc" && tar cf - zeek-dns.log zeek-http.log | zstd -q -c > ../two.tar.zst) 2> /dev/null
for a in two.zip two.tar two.tgz two.tar.xz two.tar.bz2 two.tar.zst; do
	[ -s "$T/$a" ] || { ok "sweep_archive_${a}_skipped_no_tool"; continue; }
	n=$(echo "$a" | tr '.' '_')
	check "sweep_archive_$n" 1 "$CHOUSA" sweep --json "$T/$a"
	got=$(grep -c '"indicator"' "$T/out")
	[ "$got" = "$want_hits" ] && ok "sweep_archive_${n}_every_member" ||
		not_ok "sweep_archive_${n}_every_member" "$got hits, want $want_hits: $(head -c 300 "$T/err")"
	expect "sweep_archive_${n}_two_files" '"summary":\{"files":2,"unreadable":0,"incomplete":0,' "$T/out"
	expect "sweep_archive_${n}_member_named" "\"file\":\"$T/$a:zeek-http.log\"" "$T/out"
done
check sweep_archive_tar_link 1 "$CHOUSA" sweep "$T/two.tar"
expect sweep_archive_link_skipped_said 'two.tar: 1 members that are no regular file' "$T/err"
# A member that cannot be read as the format given is unreadable; the
# others are swept.
cp "$T/c.pcap" "$T/arc/c.pcap"
(cd "$T/arc" && tar cf ../mixed.tar zeek-http.log c.pcap)
check sweep_archive_member_unreadable 3 "$CHOUSA" sweep --format pcap --json "$T/mixed.tar"
expect sweep_archive_member_unreadable_counted '"files":2,"unreadable":1,' "$T/out"
expect sweep_archive_other_member_swept 'mixed.tar:c.pcap' "$T/out"
expect sweep_archive_member_unreadable_said 'mixed.tar:zeek-http.log' "$T/err"
# A tar.gz cut in its second member: the first swept, the second in part.
i=0
while [ $i -lt 300 ]; do cat "$L/eve.json"; i=$((i + 1)); done > "$T/arc/big.json"
(cd "$T/arc" && tar czf ../cut.tgz zeek-http.log big.json)
head -c $(($(stat -c %s "$T/cut.tgz") * 2 / 3)) "$T/cut.tgz" > "$T/cut2.tgz"
check sweep_archive_cut_kept 1 "$CHOUSA" sweep --json "$T/cut2.tgz"
expect sweep_archive_cut_incomplete '"files":2,"unreadable":0,"incomplete":1,' "$T/out"
expect sweep_archive_cut_said 'cut2.tgz:big.json: compressed data is truncated' "$T/err"
i=0
while [ $i -lt 400 ]; do cat "$L/eve.json"; i=$((i + 1)); done | gzip -c > "$T/big.json.gz"
head -c $(($(stat -c %s "$T/big.json.gz") / 2)) "$T/big.json.gz" > "$T/cut.json.gz"
check sweep_gzip_truncated 1 "$CHOUSA" sweep "$T/cut.json.gz"
expect sweep_gzip_truncated_reported 'truncated or damaged' "$T/err"
expect sweep_gzip_truncated_keeps_lines 'cut.json.gz:1	' "$T/out"
"$CHOUSA" sweep --json "$T/cut.json.gz" > "$T/out" 2> "$T/err"
expect sweep_gzip_truncated_incomplete '"summary":\{"files":1,"unreadable":0,"incomplete":1,' "$T/out"
"$CHOUSA" sweep --json "$T/eve.json.gz" > "$T/out" 2> "$T/err"
expect sweep_gzip_whole_not_incomplete '"unreadable":0,"incomplete":0,' "$T/out"
# Cut within the first 64 KiB of content (libarchive's first block): the
# lines before the cut are swept as for a longer file, not refused.
head -c 1000 "$T/eve.json.gz" > "$T/short-cut.json.gz"
check sweep_gzip_short_cut_kept 1 "$CHOUSA" sweep --json "$T/short-cut.json.gz"
expect sweep_gzip_short_cut_said 'the [1-9][0-9]* lines read were swept' "$T/err"
expect sweep_gzip_short_cut_incomplete '"unreadable":0,"incomplete":1,' "$T/out"
expect sweep_gzip_short_cut_hits 'short-cut.json.gz' "$T/out"
# Nothing found in a file read only in part is no clean answer: 3.
head -c 300 "$T/eve.json.gz" > "$T/tiny-cut.json.gz"
check sweep_gzip_cut_nothing_found_3 3 "$CHOUSA" sweep "$T/tiny-cut.json.gz"
expect sweep_gzip_cut_nothing_found_said '1 file read only in part' "$T/err"
# Nothing at all to read is an unreadable file.
head -c 20 "$T/eve.json.gz" > "$T/tiny-cut.json.gz"
check sweep_gzip_truncated_nothing_read 3 "$CHOUSA" sweep "$T/tiny-cut.json.gz"
expect sweep_gzip_truncated_nothing_read_says 'truncated gzip' "$T/err"
head -c 12 "$T/eve.json.gz" > "$T/tiny-cut.json.gz"
check sweep_gzip_header_only_unreadable 3 "$CHOUSA" sweep --json "$T/tiny-cut.json.gz"
expect sweep_gzip_header_only_said 'truncated gzip' "$T/err"
hits sweep_stdin 5 - < "$L/squid-access.log"
# A pipe is read as a file with the same bytes: empty is empty, not an
# error, and bytes no compression's magic starts are never unpacked (an
# lzma guess took these for a stream and failed).
check sweep_empty_stdin 0 sh -c '"$1" sweep - < /dev/null' _ "$CHOUSA"
printf '\020\000\000\020\000\000c\000\314\004c\000\314\004D' > "$T/lzmaish"
check sweep_file_no_magic 0 "$CHOUSA" sweep "$T/lzmaish"
check sweep_stdin_no_magic 0 sh -c '"$1" sweep - < "$2"' _ "$CHOUSA" "$T/lzmaish"
gzip -c "$L/squid-access.log" | "$CHOUSA" sweep - > "$T/out" 2> "$T/err"
expect sweep_stdin_gzip '^.*	-:7	' "$T/out"

# Exit statuses and output forms.
check sweep_exit_found 1 "$CHOUSA" sweep "$L/zeek-conn.log"
check sweep_color_always 1 "$CHOUSA" --color always sweep "$L/zeek-conn.log"
expect sweep_color_indicator_red "$(printf '\033')\[1;31m" "$T/out"
check sweep_color_json_never 1 "$CHOUSA" --color always sweep --json "$L/zeek-conn.log"
refute sweep_color_not_in_json "$(printf '\033')" "$T/out"
check sweep_exit_clean 0 "$CHOUSA" sweep "$L/zeek-x509.log"
check sweep_exit_unreadable 3 "$CHOUSA" sweep "$T/missing.log"
check sweep_bad_format_is_usage 2 "$CHOUSA" sweep --format nope "$L/eve.json"
check sweep_json 1 "$CHOUSA" sweep --json "$L/squid-access.log"
expect sweep_json_keys '^\{"time":"2024-03-13T18:09:10Z","file":"[^"]*squid-access.log","line":1,"src":"10.0.0.23","dst":"185.244.25.10","indicator":"http://185.244.25.10:8080/bins/mozi.m",.*"match":"exact",.*"sources":\["testfeed"\],"family":"win.emotet"\}$' "$T/out"
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$T/out" 2>/dev/null; then
	ok sweep_json_parses; else not_ok sweep_json_parses "invalid JSON"; fi
check sweep_csv 1 "$CHOUSA" sweep --csv "$L/squid-access.log"
expect sweep_csv_header '^time,file,line,src,dst,indicator,type,match,sources,family$' "$T/out"
check sweep_summary 1 "$CHOUSA" sweep "$L/zeek-dns.log"
expect sweep_summary_hosts '^by internal host:' "$T/err"
expect sweep_summary_family '^ +[0-9]+  win.emotet$' "$T/err"
check sweep_verbose_malformed 1 "$CHOUSA" -v sweep "$L/eve.json"
expect sweep_verbose_shows_line 'eve.json:11: not a JSON object' "$T/err"
check sweep_threads_one 1 "$CHOUSA" sweep --threads 1 "$L/eve.json"
# A list has no dates: its indicators count whatever the log's time.
check sweep_as_of_log_time_undated_count 1 "$CHOUSA" sweep --as-of-log-time "$L/zeek-conn.log"
expect sweep_as_of_log_time_summary '0 outside the time window' "$T/err"
# ThreatFox says 198.51.100.90 was first seen on 2024-07-16: a 2020 line
# is outside a 30-day window, a 2024-07-20 one inside.
CHOUSA_DB="$T/dated.db" "$CHOUSA" -q import threatfox "$TESTS/data/feeds/threatfox-2024.csv" > /dev/null 2>&1
{
	head -n 8 "$L/zeek-conn.log"
	printf '1600000000.0\tC1\t10.0.0.5\t50000\t198.51.100.90\t7777\ttcp\n'
	printf '1721460000.0\tC2\t10.0.0.5\t50001\t198.51.100.90\t7777\ttcp\n'
} > "$T/dated.log"
CHOUSA_DB="$T/dated.db" check sweep_as_of_log_time_dated 1 "$CHOUSA" sweep --as-of-log-time "$T/dated.log"
refute sweep_as_of_log_time_old_line_out 'dated.log:9	' "$T/out"
expect sweep_as_of_log_time_new_line_in 'dated.log:10	' "$T/out"
expect sweep_as_of_log_time_counted '1 outside the time window' "$T/err"
CHOUSA_DB="$T/dated.db" check sweep_window_wide 1 "$CHOUSA" sweep --as-of-log-time --window 36500 "$T/dated.log"
expect sweep_window_wide_both 'dated.log:9	' "$T/out"

# Hostile lines: a 2 MiB line, NUL bytes, invalid UTF-8 and escapes.
{
	printf '1710353350.1 1 10.0.0.1 TCP_MISS/200 1 GET http://x\000y/ - HIER_DIRECT/185.244.25.10 -\n'
	printf '\377\376\303\050 \033[31mred\n'
	head -c 2097152 /dev/zero | tr '\0' 'A'
	printf '\n1710353351.1 1 10.0.0.2 TCP_MISS/200 1 GET http://185.244.25.10:8080/bins/mozi.m - HIER_DIRECT/1.2.3.4 -\n'
} > "$T/hostile.log"
check sweep_hostile 1 "$CHOUSA" sweep --format squid --max-line 1048576 "$T/hostile.log"
expect sweep_hostile_nul_line 'hostile.log:1	' "$T/out"
expect sweep_hostile_after_long_line 'hostile.log:4	' "$T/out"
expect sweep_hostile_malformed_counted '2 malformed lines' "$T/err"
refute sweep_hostile_no_escape "$(printf '\033')" "$T/out"

# The benign filter: microsoft.com is on the demo warninglist, which names
# only a parent of the listed download.microsoft.com, so that listing holds
# (docs/verdict-policy.md row 5); a list naming the host itself leaves it out.
if "$CHOUSA" -q import warninglist "$TESTS/../demo/warninglist.json" > /dev/null 2>&1; then
	hits sweep_benign_parent_only 3 "$L/bind-query.log"
	expect sweep_benign_parent_only_hit 'bind-query.log:4	.*download.microsoft.com	exact' "$T/out"
	cp "$CHOUSA_DB" "$T/benign-host.db"
	printf '{"name":"test host","version":1,"description":"test","type":"hostname","list":["download.microsoft.com"]}\n' > "$T/wl-host.json"
	CHOUSA_DB="$T/benign-host.db" "$CHOUSA" -q import warninglist "$T/wl-host.json" > /dev/null 2>&1
	CHOUSA_DB="$T/benign-host.db" hits sweep_benign_suppressed 2 "$L/bind-query.log"
	refute sweep_benign_not_reported 'download.microsoft.com' "$T/out"
	CHOUSA_DB="$T/benign-host.db" hits sweep_no_benign_filter 3 "$L/bind-query.log" --no-benign-filter
else
	ok "sweep_benign_suppressed # SKIP warninglist importer missing"
fi

# The generator's corpus: exactly `planted` hit lines per file, and the
# lines of truth.tsv.
GEN="$TESTS/../../shared/bench/gen_corpus.py"
[ -f "$GEN" ] || GEN=${GEN_CORPUS:-}
if [ -f "$GEN" ] && python3 "$GEN" --out "$T/corpus" --n 2000 --log-mb 1 \
    --formats all --truth --seed 7 > /dev/null 2>&1; then
	export CHOUSA_DB="$T/corpus.db"
	"$CHOUSA" -q import urlhaus "$T/corpus/indicators.urlhaus.csv"
	"$CHOUSA" -q import threatfox "$T/corpus/indicators.threatfox.csv"
	for f in conn.log dns.log http.log ssl.log eve.json access.log text.log; do
		want=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print([l["planted"] for l in m["logs"] if l["file"]==sys.argv[2]][0])' "$T/corpus/manifest.json" "$f")
		fmt=auto
		[ "$f" = text.log ] && fmt=text
		(cd "$T/corpus" && "$CHOUSA" sweep --format $fmt "$f") > "$T/out" 2> "$T/err"
		cut -f2 "$T/out" | sed 's/.*://' | sort -un > "$T/got"
		awk -F'\t' -v f="$f" '$1 == f { print $2 }' "$T/corpus/truth.tsv" | sort -n > "$T/want"
		got=$(wc -l < "$T/got" | tr -d ' ')
		if [ "$got" = "$want" ]; then ok "corpus_${f}_planted_$want"; else
			not_ok "corpus_${f}_planted" "$got hit lines, manifest planted $want"; fi
		if cmp -s "$T/got" "$T/want"; then ok "corpus_${f}_truth_lines"; else
			not_ok "corpus_${f}_truth_lines" "$(diff "$T/want" "$T/got" | head -5 | tr '\n' ' ')"; fi
		# A public resolver is never the internal host.
		if cut -f3 "$T/out" | grep -qx '8.8.8.8'; then
			not_ok "corpus_${f}_resolver_not_internal" "$(grep -m1 '	8.8.8.8	' "$T/out")"
		else ok "corpus_${f}_resolver_not_internal"; fi
	done
	# Slashes escaped as jansson-built Suricata writes them.
	python3 "$GEN" --out "$T/esc" --n 2000 --log-mb 1 --formats eve \
	    --eve-escape-slash --truth --seed 7 > /dev/null 2>&1
	want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["logs"][0]["planted"])' "$T/esc/manifest.json")
	CHOUSA_DB="$T/corpus.db" "$CHOUSA" sweep "$T/esc/eve.json" > "$T/out" 2> /dev/null
	got=$(cut -f2 "$T/out" | sort -u | wc -l | tr -d ' ')
	if [ "$got" = "$want" ]; then ok corpus_eve_escaped_slash; else
		not_ok corpus_eve_escaped_slash "$got hit lines, want $want"; fi
else
	ok "corpus_checks # SKIP gen_corpus.py not found"
fi

# The worked example: a proxy log line that visited www.dnautik.com ends
# with the Emotet conclusion.
export CHOUSA_DB="$T/demo.db"
demo_store
printf '%s\n' \
    '1606478400.1 12 10.1.2.3 TCP_MISS/200 5120 GET http://www.dnautik.com/wp-admin/n/ - HIER_DIRECT/104.21.1.1 text/html' \
    '1606478401.1 12 10.1.2.4 TCP_MISS/200 5120 GET http://www.example.com/ - HIER_DIRECT/93.184.216.34 text/html' \
    > "$T/proxy.log"
check sweep_investigate 1 "$CHOUSA" sweep --investigate --offline "$T/proxy.log"
expect sweep_investigate_hit 'proxy.log:1	10.1.2.3	.*www.dnautik.com' "$T/out"
expect sweep_investigate_verdict 'investigation of www.dnautik.com.*malicious' "$T/out"
if tail -n 3 "$T/out" | grep -q Emotet; then ok sweep_investigate_ends_emotet
else not_ok sweep_investigate_ends_emotet "$(tail -n 3 "$T/out")"; fi
