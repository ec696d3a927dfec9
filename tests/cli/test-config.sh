# test-config.sh: a config that cannot silently break (issue 16, item 3).
#  - The README's own style (inline "# comments", quoted values) gives the
#    key itself: the header a service receives is checked on a loopback
#    server that records it.
#  - Unknown sections, keys and variables, and values chousa does not take,
#    are warned about with the name meant; `config check` exits 3.  Sizes
#    take k, M and G as the options do; a [server] value chousa serve
#    refuses is said by serve's own check.
#  - `chousa config` masks keys and says where each value came from; its
#    JSON stays valid whatever the file holds.
#  - `config init` writes a private template that checks clean.
#  - `sources --check` names the likely cause of a refused key.
#  - The man page's reference holds every setting of the same table.
. "$TESTS/cli/lib.sh"

export CHOUSA_DB="$T/db" CHOUSA_CONFIG="$T/config"
CFG="$T/config"

# A server that answers every request with STATUS and writes the x-apikey
# header it got to $T/got-key (the keys here are made up for the test),
# standing in for VirusTotal.  The sources that need no key would ask a
# closed loopback port, not their hosts, were they checked.
serve() {
	rm -f "$T/port" "$T/got-key"
	python3 - "$T/port" "$T/got-key" "$1" <<'PY' > /dev/null 2>&1 &
import sys, threading
from http.server import BaseHTTPRequestHandler, HTTPServer
port_file, key_file, status = sys.argv[1], sys.argv[2], int(sys.argv[3])
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        with open(key_file, "w") as f:
            f.write(self.headers.get("x-apikey", "(none)"))
        body = b'{"data": {"id": "x", "type": "user", "attributes": {}}}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = HTTPServer(("127.0.0.1", 0), H)
open(port_file, "w").write(str(s.server_address[1]))
threading.Timer(60, s.shutdown).start()
s.serve_forever()
PY
	SERVER=$!
	n=0
	while [ ! -s "$T/port" ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
	export CHOUSA_VIRUSTOTAL_URL="http://127.0.0.1:$(cat "$T/port")" \
	    CHOUSA_MALPEDIA_URL=http://127.0.0.1:9/malpedia \
	    CHOUSA_INQUEST_URL=http://127.0.0.1:9/inquest
}
trap 'kill $SERVER 2> /dev/null' EXIT

# ---- inline comments and quotes ----
cat > "$CFG" <<'EOF'
# as the README writes it
[virustotal]
api_key = "abc123"   # my VT key
rate = 4          # requests a minute
relationships = "contacted_urls#x"   ; the quotes keep the '#'
EOF
chmod 600 "$CFG"
serve 200
"$CHOUSA" sources --check > /dev/null 2>&1
if [ "$(cat "$T/got-key" 2> /dev/null)" = abc123 ]; then
	ok inline_comment_and_quotes_left_out_of_the_key
else
	not_ok inline_comment_and_quotes_left_out_of_the_key \
	    "the service got '$(cat "$T/got-key" 2> /dev/null)'"
fi
kill $SERVER 2> /dev/null
check config_json_reads 0 "$CHOUSA" config --json
python3 - "$T/out" > "$T/values" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["settings"]:
    if s["section"] == "virustotal":
        print("%s=%s" % (s["key"], s["value"]))
PY
expect hash_inside_quotes_kept "^relationships=contacted_urls#x$" "$T/values"
expect inline_comment_after_number_left_out "^rate=4$" "$T/values"

# ---- unknown names and bad values ----
cat > "$CFG" <<'EOF'
[virustotl]
api_key = 0123
[virustotal]
apikey = 0123
enabled = No
rate = fast
[http]
timeout = -5
EOF
check config_check_bad_is_3 3 "$CHOUSA" config check
expect unknown_section_did_you_mean "config:1: unknown section \[virustotl\]; did you mean \[virustotal\]\?" "$T/out"
expect unknown_key_did_you_mean "config:4: unknown key 'apikey' in \[virustotal\]; did you mean 'api_key'\?" "$T/out"
expect bad_number_warned "config:6: \[virustotal\] rate = 'fast' is not a whole number" "$T/out"
expect negative_timeout_warned "config:8: \[http\] timeout = '-5' is out of range.*30 is used instead" "$T/out"
refute enabled_No_is_a_boolean "enabled" "$T/out"
# Every command warns the same way, and still runs.
check sources_warns_and_runs 0 "$CHOUSA" sources
expect sources_warns_unknown_section "^chousa: .*config:1: unknown section \[virustotl\]; did you mean \[virustotal\]" "$T/err"
expect enabled_No_means_disabled "^virustotal .* disabled " "$T/out"
CHOUSA_VIRUSTOTL_KEY=x check config_check_env_names 3 "$CHOUSA" config check
expect unknown_variable_did_you_mean "CHOUSA_VIRUSTOTL_KEY is not a setting chousa reads; did you mean CHOUSA_VIRUSTOTAL_KEY\?" "$T/out"
CHOUSA_HTTP_RETRIES=lots check config_check_env_values 3 "$CHOUSA" config check
expect env_value_warned "CHOUSA_HTTP_RETRIES in the environment: \[http\] retries = 'lots'" "$T/out"
# The short form of [server] api_key is one docs/team.md names for the CLI.
printf '' > "$CFG"
CHOUSA_SERVER_KEY=x CHOUSA_SERVER_URL=http://127.0.0.1:1 check config_check_server_key_env 0 "$CHOUSA" config check
refute server_key_env_known "CHOUSA_SERVER_KEY" "$T/out"

# ---- sizes: bytes, or with k, M or G, as serve --audit-max takes them ----
printf '[server]\nsweep_max = 100M\nimport_max = 50M\nqueue_memory = 64k\naudit_max = 2G\n[http]\nmax_body = 32M\n' > "$CFG"
check config_sizes_with_units_clean 0 "$CHOUSA" config check
expect config_sizes_no_problem "no problem found" "$T/out"
check config_sizes_shown 0 "$CHOUSA" config
expect config_size_shown_as_given "^server.sweep_max +100M +.*config:2$" "$T/out"
printf '[server]\nsweep_max = 100MB\n' > "$CFG"
check config_size_bad 3 "$CHOUSA" config check
expect config_size_bad_says_units "config:2: \[server\] sweep_max = '100MB' is not a size: it takes bytes, or a number with k, M or G \(64M\), from 1 to 1099511627776 bytes; 1073741824 is used instead" "$T/out"

# audit_max = none (no rotation, for logrotate) is a value of its own.
printf '[server]\naudit_max = none\n' > "$CFG"
check config_audit_max_none_clean 0 "$CHOUSA" config check
check config_audit_max_none_shown 0 "$CHOUSA" config
refute config_audit_max_none_taken "not taken" "$T/out"
# A value not taken names the default the server really uses.
printf '[server]\naudit_max = lots\naudit_keep = 0\nthreads = many\n' > "$CFG"
check config_server_defaults_said 3 "$CHOUSA" config check
expect config_audit_max_default "config:2: \[server\] audit_max = 'lots' is not a size: .*; 67108864 is used instead" "$T/out"
expect config_audit_keep_default "config:3: \[server\] audit_keep = '0' is out of range: it takes a whole number from 1 to 1000; 5 is used instead" "$T/out"
expect config_threads_default "config:4: \[server\] threads = 'many' is not a whole number: .*; the default is used instead" "$T/out"
refute config_no_none_default "none is used instead" "$T/out"

# ---- values chousa serve refuses: said by config check, by serve's own checks ----
printf '[server]\nproxy_user_role = admin\nproxy_group_roles = soc-l1\nupdate_every = soon\nlisten = nowhere\ntrusted_proxies = 10.0.0.0/33\n' > "$CFG"
check config_serve_refusals 3 "$CHOUSA" config check
expect config_bad_user_role "config:2: \[server\] proxy_user_role = 'admin': none, read or investigate \(admins are named in proxy_admins, or by group in proxy_group_roles\); chousa serve will not start with it, and a reload keeps the config in force$" "$T/out"
expect config_bad_group_roles "config:3: \[server\] proxy_group_roles = 'soc-l1': its entry 'soc-l1' is not GROUP=ROLE with the role read, investigate or admin; chousa serve will not start" "$T/out"
expect config_bad_update_every "config:4: \[server\] update_every = 'soon': a duration such as 90s, 30m, 6h, 1d; chousa serve will not start" "$T/out"
expect config_bad_listen "config:5: \[server\] listen = 'nowhere': .*ADDR:PORT \(127\.0\.0\.1:8080, .*; chousa serve will not start" "$T/out"
expect config_bad_proxies "config:6: \[server\] trusted_proxies = '10\.0\.0\.0/33': .*address or CIDR.*; chousa serve will not start" "$T/out"
# A bare number has no unit: 5 would have been 5 seconds of downloads.
printf '[server]\nupdate_every = 5\n' > "$CFG"
check config_bare_update_every 3 "$CHOUSA" config check
expect config_bare_update_every_said "config:2: \[server\] update_every = '5': a duration such as 90s, 30m, 6h, 1d" "$T/out"
check option_bare_update_every 2 "$CHOUSA" serve --check --update-every 5
printf '[server]\nproxy_user_role = admin\nproxy_group_roles = soc-l1\nupdate_every = soon\nlisten = nowhere\ntrusted_proxies = 10.0.0.0/33\n' > "$CFG"
check config_serve_refusals_json 3 "$CHOUSA" config check --json
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert not d["ok"] and len(d["problems"]) == 5, d' "$T/out" 2> "$T/py.err" &&
	ok config_serve_refusals_json_five || not_ok config_serve_refusals_json_five "$(tail -n 1 "$T/py.err")"
# chousa config marks them, as it marks a number it does not take.
check config_show_marks_refused 0 "$CHOUSA" config
expect config_show_refused_role "^server\.proxy_user_role +admin +.*config:2  \(refused: none, read or investigate" "$T/out"
expect config_show_refused_listen "^server\.listen +nowhere +.*config:5  \(refused: cannot be read as ADDR:PORT" "$T/out"
check config_show_marks_refused_json 0 "$CHOUSA" config --json
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
bad = sorted(s["key"] for s in d["settings"] if not s["valid"])
assert bad == ["listen", "proxy_group_roles", "proxy_user_role", "trusted_proxies", "update_every"], bad' "$T/out" 2> "$T/py.err" &&
	ok config_show_refused_json_invalid || not_ok config_show_refused_json_invalid "$(tail -n 1 "$T/py.err")"
check config_serve_refusal_other_command 0 "$CHOUSA" sources
expect config_serve_refusal_warned "^chousa: .*config:2: \[server\] proxy_user_role = 'admin': none, read or investigate" "$T/err"
: > "$CFG"
CHOUSA_SERVER_PROXY_USER_ROLE=admin check config_serve_refusal_env 3 "$CHOUSA" config check
expect config_serve_refusal_env_said "CHOUSA_SERVER_PROXY_USER_ROLE in the environment: \[server\] proxy_user_role = 'admin': none, read or investigate" "$T/out"
printf '[server]\nproxy_user_role = none\nproxy_group_roles = soc-l1=read, ou=soc=admin\nupdate_every = 6h\nlisten = [::1]:8443\ntrusted_proxies = 127.0.0.1, 10.0.0.0/8\n' > "$CFG"
check config_serve_values_taken 0 "$CHOUSA" config check

# ---- chousa config: masked, with origins ----
KEY=$(printf 'k%.0s' $(seq 1 60))abcd
printf '[virustotal]\napi_key = %s\nrate = 3\n' "$KEY" > "$CFG"
CHOUSA_HTTP_TIMEOUT=9 check config_shows 0 "$CHOUSA" config
refute config_masks_the_key "$KEY" "$T/out"
expect config_key_masked_with_length "^virustotal.api_key +\*\*\*\*abcd \(64 characters\) +.*config:2$" "$T/out"
expect config_file_origin "^virustotal.rate +3 +.*config:3$" "$T/out"
expect config_env_origin "^http.timeout +9 +environment CHOUSA_HTTP_TIMEOUT$" "$T/out"
expect config_default_origin "^virustotal.daily +500 +default$" "$T/out"
check config_all 0 "$CHOUSA" config --all
expect config_all_lists_feeds "^feeds.urlhaus_url " "$T/out"
expect config_all_lists_every_source "^otx.api_key " "$T/out"

# ---- config init ----
rm -f "$CFG"
# A config named but not there says what makes one.
check config_missing 3 "$CHOUSA" config
expect config_missing_names_init "cannot read config '$CFG' \(CHOUSA_CONFIG\): No such file or directory; 'chousa config init' writes one" "$T/err"
check config_missing_option 3 "$CHOUSA" --config "$T/nope" lookup 192.0.2.1
expect config_missing_option_named "cannot read config '$T/nope' \(--config\)" "$T/err"
check config_init 0 "$CHOUSA" config init
if [ "$(stat -c %a "$CFG")" = 600 ]; then ok config_init_mode_0600; else
	not_ok config_init_mode_0600 "mode $(stat -c %a "$CFG")"; fi
check config_init_template_checks_clean 0 "$CHOUSA" config check
check config_init_refuses_to_overwrite 3 "$CHOUSA" config init
expect config_init_names_force "--force" "$T/err"
chmod 644 "$CFG"
check config_init_force 0 "$CHOUSA" config init --force
if [ "$(stat -c %a "$CFG")" = 600 ]; then ok config_init_force_makes_private
else not_ok config_init_force_makes_private "mode $(stat -c %a "$CFG")"; fi
expect config_template_lists_http "^#max_wait = 20$" "$CFG"
expect config_template_lists_sources "^\[virustotal\]" "$CFG"
# A template in a directory that is not there yet.
CHOUSA_CONFIG="$T/new/dir/config" check config_init_makes_dir 0 \
    "$CHOUSA" config init

# ---- sources --check: why a key is refused ----
serve 401
printf '[virustotal]\napi_key = %sxy\n' "$KEY" > "$CFG"
check refused_key_long 4 "$CHOUSA" sources --check
expect refused_key_names_length "^virustotal .*key refused.*likely cause: the key has 66 characters, and virustotal issues keys of 64" "$T/out"
printf '[virustotal]\napi_key = %s\n' "$KEY" > "$CFG"
CHOUSA_VIRUSTOTAL_KEY="$(echo "$KEY" | tr k j)" check refused_key_env 4 \
    "$CHOUSA" sources --check
expect refused_key_names_env_override "likely cause: CHOUSA_VIRUSTOTAL_KEY in the environment overrides the key on line 2" "$T/out"
CHOUSA_VIRUSTOTAL_KEY="\"$KEY\"" check refused_key_quotes 4 "$CHOUSA" \
    sources --check
expect refused_key_names_quotes "likely cause: the key looks wrong: it has quotes in it" "$T/out"
printf '[virustotal]\napi_key = %s\n' "$KEY" > "$CFG"
check refused_key_fine 4 "$CHOUSA" sources --check
expect refused_key_well_formed "the key looks well formed" "$T/out"
kill $SERVER 2> /dev/null

# ---- the man page's reference: every setting of the one table ----
"$CHOUSA" help --man > "$T/man" 2> /dev/null
: > "$CFG"
"$CHOUSA" config --all --json > "$T/all.json" 2> /dev/null
python3 - "$T/all.json" "$T/man" <<'PY' > "$T/missing"
import json, re, sys
man = open(sys.argv[2]).read().replace("\\-", "-").replace("\\fB", "").replace("\\fR", "").replace("\\fI", "")
seen = set()
for s in json.load(open(sys.argv[1]))["settings"]:
    key = s["key"]
    if key in seen:
        continue
    seen.add(key)
    if not re.search(r"^\.TP\n%s " % re.escape(key), man, re.M):
        print("no entry for", key)
    if "_%s" % key.upper().replace("-", "_") not in man:
        print("no variable for", key)
for section in ("[http]", "[feeds]", "[abusech]", "[virustotal]"):
    if section not in man:
        print("no section", section)
PY
if [ ! -s "$T/missing" ] && grep -q '^\.SH CONFIGURATION' "$T/man"; then
	ok man_config_reference_has_every_setting
else
	not_ok man_config_reference_has_every_setting "$(head -c 300 "$T/missing")"
fi

# ---- hostile values stay valid JSON ----
# Quotes, backslashes, control bytes and invalid UTF-8 in values from the
# file and the environment: config --json and config check --json still
# print one valid JSON document each, the bytes escaped, not dropped.
printf '[virustotal]\nrelationships = a"b\\c\001\033[31m\377\376\nrate = 1"\\\001\377\n' > "$CFG"
chmod 600 "$CFG"
CHOUSA_HTTP_TIMEOUT="$(printf '9"\\\001\377')" "$CHOUSA" config --json \
    > "$T/hostile" 2> /dev/null
CHOUSA_HTTP_TIMEOUT="$(printf '9"\\\001\377')" "$CHOUSA" config check \
    --json >> "$T/hostile" 2> /dev/null
if python3 -c 'import json, sys
lines = open(sys.argv[1], "rb").read().decode("utf-8").splitlines()
assert len(lines) == 2, lines
d = [json.loads(l) for l in lines]
v = [s["value"] for s in d[0]["settings"] if s["key"] == "relationships"]
assert v == ["a\"b\\c\x01\x1b[31m\ufffd\ufffd"], v
assert len(d[1]["problems"]) == 2, d[1]' "$T/hostile" 2> "$T/py.err"; then
	ok config_json_hostile_valid
else
	not_ok config_json_hostile_valid "$(tail -n 1 "$T/py.err")"
fi
