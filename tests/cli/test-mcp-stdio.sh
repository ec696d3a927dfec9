#!/bin/sh
# test-mcp-stdio.sh: chousa mcp's JSON-RPC as an agent meets it, message
# by message: a message over the 16 MiB limit is answered and the session
# goes on; ids the protocol refuses; integral numbers for integer
# arguments; the left-out indicators of a text and the online services
# skipped, said in chousa's words; the structured result as an embedded
# resource for protocol versions without structuredContent; the sweep's
# binary formats and the extraction's limit, each refused with its reason.
. "$TESTS/cli/lib.sh"

serve_store() {
	export CHOUSA_DB="$T/db" CHOUSA_CONFIG="$T/config"
	printf "$1" > "$T/config"
	chmod 600 "$T/config"
	demo_store
}
serve_store '[inquest]\nenabled = no\n'

# mcp NAME [ARGS...]: the messages of $T/NAME.in to chousa mcp ARGS, the
# answers in $T/NAME.out, its exit status in $T/NAME.rc.
mcp() {
	n=$1
	shift
	"$CHOUSA" mcp "$@" < "$T/$n.in" > "$T/$n.out" 2> "$T/$n.err"
	echo $? > "$T/$n.rc"
}

# judge NAME CHECKS: python over the answers of NAME (a list of objects,
# "answers"), each CHECKS line "name: expression"; prints ok/not ok.
judge() {
	T="$T" python3 - "$1" "$2" <<'PY'
import json, os, sys
name, checks = sys.argv[1], sys.argv[2]
T = os.environ["T"]
answers = []
for line in open(os.path.join(T, name + ".out"), encoding="utf-8"):
    answers.append(json.loads(line))
rc = int(open(os.path.join(T, name + ".rc")).read())
by_id = {json.dumps(a.get("id")): a for a in answers}
def res(i):
    return by_id[json.dumps(i)]["result"]
def text(i):
    return "\n".join(c.get("text", "") for c in res(i)["content"]
                     if c["type"] == "text")
def resources(i):
    return [c for c in res(i)["content"] if c["type"] == "resource"]
for line in checks.strip().splitlines():
    label, expr = line.split(":", 1)
    label = label.strip()
    try:
        good = eval(expr)
        why = "" if good else expr.strip()
    except Exception as e:
        good, why = False, "%s: %r" % (expr.strip(), e)
    if good:
        print("ok - " + label)
    else:
        print("not ok - %s: %s | %s" % (label, why,
              json.dumps(answers)[:600]))
PY
}

# -- a message over the limit: answered, and the next one too ------------
python3 - "$T/long.in" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\n')
    # 17 MiB in one line, in pieces, then two lines after it.
    f.write('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":'
            '{"name":"extract","arguments":{"text":"')
    for _ in range(17):
        f.write("a" * (1 << 20))
    f.write('"}}}\n')
    f.write('{"jsonrpc":"2.0","id":3,"method":"ping"}\n')
    f.write('{"jsonrpc":"2.0","id":4,"method":"tools/call","params":'
            '{"name":"lookup","arguments":{"indicators":["8.8.8.8"]}}}')
PY
mcp long
judge long '
mcp_long_line_exit_0: rc == 0
mcp_long_line_three_answers_and_the_last: len(answers) == 4
mcp_long_line_before_answered: answers[0]["id"] == 1 and "result" in answers[0]
mcp_long_line_error_id_null: answers[1]["id"] is None and answers[1]["error"]["code"] == -32600
mcp_long_line_says_limit_and_parts: "16777216" in answers[1]["error"]["message"] and "in parts" in answers[1]["error"]["message"]
mcp_long_line_after_answered: answers[2]["id"] == 3 and "result" in answers[2]
mcp_long_line_last_unterminated_answered: answers[3]["id"] == 4 and res(4)["isError"] is False
'
# A line of exactly the limit is read, and one byte more is not.
python3 - "$T/edge.in" <<'PY'
import sys
head = '{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"'
tail = '"}}'
n = 16 * 1024 * 1024 - len(head) - len(tail)
with open(sys.argv[1], "w") as f:
    f.write(head + "x" * n + tail + "\n")
    f.write(head.replace('"id":1', '"id":2') + "x" * (n - 1) + "yy" + tail + "\n")
PY
mcp edge
judge edge '
mcp_line_of_the_limit_read: answers[0]["id"] == 1 and "result" in answers[0]
mcp_line_past_the_limit_refused: answers[1]["id"] is None and answers[1]["error"]["code"] == -32600
'

