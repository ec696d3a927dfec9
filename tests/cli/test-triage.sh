# test-triage.sh: `chousa investigate` with many inputs starts with a
# triage table, the worst first; a pasted e-mail's own header ranks after
# its body, its recipients and the reference sites an alert cites are left
# out unless --all; --brief prints the table alone; skipped and missed
# look-ups fold away unless -v.  On the demo feeds, a real phishing e-mail
# (phishing_pot) and an alert mail written for these tests.
. "$TESTS/cli/lib.sh"
DATA="$TESTS/data/investigate"
MAIL="$SAMPLES/mail/phishing_pot-sample-1160.eml"
export CHOUSA_CONFIG="$T/config" CHOUSA_DB="$T/demo.db"
: > "$CHOUSA_CONFIG"
demo_store
inv() { "$CHOUSA" investigate --offline "$@"; }

# ---- the table: many inputs, worst first ----
check triage_many_found 1 inv unknown-host-4821.example.net \
    'www[.]dnautik[.]com' 162.243.103.0/24
expect triage_first_line '^Triage of 3 inputs: malicious' "$T/out"
head -n 1 "$T/out" | grep -q '^Triage of 3 inputs' && ok triage_comes_first ||
	not_ok triage_comes_first "$(head -n 1 "$T/out")"
# Rows: malicious, then suspicious, then unknown, whatever the input order.
grep -E '^  (malicious|suspicious|unknown) ' "$T/out" | head -n 3 |
    awk '{print $1}' | tr '\n' ' ' > "$T/order"
[ "$(cat "$T/order")" = "malicious suspicious unknown " ] &&
	ok triage_sorted_by_severity || not_ok triage_sorted_by_severity "$(cat "$T/order")"
expect triage_row_evidence '^  malicious +www\[\.\]dnautik\[\.\]com +Emotet 9[0-9]% +listed by URLhaus, ThreatFox and Imported lists' "$T/out"
# The details follow in the table's order.
grep -n -E '^(www\[\.\]dnautik\[\.\]com|162\[\.\]243\[\.\]103\[\.\]0/24|unknown-host-4821\[\.\]example\[\.\]net)  \(' "$T/out" |
    cut -d: -f2 | awk '{print $1}' | tr '\n' ' ' > "$T/details"
[ "$(cat "$T/details")" = "www[.]dnautik[.]com 162[.]243[.]103[.]0/24 unknown-host-4821[.]example[.]net " ] &&
	ok triage_details_follow_table || not_ok triage_details_follow_table "$(cat "$T/details")"
check triage_brief 1 inv --brief unknown-host-4821.example.net www.dnautik.com
expect triage_brief_table '^  malicious +www\[\.\]dnautik' "$T/out"
refute triage_brief_no_details '^(Verdict|Reputation|Conclusion)' "$T/out"
# One input has no table (--brief asks for it).
check one_input_no_table 1 inv www.dnautik.com
refute one_input_no_table_line '^Triage' "$T/out"
check one_input_brief 1 inv --brief www.dnautik.com
expect one_input_brief_table '^Triage of 1 input' "$T/out"

# ---- skipped and missed look-ups fold away ----
check folded_run 1 inv www.dnautik.com
expect skipped_one_count '^Skipped: [0-9]+ look-ups \(.*\); -v lists them$' "$T/out"
refute skipped_no_lines '^  skipped ' "$T/out"
refute misses_no_lines ' miss +' "$T/out"
expect misses_one_line '^  not listed: ' "$T/out"
"$CHOUSA" -v investigate --offline www.dnautik.com > "$T/v" 2> /dev/null
expect verbose_lists_skipped '^  skipped \(' "$T/v"
expect verbose_lists_misses ' miss +' "$T/v"
refute verbose_no_count '^Skipped: ' "$T/v"

# ---- a pasted alert: header after body, recipients and references out ----
check alert_mail 1 inv --extract -f "$DATA/alert-mail.eml"
expect alert_overall '^Overall: malicious — 3 malicious, 1 suspicious, 5 unknown of 9 indicators investigated \(4 from the e-mail.s header\); family: Emotet; 4 left out' "$T/out"
expect alert_recipient_left_out '^  left out +soc\[@\]example\[\.\]com \(To\)' "$T/out"
expect alert_cc_left_out '^  left out +it-security\[@\]example\[\.\]com \(Cc\)' "$T/out"
expect alert_jpcert_left_out '^  left out +hxxps\[:\]//www\[\.\]jpcert\[\.\]or\[\.\]jp/' "$T/out"
expect alert_mitre_left_out '^  left out +hxxps\[:\]//attack\[\.\]mitre\[\.\]org/' "$T/out"
refute alert_left_out_not_investigated '^soc\[@\]example\[\.\]com  \(email\)' "$T/out"
# The body's unknown address ranks before the header's unknown ones.
grep -E '^  unknown ' "$T/out" | head -n 1 | grep -q '45\[\.\]133\[\.\]1\[\.\]20' &&
	ok alert_body_before_header || not_ok alert_body_before_header "$(grep -E '^  unknown ' "$T/out" | head -n 1)"
