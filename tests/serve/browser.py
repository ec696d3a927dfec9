#!/usr/bin/python3
"""browser.py URL TOKEN SHOTDIR [ADMIN]: the web page in a real browser.

Headless Chromium driven by Selenium (Debian's chromium, chromium-driver and
python3-selenium): sign in, paste the worked example's e-mail, read the
triage table (worst first), open the report, check that its evidence graph
is drawn (a screenshot of the SVG has enough non-background pixels), that
no page logged a console error (a CSP violation from injected markup would),
that no hostile feed string ran, that a log uploaded through the sweep form
comes back as a table of hits linked to their reports, that an admin's
audit page finds the requests about the worked example and that the
indicators an admin pastes on the Import page, and those of a file uploaded
there, are found by a look-up, that an upload shows its progress, is
refused before it is sent when over the server's cap, and can be cancelled
(the import rolled back), and that the pages work with JavaScript off.  Prints "ok - NAME" / "not ok - NAME: why" lines.
"""
import os
import struct
import sys
import tempfile
import time
import zlib

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

URL, TOKEN, SHOTS = sys.argv[1], sys.argv[2], sys.argv[3]
ADMIN = sys.argv[4] if len(sys.argv) > 4 else None
EMAIL = open(os.path.join(os.path.dirname(__file__), "..", "..", "demo",
                          "alert.eml")).read()
HOSTILE = "hostile-web.example.org"
SHA256 = "d7e61d7d1f31426d1c59eeab4e60fdd433b6889a548b94129e0ae34fb766a7cf"


def ok(name):
    print("ok - " + name, flush=True)


def not_ok(name, why):
    print("not ok - %s: %s" % (name, str(why).replace("\n", " ")[:300]),
          flush=True)


def check(name, cond, why=""):
    ok(name) if cond else not_ok(name, why)


def browser(js=True):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    # Offline but for the server under test: Chromium's own requests
    # (updates, sign-in, the clock, autofill), which the --disable flags
    # leave, look up no name and reach no proxy (tests/run.sh's would fail
    # the test); only 127.0.0.1, the server, is reached.
    for a in ("--headless", "--no-sandbox", "--disable-gpu",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--window-size=1280,1600",
              "--no-proxy-server",
              "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
              "--user-data-dir=" + tempfile.mkdtemp(prefix="chousa-chrome.")):
        o.add_argument(a)
    if not js:
        o.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    o.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                            options=o)


def png_pixels(data):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB/RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], None
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:
                                                      (y + 1) * (stride + 1)])
        prev = prev or bytearray(stride)
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else
                                      b if pb <= pc else c)) & 255
        rows.append([tuple(line[i:i + 3]) for i in range(0, stride, bpp)])
        prev = line
    return w, h, rows


def wait_for(d, css):
    """Until the page that the last click loads shows css (a loaded
    machine may take a while); False when it never does."""
    try:
        WebDriverWait(d, 90).until(
            lambda x: x.find_elements(By.CSS_SELECTOR, css))
        return True
    except Exception:
        return False


def submit_wait(d, field, css):
    """Submit field's form and wait for the page it loads to show css: the
    form's own page matches css too (its <p>), so first the old page must
    go, else a loaded machine reads the form as the answer."""
    old = d.find_element(By.TAG_NAME, "html")
    field.submit()
    try:
        WebDriverWait(d, 90).until(EC.staleness_of(old))
    except Exception:
        return False
    return wait_for(d, css)


def console_errors(d):
    return [e for e in d.get_log("browser") if e.get("level") == "SEVERE"]


def sign_in(d, token=TOKEN):
    d.get(URL + "/")
    check("unsigned_goes_to_sign_in", "/login" in d.current_url,
          d.current_url)
    d.find_element(By.ID, "token").send_keys(token)
    d.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(d, "#triage-form")


