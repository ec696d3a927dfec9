# test-investigate-surfaces.sh: investigate reads the real files' records
# as lookup does.  A range listed exactly is a listing of the range
# (docs/verdict-policy.md row 5); a record's family is its family value,
# else a tag a catalogue knows, never a tag that names the feed
# ("TweetFeed") or a workflow ("for_intelmq_processing"), nor a word cut
# out of a family's name ("Tunnel" of "X-Tunnel"); a caveat follows what
# the sources list it as; a host that only holds listed URLs says so.
. "$TESTS/cli/lib.sh"

export CHOUSA_DB="$T/s.db"
M="$SAMPLES/import/misp"
"$CHOUSA" -q import stix "$SAMPLES/import/stix/oasis/json-schemas__apt1.json" \
    > /dev/null 2>&1
for f in "$M/feed-tweetfeed" "$M/misp_event.json" \
    "$M/reportlab__to_delete3.json" "$M/mispevent_testfiles__existing_event.json"
do
	"$CHOUSA" -q import misp "$f" > /dev/null 2>&1
done
"$CHOUSA" -q import feodo \
    "$SAMPLES/abusech/feodo/ipblocklist_recommended_2022-07-08.txt" \
    > /dev/null 2>&1
"$CHOUSA" -q import urlhaus \
    "$SAMPLES/abusech/urlhaus/csv_online_2026-08-18_head21lines.csv" \
    > /dev/null 2>&1

# 1. A STIX indicator of a range, investigated as that range.
check range_exact_lookup 1 "$CHOUSA" lookup 223.166.0.0/15
expect range_exact_lookup_exact "^  exact +stix" "$T/out"
check range_exact 1 "$CHOUSA" investigate --offline 223.166.0.0/15
expect range_exact_malicious "^Verdict: malicious: listed by" "$T/out"
refute range_exact_not_unknown "No source knows|holds 1 listed" "$T/out"
refute range_exact_no_self_step "Investigate the listed indicators" "$T/out"
expect range_exact_cause "talked to .* infrastructure in this listed range" \
    "$T/out"

# 2. A feed's or a workflow's tag is no family.
check tweetfeed_tag 1 "$CHOUSA" investigate --offline --json \
    http://github.com/dcm1-6626
expect tweetfeed_tag_shown '"labels":\["TweetFeed"' "$T/out"
refute tweetfeed_tag_no_family '"family":\{"id"|TweetFeed malware' "$T/out"
check workflow_tag 0 "$CHOUSA" investigate --offline \
    http://fake.website.com/malware/is/here
expect workflow_tag_no_family "^Family: +none named" "$T/out"
refute workflow_tag_not_intelmq "Intelmq" "$T/out"

# 3. The record's family value, as lookup reads it, over its tags.
check qakbot_record 1 "$CHOUSA" investigate --offline 64.183.173.170
expect qakbot_record_family "^Family: +QakBot \(win\.qakbot\), confidence" \
    "$T/out"
refute qakbot_record_no_emotet "^Family: .*(Emotet|conflict)|as Emotet" "$T/out"
check galaxy_record 1 "$CHOUSA" investigate --offline movieultimate.com
expect galaxy_record_family "^Family: +JHUHUGIT, confidence 70%" "$T/out"
refute galaxy_record_no_word "Tunnel\b|ADVSTORESHELL, confidence" "$T/out"

# 4. The caveat comes after what the listing says.
check resolver_listed 1 "$CHOUSA" investigate --offline 8.8.8.8
expect resolver_sentence "is listed by Feodo Tracker as botnet command-and-control \(C2\), but 8\[\.\]8\[\.\]8\[\.\]8 is a public DNS resolver: many unrelated hosts share it\.$" \
    "$T/out"
refute resolver_not_garbled "share it as botnet" "$T/out"

# 5. Rule 10: malicious, for hosting one threat's URLs, and says so.
check hosted_only 1 "$CHOUSA" investigate --offline 176.65.139.212
expect hosted_only_reason "^Verdict: malicious: hosts listed content: URLhaus lists [0-9]+ URLs on it" \
    "$T/out"
expect hosted_only_sentence "176\[\.\]65\[\.\]139\[\.\]212 hosts listed content" \
    "$T/out"