# -- ids the protocol refuses ------------------------------------------------
cat > "$T/ids.in" <<'EOF'
{"jsonrpc":"2.0","id":1.5,"method":"ping"}
{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}
{"jsonrpc":"2.0","id":null,"method":"ping"}
{"jsonrpc":"2.0","id":[1],"method":"tools/list"}
{"jsonrpc":"2.0","id":"s","method":"ping"}
{"jsonrpc":"2.0","id":7,"method":"ping"}
[{"jsonrpc":"2.0","id":8,"method":"ping"}]
EOF
mcp ids
judge ids '
mcp_batch_refused_said: answers[6]["id"] is None and answers[6]["error"]["code"] == -32600 and "each message alone" in answers[6]["error"]["message"]
mcp_id_fraction_refused: answers[0]["id"] is None and answers[0]["error"]["code"] == -32600
mcp_id_object_refused: answers[1]["id"] is None and answers[1]["error"]["code"] == -32600 and "result" not in answers[1]
mcp_id_null_refused: answers[2]["id"] is None and answers[2]["error"]["code"] == -32600 and "null" in answers[2]["error"]["message"]
mcp_id_array_refused: answers[3]["id"] is None and answers[3]["error"]["code"] == -32600
mcp_id_string_and_number_kept: answers[4] == {"jsonrpc": "2.0", "id": "s", "result": {}} and answers[5]["id"] == 7
'

# -- integral numbers, left-out indicators, online skipped ----------------
cat > "$T/args.in" <<'EOF'
{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"investigate","arguments":{"indicators":["8.8.8.8"],"depth":2.0}}}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"investigate","arguments":{"indicators":["8.8.8.8"],"depth":2.5}}}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"investigate","arguments":{"indicators":["8.8.8.8"],"depth":1e0}}}
{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"investigate","arguments":{"text":"From: attacker@evil-sender.com\nTo: victim.person@contoso.com\nSubject: invoice\n\nSee https://nvd.nist.gov/vuln/detail/CVE-2020-1234\nDownload: hxxp://www[.]dnautik[.]com/wp-content/uploads/INV_2020-11-27_9931.doc\n"}}}
{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"investigate","arguments":{"indicators":["8.8.8.8"],"online":true}}}
{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"investigate","arguments":{"indicators":["8.8.8.8"]}}}
EOF
mcp args --online
judge args '
mcp_depth_2_0_taken: res(1)["isError"] is False
mcp_depth_2_5_refused: res(2)["isError"] is True and "whole number" in text(2)
mcp_depth_1e0_taken: res(3)["isError"] is False
mcp_left_out_counted: res(4)["structuredContent"]["summary"]["left_out"]["count"] == 2 and res(4)["structuredContent"]["summary"]["left_out"]["recipients"] == 1 and res(4)["structuredContent"]["summary"]["left_out"]["reference_sites"] == 1
mcp_left_out_in_text: "2 indicators were left out: 1 e-mail recipient, 1 reference site" in text(4) and "all=true" in text(4)
mcp_left_out_values_only_data: sorted(x["value"] for x in res(4)["structuredContent"]["untrusted_data"]["left_out"]) == ["https://nvd.nist.gov/vuln/detail/CVE-2020-1234", "victim.person@contoso.com"]
mcp_left_out_values_not_in_text: "nvd.nist" not in text(4) and "victim" not in text(4) and "dnautik" not in text(4) and "evil-sender" not in text(4)
mcp_left_out_none_said_zero: res(1)["structuredContent"]["summary"]["left_out"]["count"] == 0 and "left out" not in text(1)
mcp_online_skipped_not_claimed: "online services answered" not in text(5) and "store and online" not in text(5)
mcp_online_skipped_said: "no online service was asked" in text(5) and "with no key configured" in text(5) and "disabled in the config" in text(5)
mcp_online_skipped_summary: res(5)["structuredContent"]["summary"]["online"]["answered"] == 0 and res(5)["structuredContent"]["summary"]["online"]["skipped_no_key"] >= 1 and res(5)["structuredContent"]["summary"]["online"]["skipped_disabled"] >= 1
mcp_offline_said: "local store only" in text(6) and "online" not in res(6)["structuredContent"]["summary"]
'

# -- the structured result as a resource, by protocol version ------------
for v in 2024-11-05 2025-03-26 2025-06-18 2025-11-25; do
	cat > "$T/v$v.in" <<EOF
{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"$v","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup","arguments":{"indicators":["www[.]dnautik[.]com"]}}}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"extract","arguments":{"text":"x","types":"nosuch"}}}
EOF
	mcp "v$v"
