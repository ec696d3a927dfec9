# test-record-family.sh: a record's family is read one way on every
# surface (lookup, a range's look-up, sweep, export, investigate): a
# feed's family value that is no label ("PIVY Variant (<md5>)") names no
# family anywhere, a known name ("Emotet") is its Malpedia id everywhere,
# also from chousa's built-in aliases when the store has no catalogue.  A
# report's observation is listed nowhere, whatever --source-name called
# its import.
. "$TESTS/cli/lib.sh"

export CHOUSA_DB="$T/s.db"
python3 - "$T/b.json" <<'PY'
import json, sys
def o(t, n, **kw):
    d = {"type": t, "spec_version": "2.1",
         "id": "%s--%08d-1111-4111-8111-111111111111" % (t, n),
         "created": "2026-11-01T00:00:00Z", "modified": "2026-11-01T00:00:00Z"}
    d.update(kw)
    return d
objs = []
for n, ip, name in ((1, "198.51.100.7", "PIVY Variant (808e21d6efa2884811fbd0adf67fda78)"),
                    (2, "198.51.100.8", "Emotet"),
                    (3, "198.51.100.10", "<img src=x onerror=alert(1)>")):
    ind = o("indicator", n, pattern="[ipv4-addr:value = '%s']" % ip,
            pattern_type="stix", valid_from="2026-11-01T00:00:00Z",
            indicator_types=["malicious-activity"])
    mal = o("malware", n, name=name, is_family=False)
    rel = o("relationship", n, relationship_type="indicates",
            source_ref=ind["id"], target_ref=mal["id"])
    objs += [ind, mal, rel]
sco = {"type": "ipv4-addr", "spec_version": "2.1",
       "id": "ipv4-addr--00000009-1111-4111-8111-111111111111",
       "value": "198.51.100.9"}
objs += [sco, o("observed-data", 9, first_observed="2026-11-01T00:00:00Z",
                last_observed="2026-11-01T00:00:00Z", number_observed=1,
                object_refs=[sco["id"]])]
json.dump({"type": "bundle",
           "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
           "objects": objs}, open(sys.argv[1], "w"))
PY
check import_case 0 "$CHOUSA" import stix --source-name case42 "$T/b.json"
expect import_case_all "read 4, added 4" "$T/err"

# Look-up: the family column and key.
check lookup_no_label 1 "$CHOUSA" lookup --json 198.51.100.7 198.51.100.8 \
    198.51.100.10
python3 - "$T/out" <<'PY' && ok lookup_families || not_ok lookup_families "$(head -c 400 "$T/out")"
import json, sys
fam = {l["indicator"]: [(r["family"], r["family_name"]) for r in l["records"]]
       for l in json.load(open(sys.argv[1]))}
assert fam["198.51.100.7"] == [(None, None)], fam
assert fam["198.51.100.8"] == [("win.emotet", "Emotet")], fam
assert fam["198.51.100.10"] == [(None, None)], fam
PY
check lookup_text 1 "$CHOUSA" lookup 198.51.100.7
refute lookup_text_no_description "PIVY" "$T/out"

# A range lists the case's listings and not what its report only saw; it
# holds listed addresses, which makes it suspicious (docs/verdict-policy.md).
check range_case 0 "$CHOUSA" lookup 198.51.100.0/24
expect range_case_count "^cidr 198\.51\.100\.0/24: 3 records, suspicious$" "$T/out"
expect range_case_emotet "^  cidr +case42 .*win\.emotet \(Emotet\) +198\.51\.100\.8$" "$T/out"
refute range_case_no_observation "198\.51\.100\.9" "$T/out"

# Export: the same family, name and no observation.
check export_case 0 "$CHOUSA" export --format csv
expect export_emotet '^ipv4,"198\.51\.100\.8","win\.emotet","Emotet",' "$T/out"
expect export_pivy_none '^ipv4,"198\.51\.100\.7","","",' "$T/out"
expect export_markup_none '^ipv4,"198\.51\.100\.10","","",' "$T/out"
refute export_no_observation "198\.51\.100\.9" "$T/out"
refute export_no_junk "PIVY|onerror" "$T/out"

# Sweep: the family of each hit, the observation no hit.
for ip in 7 8 9 10; do
	echo "198.51.100.$ip - - [01/Nov/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 1"
done > "$T/access.log"
check sweep_case 1 "$CHOUSA" sweep --json "$T/access.log"
python3 - "$T/out" <<'PY' && ok sweep_families || not_ok sweep_families "$(head -c 400 "$T/out")"
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1])]
fam = {h["indicator"]: h.get("family") for h in hits if "indicator" in h}
assert set(fam) == {"198.51.100.7", "198.51.100.8", "198.51.100.10"}, fam
assert fam["198.51.100.8"] == "win.emotet", fam
assert not fam["198.51.100.7"] and not fam["198.51.100.10"], fam
PY

# Investigate agrees.
check investigate_case 1 "$CHOUSA" investigate --offline --brief \
    198.51.100.7 198.51.100.8 198.51.100.9
expect investigate_emotet "malicious +198\[\.\]51\[\.\]100\[\.\]8 +Emotet" "$T/out"
expect investigate_pivy_none "malicious +198\[\.\]51\[\.\]100\[\.\]7 +listed" "$T/out"
expect investigate_observation "unknown +198\[\.\]51\[\.\]100\[\.\]9" "$T/out"
