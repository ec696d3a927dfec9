# test-sweep-benign.sh: which hits `chousa sweep` leaves out as benign,
# by docs/verdict-policy.md and as investigate and export read the same
# lists.  The store holds real feeds: TweetFeed's MISP events (tenants of
# blogspot.com, workers.dev and pages.dev), Feodo Tracker's recommended
# blocklist of 2022 (which lists 8.8.8.8) and the LOTS warninglist (which
# lists github.com; its full list, as `chousa update` loads it, also
# blogspot.com, workers.dev and pages.dev, written below).  The logs are real
# formats: Suricata EVE DNS events, a Zeek dns.log and a plain text log.
. "$TESTS/cli/lib.sh"

S="$SAMPLES"
export CHOUSA_DB="$T/benign.db"
export CHOUSA_CONFIG="$T/config"
: > "$CHOUSA_CONFIG"

"$CHOUSA" -q import misp "$S/import/misp/feed-tweetfeed" > /dev/null 2>&1
"$CHOUSA" -q import feodo "$S/abusech/feodo/ipblocklist_recommended_2022-07-08.txt" > /dev/null 2>&1
"$CHOUSA" -q import warninglist "$S/import/warninglists/lots-project.list.json" > /dev/null 2>&1
# Values of no real feed, each for one rule: a whole platform's host, a
# platform listed as such, an address range holding a resolver, a name a
# benign list names itself, and a parent listed with a benign child.
printf '%s\n' sourceforge.net vercel.app 9.9.9.0/24 www.listed-and-benign.xyz \
    parent-listed.xyz > "$T/iocs.txt"
"$CHOUSA" -q import list --source-name testfeed "$T/iocs.txt" > /dev/null 2>&1
printf '{"name":"test benign","version":1,"description":"test","type":"hostname","list":["blogspot.com","workers.dev","pages.dev","www.listed-and-benign.xyz","cdn.parent-listed.xyz"]}\n' > "$T/wl.json"
"$CHOUSA" -q import warninglist "$T/wl.json" > /dev/null 2>&1

# eve LINE_NO DEST RRNAME: one Suricata DNS query event.
eve() {
	printf '{"timestamp":"2019-08-22T23:48:27.924120+0000","flow_id":88545545388693%s,"in_iface":"enp0s3","event_type":"dns","src_ip":"10.0.2.15","src_port":4668%s,"dest_ip":"%s","dest_port":53,"proto":"UDP","dns":{"type":"query","id":5180%s,"rrname":"%s","rrtype":"A","tx_id":0}}\n' \
	    "$1" "$1" "$2" "$1" "$3"
}
{
	eve 1 8.8.8.8 google.com
	eve 2 10.0.2.3 facebookloginnp.blogspot.com
	eve 3 10.0.2.3 package-proxy.cf19-427.workers.dev
	eve 4 10.0.2.3 cvqgs36nhw-wtrkblpw-3i2d0e-cvq79c.pages.dev
	eve 5 10.0.2.3 sourceforge.net
	eve 6 10.0.2.3 someone.vercel.app
	eve 7 9.9.9.9 example.com
	eve 8 9.9.9.8 example.com
	eve 9 10.0.2.3 www.listed-and-benign.xyz
	eve 0 10.0.2.3 cdn.parent-listed.xyz
	eve 1 10.0.2.3 www.parent-listed.xyz
} > "$T/eve.json"

