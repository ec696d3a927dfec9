# test-parse.sh: chousa parse INDICATOR: key: value lines, --json (every
# key, numbers as numbers, hostile text still valid JSON), and exit 3 with
# one clear line for what is no indicator.
. "$TESTS/cli/lib.sh"

check parse_url 0 "$CHOUSA" parse 'hxxps://www[.]Example[.]co[.]uk:443/a/../b'
expect parse_url_type '^type: url$' "$T/out"
expect parse_url_value '^value: https://www\.example\.co\.uk/b$' "$T/out"
expect parse_url_regdomain '^regdomain: example\.co\.uk$' "$T/out"
expect parse_url_flags '^flags: defanged$' "$T/out"
refute parse_url_no_port '^port:' "$T/out"

check parse_url_port 0 "$CHOUSA" parse 'http://evil.com:8080/x'
expect parse_url_port_line '^port: 8080$' "$T/out"
expect parse_url_path_line '^path: /x$' "$T/out"

check parse_idn 0 "$CHOUSA" parse 'bücher.de'
expect parse_idn_value '^value: xn--bcher-kva\.de$' "$T/out"
expect parse_idn_display '^display: bücher\.de$' "$T/out"
expect parse_idn_flag '^flags: idn$' "$T/out"

check parse_ipv6 0 "$CHOUSA" parse '2001:DB8:0:0:0:0:0:1'
expect parse_ipv6_value '^value: 2001:db8::1$' "$T/out"
expect parse_ipv6_flags '^flags: documentation$' "$T/out"

check parse_cidr 0 "$CHOUSA" parse '10.1.2.3/8'
expect parse_cidr_value '^value: 10\.0\.0\.0/8$' "$T/out"
expect parse_cidr_prefix '^prefix: 8$' "$T/out"

check parse_json 0 "$CHOUSA" parse --json 'http://0x7f.1/'
expect parse_json_line '^\{"input":"http://0x7f\.1/","type":"url","value":"http://127\.0\.0\.1/","display":"http://127\.0\.0\.1/","host":"127\.0\.0\.1","host_type":"ipv4","regdomain":null,"port":null,"path":"/","prefix":null,"host_error":null,"flags":\["loopback","ip-host"\],"error":null\}$' "$T/out"
check parse_json_numbers 0 "$CHOUSA" parse --json 'http://evil.com:8080/x'
expect parse_json_port_is_a_number '"port":8080,' "$T/out"
check parse_json_cidr 0 "$CHOUSA" parse --json '10.1.2.3/8'
expect parse_json_prefix_is_a_number '"prefix":8,' "$T/out"

check parse_not_domain 3 "$CHOUSA" parse setup.exe
expect parse_not_domain_message "^chousa: 'setup\.exe' is not an indicator: unknown top-level domain$" "$T/err"
n=$(wc -l < "$T/err")
[ "$n" -eq 1 ] && ok parse_error_one_line || not_ok parse_error_one_line "$n lines"
check parse_bad_ip 3 "$CHOUSA" parse 1.2.3.4.5
check parse_types_restrict 3 "$CHOUSA" parse --types url evil.com
check parse_no_arg 2 "$CHOUSA" parse
check parse_two_args 2 "$CHOUSA" parse a.com b.com
check parse_help 0 "$CHOUSA" parse --help
expect parse_help_usage 'INDICATOR' "$T/out"

# A bad label keeps the host: parse says what is wrong.
check parse_invalid_host_kept 0 "$CHOUSA" parse 'hxxp://xn--a.evil[.]com/x'
expect parse_invalid_host_error '^host_error: a label is not valid punycode$' "$T/out"
expect parse_invalid_host_flag '^flags: defanged,invalid-host$' "$T/out"
expect parse_invalid_host_regdomain '^regdomain: evil\.com$' "$T/out"

# TLDs that exist only through second-level rules (.za).
check parse_za 0 "$CHOUSA" parse www.gov.za
expect parse_za_domain '^value: www\.gov\.za$' "$T/out"

# A scheme-less URL, and --url for a URL field.
check parse_schemeless_url 0 "$CHOUSA" parse evil.com/gate.php
expect parse_schemeless_url_value '^value: http://evil\.com/gate\.php$' "$T/out"
expect parse_schemeless_url_flag '^flags: no-scheme$' "$T/out"
check parse_single_label_path 3 "$CHOUSA" parse host/path.exe
expect parse_single_label_path_says "not a host" "$T/err"
check parse_url_context 0 "$CHOUSA" parse --url host/path.exe
expect parse_url_context_value '^value: http://host/path\.exe$' "$T/out"

# .merck is a TLD newer than Debian 12's list: CHOUSA_PSL names a newer one.
check parse_merck_old_list 3 "$CHOUSA" parse www.merck
gzip -dc "$TESTS/data/samples/vectors/psl/public_suffix_list.dat.gz" > "$T/psl.dat"
check parse_merck_new_list 0 env CHOUSA_PSL="$T/psl.dat" "$CHOUSA" parse www.merck
expect parse_merck_new_list_domain '^value: www\.merck$' "$T/out"
check parse_merck_typed 0 "$CHOUSA" parse --url 'https://www.merck/'

# parse - : one indicator a line, one output line each.
printf 'evil.com\nnope\nAS 1234\n\nwww.gov.za\n' > "$T/in.txt"
check parse_stdin 3 sh -c "'$CHOUSA' parse - < '$T/in.txt'"
n=$(wc -l < "$T/out")
[ "$n" -eq 5 ] && ok parse_stdin_line_per_line || not_ok parse_stdin_line_per_line "$n lines"
expect parse_stdin_first '^domain	evil\.com	evil\.com	-	-$' "$T/out"
expect parse_stdin_none "^none	-	-	-	'nope' is not an indicator$" "$T/out"
expect parse_stdin_asn '^asn	AS1234	-	-	-$' "$T/out"
check parse_stdin_json 3 sh -c "'$CHOUSA' parse --json - < '$T/in.txt'"
expect parse_stdin_json_ok '^\{"input":"evil\.com","type":"domain"' "$T/out"
expect parse_stdin_json_error '^\{"input":"nope","type":null,.*"flags":\[\],"error":"'"'"'nope'"'"' is not an indicator"\}$' "$T/out"
# Hostile lines (quotes, backslashes, control bytes, invalid UTF-8) come
# out as valid JSON, one document a line.
printf 'a"b\\c.com\n\001\033[31mx\n\377\376evil.com\nhttp://e.com/"\\\001\377\n' |
	"$CHOUSA" parse --json - > "$T/hostile" 2> /dev/null
if python3 -c 'import json, sys
lines = open(sys.argv[1], "rb").read().decode("utf-8").splitlines()
assert len(lines) == 4, lines
for l in lines:
    json.loads(l)' "$T/hostile" 2> "$T/py.err"; then
	ok parse_json_hostile_valid
else
	not_ok parse_json_hostile_valid "$(tail -n 1 "$T/py.err")"
fi
printf 'evil.com\n8.8.8.8\n' | "$CHOUSA" parse - > /dev/null
[ $? -eq 0 ] && ok parse_stdin_all_good_exit_0 || not_ok parse_stdin_all_good_exit_0 "status"