def sweep(d, tag):
    """Upload a log through the home page's form; the hits table."""
    log = os.path.join(tempfile.mkdtemp(prefix="chousa-log."), "proxy.log")
    open(log, "w").write("GET http://www.dnautik.com/x HTTP/1.1\n"
                         "nothing to see\n"
                         "CONNECT " + HOSTILE + ":443\n")
    d.get(URL + "/")
    d.find_element(By.ID, "log").send_keys(log)
    d.find_element(By.CSS_SELECTOR, "#sweep-form button[type=submit]").click()
    wait_for(d, "#hits tbody tr")
    rows = d.find_elements(By.CSS_SELECTOR, "#hits tbody tr")
    check(tag + "sweep_table_has_the_hits", len(rows) == 2,
          d.page_source[:300])
    text = " ".join(r.text for r in rows)
    check(tag + "sweep_rows_defanged", "www[.]dnautik[.]com" in text, text)
    # Markup in a feed's family names no family: never shown as one.
    check(tag + "sweep_hostile_family_not_a_family",
          "<img src=x" not in text and "onerror" not in text, text)
    check(tag + "sweep_hostile_strings_inert",
          d.execute_script("return window.__pwned === undefined"),
          "a feed string ran")
    return rows


def sweep_options(d, tag):
    """The options go before the file in the browser's form: a log read
    as Suricata EVE has no hits."""
    log = os.path.join(tempfile.mkdtemp(prefix="chousa-log."), "proxy.log")
    open(log, "w").write("GET http://www.dnautik.com/x HTTP/1.1\n")
    d.get(URL + "/")
    d.find_element(By.CSS_SELECTOR, "#sweep-form summary").click()
    Select(d.find_element(By.ID, "log_format")).select_by_value("eve")
    d.find_element(By.ID, "log").send_keys(log)
    d.find_element(By.CSS_SELECTOR, "#sweep-form button[type=submit]").click()
    wait_for(d, "main strong")
    text = d.find_element(By.TAG_NAME, "main").text
    check(tag + "sweep_log_format_option_sent", "0 hits" in text and
          not d.find_elements(By.CSS_SELECTOR, "#hits tbody tr"), text[:300])


def status_of(d, form):
    """The upload status app.js shows under form: its text and bar."""
    return d.execute_script(
        "var s = document.querySelector(arguments[0] + ' .upload-status');"
        "if (!s) return null;"
        "var p = s.querySelector('progress');"
        "return [s.querySelector('span').textContent,"
        " p.hasAttribute('value') ? p.value : -1];", "#" + form)


def upload_progress(d):
    """A log of 1.5 MiB sent at 512 KiB/s: the bar and the bytes sent
    move, the hits come in place of the form, and Back goes to it."""
    log = os.path.join(tempfile.mkdtemp(prefix="chousa-log."), "big.log")
    with open(log, "w") as f:
        f.write("GET http://www.dnautik.com/x HTTP/1.1\n")
        f.write("nothing to see here at all\n" * 58000)
    d.get(URL + "/")
    d.set_network_conditions(offline=False, latency=5,
                             download_throughput=32 * 1024 * 1024,
                             upload_throughput=512 * 1024)
    try:
        d.find_element(By.ID, "log").send_keys(log)
        d.find_element(By.CSS_SELECTOR,
                       "#sweep-form button[type=submit]").click()
        seen = []
        for _ in range(400):
            st = status_of(d, "sweep-form")
            # Gone or emptied once the answer is in.
            if st is None or (seen and not st[0]):
                break
            if st[0].startswith("Uploading ") and st not in seen:
                seen.append(st)
                if len(seen) == 3:
                    d.save_screenshot(os.path.join(SHOTS, "upload.png"))
            time.sleep(0.02)
        wait_for(d, "#hits tbody tr")
    finally:
        d.delete_network_conditions()
    moving = [s for s in seen if " of 1.5 MiB (" in s[0] and 0 < s[1] < 1]
    check("upload_progress_shown (%d steps)" % len(moving),
          len(moving) >= 2 and moving[0][1] < moving[-1][1], seen[:4])
    text = " ".join(r.text for r in
                    d.find_elements(By.CSS_SELECTOR, "#hits tbody tr"))
    check("upload_answer_in_place", "www[.]dnautik[.]com" in text and
          d.current_url.rstrip("/") == URL, d.current_url + " " + text[:200])
    d.back()
    wait_for(d, "#sweep-form")
    check("upload_back_comes_to_the_form",
          d.find_elements(By.ID, "sweep-form") and
          not d.find_elements(By.ID, "hits"), d.current_url)