expect alert_header_field_named '^  unknown +alerts\[@\]cert\[\.\]example\[\.\]org \(Return-Path\)' "$T/out"
expect alert_email_domain_pivot '^  suspicious +billing\[@\]www\[\.\]dnautik\[\.\]com +Emotet' "$T/out"
check alert_mail_all 1 inv --all --extract -f "$DATA/alert-mail.eml" --brief
refute alert_all_nothing_left_out '^  left out' "$T/out"
expect alert_all_recipient_investigated '^  unknown +soc\[@\]example\[\.\]com \(To\)' "$T/out"
expect alert_all_reference_investigated 'jpcert\[\.\]or\[\.\]jp' "$T/out"

# ---- a real phishing e-mail: its header's addresses are the header's ----
check phish_mail 0 inv --extract -f "$MAIL" --brief --format json
if python3 - "$T/out" > "$T/py" 2>&1 <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) == 1, len(lines)
t = json.loads(lines[0])["triage"]
rows = {r["indicator"]: r for r in t["rows"]}
# Each as first found: the sender in the relay's report, the reply
# address, the relay's address.
for value, field in (("urpmtoffice@nithyamotors.com",
                      "ARC-Authentication-Results"),
                     ("dr_serhiytulub53@zohomail.com", "Reply-To"),
                     ("119.252.152.37", "ARC-Authentication-Results")):
    r = rows[value]
    assert r["context"] == "header", r
    assert r["field"] == field, (value, r["field"])
assert t["from_text"] is True
assert t["counts"]["header"] >= 5, t["counts"]
# Header rows come after the body's of the same verdict: none in the body.
assert all(r["context"] == "header" for r in t["rows"] if not r["left_out"])
PY
then ok phish_header_context; else not_ok phish_header_context "$(tail -n 2 "$T/py")"; fi

# ---- the table in the other formats ----
check md_triage 1 inv --format md www.dnautik.com 162.243.103.0/24
expect md_triage_table '^\| malicious \| `www\[\.\]dnautik\[\.\]com` \| Emotet \| 9[0-9]% \| listed by URLhaus, ThreatFox and Imported lists \|$' "$T/out"
check html_triage 1 inv --format html www.dnautik.com 162.243.103.0/24
expect html_triage_section '<section class="triage"><h2>Triage of 2 inputs</h2>' "$T/out"
expect html_triage_links '<a href="#report-1"><code>www\[\.\]<wbr>dnautik\[\.\]<wbr>com</code></a>' "$T/out"
refute html_no_overview '<section class="overview">' "$T/out"
check json_no_triage_line 1 inv --format json www.dnautik.com 162.243.103.0/24
[ "$(wc -l < "$T/out")" -eq 2 ] && ok json_reports_only ||
	not_ok json_reports_only "$(wc -l < "$T/out") lines"
check json_brief_triage 1 inv --format json --brief www.dnautik.com 162.243.103.0/24
if python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1
t = json.loads(lines[0])["triage"]
assert t["overall"] == "malicious" and t["counts"]["malicious"] == 1
r = t["rows"][0]
assert r["rank"] == 1 and r["indicator"] == "www.dnautik.com"
assert r["family"]["id"] == "win.emotet" and r["verdict"] == "malicious"
assert r["context"] == "body" and r["left_out"] is False
' "$T/out" 2> "$T/py"; then ok json_triage_shape; else not_ok json_triage_shape "$(tail -n 1 "$T/py")"; fi

# ---- the reports held for the table go to an unlinked file of TMPDIR ----
mkdir -p "$T/tmpdir"
TMPDIR="$T/tmpdir" inv unknown-host-4821.example.net 'www[.]dnautik[.]com' \
    > "$T/held" 2> /dev/null
inv unknown-host-4821.example.net 'www[.]dnautik[.]com' > "$T/plain" 2> /dev/null
cmp -s "$T/held" "$T/plain" && grep -q '^Triage of 2 inputs' "$T/held" &&
	ok held_reports_same_bytes || not_ok held_reports_same_bytes "$(diff "$T/held" "$T/plain" | head -n 3)"
[ -z "$(ls -A "$T/tmpdir")" ] && ok held_reports_leave_nothing ||
	not_ok held_reports_leave_nothing "$(ls -A "$T/tmpdir")"
check held_reports_need_tmpdir 5 env TMPDIR="$T/no-such-dir" "$CHOUSA" \
    investigate --offline unknown-host-4821.example.net www.dnautik.com
expect held_reports_need_tmpdir_says "cannot make a temporary file in '$T/no-such-dir' \\(TMPDIR\\): No such file or directory" "$T/err"
