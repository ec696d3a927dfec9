#!/usr/bin/env python3
"""metrics_check.py METRICS SOURCES_JSON AUDIT_LINES: a /metrics page of
chousa serve (test-serve-metrics.sh) read by Prometheus's reference client
library's parser, and checked more strictly than it checks: the text
format 0.0.4's line grammar, each family typed and helped once before its
samples, its samples together, no series twice, histograms cumulative up
to _count.  Then the figures against what the test did (600 look-ups, a
404, a 405, two 401s, one scrape before this one), the audit log's line
count and `chousa sources --json`.  Prints ok / not ok lines.
"""
import calendar, json, re, sys, time
from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1]).read()
sources = json.load(open(sys.argv[2]))["sources"]
audit_lines = int(sys.argv[3])
fails = 0


def say(good, name, why=""):
    global fails
    fails += not good
    print(("ok - %s" % name) if good else ("not ok - %s: %s" % (name, why)))


# ---- the grammar, line by line ----
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{(?:%s(?:,%s)*)?\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$"
                    % (NAME, LABEL, LABEL))
typed, helped, seen_series, closed = {}, set(), set(), set()
current, bad = None, []
for n, line in enumerate(text.split("\n")[:-1], 1):
    m = re.match(r"^# (HELP|TYPE) (%s) (.+)$" % NAME, line)
    if m:
        kind, fam, rest = m.groups()
        if kind == "TYPE":
            if fam in typed or rest not in ("counter", "gauge", "histogram"):
                bad.append("%d: TYPE %s again or unknown" % (n, fam))
            typed[fam] = rest
        else:
            if fam in helped:
                bad.append("%d: HELP %s again" % (n, fam))
            helped.add(fam)
        continue
    m = SAMPLE.match(line)
    if not m:
        bad.append("%d: not a sample: %r" % (n, line[:80]))
        continue
    name = m.group(1)
    fam = re.sub(r"_(bucket|sum|count)$", "", name) \
        if re.sub(r"_(bucket|sum|count)$", "", name) in typed else name
    if fam not in typed or fam not in helped:
        bad.append("%d: %s before its TYPE and HELP" % (n, name))
    if fam != current:
        if fam in closed:
            bad.append("%d: %s's samples not together" % (n, fam))
        if current:
            closed.add(current)
        current = fam
    series = name + (m.group(2) or "")
    if series in seen_series:
        bad.append("%d: %s twice" % (n, series))
    seen_series.add(series)
say(not bad, "metrics_grammar_strict", "; ".join(bad[:5]))
say(text.endswith("\n"), "metrics_ends_with_newline")

# ---- the reference parser ----
try:
    fams = {f.name: f for f in text_string_to_metric_families(text)}
    say(True, "metrics_reference_parser_reads (%d families)" % len(fams))
except Exception as e:  # noqa: BLE001 - any failure is the finding
    say(False, "metrics_reference_parser_reads", repr(e))
    sys.exit(1)


def value(name, **labels):
    for fam in fams.values():
        for s in fam.samples:
            if s.name == name and all(s.labels.get(k) == v
                                      for k, v in labels.items()):
                return s.value
    return None


def samples(name):
    return [s for f in fams.values() for s in f.samples if s.name == name]


# ---- histograms ----
hist_bad = []
for fam in fams.values():
    if fam.type != "histogram":
        continue
    by = {}
    for s in fam.samples:
        key = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
        by.setdefault(key, {"b": [], "count": None})
        if s.name.endswith("_bucket"):
            by[key]["b"].append((float(s.labels["le"]), s.value))
        elif s.name.endswith("_count"):
            by[key]["count"] = s.value
    for key, h in by.items():
        les = [le for le, _ in h["b"]]
        vals = [v for _, v in h["b"]]
        if les != sorted(les) or les[-1] != float("inf"):
            hist_bad.append("%s: le not rising to +Inf" % (key,))
        if vals != sorted(vals) or vals[-1] != h["count"]:
            hist_bad.append("%s: buckets %s, count %s" % (key, vals, h["count"]))
say(not hist_bad, "histograms_cumulative_to_count", "; ".join(hist_bad[:3]))