def upload_over_cap(d):
    """A file over the server's sweep_max (4 MiB in this test) is said
    before a byte of it is sent."""
    log = os.path.join(tempfile.mkdtemp(prefix="chousa-log."), "huge.log")
    with open(log, "wb") as f:
        f.truncate(5 * 1024 * 1024)
    d.get(URL + "/")
    check("upload_cap_said_on_the_form",
          "At most 4 MiB." in d.find_element(By.ID, "sweep-form").text,
          d.find_element(By.ID, "sweep-form").text[:300])
    d.find_element(By.ID, "log").send_keys(log)
    d.find_element(By.CSS_SELECTOR, "#sweep-form button[type=submit]").click()
    time.sleep(0.3)
    st = status_of(d, "sweep-form")
    check("upload_over_cap_said", st is not None and
          "huge.log is 5.0 MiB: the server takes at most 4.0 MiB "
          "([server] sweep_max)" in st[0], st)


def upload_just_over_cap(d):
    """A file a byte over the cap: the sizes said exactly, not both as
    the same rounded MiB."""
    log = os.path.join(tempfile.mkdtemp(prefix="chousa-log."), "over.log")
    with open(log, "wb") as f:
        f.truncate(4 * 1024 * 1024 + 1)
    d.get(URL + "/")
    d.find_element(By.ID, "log").send_keys(log)
    d.find_element(By.CSS_SELECTOR, "#sweep-form button[type=submit]").click()
    time.sleep(0.3)
    st = status_of(d, "sweep-form")
    check("upload_just_over_cap_exact", st is not None and
          "over.log is 4194305 bytes: the server takes at most 4194304 "
          "bytes" in st[0], st)


def back_reenables_the_form(d):
    """Back to the form from its table (the browser's back/forward cache
    keeps the page whole): Investigate can be pressed again."""
    d.get(URL + "/")
    wait_for(d, "#triage-form")
    d.find_element(By.ID, "text").send_keys("www[.]dnautik[.]com")
    d.find_element(By.CSS_SELECTOR, "#triage-form button[type=submit]").click()
    wait_for(d, "#triage tbody tr")
    d.back()
    wait_for(d, "#triage-form")
    time.sleep(0.3)
    b = d.find_element(By.CSS_SELECTOR, "#triage-form button[type=submit]")
    check("back_reenables_investigate", b.is_enabled() and
          b.text == "Investigate", "%s %r" % (b.is_enabled(), b.text))


def refused_paste_not_refilled(d):
    """A paste refused for its size (413), not for a session that ended:
    the next Triage does not bring it back as if one had."""
    d.get(URL + "/")
    wait_for(d, "#triage-form")
    d.execute_script("document.getElementById('text').value = arguments[0]",
                     "\n".join("h%d.evil-many.example" % i
                               for i in range(1200)))
    d.find_element(By.CSS_SELECTOR, "#triage-form button[type=submit]").click()
    time.sleep(1)
    d.get(URL + "/")
    wait_for(d, "#triage-form")
    check("refused_paste_not_refilled",
          d.find_element(By.ID, "text").get_attribute("value") == "" and
          not d.find_elements(By.ID, "paste-kept"), "refilled")


def narrow_pages(d, paths):
    """At 375 px (a phone) no page is wider than the screen: wide tables
    and the look-up's columns scroll in their box."""
    d.set_window_size(375, 800)
    try:
        for path in paths:
            d.get(URL + path)
            time.sleep(0.5)
            w = d.execute_script("return [document.documentElement"
                                 ".scrollWidth, document.documentElement"
                                 ".clientWidth]")
            name = path.strip("/").split("?")[0] or "home"
            d.save_screenshot(os.path.join(SHOTS, "narrow-%s.png" % name))
            check("narrow_%s_fits %s" % (name, w), w[0] <= w[1], w)
    finally:
        d.set_window_size(1280, 1600)


WORDS_JS = """
var vw = document.documentElement.clientWidth, out = [], broken = [];
document.querySelectorAll('body *').forEach(function (e) {
  var r = e.getBoundingClientRect();
  /* What a box scrolls (a table, the graph) is not the page's width. */
  for (var p = e.parentElement; p && p !== document.body; p = p.parentElement)
    if (getComputedStyle(p).overflowX !== 'visible') return;
  if (r.width > 0 && r.right > vw + 1) out.push(e.tagName + ' ' + r.right);
});
var w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), n;
while ((n = w.nextNode()))
  arguments[0].forEach(function (word) {
    var i = n.data.indexOf(word);
    if (i < 0) return;
    var g = document.createRange();
    g.setStart(n, i);
    g.setEnd(n, i + word.length);
    var tops = new Set(Array.from(g.getClientRects()).filter(function (x) {
      return x.width > 0; }).map(function (x) { return Math.round(x.top); }));
    if (tops.size > 1) broken.push(word + ' in ' + n.parentElement.tagName);
  });
return [document.documentElement.scrollWidth, vw, out.slice(0, 5), broken];
"""


