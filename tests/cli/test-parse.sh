# test-parse.sh: chousa parse INDICATOR: key: value lines, --json, and
# exit 3 with one clear line for what is no indicator.
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
expect parse_json_line '^\{"type":"url","value":"http://127\.0\.0\.1/","display":"http://127\.0\.0\.1/","host":"127\.0\.0\.1","host_type":"ipv4","path":"/","flags":\["loopback","ip-host"\]\}$' "$T/out"

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
