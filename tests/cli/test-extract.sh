# test-extract.sh: chousa extract, refang and defang from the command line:
# the Japanese and English incident write-up against its golden outputs
# (checked by hand: every indicator, no false one), options, streaming,
# and hostile input.
. "$TESTS/cli/lib.sh"
W=$TESTS/data/writeup-ja-en.txt

check extract_writeup_runs 0 "$CHOUSA" extract "$W"
same extract_writeup_tsv "$T/out" "$TESTS/golden/extract/writeup.tsv"
check extract_writeup_json_runs 0 "$CHOUSA" extract --json "$W"
same extract_writeup_jsonl "$T/out" "$TESTS/golden/extract/writeup.jsonl"

check extract_stdin 0 sh -c "'$CHOUSA' extract < '$W'"
same extract_stdin_same_as_file "$T/out" "$TESTS/golden/extract/writeup.tsv"
check extract_dash_is_stdin 0 sh -c "'$CHOUSA' extract - < '$W'"
same extract_dash_same_as_file "$T/out" "$TESTS/golden/extract/writeup.tsv"

check extract_unique 0 "$CHOUSA" extract --unique "$W"
n=$(grep -c 'xn--pple-43d.com' "$T/out")
[ "$n" -eq 1 ] && ok extract_unique_once || not_ok extract_unique_once "$n lines"

check extract_types_ip 0 "$CHOUSA" extract --types ip "$W"
refute extract_types_ip_no_domain '^(domain|url|email|md5)' "$T/out"
expect extract_types_ip_has_cidr '^cidr	45\.155\.205\.0/24$' "$T/out"
expect extract_types_ip_has_v6 '^ipv6	2a0e:97c0:3e3::1b$' "$T/out"

check extract_types_hash 0 "$CHOUSA" extract -t hash,asn "$W"
n=$(wc -l < "$T/out")
[ "$n" -eq 9 ] && ok extract_types_hash_count || not_ok extract_types_hash_count "$n lines"

check extract_bad_type 2 "$CHOUSA" extract --types bogus "$W"
expect extract_bad_type_says_why "unknown indicator type 'bogus'" "$T/err"

check extract_public_only 0 "$CHOUSA" extract --public-only "$W"
refute extract_public_only_no_private '^ipv4	(10\.|192\.168\.|198\.51\.100\.)' "$T/out"
expect extract_public_only_keeps_public '^ipv4	91\.92\.253\.17$' "$T/out"

check extract_defang 0 "$CHOUSA" extract --defang "$W"
expect extract_defang_url '^url	hxxps\[:\]//cdn-update\[\.\]dnautik\[\.\]com/' "$T/out"
expect extract_defang_hash_kept '^md5	5d41402abc4b2a76b9719d911017c592$' "$T/out"

cp "$W" "$T/a.txt"
printf 'evil.com\n' > "$T/b.txt"
check extract_two_files_json 0 "$CHOUSA" extract --json "$T/a.txt" "$T/b.txt"
expect extract_json_names_file '"file":".*/b\.txt"' "$T/out"
expect extract_json_offset '^\{"type":"domain","value":"evil.com","raw":"evil.com","offset":0,' "$T/out"

check extract_missing_file 3 "$CHOUSA" extract "$T/nope.txt"
expect extract_missing_file_message '^chousa: cannot open' "$T/err"

# Offsets stay right across read chunks (1 MiB) in a big file.
python3 -c "
import sys
line = b'x' * 99 + b'\n'
sys.stdout.buffer.write(line * 30000 + b'here is 8.8.4.4 ok\n' + line * 30000 + b'last hxxp://evil[.]com/z\n')
" > "$T/big.txt"
check extract_big_file 0 "$CHOUSA" extract --json "$T/big.txt"
expect extract_big_offset_first '"value":"8.8.4.4","raw":"8.8.4.4","offset":3000008,' "$T/out"
expect extract_big_offset_last '"value":"http://evil.com/z","raw":"hxxp://evil\[.\]com/z","offset":6000024,' "$T/out"

# Hostile bytes: NULs, invalid UTF-8, a 3 MB line without a newline.
python3 -c "
import sys
sys.stdout.buffer.write(b'\x00\xff\xfe evil.com \xc3\x28 ' + b'A.b[.]' * 500000 + b' 1.2.3[.]4')
" > "$T/hostile.bin"
check extract_hostile_bytes 0 "$CHOUSA" extract "$T/hostile.bin"
expect extract_hostile_finds_domain '^domain	evil\.com$' "$T/out"
expect extract_hostile_finds_last_ip '^ipv4	1\.2\.3\.4$' "$T/out"

check extract_empty_input 0 sh -c "'$CHOUSA' extract < /dev/null"
[ -s "$T/out" ] && not_ok extract_empty_prints_nothing "output" || ok extract_empty_prints_nothing

check extract_help 0 "$CHOUSA" extract --help
expect extract_help_mentions_public_only 'public-only' "$T/out"