# A listed tenant of a platform that a benign list names is a hit: the
# listing names this very host (row 5).
check sweep_tenant_eve 1 "$CHOUSA" sweep "$T/eve.json"
expect sweep_tenant_eve_blogspot 'eve.json:2	10.0.2.15	10.0.2.3	facebookloginnp.blogspot.com	exact	misp' "$T/out"
expect sweep_tenant_eve_workers 'eve.json:3	.*package-proxy.cf19-427.workers.dev	exact' "$T/out"
expect sweep_tenant_eve_pages 'eve.json:4	.*cvqgs36nhw-wtrkblpw-3i2d0e-cvq79c.pages.dev	exact' "$T/out"
# A public resolver listed by Feodo, or inside a listed range, is no hit
# (chousa's public resolvers), nor a whole platform's host or a platform
# listed as such (chousa's shared platforms), nor a name a benign list
# names itself, nor a listed parent's child that a benign list covers.
refute sweep_resolver_eve '	8\.8\.8\.8	' "$T/out"
refute sweep_resolver_in_range_eve '	9\.9\.9\.9	' "$T/out"
expect sweep_range_other_address 'eve.json:8	10.0.2.15	9.9.9.8	9.9.9.0/24	cidr	testfeed' "$T/out"
refute sweep_platform_host_eve 'eve.json:5	' "$T/out"
refute sweep_platform_listed_tenant 'eve.json:6	' "$T/out"
refute sweep_benign_itself 'eve.json:9	' "$T/out"
refute sweep_benign_child_of_listed 'eve.json:10	' "$T/out"
expect sweep_listed_parent_hit 'eve.json:11	10.0.2.15	10.0.2.3	parent-listed.xyz	parent	testfeed' "$T/out"
expect sweep_summary_lists '5 hits, 6 suppressed by known-benign lists \(2 by chousa.s public resolvers; 2 by chousa.s shared platforms; --no-benign-filter shows them\)' "$T/err"
check sweep_benign_json 1 "$CHOUSA" sweep --json "$T/eve.json"
expect sweep_benign_json_counts '"benign_suppressed":6,"shared_suppressed":2,"resolver_suppressed":2,' "$T/out"
check sweep_no_benign_filter_all 1 "$CHOUSA" sweep --no-benign-filter "$T/eve.json"
expect sweep_no_benign_filter_resolver 'eve.json:1	10.0.2.15	8.8.8.8	8.8.8.8	exact	feodo' "$T/out"
expect sweep_no_benign_filter_platform 'eve.json:5	.*sourceforge.net	exact	testfeed' "$T/out"
expect sweep_no_benign_filter_zero '11 hits, 0 suppressed' "$T/err"

# The same names in a Zeek dns.log: the query, and 8.8.8.8 as the server.
{
	printf '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n'
	printf '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\tquery\tqtype_name\trcode_name\tanswers\n'
	printf '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tstring\tstring\tstring\tvector[string]\n'
	printf '1566517707.924120\tC1\t10.0.2.15\t46686\t8.8.8.8\t53\tudp\t1\tfacebookloginnp.blogspot.com\tA\tNOERROR\t142.250.1.132\n'
	printf '1566517708.924120\tC2\t10.0.2.15\t46687\t8.8.8.8\t53\tudp\t2\texample.com\tA\tNOERROR\t93.184.216.34\n'
} > "$T/dns.log"
check sweep_tenant_zeek 1 "$CHOUSA" sweep "$T/dns.log"
expect sweep_tenant_zeek_blogspot 'dns.log:8	10.0.2.15	8.8.8.8	facebookloginnp.blogspot.com	exact	misp' "$T/out"
refute sweep_resolver_zeek '	8\.8\.8\.8	exact' "$T/out"
expect sweep_resolver_zeek_counted '1 hit, 2 suppressed by known-benign lists \(2 by chousa.s public resolvers;' "$T/err"

# A plain text log: names, addresses and URLs in prose.
{
	printf '2026-12-01T00:00:00Z host0 saw package-proxy.cf19-427.workers.dev in traffic\n'
	printf '2026-12-01T00:00:01Z host1 saw 8.8.8.8 in traffic\n'
	printf '2026-12-01T00:00:02Z host2 saw http://facebookloginnp.blogspot.com/?m=1 in traffic\n'
	printf '2026-12-01T00:00:03Z host3 saw 2001:4860:4860::8888 in traffic\n'
} > "$T/text.log"
check sweep_tenant_text 1 "$CHOUSA" sweep --format text "$T/text.log"
expect sweep_tenant_text_name 'text.log:1	.*package-proxy.cf19-427.workers.dev	exact' "$T/out"
expect sweep_tenant_text_url 'text.log:3	.*http://facebookloginnp.blogspot.com/\?m=1	exact' "$T/out"
expect sweep_tenant_text_url_host 'text.log:3	.*	facebookloginnp.blogspot.com	host' "$T/out"
refute sweep_resolver_text 'text.log:2	' "$T/out"
expect sweep_resolver_text_counted '1 by chousa.s public resolvers' "$T/err"

