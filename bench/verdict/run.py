#!/usr/bin/env python3
"""run.py CHOUSA [--check]: the verdict benchmark (bench/verdict/cases.tsv).

Builds its stores with `chousa import` from tests/data, replays the online
cases through tests/http/server.py on 127.0.0.1, investigates every case
and prints, in one run: the precision of "malicious" (no false malicious on
benign or shared infrastructure), family accuracy, and the number of
answers that carried evidence but came out unknown.  --check prints
"ok - NAME" / "not ok - NAME: why" lines for tests/run.sh instead of the
table.  A case whose "needs" field names something no source filled yet
(detections) is reported as pending, not counted.
"""
import json, os, shutil, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
T = os.path.join(TOP, "tests")
S = os.path.join(T, "data", "samples")


def sh(env, *args):
    return subprocess.run(args, env=env, capture_output=True, text=True)


def build(chousa, env, db, recipe):
    def imp(src, path):
        r = sh(env, chousa, "-q", "--db", db, "import", src, path)
        if r.returncode != 0:
            sys.stderr.write("import %s %s: %s" % (src, path, r.stderr))
    if recipe == "full":
        for src, f in (("malpedia", "malpedia.json"),
                       ("warninglist", "warninglist.json"),
                       ("urlhaus", "urlhaus.csv"),
                       ("threatfox", "threatfox.csv"),
                       ("malwarebazaar", "malwarebazaar.csv"),
                       ("feodo", "feodo.csv"),
                       ("misp", "sandbox-report.misp.json")):
            imp(src, os.path.join(TOP, "demo", f))
        imp("feodo", os.path.join(S, "abusech/feodo/ipblocklist_2021-12-20.csv"))
        imp("urlhaus", os.path.join(S, "abusech/urlhaus/csv_online_2026-08-18_head21lines.csv"))
        imp("malwarebazaar", os.path.join(S, "abusech/malwarebazaar/export_recent_csv_2026-07-22_head12lines.csv"))
        imp("warninglist", os.path.join(S, "warninglists/misp-warninglists-main.subset.tar.gz"))
        imp("feodo", os.path.join(T, "data/verdict/feodo-cdn.csv"))
    if recipe in ("full", "bare"):
        imp("urlhaus", os.path.join(T, "data/verdict/urlhaus-hosts.csv"))
    if recipe == "online":
        # An empty store: the online answers are cached in it.
        sh(env, chousa, "-q", "--db", db, "db", "check")


def start_server(tmp):
    port_file = os.path.join(tmp, "port")
    p = subprocess.Popen([sys.executable, os.path.join(T, "http/server.py"),
                          "--lifetime", "300", "--port-file", port_file],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(port_file):
            return p, open(port_file).read().strip()
        time.sleep(0.1)
    p.kill()
    raise SystemExit("the replay server did not start")


def family_of(rep):
    fam = rep.get("family")
    return fam["id"] if fam else "-"


def detections_filled(rep):
    for st in rep.get("stages") or []:
        for f in st.get("findings") or []:
            if f.get("detection_names"):
                return True
    return False


def main():
    chousa = os.path.abspath(sys.argv[1])
    check = "--check" in sys.argv
    tmp = tempfile.mkdtemp(prefix="chousa-verdict.")
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("CHOUSA_"):
            del env[k]
    env["HOME"] = tmp
    env["CHOUSA_CONFIG"] = os.path.join(tmp, "config")
    open(env["CHOUSA_CONFIG"], "w").close()
    os.chmod(env["CHOUSA_CONFIG"], 0o600)
    cases = []
    for line in open(os.path.join(HERE, "cases.tsv")):
        if line.startswith("#") or not line.strip():
            continue
        name, store, inp, verdict, family, needs, why = \
            line.rstrip("\n").split("\t")
        cases.append((name, store, inp, verdict, family, needs, why))
    server, port = start_server(tmp)
    results = []
    try:
        dbs = {}
        for recipe in ("full", "bare", "online"):
            dbs[recipe] = os.path.join(tmp, recipe + ".db")
            build(chousa, env, dbs[recipe], recipe)
        base = "http://127.0.0.1:%s" % port
        online_env = dict(env, CHOUSA_VIRUSTOTAL_URL=base + "/verdict-vt",
                          CHOUSA_VIRUSTOTAL_KEY="bench-key-not-real",
                          CHOUSA_VIRUSTOTAL_RATE="0",
                          CHOUSA_MALPEDIA_URL=base + "/verdict-feeds/malpedia")
        for c in cases:
            name, store, inp, want_v, want_f, needs, why = c
            if store == "online":
                args = [chousa, "--db", dbs[store], "investigate",
                        "--sources", "virustotal", "--format", "json", inp]
                r = sh(online_env, *args)
            else:
                args = [chousa, "--db", dbs[store], "investigate",
                        "--offline", "--sources", "local", "--format",
                        "json", inp]
                r = sh(env, *args)
            try:
                rep = json.loads(r.stdout.splitlines()[0])
            except (ValueError, IndexError):
                rep = {"verdict": "error", "family": None}
            results.append((c, rep.get("verdict"), family_of(rep),
                            needs == "-" or detections_filled(rep)))
    finally:
        server.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    tp = fp = fam_ok = fam_n = missed = pending = 0
    for (name, store, inp, want_v, want_f, needs, why), got_v, got_f, \
            ready in results:
        if got_v == "malicious":
            if want_v == "malicious":
                tp += 1
            else:
                fp += 1
        if want_v in ("malicious", "suspicious") and got_v == "unknown":
            missed += 1
        v_ok = got_v == want_v
        f_ok = got_f.lower() == want_f.lower()
        if not ready and not f_ok:
            pending += 1
            f_state = "pending (%s)" % needs
        else:
            fam_n += 1
            fam_ok += f_ok
            f_state = "ok" if f_ok else "want %s" % want_f
        if check:
            label = "verdict_%s" % name
            if v_ok:
                print("ok - %s" % label)
            else:
                print("not ok - %s: got %s, want %s (%s)" % (label, got_v,
                      want_v, why))
            label = "family_%s" % name
            if f_ok:
                print("ok - %s" % label)
            elif not ready:
                print("ok - %s # SKIP no source fills %s yet" % (label,
                      needs))
            else:
                print("not ok - %s: got %s, want %s (%s)" % (label, got_f,
                      want_f, why))
        else:
            print("%-30s %-10s %-10s %-16s %s" % (name, got_v,
                  "ok" if v_ok else "want " + want_v, got_f, f_state))
    precision = 100.0 * tp / (tp + fp) if tp + fp else 100.0
    accuracy = 100.0 * fam_ok / fam_n if fam_n else 100.0
    summary = ("%d cases: precision of malicious %.1f%% (%d of %d), family "
               "accuracy %.1f%% (%d of %d, %d pending), evidence read as "
               "unknown: %d" % (len(results), precision, tp, tp + fp,
                                accuracy, fam_ok, fam_n, pending, missed))
    if check:
        print("ok - verdict_precision_100" if fp == 0 else
              "not ok - verdict_precision_100: %s" % summary)
        print("ok - verdict_no_evidence_lost" if missed == 0 else
              "not ok - verdict_no_evidence_lost: %s" % summary)
        print("# " + summary)
    else:
        print(summary)


if __name__ == "__main__":
    main()
