#!/usr/bin/env python3
# gen-prose.py MB OUT: incident write-up prose in Japanese and English with
# indicators of every type, defanged in every style and plain, for the
# extract benchmark.  Deterministic (seeded), so runs compare.
import random, sys

mb, out = float(sys.argv[1]), sys.argv[2]
rnd = random.Random(1)
words = ("loader beacon payload operator campaign infrastructure analyst "
         "persistence credential exfiltration lateral movement sample "
         "network traffic observed contacted downloaded dropped").split()
ja = ["通信先は", "マルウェアは", "攻撃者は", "調査の結果、", "C2サーバ：",
      "検体は", "次の URL から", "関連ドメイン", "送信元", "ハッシュ値"]
tlds = ["com", "net", "org", "jp", "co.jp", "ru", "cn", "io", "info", "xyz"]

def dom():
    return "%s%d.%s" % (rnd.choice(words), rnd.randrange(1000),
                        rnd.choice(tlds))

def ip():
    return "%d.%d.%d.%d" % (rnd.randrange(1, 224), rnd.randrange(256),
                            rnd.randrange(256), rnd.randrange(256))

def defang(s):
    k = rnd.randrange(6)
    if k == 0:
        return s.replace(".", "[.]")
    if k == 1:
        return s.replace(".", "(.)")
    if k == 2:
        return s.replace(".", "．")
    if k == 3:
        return s.replace(".", "[dot]")
    return s

def ind():
    k = rnd.randrange(9)
    if k == 0:
        return defang(dom())
    if k == 1:
        return defang(ip())
    if k == 2:
        return rnd.choice(["hxxp", "hXXps", "https", "http"]) + "://" + \
            defang(dom()) + "/" + rnd.choice(words) + ".php?id=%d" % \
            rnd.randrange(99999)
    if k == 3:
        return "%032x" % rnd.getrandbits(128)
    if k == 4:
        return "%064x" % rnd.getrandbits(256)
    if k == 5:
        return "AS%d" % rnd.randrange(1, 400000)
    if k == 6:
        return "admin[@]" + defang(dom())
    if k == 7:
        return "2a0e:%x:%x::%x" % (rnd.randrange(65536), rnd.randrange(65536),
                                    rnd.randrange(65536))
    return "[report](https://%s/%s)" % (dom(), rnd.choice(words))

target = int(mb * 1048576)
done = 0
with open(out, "w", encoding="utf-8") as f:
    while done < target:
        if rnd.random() < 0.5:
            line = "%s「%s」%s。" % (rnd.choice(ja), ind(),
                                   rnd.choice(["を確認した", "です",
                                               "へ通信した"]))
        else:
            line = " ".join(rnd.choice(words) for _ in range(rnd.randrange(6, 16)))
            line = "The %s %s, version 1.2.%d, then %s. End." % (
                line, ind(), rnd.randrange(20), ind())
        line += "\n"
        done += len(line.encode())
        f.write(line)