def wide_pages(d, paths):
    """On a desktop screen (1280 px) too, a report is never wider than the
    window: the sample's table, its SHA-256 beside a reference URL that
    holds it, scrolls in its box."""
    for path in paths:
        d.get(path if path.startswith("file:") else URL + path)
        wait_for(d, "main, body")
        w = d.execute_script("return [document.documentElement"
                             ".scrollWidth, document.documentElement"
                             ".clientWidth]")
        name = "standalone" if path.startswith("file:") else \
            path.strip("/").split("?")[0]
        check("wide_%s_fits %s" % (name, w), w[0] <= w[1], w)


def narrow_words(d, paths):
    """At 375 px no element is wider than the screen (wide tables and the
    graph scroll in their box), and an indicator wraps between its labels
    and path segments, never inside one: "dnautik" stays whole."""
    d.set_window_size(375, 800)
    try:
        for path in paths:
            d.get(path if path.startswith("file:") else URL + path)
            wait_for(d, "main, body")
            got = d.execute_script(WORDS_JS, ["dnautik", "content",
                                              "uploads", "example"])
            name = "standalone" if path.startswith("file:") else \
                path.strip("/").split("?")[0] or "home"
            check("narrow_%s_no_element_wider %s" % (name, got[:2]),
                  got[0] <= got[1] and not got[2], got)
            check("narrow_%s_indicators_whole" % name, not got[3], got[3])
    finally:
        d.set_window_size(1280, 1600)


def upload_cancelled(d):
    """Cancel while the server imports a file of 400,000 domains: the
    import is stopped and rolled back (none of its domains is found)."""
    path = os.path.join(tempfile.mkdtemp(prefix="chousa-imp."), "cancel.txt")
    with open(path, "w") as f:
        f.writelines("cancel-%d-case.com\n" % i for i in range(400000))
    d.find_element(By.LINK_TEXT, "Import").click()
    wait_for(d, "#import-file-form")
    Select(d.find_element(By.CSS_SELECTOR, "#import-file-form select")
           ).select_by_value("list")
    d.find_element(By.ID, "file-source-name").send_keys("browser-cancel")
    d.find_element(By.ID, "file").send_keys(path)
    d.find_element(By.CSS_SELECTOR,
                   "#import-file-form button[type=submit]").click()
    st = None
    for _ in range(3000):
        st = status_of(d, "import-file-form")
        if st is not None and st[0] == "Importing...":
            break
        time.sleep(0.01)
    check("upload_busy_once_sent", st is not None and
          st[0] == "Importing..." and st[1] == -1, st)
    d.find_element(By.CSS_SELECTOR,
                   "#import-file-form .upload-status button").click()
    time.sleep(0.2)
    st = status_of(d, "import-file-form")
    check("upload_cancel_said", st is not None and
          st[0].startswith("Cancelled: the import was rolled back"), st)
    button = d.find_element(By.CSS_SELECTOR,
                            "#import-file-form button[type=submit]")
    check("upload_form_usable_again", button.is_enabled() and
          button.text == "Import the file", button.text)
    time.sleep(1)
    d.get(URL + "/lookup?q=cancel-7-case.com")
    check("upload_cancelled_import_not_written",
          "browser-cancel" not in d.page_source,
          d.find_element(By.TAG_NAME, "main").text[:300])


def back_to_triage(d, tag, table_url):
    """Back from a report: the triage table again, from its GET (no form
    sent again, no "Confirm Form Resubmission"), by the browser's Back
    and by the report's own link."""
    d.back()
    wait_for(d, "#triage tbody tr")
    src = d.page_source
    check(tag + "back_shows_the_triage_table",
          d.find_elements(By.CSS_SELECTOR, "#triage tbody tr") and
          d.current_url == table_url and "ERR_CACHE_MISS" not in src and
          "Resubmission" not in src, d.current_url + " " + src[:200])
    d.refresh()
    wait_for(d, "#triage tbody tr")
    check(tag + "reload_shows_the_triage_table",
          d.find_elements(By.CSS_SELECTOR, "#triage tbody tr") and
          "ERR_CACHE_MISS" not in d.page_source, d.page_source[:200])