# refang and defang
check refang_arg 0 "$CHOUSA" refang 'hxxps://evil[.]com/a and 47.]244.189.]73'
expect refang_arg_output '^https://evil\.com/a and 47\.244\.189\.73$' "$T/out"
check refang_prose 0 "$CHOUSA" refang 'end of sentence. Next (dot) meet (at) noon'
expect refang_prose_unchanged '^end of sentence\. Next \(dot\) meet \(at\) noon$' "$T/out"
check refang_stdin 0 sh -c "'$CHOUSA' refang < '$W'"
expect refang_stdin_japanese '「www\.dnautik\.com」への' "$T/out"
expect refang_stdin_fullwidth 'C2サーバ：api\.telemetry-sync\.jp（' "$T/out"
n=$(wc -l < "$T/out")
[ "$n" -eq "$(wc -l < "$W")" ] && ok refang_stdin_keeps_lines || not_ok refang_stdin_keeps_lines "$n lines"
check defang_arg 0 "$CHOUSA" defang 'go to https://evil.com/a.php or 1.2.3.4'
expect defang_arg_output '^go to hxxps\[:\]//evil\[\.\]com/a\.php or 1\[\.\]2\[\.\]3\[\.\]4$' "$T/out"
check defang_refang_round_trip 0 sh -c "'$CHOUSA' defang < '$W' | '$CHOUSA' extract"
same defang_refang_same_indicators "$T/out" "$TESTS/golden/extract/writeup.tsv"
printf 'see http://evil.example.com, then https://x.example.org/a?b and hxxp://y[.]example[.]net/\n' > "$T/plain.txt"
check defang_then_refang 0 sh -c "'$CHOUSA' defang < '$T/plain.txt' | '$CHOUSA' refang"
expect defang_then_refang_as_written '^see http://evil\.example\.com, then https://x\.example\.org/a\?b and http://y\.example\.net/$' "$T/out"

# The output does not depend on the number of threads.
check extract_threads_1 0 "$CHOUSA" extract --json --threads 1 "$T/big.txt" "$W"
cp "$T/out" "$T/t1"
check extract_threads_3 0 "$CHOUSA" extract --json --threads 3 "$T/big.txt" "$W"
same extract_threads_same_output "$T/out" "$T/t1"
check extract_threads_unique 0 "$CHOUSA" extract --unique --threads 3 "$W" "$W" "$T/big.txt"
cp "$T/out" "$T/u3"
check extract_threads_unique_1 0 "$CHOUSA" extract --unique --threads 1 "$W" "$W" "$T/big.txt"
same extract_threads_unique_same "$T/out" "$T/u3"
check extract_bad_threads 2 "$CHOUSA" extract --threads 0 "$W"

# CJK prose, the defang styles of the addendum, and a host kept though a
# label is bad (issue: no indicator dropped for one label).
check extract_cjk_domain_in_prose 0 "$CHOUSA" extract "$W"
expect extract_cjk_domain_before_particle '^domain	xn--wgv71a119e\.jp$' "$T/out"
expect extract_cjk_url_host '^url	https://xn--eckwd4c7cu47r2wf\.jp/login$' "$T/out"
expect extract_spaced_scheme '^url	http://evil-cdn\.net/a\.js$' "$T/out"
expect extract_at_in_list '^email	bob@phish-mail\.com$' "$T/out"
expect extract_address_literal '^email	postmaster@\[198\.51\.100\.9\]$' "$T/out"
expect extract_bad_label_kept '^url	http://xn--a\.evil-redirect\.com/x	invalid-host: ' "$T/out"
refute extract_look_at_is_prose '^email	.*example\.com' "$T/out"
refute extract_dotted_octets_after_dot '^ipv4	1\.1\.1\.1$' "$T/out"
check extract_bad_label_json 0 "$CHOUSA" extract --json "$W"
expect extract_bad_label_json_says_why '"host_error":"a label is not valid punycode"' "$T/out"

# A line of a million indicators: JSON lines (~100 bytes each) are
# written as they come, not held whole past the output's cap; in order
# whatever the threads, with --unique too.
python3 -c "print('1.2.3.7 ' * 1000000)" > "$T/million"
"$CHOUSA" extract --json "$T/million" > "$T/out" 2> "$T/err"
st=$?
n=$(wc -l < "$T/out" | tr -d ' ')
[ $st = 0 ] && [ "$n" = 1000000 ] && ok extract_json_million_on_one_line ||
	not_ok extract_json_million_on_one_line "exit $st, $n lines: $(head -c 200 "$T/err")"
python3 -c "
for i in range(300000): print('x 10.%d.%d.%d y%d.example.com' % (i >> 16 & 255, i >> 8 & 255, i & 255, i % 999))" > "$T/many"
"$CHOUSA" extract --json --threads 1 "$T/many" > "$T/one"
"$CHOUSA" extract --json --threads 4 "$T/many" > "$T/four"
cmp -s "$T/one" "$T/four" && [ -s "$T/one" ] && ok extract_json_threads_same_order ||
	not_ok extract_json_threads_same_order "$(wc -l < "$T/one") vs $(wc -l < "$T/four")"
"$CHOUSA" extract --unique --threads 1 "$T/many" > "$T/one"
"$CHOUSA" extract --unique --threads 4 "$T/many" > "$T/four"
cmp -s "$T/one" "$T/four" && [ -s "$T/one" ] && ok extract_unique_threads_same ||
	not_ok extract_unique_threads_same "$(wc -l < "$T/one") vs $(wc -l < "$T/four")"