# A listed root URL names its whole host, and is left out as the host
# would be (investigate and export judge it so); a file on the same host
# is its own listing and stays a hit.
printf '%s\n' http://sourceforge.net/ http://www.listed-and-benign.xyz \
    http://8.8.8.8/ http://sourceforge.net/projects/x/files/setup.exe \
    http://root-listed.xyz/ > "$T/roots.txt"
"$CHOUSA" -q import list --source-name rootfeed "$T/roots.txt" > /dev/null 2>&1
{
	printf '2026-12-01T00:00:00Z GET http://sourceforge.net/ 200\n'
	printf '2026-12-01T00:00:01Z GET http://www.listed-and-benign.xyz/ 200\n'
	printf '2026-12-01T00:00:02Z GET http://8.8.8.8/ 200\n'
	printf '2026-12-01T00:00:03Z GET http://sourceforge.net/projects/x/files/setup.exe 200\n'
	printf '2026-12-01T00:00:04Z GET http://root-listed.xyz/ 200\n'
} > "$T/roots.log"
check sweep_root_urls 1 "$CHOUSA" sweep --format text "$T/roots.log"
refute sweep_root_url_platform 'roots.log:1	.*	exact	' "$T/out"
refute sweep_root_url_benign 'roots.log:2	.*	exact	' "$T/out"
refute sweep_root_url_resolver 'roots.log:3	.*	exact	' "$T/out"
expect sweep_file_url_on_platform 'roots.log:4	.*http://sourceforge.net/projects/x/files/setup.exe	exact	rootfeed' "$T/out"
expect sweep_root_url_plain_host 'roots.log:5	.*http://root-listed.xyz/	exact	rootfeed' "$T/out"
check sweep_root_urls_unfiltered 1 "$CHOUSA" sweep --format text --no-benign-filter "$T/roots.log"
expect sweep_root_url_platform_unfiltered 'roots.log:1	.*http://sourceforge.net/	exact	rootfeed' "$T/out"
check investigate_root_url_platform 1 "$CHOUSA" investigate --offline http://sourceforge.net/
expect investigate_root_url_platform_suspicious 'suspicious' "$T/out"

# sweep --investigate agrees: the tenant's hit is malicious, and no
# resolver is investigated; investigate and export read them the same.
check sweep_investigate_tenant 1 "$CHOUSA" sweep --investigate --offline "$T/eve.json"
expect sweep_investigate_tenant_malicious 'investigation of facebookloginnp.blogspot.com \(1 hit\): malicious' "$T/out"
refute sweep_investigate_no_resolver 'investigation of 8\.8\.8\.8' "$T/out"
check investigate_tenant_same 1 "$CHOUSA" investigate --offline facebookloginnp.blogspot.com
expect investigate_tenant_same_malicious 'malicious' "$T/out"
check export_tenant_same 0 "$CHOUSA" export --format txt
expect export_tenant_same_listed '^facebookloginnp.blogspot.com$' "$T/out"
refute export_resolver_same_left_out '^8\.8\.8\.8$' "$T/out"

# The team server's sweep counts the same.
. "$TESTS/cli/serve.sh"
trap 'serve_stop' EXIT INT TERM
chmod 600 "$CHOUSA_CONFIG"
TOKEN=$("$CHOUSA" -q token create --role read sweeper)
serve_start
http POST "/api/v1/sweep?format=json" "$TOKEN" "$(cat "$T/eve.json")" text/plain
status_is serve_sweep_benign 200
expect serve_sweep_benign_counts '"benign_suppressed":6,"shared_suppressed":2,"resolver_suppressed":2,' "$T/body"