done
for v in 2024-11-05 2025-03-26; do
	judge "v$v" "
mcp_${v}_resource: len(resources(1)) == 1 and resources(1)[0]['resource']['mimeType'] == 'application/json' and resources(1)[0]['resource']['uri'] == 'chousa:result/lookup'
mcp_${v}_resource_is_the_result: json.loads(resources(1)[0]['resource']['text']) == res(1)['structuredContent'] and res(1)['structuredContent']['untrusted_data'][0]['malicious'] is True
mcp_${v}_text_has_no_feed_string: 'dnautik' not in text(1) and 'emotet' not in text(1).lower() and len([c for c in res(1)['content'] if c['type'] == 'text']) == 1
mcp_${v}_refusal_resource: len(resources(2)) == 1 and json.loads(resources(2)[0]['resource']['text'])['untrusted_data']['value'] == 'nosuch' and 'nosuch' not in text(2)
"
done
for v in 2025-06-18 2025-11-25; do
	judge "v$v" "
mcp_${v}_structured_only: resources(1) == [] and res(1)['structuredContent']['untrusted_data'][0]['malicious'] is True
"
done
# A version chousa does not speak is answered with the latest it does,
# as the protocol asks: the client then agrees to it or hangs up.
printf '%s\n' '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2099-01-01","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' > "$T/vnew.in"
mcp vnew
judge vnew '
mcp_unknown_version_latest_offered: res(0)["protocolVersion"] == "2025-11-25"
'
# Before initialize the version is not known: read as 2025-03-26.
tail -n 1 "$T/v2025-06-18.in" > "$T/noinit.in"
mcp noinit
judge noinit '
mcp_no_initialize_resource: len(resources(2)) == 1
'

# -- sweep formats, extraction limit -----------------------------------------
python3 - "$T/limits.in" <<'PY'
import json, sys
def call(i, name, args):
    return json.dumps({"jsonrpc": "2.0", "id": i, "method": "tools/call",
                       "params": {"name": name, "arguments": args}}) + "\n"
with open(sys.argv[1], "w") as f:
    f.write(call(1, "sweep", {"log": "x", "format": "pcap"}))
    f.write(call(2, "sweep", {"log": "x", "format": "nosuch"}))
    f.write(call(3, "extract", {"text": "1.2.3.4 " * 800000}))
    f.write(call(4, "sweep", {"log": "www.dnautik.com\n", "format": "text"}))
PY
mcp limits
judge limits '
mcp_sweep_pcap_refused: res(1)["isError"] is True and "packet capture" in text(1) and "no log format fits" not in text(1)
mcp_sweep_formats_no_pcap: res(2)["isError"] is True and "zeek" in text(2) and "pcap" not in text(2)
mcp_extract_limit_said: res(3)["isError"] is True and "over its limit of 67108864 bytes" in text(3)
mcp_sweep_text_works: res(4)["isError"] is False and res(4)["structuredContent"]["summary"]["hits"] >= 1
'
schema=$(printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' | "$CHOUSA" mcp)
printf '%s' "$schema" > "$T/schema.json"
python3 - "$T/schema.json" <<'PY'
import json, sys
tools = {t["name"]: t for t in json.load(open(sys.argv[1]))["result"]["tools"]}
s = tools["investigate"]["outputSchema"]["properties"]["summary"]["properties"]
ok = "left_out" in s and "online" in s and \
    "count" in s["left_out"]["properties"]
print(("ok - " if ok else "not ok - ") + "mcp_output_schema_left_out_online" +
      ("" if ok else ": " + json.dumps(s)[:300]))
d = tools["sweep"]["inputSchema"]["properties"]["format"]["description"]
ok = "pcap" not in d.split("not")[0] and "capture" in d
print(("ok - " if ok else "not ok - ") + "mcp_sweep_schema_says_text_only" +
      ("" if ok else ": " + d))
PY

# -- blank lines between messages (CRLF line ends, a keep-alive newline) --
printf '{"jsonrpc":"2.0","id":1,"method":"ping"}\r\n\r\n \t\n\n{"jsonrpc":"2.0","id":2,"method":"ping"}\r\n' > "$T/blank.in"
mcp blank
judge blank '
mcp_blank_lines_skipped: rc == 0 and len(answers) == 2
mcp_blank_lines_messages_answered: answers[0]["id"] == 1 and answers[1]["id"] == 2 and "result" in answers[1]
'