def report_in_app(d, tag, table_url):
    """The served report: its title names the indicator, the app's bar
    comes first (Tab reaches it), and its link goes back to the table."""
    check(tag + "report_titled_with_the_indicator",
          "[.]" in d.title and d.title.endswith(" - chousa report"), d.title)
    back = d.find_elements(By.ID, "back-to-triage")
    check(tag + "report_has_the_bar", back and
          d.find_elements(By.CSS_SELECTOR, "#app-nav button[type=submit]"),
          d.page_source[:300])
    if tag == "":
        ActionChains(d).send_keys(Keys.TAB).perform()
        check("report_tab_reaches_the_bar", d.execute_script(
            "return document.activeElement.closest('#app-nav') !== null"),
            d.execute_script("return document.activeElement.outerHTML"))
    if back:
        back[0].click()
        wait_for(d, "#triage tbody tr")
        check(tag + "report_link_back_to_the_table",
              d.current_url == table_url and
              d.find_elements(By.CSS_SELECTOR, "#triage tbody tr"),
              d.current_url)
        d.back()
        wait_for(d, "#app-nav")


def filter_both_forms(d):
    """The filter finds a row typed defanged or not."""
    box = d.find_element(By.ID, "triage-filter")
    seen = {}
    for q in ("dnautik.com", "www[.]dnautik[.]com", "hxxp://www",
              "http://www.dnautik", "zzz-nothing"):
        box.clear()
        box.send_keys(q)
        seen[q] = len([r for r in d.find_elements(
            By.CSS_SELECTOR, "#triage tbody tr") if r.is_displayed()])
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    check("filter_finds_refanged_and_defanged (%s)" % seen,
          seen["dnautik.com"] >= 1 and
          seen["dnautik.com"] == seen["www[.]dnautik[.]com"] and
          seen["hxxp://www"] >= 1 and
          seen["hxxp://www"] == seen["http://www.dnautik"] and
          seen["zzz-nothing"] == 0, seen)
    check("filter_labelled", d.find_elements(
        By.CSS_SELECTOR, "label[for=triage-filter]"), "no label")


def narrow(d):
    """At 420 px the page does not overflow: the table scrolls inside its
    box, and the Why column can be scrolled to."""
    d.set_window_size(420, 900)
    try:
        time.sleep(0.3)
        page_w = d.execute_script(
            "return [document.documentElement.scrollWidth, innerWidth]")
        box = d.execute_script(
            "var b = document.querySelector('.scroll');"
            "b.scrollLeft = b.scrollWidth;"
            "var w = document.querySelector('#triage th:last-child')"
            ".getBoundingClientRect();"
            "var r = b.getBoundingClientRect();"
            "return [w.left >= r.left - 1, w.right <= r.right + 1, w.width];")
        d.save_screenshot(os.path.join(SHOTS, "triage-narrow.png"))
        d.execute_script("document.querySelector('.scroll').scrollLeft = 0")
        check("narrow_page_does_not_overflow %s" % page_w,
              page_w[0] <= page_w[1], page_w)
        check("narrow_why_column_reachable", box[0] and box[1] and
              box[2] > 100, box)
    finally:
        d.set_window_size(1280, 1600)


def paste_kept(d):
    """The session ends (its cookie gone) with a paste in the form: sent,
    it is refused in words for a person; signed in again, the text is
    back in the form."""
    d.get(URL + "/")
    wait_for(d, "#triage-form")
    d.find_element(By.ID, "text").send_keys("kept text 198.51.100.7")
    d.delete_cookie("chousa_session")
    d.find_element(By.CSS_SELECTOR, "#triage-form button[type=submit]").click()
    time.sleep(0.5)
    said = d.find_element(By.TAG_NAME, "body").text
    check("ended_session_said_for_a_person", "sign in again" in said and
          "Bearer" not in said, said[:200])
    d.get(URL + "/")
    d.find_element(By.ID, "token").send_keys(TOKEN)
    d.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(d, "#triage-form")
    check("paste_back_after_signing_in",
          d.find_element(By.ID, "text").get_attribute("value") ==
          "kept text 198.51.100.7" and d.find_elements(By.ID, "paste-kept"),
          d.find_element(By.ID, "text").get_attribute("value")[:80])
    d.get(URL + "/")
    wait_for(d, "#triage-form")
    check("paste_back_once_only",
          d.find_element(By.ID, "text").get_attribute("value") == "", "")


