# test-lookup-filter.sh: the probe filter (src/store/store_filter.c) only ever
# saves work.  Every look-up answers the same with the filter as without
# it: stored values, their hosts, registrable domains and parents, other
# paths on the same hosts, sub-domains, and values not stored, over the
# real feed samples and a few thousand generated rows imported in steps
# (so the filter is built, merged and grown).
. "$TESTS/cli/lib.sh"

A=$SAMPLES/abusech
export CHOUSA_DB="$T/store.db"

python3 - "$T" <<'PY'
import random, sys
t = sys.argv[1]
r = random.Random(5)
tlds = ["com", "net", "co.uk", "ru", "xyz"]
def host(i):
    return "h%d.site%d.%s" % (i, i % 97, tlds[i % len(tlds)])
parts = [[], [], []]
stored, probe = [], []
for i in range(3000):
    k = r.random()
    if k < 0.6:
        v = "http://%s/p/%d.bin" % (host(i), i)
        probe += ["http://%s/other/%d" % (host(i), i), host(i),
                  "site%d.%s" % (i % 97, tlds[i % len(tlds)])]
    elif k < 0.8:
        v = host(i)
        probe += ["deep.%s" % v, "http://%s/x" % v]
    elif k < 0.95:
        v = "198.51.%d.%d" % (i // 250 % 256, i % 250 + 1)
        probe += ["http://%s:8080/a" % v]
    else:
        v = "http://203.0.%d.%d/mal.exe" % (i // 250 % 256, i % 250 + 1)
        probe += ["203.0.%d.%d" % (i // 250 % 256, i % 250 + 1)]
    parts[i % 3].append(v)
    stored.append(v)
for i in range(500):
    probe += ["miss%d.example.org" % i, "http://miss%d.example.org/" % i,
              "192.0.2.%d" % (i % 250 + 1)]
for n, p in enumerate(parts):
    open("%s/part%d.txt" % (t, n), "w").write("\n".join(p) + "\n")
open("%s/probe.txt" % t, "w").write("\n".join(stored + probe) + "\n")
PY
# Sample values too: every URL, host and IP the feeds hold.
for f in "$A"/urlhaus/*.csv "$A"/feodo/ipblocklist_2025-06-25.csv \
    "$A"/malwarebazaar/*.csv; do
	"$CHOUSA" extract "$f" >> "$T/probe.txt" 2> /dev/null
done

"$CHOUSA" -q import urlhaus "$A"/urlhaus/*.csv
"$CHOUSA" -q import feodo "$A"/feodo/ipblocklist_2025-06-25.csv
"$CHOUSA" -q import malwarebazaar "$A"/malwarebazaar/*.csv
for n in 0 1 2; do "$CHOUSA" -q import list "$T/part$n.txt"; done

covers=$(sqlite3 "$CHOUSA_DB" "SELECT covers_id = (SELECT max(id)
    FROM indicators) FROM probe_filter_meta")
[ "$covers" = 1 ] && ok filter_built || not_ok filter_built "no filter covering every row ($covers)"

lookup_all() {	# lookup_all OUT
	"$CHOUSA" lookup --json - < "$T/probe.txt" > "$1" 2> "$T/err"
	echo $? >> "$1"
}
lookup_all "$T/with.json"
sqlite3 "$CHOUSA_DB" "DELETE FROM probe_filter_meta"
lookup_all "$T/without.json"
if cmp -s "$T/with.json" "$T/without.json"; then
	ok filter_same_answers
else
	not_ok filter_same_answers "$(diff "$T/without.json" "$T/with.json" | head -n 6 | tr '\n' '|')"
fi
python3 - "$T/with.json" <<'PY' && ok filter_answers_nonempty || not_ok filter_answers_nonempty "too few matches"
import json, sys
text = open(sys.argv[1]).read()
d = json.loads(text[:text.rstrip().rfind("\n")])
found = [x for x in d if x.get("records")]
kinds = {r["match"] for x in found for r in x["records"]}
assert len(d) > 10000 and len(found) > 5000, (len(d), len(found))
assert {"exact", "host", "url_host", "regdomain", "parent"} <= kinds, kinds
PY
# The next import rebuilds it from the rows, and the answers stay.
printf 'late.example.com\n' > "$T/late.txt"
"$CHOUSA" -q import list "$T/late.txt"
lookup_all "$T/rebuilt.json"
check filter_rebuilt_finds_new 1 "$CHOUSA" lookup late.example.com
if [ "$(sed '$d' "$T/rebuilt.json" | grep -c .)" -ge "$(sed '$d' "$T/with.json" | grep -c .)" ] &&
    [ "$(grep -c '"match"' "$T/rebuilt.json")" = "$(grep -c '"match"' "$T/with.json")" ]; then
	ok filter_rebuilt_same_answers
else
	not_ok filter_rebuilt_same_answers "match counts differ"
fi