# ---- what the test did ----
req = "chousa_http_requests_total"
for labels, want in ((("/api/v1/lookup", "GET", "200"), 600),
                     (("other", "GET", "404"), 1),
                     (("/api/v1/extract", "GET", "405"), 1),
                     (("/api/v1/sources", "GET", "401"), 1),
                     (("/metrics", "GET", "401"), 1),
                     (("/metrics", "GET", "200"), 1)):
    got = value(req, route=labels[0], method=labels[1], code=labels[2])
    say(got == want, "counted %s %s %s" % (labels[1], labels[0], labels[2]),
        "%s, want %s" % (got, want))
routes = {s.labels["route"] for s in samples(req)}
say(not any("evil" in r or "no/such" in r for r in routes),
    "made_up_path_counted_as_other", routes)
got = value("chousa_http_request_duration_seconds_count", route="/api/v1/lookup")
say(got == 600, "lookup_durations_counted", got)
got = value("chousa_http_request_duration_seconds_sum", route="/api/v1/lookup")
say(got is not None and 0 < got < 600 * 5, "lookup_durations_summed", got)
got = value("chousa_audit_lines_total")
say(got == audit_lines == 604, "audit_lines_as_in_the_log",
    "metric %s, log %d, want 604" % (got, audit_lines))
say(value("chousa_audit_lines_lost_total") == 0, "no_audit_line_lost")
got = value("chousa_http_connections_accepted_total")
say(got is not None and got >= 605, "connections_accepted_counted", got)
say(value("chousa_http_connections_limit") == 1024, "connection_limit_shown")
say(value("chousa_config_last_reload_successful") == 1 and
    value("chousa_config_last_reload_success_timestamp_seconds") > 1.7e9,
    "config_in_force_shown")
say(value("chousa_investigations_offline") == 0 and
    value("chousa_investigations_offline_limit", ) >= 257,
    "offline_queue_shown")
say(samples("chousa_build_info") and
    samples("chousa_build_info")[0].labels.get("version"), "build_info")
rss = value("process_resident_memory_bytes")
say(rss is not None and rss > 1 << 20, "process_rss", rss)
fds, maxfds = value("process_open_fds"), value("process_max_fds")
say(fds is not None and maxfds is not None and 3 < fds < maxfds,
    "process_fds", "%s of %s" % (fds, maxfds))
start = value("process_start_time_seconds")
say(start is not None and time.time() - 3600 < start <= time.time(),
    "process_start_time", start)
cpu = value("process_cpu_seconds_total")
say(cpu is not None and cpu > 0, "process_cpu", cpu)

# ---- the sources, as chousa sources says them ----
src_bad = []
for s in sources:
    name = s["name"]
    info = [x for x in samples("chousa_source_info")
            if x.labels["source"] == name]
    if len(info) != 1 or info[0].labels["configured"] != s["configured"] or \
            info[0].labels["kind"] != s["kind"]:
        src_bad.append("%s: info %s" % (name, info))
    if s["kind"] == "local" and s.get("updated_at"):
        when = calendar.timegm(time.strptime(s["updated_at"],
                                             "%Y-%m-%dT%H:%M:%SZ"))
        got = value("chousa_feed_last_update_timestamp_seconds", source=name)
        if got != when:
            src_bad.append("%s: updated %s, metric %s" % (name, when, got))
        if value("chousa_feed_stale", source=name) != int(s["stale"]):
            src_bad.append("%s: stale" % name)
    if s["kind"] == "online":
        if value("chousa_online_requests_today", source=name) != \
                (s["used_today"] or 0):
            src_bad.append("%s: used_today" % name)
say(not src_bad, "sources_as_chousa_sources_says (%d)" % len(sources),
    "; ".join(src_bad[:4]))
say(value("chousa_online_daily_limit", source="virustotal") == 321,
    "configured_daily_limit", value("chousa_online_daily_limit",
                                    source="virustotal"))
say(value("chousa_source_usable", source="virustotal") == 0 and
    value("chousa_source_usable", source="local-urlhaus") == 1,
    "keyless_service_not_usable")
fresh = [s for s in sources if s["kind"] == "local" and s.get("updated_at")]
say(len(fresh) >= 5, "demo_feeds_have_ages", len(fresh))
sys.exit(1 if fails else 0)