def sign_in_next(d):
    """Signing in from /login?next=... lands on the page asked for."""
    d.delete_all_cookies()
    d.get(URL + "/login?next=%2Flookup%3Fq%3Dwww.dnautik.com")
    d.find_element(By.ID, "token").send_keys(" " + TOKEN + " ")
    d.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(d, "#lookup")
    check("sign_in_goes_to_next", d.current_url.endswith(
        "/lookup?q=www.dnautik.com") and d.find_elements(By.ID, "lookup"),
        d.current_url)


def triage(d, tag):
    d.find_element(By.ID, "text").send_keys(EMAIL + "\nalso " + HOSTILE +
                                             "\n")
    d.find_element(By.CSS_SELECTOR, "#triage-form button[type=submit]").click()
    wait_for(d, "#triage tbody tr")
    rows = d.find_elements(By.CSS_SELECTOR, "#triage tbody tr")
    check(tag + "triage_table_has_rows", len(rows) >= 3, len(rows))
    if not rows:
        return rows
    verdicts = [r.find_element(By.CSS_SELECTOR, ".badge").text.lower()
                for r in rows]
    order = {"malicious": 0, "suspicious": 1, "unknown": 2, "benign": 3,
             "invalid": 4, "left out": 5}
    ranks = [order.get(v, 9) for v in verdicts]
    check(tag + "triage_sorted_by_severity", ranks == sorted(ranks), verdicts)
    # The CLI's order (chousa_triage): within malicious, the surer
    # verdict first, the attachment's hash before the URL it came from.
    first, second = rows[0].text, rows[1].text if len(rows) > 1 else ""
    check(tag + "triage_worst_first_as_the_cli",
          verdicts[:2] == ["malicious", "malicious"] and
          "d7e61d7d" in first and "dnautik" in second,
          [first, second])
    check(tag + "triage_defangs", "www[.]dnautik[.]com" in second, second)
    check(tag + "triage_answered_by_a_get", "/triage?r=" in d.current_url,
          d.current_url)
    return rows


def url_row(rows):
    """The table's row of the e-mail's URL, the one the report checks
    read (its title, its graph)."""
    return [r for r in rows if "dnautik[.]com/wp-content" in r.text][0]


d = browser()
try:
    sign_in(d)
    check("signed_in", d.find_elements(By.ID, "triage-form"), d.page_source[:200])
    cookies = {c["name"]: c for c in d.get_cookies()}
    c = cookies.get("chousa_session", {})
    check("session_cookie_httponly_samesite",
          c.get("httpOnly") and c.get("sameSite") == "Strict", c)
    check("token_not_in_cookie", TOKEN not in str(d.get_cookies()), "")
    rows = triage(d, "")
    if not rows:
        sys.exit(1)
    check("filter_box_shown_by_script",
          d.find_element(By.ID, "triage-filter").is_displayed(), "hidden")
    table_url = d.current_url
    filter_both_forms(d)
    d.save_screenshot(os.path.join(SHOTS, "triage.png"))
    narrow(d)
    url_row(rows).find_element(By.CSS_SELECTOR, "a").click()
    wait_for(d, "svg")
    check("report_opens", "chousa report" in d.title and
          d.find_elements(By.CSS_SELECTOR, "h1"), d.title)
    check("report_names_family", "Emotet" in d.page_source, "")
    svgs = d.find_elements(By.CSS_SELECTOR, "svg")
    check("report_has_graph", svgs, "no svg")
    if svgs:
        shot = svgs[0].screenshot_as_png
        open(os.path.join(SHOTS, "graph.png"), "wb").write(shot)
        w, h, px = png_pixels(shot)
        bg = px[0][0]
        drawn = sum(1 for row in px for p in row
                    if max(abs(p[i] - bg[i]) for i in range(3)) > 40)
        colours = len({p for row in px for p in row})
        check("graph_is_drawn (%dx%d, %d drawn pixels, %d colours)"
              % (w, h, drawn, colours),
              w > 100 and h > 50 and drawn > 500 and colours > 8,
              "%d drawn, %d colours" % (drawn, colours))
    d.save_screenshot(os.path.join(SHOTS, "report.png"))
    report_in_app(d, "", table_url)
    back_to_triage(d, "", table_url)
    d.get(URL + "/sources")
    check("sources_page", d.find_elements(By.CSS_SELECTOR, "#sources tbody tr"),
          d.page_source[:200])
    d.get(URL + "/lookup?q=www%5B.%5Ddnautik%5B.%5Dcom")
    check("lookup_page", "malicious" in d.find_element(By.ID, "lookup").text,
          d.page_source[:300])
    d.get(URL + "/lookup?q=" + HOSTILE)
    check("hostile_strings_inert",
          d.execute_script("return window.__pwned === undefined"),
          "a feed string ran")
    rows = sweep(d, "")
    if rows:
        rows[0].find_element(By.CSS_SELECTOR, "a").click()
        wait_for(d, "svg")
        check("sweep_hit_opens_its_report", "chousa report" in d.title
              and "Emotet" in d.page_source, d.title)
    sweep_options(d, "")
    upload_progress(d)
    upload_over_cap(d)
    upload_just_over_cap(d)
    back_reenables_the_form(d)
    narrow_pages(d, ["/report?q=www.dnautik.com", "/sources",
                     "/lookup?q=www%5B.%5Ddnautik%5B.%5Dcom", "/help"])
    narrow_words(d, ["/report?q=http%3A%2F%2Fwww.dnautik.com%2Fwp-content"
                     "%2Fuploads%2FINV_2020-11-27_9931.doc",
                     "/report?q=www.dnautik.com", table_url[len(URL):]] +
                 (["file://" + os.environ["STANDALONE"]]
                  if os.environ.get("STANDALONE") else []))
    wide_pages(d, ["/report?q=" + SHA256] +
               (["file://" + os.environ["STANDALONE"]]
                if os.environ.get("STANDALONE") else []))
    errs = console_errors(d)
    check("no_console_errors", not errs, errs[:2])
    check("no_key_in_pages", "PLANTED" not in d.page_source, "")
    # Last: the 401 they cause is logged as a console error.
    refused_paste_not_refilled(d)
    paste_kept(d)
    sign_in_next(d)
