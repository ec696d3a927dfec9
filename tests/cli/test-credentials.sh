#!/bin/sh
# test-credentials.sh: API keys from systemd's credentials
# ($CREDENTIALS_DIRECTORY, LoadCredential= in chousa.service), each file
# SECTION.KEY one setting, so that the keys stay out of the config file:
#  1. chousa config shows where a key came from (masked), in text and
#     JSON; the environment still wins over a credential, a credential
#     over the config file's line.
#  2. The key is the one sent: VirusTotal (the loopback replay server) is
#     asked with it, and without the credential it is skipped for want of
#     a key.
#  3. chousa serve takes it too: /api/v1/sources says the key is set, and
#     the key is in no answer or log.
#  4. A credentials directory that cannot be read, a credential of two
#     lines, and one naming no section are each said.
. "$TESTS/cli/lib.sh"
ONLINE_LIFETIME=120
. "$TESTS/cli/lib-online.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop; kill $SERVER 2>/dev/null' EXIT INT TERM

KEY=cred0000aaaabbbbccccddddeeeeffff00001111aaaabbbbccccddddeeee5e7a
FILEKEY=file0000aaaabbbbccccddddeeeeffff00001111aaaabbbbccccddddeeeef11e
mkdir "$T/creds"
printf '%s\n' "$KEY" > "$T/creds/virustotal.api_key"
printf '[virustotal]\napi_key = %s\nbase_url = http://127.0.0.1:%s/virustotal\nrate = 0\n' "$FILEKEY" "$PORT" > "$T/config"

# ---- 1. where it came from ----
CREDENTIALS_DIRECTORY=$T/creds "$CHOUSA" config > "$T/show" 2> "$T/show.err"
expect shows_credential_origin "^virustotal.api_key +\*\*\*\*5e7a \(64 characters\) +credential $T/creds/virustotal.api_key$" "$T/show"
CREDENTIALS_DIRECTORY=$T/creds "$CHOUSA" --json config > "$T/show.json" 2> /dev/null
python3 - "$T/show.json" > "$T/origin" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["settings"]:
    if s["section"] == "virustotal" and s["key"] == "api_key":
        print(s["origin"], s["file"].rsplit("/", 1)[-1], s["line"], s["value"])
PY
expect json_credential_origin '^credential virustotal.api_key None \*\*\*\*5e7a' "$T/origin"
cat "$T/show" "$T/show.json" > "$T/shown"
refute shown_key_masked "$KEY" "$T/shown"
"$CHOUSA" config > "$T/show2" 2>&1
expect without_credentials_file_key '^virustotal.api_key +\*\*\*\*f11e .*config:2$' "$T/show2"
CHOUSA_VIRUSTOTAL_KEY=env00000aaaabbbbccccddddeeeeffff00001111aaaabbbbccccddddeeeee44f \
    CREDENTIALS_DIRECTORY=$T/creds "$CHOUSA" config > "$T/show3" 2>&1
expect environment_over_credential '^virustotal.api_key +\*\*\*\*e44f .*environment CHOUSA_VIRUSTOTAL_KEY' "$T/show3"

# ---- 2. the key sent ----
# Without any key, VirusTotal is skipped; from the credential, it is asked.
printf '[virustotal]\nbase_url = http://127.0.0.1:%s/virustotal\nrate = 0\n' "$PORT" > "$T/config"
"$CHOUSA" investigate --format json --sources virustotal www.dnautik.com > "$T/nokey.json" 2> /dev/null
findings "$T/nokey.json" > "$T/nokey.f"
expect no_key_skipped '^virustotal .* skipped ' "$T/nokey.f"
CREDENTIALS_DIRECTORY=$T/creds "$CHOUSA" investigate --format json --sources virustotal www.dnautik.com > "$T/key.json" 2> "$T/key.err"
findings "$T/key.json" > "$T/key.f"
expect credential_key_used '^virustotal www.dnautik.com hit ' "$T/key.f"
expect credential_key_sent '^virustotal GET .* auth' "$T/server.log"
cat "$T/key.json" "$T/key.err" > "$T/said"
refute key_not_said "$KEY" "$T/said"

# ---- 3. the team server ----
TOKEN=$("$CHOUSA" -q token create --role read ops)
export CREDENTIALS_DIRECTORY="$T/creds"
serve_start
unset CREDENTIALS_DIRECTORY
http GET "/api/v1/sources?format=json" "$TOKEN"
status_is serve_sources 200
python3 - "$T/body" > "$T/src" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in (d["sources"] if isinstance(d, dict) else d):
    if s.get("name") == "virustotal":
        print(json.dumps(s))
PY
expect serve_key_set '"virustotal"' "$T/src"
refute serve_key_not_missing '"key": *"(missing|none|unset)"' "$T/src"
serve_stop
cat "$T/serve.log" "$T/audit.log" "$T/body" > "$T/said"
refute serve_key_in_no_log "$KEY" "$T/said"

# ---- 4. what goes wrong ----
check missing_directory_refused 3 env CREDENTIALS_DIRECTORY="$T/no-such" "$CHOUSA" config
expect missing_directory_said "cannot read the credentials in '$T/no-such' .\\\$CREDENTIALS_DIRECTORY.: No such file" "$T/err"
mkdir "$T/creds2"
printf 'one\ntwo\n' > "$T/creds2/virustotal.api_key"
check two_lines_refused 3 env CREDENTIALS_DIRECTORY="$T/creds2" "$CHOUSA" config
expect two_lines_said "the credential '$T/creds2/virustotal.api_key' is not one line" "$T/err"
refute two_lines_value_not_said "two" "$T/err"
mkdir "$T/creds3"
printf '%s\n' "$KEY" > "$T/creds3/virustotl.api_key"
check misspelt_section_warned 3 env CREDENTIALS_DIRECTORY="$T/creds3" "$CHOUSA" config check
expect misspelt_section_names_file "credential $T/creds3/virustotl.api_key: unknown section \[virustotl\]; did you mean \[virustotal\]" "$T/out"
