#!/bin/sh
# test-lookup-policy.sh: `chousa lookup` says malicious (and exits 1) only
# where the verdict policy does (docs/verdict-policy.md): its verdict is
# investigate's, offline and from the store alone, so a public resolver
# listed by one feed, a resolver that only hosts listed URLs, a private or
# cloud address listed once, a domain whose only listing is under it and a
# dumping ground of many families are suspicious, as investigate says.  An
# e-mail address is looked up through its domain too.  The team server's
# look-up (REST, web page, MCP) prints the same result.
. "$TESTS/cli/lib.sh"
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM

serve_store '[server]\nrate = 0\n'
cat > "$T/rfc1918.json" <<'EOF'
{"name": "List of RFC 1918 CIDR blocks", "type": "cidr",
 "description": "private networks", "version": 1,
 "list": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}
EOF
cat > "$T/gcp.json" <<'EOF'
{"name": "List of known GCP (Google Cloud Platform) IP address ranges",
 "type": "cidr", "description": "cloud", "version": 1,
 "list": ["34.80.0.0/12"]}
EOF
"$CHOUSA" -q import warninglist "$T/rfc1918.json"
"$CHOUSA" -q import warninglist "$T/gcp.json"
# One feed lists each address and a host under a domain.
printf '8.8.8.8\n10.0.0.0\n34.80.191.247\nwww.dnautik-test.com\n45.9.148.10\n' \
    > "$T/listed.txt"
"$CHOUSA" -q import list --source-name feeds "$T/listed.txt"
# URLs on a resolver, and a host serving three families.
{
	echo '# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter'
	echo '"9000001","2026-02-20 10:00:00","http://1.1.1.1/linux_mips","online","2026-02-20 10:00:00","malware_download","elf,Mirai","https://urlhaus.abuse.ch/url/9000001/","t"'
	echo '"9000002","2026-02-20 10:00:00","http://vektorex-test.com/a.jpg","offline","2026-02-20 10:00:00","malware_download","Formbook","https://urlhaus.abuse.ch/url/9000002/","t"'
	echo '"9000003","2026-02-20 10:00:00","http://vektorex-test.com/b.png","offline","2026-02-20 10:00:00","malware_download","AgentTesla","https://urlhaus.abuse.ch/url/9000003/","t"'
	echo '"9000004","2026-02-20 10:00:00","http://vektorex-test.com/c.exe","offline","2026-02-20 10:00:00","malware_download","Lokibot","https://urlhaus.abuse.ch/url/9000004/","t"'
} > "$T/urlhaus.csv"
"$CHOUSA" -q import urlhaus "$T/urlhaus.csv"

# Suspicious by the policy: listed, but not malicious; exit 0.
for ind in 8.8.8.8 1.1.1.1 10.0.0.0 34.80.191.247 dnautik-test.com \
    vektorex-test.com billing@www.dnautik-test.com; do
	name=$(echo "$ind" | tr -c 'a-z0-9\n' _)
	check "suspicious_$name" 0 "$CHOUSA" lookup "$ind"
	expect "suspicious_said_$name" "^[a-z0-9]+ $(echo "$ind" | sed 's/\./\\./g'): [0-9]+ records?, suspicious$" "$T/out"
done
# Malicious: listed exactly, nothing against it.
check listed_malicious 1 "$CHOUSA" lookup 45.9.148.10
expect listed_malicious_said "^ipv4 45\.9\.148\.10: 1 record, malicious$" "$T/out"
check host_malicious 1 "$CHOUSA" lookup www.dnautik-test.com
check url_on_host_malicious 1 "$CHOUSA" lookup http://www.dnautik-test.com/x

# The e-mail address: its domain's records, marked as the host.
check email_through_domain 0 "$CHOUSA" lookup billing@www.dnautik-test.com
expect email_domain_record "^  host +feeds .* www\.dnautik-test\.com$" "$T/out"

# JSON: malicious and the verdict, as investigate gives it offline.
set -- 8.8.8.8 1.1.1.1 10.0.0.0 34.80.191.247 dnautik-test.com \
    vektorex-test.com billing@www.dnautik-test.com 45.9.148.10 \
    www.dnautik-test.com http://1.1.1.1/linux_mips 10.0.0.5 192.0.2.44
check json_verdicts 1 "$CHOUSA" lookup --json "$@"
cp "$T/out" "$T/lookup.json"
"$CHOUSA" investigate --offline --format json "$@" > "$T/inv.json" 2> /dev/null
python3 - "$T/lookup.json" "$T/inv.json" <<'PY' && ok json_same_as_investigate || not_ok json_same_as_investigate "$(head -c 300 "$T/lookup.json")"
import json, sys
looked = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
try:
    inv = json.loads(text)
except ValueError:
    inv = [json.loads(l) for l in text.splitlines() if l.strip()]
inv = [r for r in (inv if isinstance(inv, list) else inv.get("reports", [inv])) if "verdict" in r]
assert len(looked) == len(inv) == 12, (len(looked), len(inv))
for l, r in zip(looked, inv):
    assert l["verdict"] == r["verdict"], (l["indicator"], l["verdict"], r["verdict"])
    assert l["malicious"] == (r["verdict"] == "malicious"), l["indicator"]
want = {"8.8.8.8": "suspicious", "45.9.148.10": "malicious",
        "billing@www.dnautik-test.com": "suspicious", "192.0.2.44": "unknown"}
for l in looked:
    if l["indicator"] in want:
        assert l["verdict"] == want[l["indicator"]], (l["indicator"], l["verdict"])
email = [l for l in looked if l["type"] == "email"][0]
assert any(r["match"] == "host" and r["value"] == "www.dnautik-test.com"
           for r in email["records"]), email["records"]
PY

# Through the team server: the same bytes and status, and the web page.
TOKEN=$("$CHOUSA" -q token create --role read policy)
export CHOUSA_SERVER_KEY="$TOKEN"
serve_start || { not_ok server_starts "$(head -c 300 "$T/serve.log")"; exit 0; }
for args in "8.8.8.8" "--json 8.8.8.8" "34.80.191.247" \
    "billing@www.dnautik-test.com" "45.9.148.10"; do
	name=remote_$(echo "$args" | tr -c 'a-z0-9\n' _)
	"$CHOUSA" lookup $args > "$T/local.out" 2> "$T/local.err"
	l=$?
	"$CHOUSA" --server "$URL" lookup $args > "$T/remote.out" 2> "$T/remote.err"
	r=$?
	want=0
	[ "$args" = 45.9.148.10 ] && want=1
	same_as_local "$name" "$want" "$l" "$r"
done
http GET "/api/v1/lookup?indicator=8.8.8.8" "$TOKEN"
status_is api_lookup_ok 200
expect api_lookup_suspicious '"malicious":false,"verdict":"suspicious"' "$T/body"