finally:
    d.quit()

# An admin reads back who asked about the worked example's host: the
# analyst's requests above, each input linked to its report.
if ADMIN is not None:
    d = browser()
    try:
        sign_in(d, ADMIN)
        d.find_element(By.LINK_TEXT, "Audit").click()
        wait_for(d, "#audit-form")
        d.find_element(By.ID, "indicator").send_keys("www[.]dnautik[.]com")
        d.find_element(By.CSS_SELECTOR, "#audit-form button[type=submit]"
                       ).click()
        wait_for(d, "#audit tbody tr")
        rows = d.find_elements(By.CSS_SELECTOR, "#audit tbody tr")
        who = {r.find_elements(By.TAG_NAME, "td")[1].text for r in rows}
        check("audit_finds_the_analysts_requests (%d)" % len(rows),
              len(rows) >= 3 and who == {"browser"}, who)
        text = " ".join(r.text for r in rows)
        check("audit_rows_defanged", "www[.]dnautik[.]com" in text and
              "www.dnautik.com" not in text, text[:300])
        check("audit_hostile_strings_inert",
              d.execute_script("return window.__pwned === undefined"),
              "a logged string ran")
        links = d.find_elements(By.CSS_SELECTOR, "#audit tbody a")
        if links:
            links[0].click()
            wait_for(d, "svg")
        check("audit_entry_opens_its_report", links and
              "chousa report" in d.title, d.title)
        narrow_pages(d, ["/audit", "/tokens"])
        errs = console_errors(d)
        check("audit_no_console_errors", not errs, errs[:2])
        # A case's indicators pasted on the Import page: imported, then
        # found by a look-up; a row of markup said as text.
        d.get(URL + "/")
        wait_for(d, "nav")
        d.find_element(By.LINK_TEXT, "Import").click()
        wait_for(d, "#import-form")
        d.find_element(By.ID, "source_name").send_keys("browser-case")
        d.find_element(By.ID, "tag").send_keys("phishing")
        d.find_element(By.ID, "indicators").send_keys(
            "hxxp://pay-browser-case[.]com/login\n198.51.100.99\n"
            "<svg/onload=window.__pwned=1>\n")
        d.find_element(By.CSS_SELECTOR, "#import-form button[type=submit]"
                       ).click()
        wait_for(d, "#import-summary")
        summary = d.find_element(By.ID, "import-summary").text
        check("import_page_imports", "2 added" in summary and
              "1 rejected" in summary, summary)
        rejects = d.find_elements(By.CSS_SELECTOR, "#rejects li")
        check("import_page_reject_said_as_text", rejects and
              "<svg/onload" in rejects[0].text and
              d.execute_script("return window.__pwned === undefined"),
              [r.text for r in rejects])
        d.find_element(By.LINK_TEXT, "Look-up").click()
        wait_for(d, "input[name=q]")
        box = d.find_element(By.CSS_SELECTOR, "input[name=q]")
        box.send_keys("pay-browser-case[.]com")
        submit_wait(d, box, "main table, main p")
        check("import_page_then_found", "browser-case" in d.page_source,
              d.find_element(By.TAG_NAME, "main").text[:300])
        # A file on the same page: a STIX bundle of OASIS's examples,
        # detected, imported under its source name, then found.
        d.find_element(By.LINK_TEXT, "Import").click()
        wait_for(d, "#import-file-form")
        d.find_element(By.ID, "file-source-name").send_keys("browser-stix")
        d.find_element(By.ID, "file").send_keys(os.path.abspath(
            os.path.join(os.path.dirname(__file__), "..", "data", "samples",
                         "import", "stix", "oasis", "cti-documentation__"
                         "malware-indicator-for-file-hash.json")))
        d.find_element(By.CSS_SELECTOR,
                       "#import-file-form button[type=submit]").click()
        wait_for(d, "#import-summary, #import-error")
        summary = d.find_element(By.TAG_NAME, "main").text
        check("import_file_imports", "browser-stix" in summary and
              "1 added" in summary, summary[:300])
        d.find_element(By.LINK_TEXT, "Look-up").click()
        wait_for(d, "input[name=q]")
        box = d.find_element(By.CSS_SELECTOR, "input[name=q]")
        box.send_keys("ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765"
                      "448c8635fb6c")
        submit_wait(d, box, "main table, main p")
        check("import_file_then_found", "browser-stix" in d.page_source,
              d.find_element(By.TAG_NAME, "main").text[:300])
        upload_cancelled(d)
        errs = console_errors(d)
        check("import_no_console_errors", not errs, errs[:2])
        # The Tokens page: a token made, shown once, then rotated from its
        # row; the form's pattern and the page raise no console error.
        d.find_element(By.LINK_TEXT, "Tokens").click()
        wait_for(d, "#token-form")
        d.find_element(By.ID, "token-name").send_keys("browser-bot")
        d.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]"
                       ).click()
        wait_for(d, "#new-token")
        made = d.find_element(By.ID, "new-token").text
        check("tokens_page_creates", made.startswith("chousa_"), made[:20])
        row = [r for r in d.find_elements(By.CSS_SELECTOR, "#tokens tbody tr")
               if r.find_elements(By.TAG_NAME, "td")[1].text == "browser-bot"]
        check("tokens_page_lists_it", len(row) == 1, len(row))
        if row:
            # Rotated into a token that ends in 30 days, where the one
            # it replaces never ended.
            row[0].find_element(By.CSS_SELECTOR, "form[action='/tokens/"
                                "rotate'] input[name=expires]").send_keys("30d")
            row[0].find_element(By.CSS_SELECTOR,
                                "form[action='/tokens/rotate'] button").click()
            wait_for(d, "#new-token")
            again = d.find_element(By.ID, "new-token").text
            check("tokens_page_rotates", again.startswith("chousa_") and
                  again != made, again[:20])
            said = d.find_element(By.ID, "tokens-said").text
            check("tokens_page_rotates_with_an_end", "until" in said, said)
        errs = console_errors(d)
        check("tokens_no_console_errors", not errs, errs[:2])
    finally:
        d.quit()

# With JavaScript off: the same pages work.
d = browser(js=False)
try:
    sign_in(d)
    rows = triage(d, "nojs_")
    table_url = d.current_url
    rows and url_row(rows).find_element(By.CSS_SELECTOR, "a").click()
    wait_for(d, "svg")
    check("nojs_report_opens", "chousa report" in d.title and
          d.find_elements(By.CSS_SELECTOR, "svg"), d.title)
    report_in_app(d, "nojs_", table_url)
    back_to_triage(d, "nojs_", table_url)
    sweep(d, "nojs_")
    sweep_options(d, "nojs_")
finally:
    d.quit()
