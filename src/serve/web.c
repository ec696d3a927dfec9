/*
 * web.c: the web page.  Plain HTML forms answered by the server, so every
 * page works with JavaScript off; /static/app.js only adds comfort (busy
 * buttons, a filter over the triage table, an upload's progress and its
 * Cancel).  Paste an e-mail or any
 * text: its indicators are investigated and shown as a triage table,
 * worst first; each links to its full report, which is the HTML renderer's
 * page with its evidence graph.  Upload a log: its hits come back as a
 * table (sweep.c reads the form as it comes).  An admin imports a case's
 * indicators, pasted or as a file (api_import.c).  Signing in takes a
 * token once and gives
 * an HttpOnly, SameSite=Strict session cookie; every form that changes
 * anything carries the session's CSRF token.  No page has inline script,
 * and the Content-Security-Policy says so: the report's own style block is
 * allowed by its hash only.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "base/digest.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "serve/serve.h"

/* ---- the static files ---- */

static const char app_css[] =
    "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;"
    "margin:0;color:#111827;background:#f9fafb}\n"
    "nav{background:#111827;padding:8px 16px}\n"
    "nav a,nav button{color:#f9fafb;margin-right:18px;text-decoration:none;"
    "background:none;border:0;font:inherit;cursor:pointer;padding:0;"
    "white-space:nowrap;display:inline-block}\n"
    ".skip{position:absolute;left:-9999px}\n"
    ".skip:focus{left:8px;top:8px;background:#fff;color:#1d4ed8;"
    "padding:4px 8px;z-index:9}\n"
    "nav form,form.inline{display:inline}\n"
    "main{max-width:1100px;margin:0 auto;padding:8px 16px 40px}\n"
    "h1{font-size:22px}h2{font-size:18px}\n"
    "textarea{width:100%;min-height:180px;font:13px ui-monospace,monospace}\n"
    "input[type=text],input[type=password]{width:60%;font:inherit;"
    "padding:4px}\n"
    "button.primary{background:#1d4ed8;color:#fff;border:0;padding:6px 16px;"
    "border-radius:4px;font:inherit;cursor:pointer}\n"
    "button.primary:disabled{background:#6b7280}\n"
    "table{border-collapse:collapse;width:100%;background:#fff}\n"
    "th,td{border-bottom:1px solid #e5e7eb;padding:6px 8px;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#f3f4f6}\n"
    "code,pre{font:13px ui-monospace,monospace;overflow-wrap:break-word}\n"
    "pre{background:#fff;border:1px solid #e5e7eb;padding:10px;"
    "white-space:pre-wrap}\n"
    /* Columns of text keep their lines: the box scrolls, the word stays. */
    "pre.wide{white-space:pre;overflow-x:auto;word-break:normal}\n"
    ".field{display:inline-block;margin:0 8px 6px 0;white-space:nowrap}\n"
    ".field input[type=text]{width:12em}\n"
    ".badge{display:inline-block;padding:2px 8px;border-radius:10px;"
    "font-size:12px;font-weight:600;text-transform:uppercase;color:#fff}\n"
    ".v-malicious{background:#b91c1c}.v-suspicious{background:#c2410c}\n"
    ".v-benign{background:#047857}.v-unknown{background:#6b7280}\n"
    ".v-invalid{background:#9ca3af}.v-left{background:#d1d5db;"
    "color:#374151}\n"
    ".error{color:#b91c1c}.muted{color:#6b7280;font-size:13px}\n"
    ".health-ok{color:#15803d}.health-degraded{color:#b45309}"
    ".health-draining,.health-unavailable{color:#b91c1c}\n"
    ".hidden{display:none}\n"
    /* A wide table scrolls inside its box on a narrow screen, the page not. */
    ".scroll{overflow-x:auto;max-width:100%}\n"
    "#triage{min-width:760px}\n"
    ".when{white-space:nowrap}\n"
    "label.filter{margin-right:6px}\n"
    ".upload-status progress{width:240px;vertical-align:middle}\n";

/* In parts, each within the length C99 promises a string literal. */
static const char *const app_js[] = {
    "'use strict';\n"
    "// Comfort only: every page works without this file.\n"
    "function mib(n) {\n"
    "  return (n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0) + ' MiB';\n"
    "}\n"
    "\n"
    "// A size as a person reads it: bytes, KiB or MiB.\n"
    "function size(n) {\n"
    "  if (n < 1024) return n + ' bytes';\n"
    "  if (n < 1048576) return (n / 1024).toFixed(1) + ' KiB';\n"
    "  return mib(n);\n"
    "}\n"
    "\n"
    "// An upload form sent from here instead: its progress shown, Cancel to\n"
    "// stop it (the server stops a sweep or an import whose client leaves),\n"
    "// and the server's page put in place of this one when it answers.\n"
    "function uploadForm(form) {\n"
    "  var button = form.querySelector('button[type=submit]');\n"
    "  var file = form.querySelector('input[type=file]');\n"
    "  var label = button.textContent;\n"
    "  var status = document.createElement('p');\n"
    "  var bar = document.createElement('progress');\n"
    "  var said = document.createElement('span');\n"
    "  var cancel = document.createElement('button');\n"
    "  var x = null;\n"
    "\n"
    "  status.className = 'upload-status hidden';\n"
    "  said.setAttribute('role', 'status');\n"
    "  cancel.type = 'button';\n"
    "  cancel.textContent = 'Cancel';\n"
    "  status.append(bar, ' ', said, ' ', cancel);\n"
    "  form.appendChild(status);\n"
    "  function done(msg, error) {\n"
    "    x = null;\n"
    "    button.disabled = false;\n"
    "    button.textContent = label;\n"
    "    bar.classList.add('hidden');\n"
    "    cancel.classList.add('hidden');\n"
    "    said.className = error ? 'error' : 'muted';\n"
    "    said.textContent = msg;\n"
    "  }\n"
    "  function answered() {\n"
    "    var type = x.getResponseHeader('Content-Type') || '';\n"
    "    var page;\n"
    "    if (type.indexOf('text/html') !== 0) {\n"
    "      done('The server answered ' + x.status + ' ' + x.statusText + '.',"
    "\n"
    "           true);\n"
    "      return;\n"
    "    }\n"
    "    page = new DOMParser().parseFromString(x.responseText, 'text/html');"
    "\n"
    "    x = null;\n"
    "    document.title = page.title;\n"
    "    document.body.replaceWith(document.adoptNode(page.body));\n"
    "    // Back comes to the form again, as after the page's own post.\n"
    "    history.pushState({ answer: true }, '', location.href);\n"
    "    window.scrollTo(0, 0);\n"
    "    start();\n"
    "  }\n"
    "  cancel.addEventListener('click', function () {\n"
    "    if (x) x.abort();\n"
    "  });\n"
    "  form.addEventListener('submit', function (ev) {\n"
    "    var f = file && file.files[0];\n"
    "    var max = Number(form.dataset.max);\n"
    "    ev.preventDefault();\n"
    "    if (x) return;\n"
    "    status.classList.remove('hidden');\n"
    "    if (f && max && f.size > max) {\n"
    "      var is = size(f.size), most = size(max);\n"
    "      // Just over the cap, rounded sizes would read the same: exact.\n"
    "      if (is === most) { is = f.size + ' bytes'; most = max + ' bytes'; }"
    "\n"
    "      done(f.name + ' is ' + is + ': the server takes at most ' +\n"
    "           most + ' ([server] ' + form.dataset.maxSetting + ').', true);"
    "\n"
    "      return;\n"
    "    }\n"
    "    x = new XMLHttpRequest();\n"
    "    x.open('POST', form.action);\n"
    "    x.upload.addEventListener('progress', function (e) {\n"
    "      if (!e.lengthComputable) return;\n"
    "      bar.value = e.loaded / e.total;\n"
    "      said.textContent = 'Uploading ' + mib(e.loaded) + ' of ' +\n"
    "        mib(e.total) + ' (' + Math.floor(100 * e.loaded / e.total) + '%)"
    "';\n"
    "    });\n"
    "    x.upload.addEventListener('load', function () {\n"
    "      bar.removeAttribute('value');\n"
    "      said.textContent = form.dataset.busy;\n"
    "    });\n"
    "    x.addEventListener('load', answered);\n"
    "    x.addEventListener('error', function () {\n"
    "      done('The upload stopped: the server closed the connection or ' +\n"
    "           'cannot be reached.  Try again.', true);\n"
    "    });\n"
    "    x.addEventListener('abort', function () {\n"
    "      done(form.dataset.cancelled, false);\n"
    "    });\n"
    "    button.disabled = true;\n"
    "    button.textContent = form.dataset.busy;\n"
    "    bar.value = 0;\n"
    "    bar.classList.remove('hidden');\n"
    "    cancel.classList.remove('hidden');\n"
    "    said.className = 'muted';\n"
    "    said.textContent = 'Uploading...';\n"
    "    x.send(new FormData(form));\n"
    "  });\n"
    "}\n",
    "\n"
    "// The table shows indicators defanged (www[.]x[.]com, hxxp://); a\n"
    "// filter typed either way finds them: both sides are refanged.\n"
    "function refang(s) {\n"
    "  return s.toLowerCase()\n"
    "    .replace(/\\[\\.\\]|\\(\\.\\)|\\{\\.\\}|\\[dot\\]/g, '.')\n"
    "    .replace(/\\[:\\]/g, ':').replace(/\\[@\\]|\\[at\\]/g, '@')\n"
    "    .replace(/hxxp/g, 'http').replace(/fxp/g, 'ftp');\n"
    "}\n"
    "\n"
    "// A paste sent while signed out (its session ended) is kept\n"
    "// in this tab only (sessionStorage, gone with the tab) and put back in\n"
    "// the form once signed in again; the server never keeps it.  Only\n"
    "// after the sign-in form: a paste refused for another reason (too\n"
    "// large) is not brought back as if its session had ended.\n"
    "function keepPaste(form) {\n"
    "  var box = form && form.querySelector('textarea');\n"
    "  var kept, said, signedIn;\n"
    "  if (!window.sessionStorage) return;\n"
    "  if (document.getElementById('login-form'))\n"
    "    sessionStorage.setItem('chousa-signin', '1');\n"
    "  if (!box) return;\n"
    "  kept = sessionStorage.getItem('chousa-paste');\n"
    "  signedIn = sessionStorage.getItem('chousa-signin');\n"
    "  sessionStorage.removeItem('chousa-paste');\n"
    "  sessionStorage.removeItem('chousa-signin');\n"
    "  form.addEventListener('submit', function () {\n"
    "    sessionStorage.setItem('chousa-paste', box.value);\n"
    "  });\n"
    "  if (!kept || !signedIn || box.value ||\n"
    "      document.getElementById('triage')) return;\n"
    "  box.value = kept;\n"
    "  said = document.createElement('p');\n"
    "  said.id = 'paste-kept';\n"
    "  said.className = 'muted';\n"
    "  said.textContent = 'Your text from before you signed in again ' +\n"
    "    'is back in the box: press Investigate to send it.';\n"
    "  form.insertBefore(said, form.firstChild);\n"
    "}\n"
    "\n"
    "function start() {\n"
    "  var triage = document.getElementById('triage-form');\n"
    "  var filter = document.getElementById('triage-filter');\n"
    "  var table = document.getElementById('triage');\n"
    "  if (triage) {\n"
    "    triage.addEventListener('submit', function () {\n"
    "      var b = triage.querySelector('button[type=submit]');\n"
    "      if (!b) return;\n"
    "      b.dataset.label = b.textContent;\n"
    "      b.disabled = true;\n"
    "      b.textContent = 'Investigating...';\n"
    "    });\n"
    "  }\n"
    "  if (window.XMLHttpRequest && window.FormData && window.DOMParser)\n"
    "    document.querySelectorAll('form[data-busy]').forEach(uploadForm);\n"
    "  if (filter && table) {\n"
    "    filter.parentNode.classList.remove('hidden');\n"
    "    filter.addEventListener('input', function () {\n"
    "      var q = refang(filter.value);\n"
    "      var rows = table.tBodies[0].rows;\n"
    "      for (var i = 0; i < rows.length; i++) {\n"
    "        var hit = refang(rows[i].textContent).indexOf(q) >= 0;\n"
    "        rows[i].classList.toggle('hidden', !hit);\n"
    "      }\n"
    "    });\n"
    "  }\n"
    "  keepPaste(triage);\n"
    "  // An error page's Back goes back, not to Triage, when it can.\n"
    "  document.querySelectorAll('a.back').forEach(function (a) {\n"
    "    a.addEventListener('click', function (ev) {\n"
    "      if (history.length < 2) return;\n"
    "      ev.preventDefault();\n"
    "      history.back();\n"
    "    });\n"
    "  });\n"
    "}\n"
    "\n"
    "window.addEventListener('popstate', function () {\n"
    "  location.reload();\n"
    "});\n"
    "// Back to a page the browser kept whole (its back/forward cache): its\n"
    "// buttons were left busy by the submit that left it.\n"
    "window.addEventListener('pageshow', function (ev) {\n"
    "  if (!ev.persisted) return;\n"
    "  document.querySelectorAll('#triage-form button[type=submit]')\n"
    "    .forEach(function (b) {\n"
    "      b.disabled = false;\n"
    "      b.textContent = b.dataset.label || 'Investigate';\n"
    "    });\n"
    "});\n"
    "document.addEventListener('DOMContentLoaded', start);\n"
};

/* A magnifier, so browsers find an icon instead of logging a 404. */
static const char favicon_svg[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">"
    "<circle cx=\"6.5\" cy=\"6.5\" r=\"4.5\" fill=\"none\" "
    "stroke=\"#1d4ed8\" stroke-width=\"2\"/><path d=\"M10 10l5 5\" "
    "stroke=\"#1d4ed8\" stroke-width=\"2\"/></svg>\n";

static int
h_icon(struct sreq *r)
{
	r->ctype = "image/svg+xml";
	chousa_buf_add(&r->out, favicon_svg, sizeof(favicon_svg) - 1);
	return 0;
}

static int
h_css(struct sreq *r)
{
	r->ctype = "text/css; charset=utf-8";
	chousa_buf_add(&r->out, app_css, sizeof(app_css) - 1);
	return 0;
}

static int
h_js(struct sreq *r)
{
	size_t i;

	r->ctype = "text/javascript; charset=utf-8";
	for (i = 0; i < sizeof(app_js) / sizeof(app_js[0]); i++)
		chousa_buf_adds(&r->out, app_js[i]);
	return 0;
}

/* ---- page pieces ---- */

/*
 * The query parameters each page takes: any other, or one given twice, is
 * a 400 page naming it, as on the API (a link mistyped or cut is said, not
 * answered as if it asked something else).
 */
static const char *const no_keys[] = { NULL };
static const char *const login_keys[] = { "next", "why", NULL };
static const char *const triage_keys[] = { "r", NULL };
static const char *const report_keys[] = { "q", "online", "from", "r",
	NULL };
static const char *const lookup_keys[] = { "q", NULL };
static const char *const tokens_keys[] = { "unused_for", "r", NULL };

static void
html(struct chousa_buf *b, const char *s)
{
	chousa_esc_html(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* A query-string value, %-encoded. */
static void
urlenc(struct chousa_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p) != NULL)
			chousa_buf_addch(b, *p);
		else
			chousa_buf_addf(b, "%%%02X", *p);
	}
}

static void
csrf_field(struct sreq *r)
{
	chousa_buf_adds(&r->out, "<input type=\"hidden\" name=\"csrf\" "
	    "value=\"");
	html(&r->out, r->sess.csrf);
	chousa_buf_adds(&r->out, "\">");
}

/*
 * The pages' bar, to b: every page, and a report the server serves; back
 * (a kept triage table's id, NULL: none) adds a link back to that table.
 */
static void
nav_html(struct sreq *r, struct chousa_buf *b, const char *back)
{
	chousa_buf_adds(b, "<nav id=\"app-nav\">");
	if (back != NULL) {
		chousa_buf_adds(b, "<a href=\"/triage?r=");
		html(b, back);
		chousa_buf_adds(b, "\" id=\"back-to-triage\">&larr; Back to the "
		    "triage table</a>");
	}
	chousa_buf_adds(b, "<a href=\"/\">Triage</a><a href=\"/lookup\">"
	    "Look-up</a><a href=\"/sources\">Sources</a>");
	if (r->who.role >= CHOUSA_ROLE_ADMIN)
		chousa_buf_adds(b, "<a href=\"/import\">Import</a><a href=\""
		    "/audit\">Audit</a><a href=\"/tokens\">Tokens</a>");
	chousa_buf_adds(b, "<a href=\"/help\">Help</a>");
	/* Signed in by the proxy: signing out is the proxy's. */
	if (strcmp(r->who.via, "proxy") == 0) {
		chousa_buf_adds(b, "<span id=\"signed-in\">");
		html(b, r->who.name);
		chousa_buf_adds(b, "</span></nav>");
		return;
	}
	chousa_buf_adds(b, "<form method=\"post\" action=\"/logout\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"");
	html(b, r->sess.csrf);
	chousa_buf_adds(b, "\"><button type=\"submit\">Sign out (");
	html(b, r->who.name);
	chousa_buf_adds(b, ")</button></form></nav>");
}

/*
 * What a page may not do, besides the server's CSP: use the camera, the
 * microphone or the position, or share its window with a page of another
 * origin it opened or was opened by.
 */
static void
page_headers(struct sreq *r)
{
	req_header_add(r, "Permissions-Policy", "camera=(), microphone=(), "
	    "geolocation=(), payment=(), usb=()");
	req_header_add(r, "Cross-Origin-Opener-Policy", "same-origin");
}

static void
page_begin(struct sreq *r, const char *title)
{
	r->ctype = "text/html; charset=utf-8";
	chousa_buf_adds(&r->out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\""
	    "width=device-width, initial-scale=1\"><title>");
	html(&r->out, title);
	chousa_buf_adds(&r->out, " - chousa</title><link rel=\"stylesheet\" "
	    "href=\"/static/app.css\"><script src=\"/static/app.js\" defer>"
	    "</script></head>\n<body><a class=\"skip\" href=\"#main\">Skip "
	    "to the page</a>");
	page_headers(r);
	if (r->has_session)
		nav_html(r, &r->out, NULL);
	chousa_buf_adds(&r->out, "<main id=\"main\">\n<h1>");
	html(&r->out, title);
	chousa_buf_adds(&r->out, "</h1>\n");
}

static void
page_end(struct sreq *r)
{
	chousa_buf_adds(&r->out, "</main></body></html>\n");
}

/*
 * A form that changes something must carry the session's CSRF token, and
 * come from this site when the browser says where it comes from.
 */
static int
same_origin(struct sreq *r)
{
	const char *origin = req_header(r, "Origin");
	const char *host = req_header(r, "Host");
	const char *p;

	if (origin == NULL || strcmp(origin, "null") == 0)
		return origin == NULL;
	if (host == NULL)
		return 0;
	p = strstr(origin, "://");
	return p != NULL && strcmp(p + 3, host) == 0;
}

static int
csrf_valid(struct sreq *r, const char *token)
{
	return r->has_session && token != NULL &&
	    auth_secret_eq(token, r->sess.csrf) && same_origin(r);
}

static int
csrf_ok(struct sreq *r)
{
	if (!csrf_valid(r, req_form(r, "csrf"))) {
		req_error(r, 403, "the form is stale or from another site: "
		    "reload the page");
		return 0;
	}
	return 1;
}

/*
 * Whether r's session is an admin's; else refused with a 403 page that
 * says what the role may not do (what: "revoke tokens") and the target
 * (the form's name) in the audit line.  The Tokens routes take any
 * session and ask this, so that a refusal says which token someone tried
 * to act on, and a signed-in analyst is told why rather than sent to the
 * sign-in form as if signed out.
 */
static int
admin_only(struct sreq *r, const char *what)
{
	const char *name = r->method == M_POST ? req_form(r, "name") : NULL;

	if (r->who.role >= CHOUSA_ROLE_ADMIN)
		return 1;
	if (name != NULL)
		req_audit_input(r, name);
	r->status = 403;
	r->refusal = chousa_arena_printf(r->a, "role '%s' may not %s",
	    chousa_role_name(r->who.role), what);
	page_begin(r, "Not allowed");
	chousa_buf_adds(&r->out, "<p class=\"error\" id=\"refused\">Your "
	    "role (");
	html(&r->out, chousa_role_name(r->who.role));
	chousa_buf_addf(&r->out, ") may not %s: that takes an admin's token.  "
	    "<a href=\"/login\">Sign in with another token</a>.</p>", what);
	page_end(r);
	return 0;
}

/* ---- signing in and out ---- */


/*
 * Where to go once signed in: next when it is a path of this site (one
 * '/' then not another, nor a '\\' a browser reads as one, and no control
 * character), else the Triage page.  So a link to a report, followed while
 * signed out, comes back to the report, and no next sends anyone to
 * another site.
 */
static const char *
local_next(const char *next)
{
	const unsigned char *p;

	if (next == NULL || next[0] != '/' || next[1] == '/' ||
	    next[1] == '\\' || strlen(next) > 2000)
		return "/";
	for (p = (const unsigned char *)next; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return "/";
	return next;
}

struct query_copy {
	struct chousa_buf	*b;
	int			 n;
};

static enum MHD_Result
query_arg(void *arg, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct query_copy *q = arg;

	(void)kind;
	chousa_buf_addch(q->b, q->n++ == 0 ? '?' : '&');
	urlenc(q->b, key);
	if (value != NULL) {
		chousa_buf_addch(q->b, '=');
		urlenc(q->b, value);
	}
	return MHD_YES;
}

static const char *login_why_word(const char *refusal);

const char *
web_login_location(struct sreq *r)
{
	struct chousa_buf next, to;
	struct query_copy q = { &next, 0 };
	const char *loc, *why = login_why_word(r->refusal);

	if (r->path == NULL || r->method != M_GET || strcmp(r->path, "/") == 0)
		return why == NULL ? "/login" : chousa_arena_printf(r->a,
		    "/login?why=%s", why);
	chousa_buf_init(&next, 8192);
	chousa_buf_init(&to, 3 * 8192);
	chousa_buf_adds(&next, r->path);
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_arg,
	    &q);
	chousa_buf_adds(&to, "/login?next=");
	if (next.failed == CHOUSA_OK)
		urlenc(&to, local_next(next.data));
	if (why != NULL)
		chousa_buf_addf(&to, "&why=%s", why);
	loc = next.failed == CHOUSA_OK && to.failed == CHOUSA_OK ?
	    chousa_arena_strdup(r->a, to.data) : NULL;
	chousa_buf_release(&next);
	chousa_buf_release(&to);
	return loc != NULL ? loc : "/login";
}

static void
login_form(struct sreq *r, const char *next)
{
	next = local_next(next);
	chousa_buf_adds(&r->out, "<p>Sign in with the chousa token you were "
	    "given: ask your chousa admin for one if you have none.  <span "
	    "class=\"muted\">(Admins make them with <code>chousa token "
	    "create</code>, or on the Tokens page.)</span></p><form "
	    "method=\"post\" action=\"/login\" id=\"login-form\">");
	if (strcmp(next, "/") != 0) {
		chousa_buf_adds(&r->out, "<input type=\"hidden\" name=\"next\" "
		    "value=\"");
		html(&r->out, next);
		chousa_buf_adds(&r->out, "\">");
	}
	chousa_buf_adds(&r->out, "<p><label for=\"token\">Token</label> "
	    "<input type=\"password\" name=\"token\" id=\"token\" "
	    "autocomplete=\"off\" required autofocus></p><p><button class=\"primary\" "
	    "type=\"submit\">Sign in</button></p></form>");
}

/*
 * The token as pasted, without the spaces and line ends around it (a
 * copy from a terminal or a chat holds them); NULL when none is left.
 */
static const char *
token_trimmed(struct sreq *r, const char *tok)
{
	size_t n;

	if (tok == NULL)
		return NULL;
	tok += strspn(tok, " \t\r\n");
	for (n = strlen(tok); n > 0 && strchr(" \t\r\n", tok[n - 1]) != NULL;
	    n--)
		;
	return n > 0 ? chousa_arena_strndup(r->a, tok, n) : NULL;
}

/*
 * Why a page sent its session here (why= of web_login_location): one of a
 * few words, so that a link cannot put its own text on the sign-in page.
 */
static const char *const login_whys[][2] = {
	{ "revoked", "Your token was revoked: ask your chousa admin for "
	    "another." },
	{ "expired", "Your token has expired: ask your chousa admin for "
	    "another." },
	{ "ended", "Your session has ended (a session lasts 8 hours, and "
	    "signing out ends it): sign in again." },
};

static void
login_why(struct sreq *r, const char *why)
{
	size_t i;

	for (i = 0; why != NULL && i < sizeof(login_whys) /
	    sizeof(login_whys[0]); i++)
		if (strcmp(why, login_whys[i][0]) == 0)
			chousa_buf_addf(&r->out, "<p class=\"error\" id=\""
			    "login-why\">%s</p>", login_whys[i][1]);
}

/* The why= word of a refusal auth_identify gave a page, NULL: none. */
static const char *
login_why_word(const char *refusal)
{
	if (refusal == NULL)
		return NULL;
	if (strcmp(refusal, "revoked token") == 0)
		return "revoked";
	if (strcmp(refusal, "expired token") == 0)
		return "expired";
	if (strncmp(refusal, "your session has ended", 22) == 0)
		return "ended";
	return NULL;
}

static int
h_login_page(struct sreq *r)
{
	/* Signed in by the proxy already: the form cannot add to it. */
	if (r->has_session && strcmp(r->who.via, "proxy") == 0) {
		req_header_add(r, "Location", "/");
		r->status = 303;
		return 0;
	}
	if (!req_known_args(r, login_keys))
		return 0;
	page_begin(r, "Sign in");
	login_why(r, req_arg(r, "why"));
	login_form(r, req_arg(r, "next"));
	page_end(r);
	return 0;
}

static int
h_login(struct sreq *r)
{
	const char *tok = token_trimmed(r, req_form(r, "token"));
	const char *refusal = NULL;
	/* Nobody until a token says who: a form without one is audited so. */
	struct principal who = r->who;
	struct session s;
	char hex[65];
	const char *cookie;
	long retry = 0;
	int first, rc;

	if (!same_origin(r))
		return req_error(r, 403, "the form is from another site");
	if (!auth_login_take(r->srv->auth, r->peer, &retry, &first)) {
		char *ra = chousa_arena_printf(r->a, "%ld", retry);

		/* A flood is audited once, not once a try. */
		r->quiet = !first;
		if (ra != NULL)
			req_header_add(r, "Retry-After", ra);
		return req_error(r, 429, "too many sign-ins from your address: "
		    "try again in %ld s", retry);
	}
	if (tok == NULL || !auth_token(r->srv, r, tok, &who, hex, &refusal) ||
	    who.role == CHOUSA_ROLE_NONE) {
		/* The form again, saying why, still going where it was. */
		r->who = who;
		r->refusal = refusal != NULL ? refusal : "no token";
		r->status = 401;
		page_begin(r, "Sign in");
		chousa_buf_adds(&r->out, "<p class=\"error\" id=\"login-error"
		    "\">That token was refused: ");
		html(&r->out, r->refusal);
		chousa_buf_adds(&r->out, ".</p>");
		login_form(r, req_form(r, "next"));
		page_end(r);
		return 0;
	}
	r->who = who;
	r->who.via = "session";
	rc = auth_session_new(r->srv, &who, hex, &s);
	if (rc == AUTH_SESSIONS_NOROOM)
		return req_error(r, req_status(CHOUSA_ESTORE, 400), "%s",
		    auth_sessions_noroom);
	if (rc == AUTH_SESSIONS_FULL || rc == AUTH_SESSIONS_STORE) {
		req_header_add(r, "Retry-After", rc == AUTH_SESSIONS_FULL ?
		    "60" : "1");
		return req_error(r, 503, "%s", rc == AUTH_SESSIONS_FULL ?
		    auth_sessions_full : auth_sessions_unkept);
	}
	if (rc != 0)
		return req_error(r, 500, "no random bytes for a session");
	cookie = auth_session_cookie(r, &s);
	explicit_bzero(&s, sizeof(s));
	if (cookie == NULL)
		return req_error(r, 500, "out of memory");
	req_header_add(r, "Set-Cookie", cookie);
	req_header_add(r, "Location", local_next(req_form(r, "next")));
	r->status = 303;
	return 0;
}

static int
h_logout(struct sreq *r)
{
	const char *cookie;

	if (!csrf_ok(r))
		return 0;
	auth_session_end(r->srv, r->sess.id);
	cookie = auth_session_cookie(r, NULL);
	if (cookie != NULL)
		req_header_add(r, "Set-Cookie", cookie);
	req_header_add(r, "Location", "/login");
	r->status = 303;
	return 0;
}

/*
 * GET /logout, as a link or a typed address: signing out is a form (a
 * link from another page must not end a session), so the page offers it.
 */
static int
h_logout_page(struct sreq *r)
{
	if (!req_known_args(r, no_keys))
		return 0;
	page_begin(r, "Sign out");
	if (strcmp(r->who.via, "proxy") == 0) {
		chousa_buf_adds(&r->out, "<p>You were signed in by your "
		    "organisation's sign-on: sign out there.</p>");
		page_end(r);
		return 0;
	}
	chousa_buf_adds(&r->out, "<form method=\"post\" action=\"/logout\" "
	    "id=\"logout-form\">");
	csrf_field(r);
	chousa_buf_adds(&r->out, "<p>Signed in as <strong>");
	html(&r->out, r->who.name);
	chousa_buf_adds(&r->out, "</strong>.</p><p><button class=\"primary\" "
	    "type=\"submit\">Sign out</button></p></form>");
	page_end(r);
	return 0;
}

/* ---- errors ---- */

int
web_path(const char *path)
{
	return path != NULL && (strncmp(path, "/api/", 5) != 0 &&
	    strcmp(path, "/api") != 0 && strncmp(path, "/mcp", 4) != 0 &&
	    strcmp(path, "/metrics") != 0);
}

static const char *
status_title(int status)
{
	switch (status) {
	case 400: return "Bad request";
	case 401: return "Not signed in";
	case 403: return "Not allowed";
	case 404: return "Not found";
	case 405: return "Not here";
	case 413: return "Too large";
	case 429: return "Too many requests";
	case 503: return "Busy";
	case 507: return "No room to write";
	default: return status >= 500 ? "Server error" : "Refused";
	}
}

void
web_error_page(struct sreq *r, int status, const char *msg)
{
	char title[64];

	/* A path no route has: its bar needs the session looked up. */
	if (r->route == NULL && !r->has_session && r->conn != NULL &&
	    r->method == M_GET && r->srv != NULL && r->srv->auth != NULL)
		(void)auth_web_session(r->srv, r);
	snprintf(title, sizeof(title), "%s (%d)", status_title(status),
	    status);
	page_begin(r, title);
	chousa_buf_adds(&r->out, "<p class=\"error\" id=\"error\">");
	html(&r->out, msg);
	/* app.js goes back in the history; without it, to Triage. */
	chousa_buf_adds(&r->out, "</p><p><a href=\"/\" class=\"back\" "
	    "id=\"back\">Back</a></p>");
	page_end(r);
}

/* ---- the triage page ---- */

static void
paste_form(struct sreq *r, const char *text)
{
	chousa_buf_adds(&r->out, "<form method=\"post\" action=\"/triage\" "
	    "id=\"triage-form\">");
	csrf_field(r);
	chousa_buf_adds(&r->out, "<p><label for=\"text\">Paste an e-mail, an "
	    "alert or any text: every indicator in it is investigated.</label>"
	    "</p><p><textarea name=\"text\" id=\"text\" required>");
	html(&r->out, text);
	chousa_buf_adds(&r->out, "</textarea></p><p>");
	if (r->who.role >= CHOUSA_ROLE_INVESTIGATE)
		chousa_buf_adds(&r->out, "<label><input type=\"checkbox\" "
		    "name=\"online\" value=\"1\"> Also ask the online services "
		    "(spends the team's quota)</label> ");
	chousa_buf_adds(&r->out, "<label><input type=\"checkbox\" "
	    "name=\"all\" value=\"1\"> Also the e-mail's recipients and "
	    "the reference sites it cites</label> ");
	chousa_buf_adds(&r->out, "<button class=\"primary\" type=\"submit\">"
	    "Investigate</button></p></form>\n");
}

/* n bytes as a person reads them: 1 GiB, 8 MiB, 1.5 MiB, 300 bytes. */
static void
size_text(struct chousa_buf *b, uint64_t n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		chousa_buf_addf(b, "%llu bytes", (unsigned long long)n);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	if (v == (double)(uint64_t)v)
		chousa_buf_addf(b, "%llu %s", (unsigned long long)v, unit[u]);
	else
		chousa_buf_addf(b, "%.1f %s", v, unit[u]);
}

/*
 * An upload form's start, with what app.js needs to send it itself: the
 * cap on the body (so a file over it is said before it is sent), the word
 * for the server's work once the file is up, and what a Cancel means.
 */
static void
upload_form_begin(struct sreq *r, const char *action, const char *id,
    uint64_t max, const char *setting, const char *busy,
    const char *cancelled)
{
	chousa_buf_addf(&r->out, "<form method=\"post\" action=\"%s\" "
	    "enctype=\"multipart/form-data\" id=\"%s\" data-max=\"%llu\" "
	    "data-max-setting=\"%s\" data-busy=\"%s\" data-cancelled=\"%s\">",
	    action, id, (unsigned long long)max, setting, busy, cancelled);
	/*
	 * Every field before the file: the server reads them, and checks
	 * the CSRF token, before the file's bytes.
	 */
	csrf_field(r);
}

static void
sweep_form_html(struct sreq *r)
{
	const char *const *names = chousa_sweep_format_names();
	int i;

	chousa_buf_adds(&r->out, "<h2>Sweep a log</h2>");
	upload_form_begin(r, "/sweep", "sweep-form", LIVE(r->srv->max_stream),
	    "sweep_max", "Sweeping...", "Cancelled: the sweep was stopped.");
	chousa_buf_adds(&r->out, "<p><label for=\"log\">A Zeek, Suricata, "
	    "proxy, DNS or web server log, or a capture (gzipped or not): "
	    "every line is matched against the store as it uploads, and the "
	    "log is not kept.  At most ");
	size_text(&r->out, LIVE(r->srv->max_stream));
	chousa_buf_adds(&r->out, ".</label></p><details><summary>Options"
	    "</summary><p><label for=\"log_format\">Log format</label> "
	    "<select name=\"log_format\" id=\"log_format\"><option "
	    "value=\"auto\" selected>detected from the first lines</option>");
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(names[i], "auto") != 0)
			chousa_buf_addf(&r->out, "<option value=\"%s\">%s"
			    "</option>", names[i], names[i]);
	chousa_buf_adds(&r->out, "</select></p><p><label for=\"internal\">"
	    "Internal ranges besides the private ones</label> <input "
	    "type=\"text\" name=\"internal\" id=\"internal\" maxlength="
	    "\"1000\" placeholder=\"198.51.100.0/24, 2001:db8::/32\"></p>"
	    "<p><label><input type=\"checkbox\" name=\"as_of_log_time\" "
	    "id=\"as_of_log_time\" value=\"1\"> Count a hit only if the "
	    "indicator was listed around the line's time,</label> <label "
	    "for=\"window\">within</label> <input type=\"number\" "
	    "name=\"window\" id=\"window\" min=\"0\" max=\"36500\" "
	    "value=\"30\"> days</p></details>"
	    "<p><input type=\"file\" name=\"log\" id=\"log\" required> "
	    "<button class=\"primary\" type=\"submit\">Sweep</button></p>"
	    "</form>\n");
}

static int
h_home(struct sreq *r)
{
	if (!req_known_args(r, no_keys))
		return 0;
	page_begin(r, "Triage");
	paste_form(r, NULL);
	chousa_buf_adds(&r->out, "<h2>Look one up</h2><form method=\"get\" "
	    "action=\"/lookup\"><p><label for=\"home-q\">An indicator, "
	    "defanged or not</label> <input type=\"text\" name=\"q\" "
	    "id=\"home-q\" placeholder=\"hxxp://evil[.]example/x, 1.2.3.4, a "
	    "hash\"> "
	    "<button class=\"primary\" type=\"submit\">Look up</button></p>"
	    "</form>");
	sweep_form_html(r);
	page_end(r);
	return 0;
}

/*
 * A row's indicator, defanged, linked to its report, which links back to
 * the table by its id (kept); an input that is none as written.
 */
static void
triage_cell(struct chousa_buf *b, struct chousa_buf *d,
    const struct chousa_triage_row *row, const char *kept)
{
	if (row->value == NULL) {
		chousa_buf_adds(b, "<code>");
		html(b, row->input);
		chousa_buf_adds(b, "</code>");
		return;
	}
	chousa_buf_reset(d);
	chousa_ioc_defang(d, row->value, strlen(row->value));
	chousa_buf_adds(b, "<a href=\"/report?q=");
	urlenc(b, row->value);
	if (kept != NULL)
		chousa_buf_addf(b, "&amp;from=%s", kept);
	chousa_buf_adds(b, "\"><code>");
	chousa_esc_html_breakable(b, d->data, d->len);
	chousa_buf_adds(b, "</code></a>");
	if (row->field != NULL) {
		chousa_buf_adds(b, " <small>(");
		html(b, row->field);
		chousa_buf_adds(b, ")</small>");
	}
}

/*
 * The triage table of job j, to b, in the order chousa_triage_finish gave
 * it (the CLI's): each indicator linked to its report, which links back
 * to this table by its id (kept).
 */
static void
triage_table(struct sreq *r, struct chousa_buf *b, const char *kept)
{
	struct invjob *j = r->job;
	const struct chousa_triage *t = j->triage;
	struct chousa_buf d;
	int online = !j->io.offline;
	size_t i;

	/*
	 * Its links open the report from the store and the online cache
	 * (what this triage asked online is in it now); the report's own
	 * button goes online again.
	 */

	chousa_buf_init(&d, 1 << 16);
	chousa_buf_addf(b, "<p>%zu indicator%s, worst first (%s). "
	    "Click one for its full report; <a href=\"/help#verdicts\">what "
	    "the verdicts mean</a>.</p><p class=\"hidden\"><label "
	    "class=\"filter\" for=\"triage-filter\">Filter</label><input "
	    "type=\"text\" id=\"triage-filter\" placeholder=\"evil.example, "
	    "emotet\"></p>\n", j->n_inputs, j->n_inputs == 1 ? "" :
	    "s", online ? "store and online services" : "the store and the "
	    "online cache");
	if (j->n_left > 0)
		chousa_buf_addf(b, "<p>%zu indicator%s left out (e-mail "
		    "recipients, reference sites), last in the table.</p>\n",
		    j->n_left, j->n_left == 1 ? "" : "s");
	chousa_buf_adds(b, "<div class=\"scroll\"><table id=\"triage\">"
	    "<thead><tr><th>Verdict</th><th>Indicator</th><th>Type</th>"
	    "<th>Family</th><th>Confidence</th><th>Why</th></tr></thead>"
	    "<tbody>\n");
	for (i = 0; t != NULL && i < t->n_rows; i++) {
		const struct chousa_triage_row *row = &t->rows[i];
		const char *v = row->left_out ? "left" : row->verdict < 0 ?
		    "invalid" : chousa_verdict_name(row->verdict);

		chousa_buf_addf(b, "<tr class=\"row-%s\"><td><span "
		    "class=\"badge v-%s\">%s</span></td><td>", v, v,
		    row->left_out ? "left out" : v);
		triage_cell(b, &d, row, kept);
		chousa_buf_adds(b, "</td><td>");
		if (row->value != NULL)
			html(b, chousa_ioc_type_name(row->type));
		chousa_buf_adds(b, "</td><td>");
		html(b, row->family);
		chousa_buf_adds(b, "</td><td>");
		if (row->family != NULL)
			chousa_buf_addf(b, "%d%%", row->family_confidence);
		chousa_buf_adds(b, "</td><td>");
		/* The CLI's words for a left-out row name its option. */
		if (row->left_out)
			html(b, row->context == CHOUSA_CTX_RECIPIENT ?
			    "a recipient of the message: not investigated" :
			    "a reference site: not investigated");
		else
			html(b, row->evidence);
		chousa_buf_adds(b, "</td></tr>\n");
	}
	chousa_buf_adds(b, "</tbody></table></div>\n");
	chousa_buf_release(&d);
}

/* A triage page: its table (html, NULL: none), then the form again. */
static void
triage_page(struct sreq *r, const char *html_table, size_t len)
{
	page_begin(r, "Triage");
	if (html_table != NULL) {
		chousa_buf_add(&r->out, html_table, len);
		chousa_buf_adds(&r->out, "<h2>Another</h2>");
	}
	paste_form(r, NULL);
	page_end(r);
}

/*
 * The table is kept for the session and the POST answered with a redirect
 * to it (GET /triage?r=ID): Back from a report, and a reload, show it
 * again without investigating again (nor spending quota), and without the
 * browser asking to send the form again.  Shown at once when it cannot be
 * kept.
 */
static int
finish_triage(struct sreq *r)
{
	struct invjob *j = r->job;
	struct chousa_buf t;
	char id[WEB_RESULT_ID_SIZE + 1];
	int kept;

	if (j->rc != CHOUSA_OK)
		return req_error_rc(r, &j->err, 400);
	r->verdicts = api_verdicts(r->a, j);
	r->asked = j->asked[0] ? chousa_arena_strdup(r->a, j->asked) : "store";
	kept = r->has_session && auth_random(id, WEB_RESULT_ID_SIZE) == 0;
	chousa_buf_init(&t, SERVE_MAX_OUTPUT);
	triage_table(r, &t, kept ? id : NULL);
	if (kept && t.failed == CHOUSA_OK &&
	    web_result_put(r->sess.id, id, t.data, t.len) == 0) {
		char *to = chousa_arena_printf(r->a, "/triage?r=%s", id);

		if (to != NULL) {
			chousa_buf_release(&t);
			req_header_add(r, "Location", to);
			r->status = 303;
			return 0;
		}
	}
	triage_page(r, t.data, t.len);
	chousa_buf_release(&t);
	return 0;
}

/* GET /triage?r=ID: a table the session's POST kept, shown again. */
static int
h_triage_again(struct sreq *r)
{
	const char *id = req_arg(r, "r");
	struct chousa_buf t;

	if (!req_known_args(r, triage_keys))
		return 0;
	if (id == NULL) {
		req_header_add(r, "Location", "/");
		r->status = 303;
		return 0;
	}
	chousa_buf_init(&t, SERVE_MAX_OUTPUT);
	if (r->has_session && web_result_get(r->sess.id, id, &t)) {
		triage_page(r, t.data, t.len);
		chousa_buf_release(&t);
		return 0;
	}
	chousa_buf_release(&t);
	r->status = 404;
	r->refusal = "no such triage table kept for this session";
	page_begin(r, "Triage");
	chousa_buf_adds(&r->out, "<p class=\"error\" id=\"triage-gone\">This "
	    "triage table is no longer kept: a table is kept for the session "
	    "that made it, for as long as a session lasts (8 hours), and a "
	    "restart of the server forgets it.  Paste the text again.</p>");
	paste_form(r, NULL);
	page_end(r);
	return 0;
}

/*
 * A checkbox or link flag (value="1" from our pages): absent is no, else
 * the config file's rule (chousa_config_parse_bool); -1 with a 400 for
 * anything else.
 */
static int
flag(struct sreq *r, const char *key, const char *v)
{
	int yes;

	if (v == NULL)
		return 0;
	if (chousa_config_parse_bool(v, &yes) == CHOUSA_OK)
		return yes;
	req_error(r, 400, "'%s' must be yes or no, not '%.40s'", key, v);
	return -1;
}

/*
 * Start j, its inputs and renderer set, as a page asks: its output made
 * ready, its inputs audited, online when asked and the role allows it,
 * else from the store and the online cache (what a colleague's online
 * run paid for, spending nothing), so that a triage table and the
 * reports it links to say the same.
 */
static int
page_submit(struct sreq *r, struct invjob *j, int online,
    int (*finish)(struct sreq *r))
{
	size_t i;

	chousa_buf_init(&j->out, SERVE_MAX_OUTPUT);
	for (i = 0; i < j->n_inputs; i++)
		req_audit_input(r, j->inputs[i]);
	j->io.offline = !online;
	j->io.cache_only = !online;
	if (!j->io.offline && r->who.role < CHOUSA_ROLE_INVESTIGATE)
		return req_error(r, 403, "role '%s' reads the store only",
		    chousa_role_name(r->who.role));
	return req_submit(r, j, finish);
}

static int
h_triage(struct sreq *r)
{
	struct invjob *j = chousa_arena_alloc(r->a, sizeof(*j));
	struct chousa_err err = { 0 };
	const char *text = req_form(r, "text");
	int online, all;

	if (!csrf_ok(r))
		return 0;
	if (j == NULL)
		return req_error(r, 500, "out of memory");
	if (text == NULL || *text == '\0')
		return req_error(r, 400, "paste some text");
	online = flag(r, "online", req_form(r, "online"));
	all = online < 0 ? -1 : flag(r, "all", req_form(r, "all"));
	if (all < 0)
		return 0;
	memset(j, 0, sizeof(*j));
	j->a = r->a;
	j->table = 1;
	/* As investigate --extract: the same inputs, the same left out. */
	if (op_extract_inputs(j, text, strlen(text), all, &err) != CHOUSA_OK)
		return req_error_rc(r, &err, 400);
	if (j->n_inputs == 0) {
		page_begin(r, "Triage");
		chousa_buf_addf(&r->out, "<p class=\"error\">No indicator to "
		    "investigate in that text%s.</p>", j->n_left > 0 ?
		    " (only e-mail recipients and reference sites: tick the "
		    "box to investigate them too)" : "");
		paste_form(r, text);
		page_end(r);
		return 0;
	}
	return page_submit(r, j, online, finish_triage);
}

/* ---- one report ---- */

/*
 * The CSP of a report page: its own style block, by hash, and no script;
 * its forms (the bar's Sign out) post to this site only.
 */
static void
report_csp(struct sreq *r)
{
	const char *s = strstr(r->out.data, "<style>");
	const char *e = s != NULL ? strstr(s, "</style>") : NULL;
	struct store_sha256 c;
	struct chousa_buf b64;
	unsigned char raw[32];
	char hex[65], out[48], *csp;
	size_t i;

	if (e == NULL)
		return;
	s += 7;
	store_sha256_init_with(&c, 0);
	store_sha256_update(&c, s, (size_t)(e - s));
	store_sha256_hex(&c, hex);
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)chousa_hex_byte(hex + 2 * i);
	chousa_buf_init_fixed(&b64, out, sizeof(out));
	digest_base64(&b64, raw, sizeof(raw));
	csp = chousa_arena_printf(r->a, "default-src 'none'; style-src "
	    "'sha256-%s'; img-src data:; base-uri 'none'; form-action 'self'; "
	    "frame-ancestors 'none'", b64.data);
	if (csp != NULL)
		req_header_add(r, "Content-Security-Policy", csp);
}

/* The bar's look in a report, which has its own style and not app.css. */
static const char report_nav_css[] =
    "#app-nav{background:#111827;padding:8px 16px;font-size:15px}"
    "#app-nav a,#app-nav button{color:#f9fafb;margin-right:18px;"
    "text-decoration:none;background:none;border:0;font:inherit;"
    "cursor:pointer;padding:0}#app-nav form{display:inline}"
    "#app-nav a:focus,#app-nav button:focus{outline:2px solid #93c5fd}"
    "#app-nav a,#app-nav span{white-space:nowrap;display:inline-block}"
    "#report-online{background:#eef2ff;padding:6px 16px;margin:0;"
    "font-size:14px}#report-gone{background:#fef3c7;padding:6px 16px;"
    "margin:0;font-size:14px}";

/*
 * The button that asks the online services about q: a POST with the
 * session's CSRF token, since it spends the team's online budget and
 * sends q to third parties, which no link from another page of the site
 * may do.
 */
static void
online_form(struct sreq *r, struct chousa_buf *b, const char *q,
    const char *back)
{
	chousa_buf_adds(b, "<form method=\"post\" action=\"/report\" "
	    "id=\"report-online\"><input type=\"hidden\" name=\"csrf\" "
	    "value=\"");
	html(b, r->sess.csrf);
	chousa_buf_adds(b, "\"><input type=\"hidden\" name=\"q\" value=\"");
	html(b, q);
	chousa_buf_adds(b, "\"><input type=\"hidden\" name=\"online\" "
	    "value=\"1\">");
	if (back != NULL) {
		chousa_buf_adds(b, "<input type=\"hidden\" name=\"from\" "
		    "value=\"");
		html(b, back);
		chousa_buf_adds(b, "\">");
	}
	chousa_buf_adds(b, "This report is from the team's store and the "
	    "answers online services already gave (marked cached, with their "
	    "date).  <button type=\"submit\">Ask the online services "
	    "too</button> (spends your online budget, and sends the indicator "
	    "to them)</form>");
}

/*
 * The renderer's page (the same as chousa investigate --format html) made
 * one of the app's pages: its title names the indicator, defanged, and
 * the app's bar comes first, with a link back to the triage table it was
 * opened from (back, NULL: none).  The report itself is left as it is.
 */
static void
report_in_app(struct sreq *r, const char *q, const char *back,
    int offer_online, int gone)
{
	const char *o = r->out.data, *title, *title_end, *style_end, *body;
	struct chousa_buf b, d;

	if (o == NULL || (title = strstr(o, "<title>")) == NULL ||
	    (title_end = strstr(title, "</title>")) == NULL ||
	    (style_end = strstr(title_end, "</style>")) == NULL ||
	    (body = strstr(style_end, "<body>")) == NULL)
		return;
	chousa_buf_init(&b, SERVE_MAX_OUTPUT);
	chousa_buf_init(&d, 1 << 16);
	chousa_buf_add(&b, o, (size_t)(title - o) + 7);
	chousa_ioc_defang(&d, q, strlen(q));
	html(&b, d.data);
	chousa_buf_adds(&b, " - chousa report");
	chousa_buf_add(&b, title_end, (size_t)(style_end - title_end));
	chousa_buf_adds(&b, report_nav_css);
	body += 6;
	chousa_buf_add(&b, style_end, (size_t)(body - style_end));
	nav_html(r, &b, back);
	/* A kept report's link that outlived it: said, not a bare report. */
	if (gone)
		chousa_buf_adds(&b, "<p id=\"report-gone\">The online report "
		    "this link named is no longer kept for this session (one "
		    "is kept for the session that ran it, for as long as a "
		    "session lasts, and a restart of the server forgets it).  "
		    "Below is the report from the team's store and the answers "
		    "already cached; run it again to ask the online services "
		    "now.</p>");
	if (offer_online)
		online_form(r, &b, q, back);
	chousa_buf_adds(&b, body);
	chousa_buf_release(&d);
	if (b.failed != CHOUSA_OK) {
		chousa_buf_release(&b);
		return;
	}
	chousa_buf_release(&r->out);
	r->out = b;
}

/* A kept triage table's id as a report link carries it; NULL: none. */
static const char *
triage_id(const char *id)
{
	if (id == NULL || strlen(id) != WEB_RESULT_ID_SIZE ||
	    strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") != WEB_RESULT_ID_SIZE)
		return NULL;
	return id;
}

/* A report page's headers, for the page in r->out. */
static void
report_headers(struct sreq *r)
{
	page_headers(r);
	r->ctype = "text/html; charset=utf-8";
	r->csp_set = 1;
	report_csp(r);
}

/*
 * The online report page in r->out is kept for the session and the POST
 * answered with a redirect to a GET of it (Post/Redirect/Get), as the
 * triage table is: a reload and Back show it again from memory, asking no
 * service and spending no quota, and the browser does not offer to send
 * the form again.  0 when it cannot be kept: then it is the answer.
 */
static int
report_redirect(struct sreq *r, const char *q, const char *back)
{
	char id[WEB_RESULT_ID_SIZE + 1];
	struct chousa_buf to;
	const char *loc;

	if (!r->has_session || r->out.failed != CHOUSA_OK ||
	    auth_random(id, WEB_RESULT_ID_SIZE) != 0)
		return 0;
	chousa_buf_init(&to, 8192);
	chousa_buf_adds(&to, "/report?q=");
	urlenc(&to, q);
	chousa_buf_addf(&to, "&r=%s", id);
	if (back != NULL)
		chousa_buf_addf(&to, "&from=%s", back);
	loc = to.failed == CHOUSA_OK ? chousa_arena_strdup(r->a, to.data) :
	    NULL;
	chousa_buf_release(&to);
	if (loc == NULL || web_result_put(r->sess.id, id, r->out.data,
	    r->out.len) != 0)
		return 0;
	chousa_buf_reset(&r->out);
	req_header_add(r, "Location", loc);
	r->status = 303;
	return 1;
}

static int
finish_report(struct sreq *r)
{
	struct invjob *j = r->job;
	const char *back = triage_id(r->method == M_POST ? req_form(r,
	    "from") : req_arg(r, "from"));

	if (j->rc != CHOUSA_OK)
		return req_error_rc(r, &j->err, 400);
	chousa_buf_release(&r->out);
	r->out = j->out;
	chousa_buf_init(&j->out, SERVE_MAX_OUTPUT);
	if (r->has_session)
		report_in_app(r, j->inputs[0], back, j->io.offline &&
		    r->who.role >= CHOUSA_ROLE_INVESTIGATE, r->method !=
		    M_POST && req_arg(r, "r") != NULL);
	r->verdicts = api_verdicts(r->a, j);
	r->asked = j->asked[0] ? chousa_arena_strdup(r->a, j->asked) : "store";
	if (r->method == M_POST && report_redirect(r, j->inputs[0], back))
		return 0;
	report_headers(r);
	return 0;
}

/*
 * GET /report?r=ID: the online report its session's POST kept, shown
 * again without a job (no service asked, no quota spent); 0 when it is
 * not kept (any more: a restart forgets it), and the cache-only report
 * follows, saying so, with its button to ask online again.
 */
static int
report_again(struct sreq *r)
{
	const char *id = req_arg(r, "r");

	if (id == NULL || !r->has_session || !web_result_get(r->sess.id, id,
	    &r->out))
		return 0;
	r->asked = "kept";
	report_headers(r);
	return 1;
}

static int
h_report(struct sreq *r)
{
	struct invjob *j = chousa_arena_alloc(r->a, sizeof(*j));
	int post = r->method == M_POST;
	const char *q = post ? req_form(r, "q") : req_arg(r, "q");
	int online;

	if (post ? !csrf_ok(r) : !req_known_args(r, report_keys))
		return 0;
	if (!post && report_again(r))
		return 0;
	if (j == NULL)
		return req_error(r, 500, "out of memory");
	if (q == NULL || *q == '\0')
		return req_error(r, 400, "which indicator? (?q=...)");
	/*
	 * Online from the report's button only (a POST with the session's
	 * CSRF token): a link's online=1, which a page of another port or
	 * subdomain of this site can have a browser follow, reads the store
	 * and the online cache, which spends nothing and sends nothing: so
	 * every analyst sees what a colleague's online run already paid for.
	 */
	online = flag(r, "online", post ? req_form(r, "online") :
	    req_arg(r, "online"));
	if (online < 0)
		return 0;
	if (!post)
		online = 0;
	memset(j, 0, sizeof(*j));
	j->a = r->a;
	j->inputs = chousa_arena_alloc(r->a, sizeof(*j->inputs));
	if (j->inputs == NULL)
		return req_error(r, 500, "out of memory");
	j->inputs[0] = q;
	j->n_inputs = 1;
	j->renderer = chousa_renderer_find("html");
	j->ro.defang = 1;
	return page_submit(r, j, online, finish_report);
}

/* ---- help ---- */

/*
 * What a verdict means, in short: README's "Verdicts you can act on" and
 * docs/verdict-policy.md are files on the server, not pages an analyst
 * can open.
 */
static int
h_help(struct sreq *r)
{
	if (!req_known_args(r, no_keys))
		return 0;
	page_begin(r, "Help");
	chousa_buf_adds(&r->out, "<h2 id=\"verdicts\">What the verdicts "
	    "mean</h2><dl id=\"verdict-help\">"
	    "<dt><span class=\"badge v-malicious\">malicious</span></dt><dd>A "
	    "feed or service lists this very indicator (the URL, the host, the "
	    "address), on a host nobody vouches for.  Act on it: block it, "
	    "look for it in your logs.</dd>"
	    "<dt><span class=\"badge v-suspicious\">suspicious</span></dt><dd>"
	    "Something close to it is listed: its domain or network, a shared "
	    "platform or CDN that hosts listed content, a listing that a benign "
	    "list contradicts, or reputation reports only.  Look at the report "
	    "before acting: many legitimate users may share it.</dd>"
	    "<dt><span class=\"badge v-benign\">benign</span></dt><dd>A benign "
	    "list (a MISP warninglist, abuse.ch's false positives) covers it "
	    "and nothing lists it.</dd>"
	    "<dt><span class=\"badge v-unknown\">unknown</span></dt><dd>Nothing "
	    "the store (and the online services, when asked) holds says "
	    "anything of it.  Unknown is not clean: ask the online services, or "
	    "look again later.</dd>"
	    "<dt><span class=\"badge v-invalid\">invalid</span></dt><dd>The "
	    "text is not an indicator chousa can look up.</dd></dl>"
	    "<p>The <strong>confidence</strong> says how sure the family named "
	    "is: one source naming it gives at most 70, two agreeing 85, "
	    "three 92, a listing of the indicator itself more than one of its "
	    "host, domain or a related sample; less when sources disagree or "
	    "the host is shared.  Every finding in a "
	    "report says how old its data is.  The whole policy, rule by rule, "
	    "is in <code>docs/verdict-policy.md</code> of chousa's sources; "
	    "your chousa admin has it.</p>"
	    "<h2>Sharing</h2><p>Indicators on these pages are defanged "
	    "(<code>hxxp</code>, <code>[.]</code>) so that nothing pasted from "
	    "them is a live link.  Paste them back either way: chousa reads "
	    "both, and so does the triage table's filter.</p>"
	    "<h2>Signing in</h2><p>A session lasts 8 hours; sign in again with "
	    "your token after it.  Ask your chousa admin for a token.</p>\n");
	page_end(r);
	return 0;
}

/* ---- look-up and sources ---- */

/*
 * A look-up's text, defanged as the triage and report pages are: a page
 * is shared, and a live link in it is one click from the attacker's host.
 */
static void
lookup_text_html(struct sreq *r, const struct chousa_buf *text)
{
	struct chousa_err err = { 0 };
	struct chousa_buf d;

	chousa_buf_init(&d, SERVE_MAX_OUTPUT);
	chousa_buf_adds(&r->out, "<pre id=\"lookup\" class=\"wide\">");
	if (text->data != NULL && chousa_ioc_defang_text(NULL, &d, text->data,
	    text->len, &err) == CHOUSA_OK && d.failed == CHOUSA_OK)
		chousa_esc_html(&r->out, d.data != NULL ? d.data : "", d.len);
	else if (text->data != NULL)
		chousa_esc_html(&r->out, text->data, text->len);
	chousa_buf_adds(&r->out, "</pre>");
	chousa_buf_release(&d);
}

static int
h_lookup(struct sreq *r)
{
	const char *q = req_arg(r, "q");
	struct chousa_err err = { 0 };
	struct chousa_buf text;
	struct lookup_tally t;

	if (!req_known_args(r, lookup_keys))
		return 0;
	page_begin(r, "Look-up");
	chousa_buf_adds(&r->out, "<form method=\"get\" action=\"/lookup\"><p>"
	    "<label for=\"q\">An indicator, defanged or not</label> <input "
	    "type=\"text\" name=\"q\" id=\"q\" placeholder=\"hxxp://evil[.]"
	    "example/x, 1.2.3.4, a hash\" value=\"");
	html(&r->out, q);
	chousa_buf_adds(&r->out, "\"> <button class=\"primary\" type=\"submit\">"
	    "Look up</button></p></form>\n");
	if (q == NULL || *q == '\0')
		chousa_buf_adds(&r->out, "<p id=\"lookup-hint\">Type a URL, a "
		    "domain, an IP address, an e-mail address or a file hash "
		    "(MD5, SHA-1, SHA-256), defanged or not, to see what the "
		    "team's store holds on it: who lists it, since when, and "
		    "for which family.  It asks no online service; a full "
		    "report does.</p>\n");
	else {
		req_audit_input(r, q);
		chousa_buf_init(&text, SERVE_MAX_OUTPUT);
		if (op_lookup(&r->env, r->a, &q, 1, 0, 0, &text, &t,
		    &r->warn, &err) != CHOUSA_OK) {
			chousa_buf_release(&text);
			return req_error_rc(r, &err, 400);
		}
		if (r->warn.n > 0) {
			chousa_buf_adds(&r->out, "<p class=\"error\">");
			html(&r->out, r->warn.msg[0]);
			chousa_buf_adds(&r->out, "</p>");
		} else {
			lookup_text_html(r, &text);
			chousa_buf_adds(&r->out, "<p><a href=\"/report?q=");
			urlenc(&r->out, q);
			chousa_buf_adds(&r->out, "\">Full report</a></p>");
		}
		r->verdicts = op_lookup_verdicts(r->a, &t);
		r->asked = "store";
		chousa_buf_release(&text);
		r->warn.n = 0;
	}
	page_end(r);
	return 0;
}

/* What the signed-in token spent online today, against its budget. */
static void
budget_html(struct sreq *r)
{
	long spent = 0, budget = auth_budget(r->srv, &r->who);

	if (r->who.name[0] == '\0' || r->who.role < CHOUSA_ROLE_INVESTIGATE)
		return;
	if (chousa_store_token_spent(r->env.st, r->who.name,
	    (int64_t)time(NULL), &spent, NULL) != CHOUSA_OK)
		return;
	chousa_buf_adds(&r->out, "<p id=\"budget\">Your token (");
	html(&r->out, r->who.name);
	if (budget > 0)
		chousa_buf_addf(&r->out, ") has spent %ld of its %ld online "
		    "requests today; past them its investigations skip the "
		    "online sources until midnight UTC.  Answers from the "
		    "cache are free.</p>\n", spent, budget);
	else
		chousa_buf_addf(&r->out, ") has spent %ld online requests "
		    "today, with no daily limit.</p>\n", spent);
}

/* The server's health (GET /api/v1/health's checks), what is wrong first. */
static void
health_html(struct sreq *r, const struct chousa_source_row *rows, size_t n)
{
	struct health_report hr;
	size_t i;

	health_run(r, rows, n, NULL, &hr);
	chousa_buf_addf(&r->out, "<p id=\"health\">Server: <strong class=\""
	    "health-%s\">%s</strong>", health_status_name(hr.worst),
	    health_status_name(hr.worst));
	if (hr.worst == H_OK) {
		chousa_buf_adds(&r->out, " (every check passed)</p>\n");
		return;
	}
	chousa_buf_adds(&r->out, "</p><ul id=\"health-checks\">");
	for (i = 0; i < hr.n; i++) {
		if (hr.c[i].status == H_OK)
			continue;
		chousa_buf_addf(&r->out, "<li><strong>%s</strong>: ",
		    hr.c[i].name);
		html(&r->out, hr.c[i].detail != NULL ? hr.c[i].detail :
		    health_status_name(hr.c[i].status));
		chousa_buf_adds(&r->out, "</li>");
	}
	chousa_buf_adds(&r->out, "</ul>\n");
}

/* A local source's data: when its feed was imported, and whether stale. */
static void
feed_age_html(struct sreq *r, const struct chousa_source_row *s)
{
	char when[32];

	if (s->is_online || !s->fresh.known) {
		chousa_buf_adds(&r->out, "-");
		return;
	}
	if (s->fresh.updated_at == 0) {
		chousa_buf_adds(&r->out, "never imported");
		return;
	}
	chousa_time_format(s->fresh.updated_at, when, sizeof(when));
	chousa_buf_addf(&r->out, "<span class=\"when\">%s</span>", when);
	if (s->fresh.stale)
		chousa_buf_adds(&r->out, " <span class=\"error\">stale</span>");
}

static int
h_sources(struct sreq *r)
{
	struct chousa_err err = { 0 };
	struct chousa_source_row *rows;
	size_t i, n;

	if (!req_known_args(r, no_keys))
		return 0;
	if (chousa_sources_state(r->env.st, r->env.cfg, r->a, &rows, &n,
	    &err) != CHOUSA_OK)
		return req_error_rc(r, &err, 400);
	page_begin(r, "Sources");
	health_html(r, rows, n);
	budget_html(r);
	chousa_buf_adds(&r->out, "<p>Local sources read the store; online ones "
	    "spend the team's keys and quota.  Keys are never shown.</p>"
	    "<div class=\"scroll\"><table id=\"sources\"><thead><tr><th>Source</th><th>Kind</th>"
	    "<th>Configured</th><th>Data as of</th><th>Quota left today</th>"
	    "<th>Used today</th><th>Cached answers</th><th>Last error</th>"
	    "</tr></thead><tbody>\n");
	for (i = 0; i < n; i++) {
		const struct chousa_source_row *s = &rows[i];

		chousa_buf_adds(&r->out, "<tr><td>");
		html(&r->out, s->source->title);
		chousa_buf_adds(&r->out, " <span class=\"muted\">");
		html(&r->out, s->source->name);
		chousa_buf_addf(&r->out, "</span></td><td>%s</td><td>",
		    s->is_online ? "online" : "local");
		html(&r->out, s->configured);
		chousa_buf_adds(&r->out, "</td><td>");
		feed_age_html(r, s);
		chousa_buf_adds(&r->out, "</td><td>");
		if (s->is_online && s->info.quota_left >= 0)
			chousa_buf_addf(&r->out, "%ld of %ld",
			    s->info.quota_left, s->info.daily);
		else
			chousa_buf_adds(&r->out, !s->is_online ? "-" :
			    !s->is_used ? "not used" : "unlimited");
		chousa_buf_addf(&r->out, "</td><td>%ld</td><td>%llu</td><td>",
		    s->info.used_today,
		    (unsigned long long)s->info.cache_entries);
		if (s->info.last_error != NULL) {
			char when[32];

			chousa_time_format(s->info.last_error_at, when,
			    sizeof(when));
			html(&r->out, s->info.last_error);
			chousa_buf_adds(&r->out, " <span class=\"muted when\">");
			html(&r->out, when);
			chousa_buf_adds(&r->out, "</span>");
		}
		chousa_buf_adds(&r->out, "</td></tr>\n");
	}
	chousa_buf_adds(&r->out, "</tbody></table></div>\n");
	page_end(r);
	return 0;
}

/* ---- sweeping a log ---- */

/* The hits a page shows at most; the API gives them all. */
#define SWEEP_PAGE_ROWS	2000


/* "s" when n is not 1. */
static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static void
str_html(struct chousa_buf *b, const struct chousa_str *s)
{
	chousa_esc_html(b, s->p != NULL ? s->p : "", s->len);
}

/* A hit as a row: every value from the log or a feed escaped. */
static void
hit_row(struct chousa_buf *b, const struct chousa_hit *h, int color)
{
	struct chousa_buf d;
	char when[32];

	(void)color;
	chousa_buf_init(&d, 1 << 16);
	chousa_buf_addf(b, "<tr><td>%llu</td><td>", (unsigned long long)h->line);
	if (h->time > 0) {
		chousa_time_format(h->time, when, sizeof(when));
		html(b, when);
	} else
		str_html(b, &h->time_text);
	chousa_buf_adds(b, "</td><td><code>");
	str_html(b, &h->src);
	chousa_buf_adds(b, "</code></td><td><code>");
	/* Defanged, as every indicator on a page meant for sharing. */
	chousa_ioc_defang(&d, h->dst.p != NULL ? h->dst.p : "", h->dst.len);
	html(b, d.data != NULL ? d.data : "");
	chousa_buf_reset(&d);
	chousa_buf_adds(b, "</code></td><td><a href=\"/report?q=");
	urlenc(b, h->indicator);
	chousa_buf_adds(b, "\"><code>");
	chousa_ioc_defang(&d, h->indicator, strlen(h->indicator));
	html(b, d.data != NULL ? d.data : "");
	chousa_buf_adds(b, "</code></a></td><td>");
	html(b, chousa_sweep_match_name(h->match));
	chousa_buf_adds(b, "</td><td>");
	html(b, h->family);
	chousa_buf_adds(b, "</td><td>");
	html(b, h->sources);
	chousa_buf_adds(b, "</td></tr>\n");
	chousa_buf_release(&d);
}

static void
sweep_page(struct sreq *r, const char *file, const char *format,
    const struct chousa_buf *rows, uint64_t shown,
    const struct chousa_sweep_summary *sum)
{
	page_begin(r, "Sweep");
	chousa_buf_adds(&r->out, "<p id=\"sweep-summary\"><code>");
	html(&r->out, file);
	chousa_buf_addf(&r->out, "</code>: %llu line%s read as ",
	    (unsigned long long)sum->lines, plural(sum->lines));
	html(&r->out, format != NULL && *format != '\0' ? format : "text");
	chousa_buf_addf(&r->out, ", <strong>%llu hit%s</strong>",
	    (unsigned long long)sum->hits, plural(sum->hits));
	if (sum->malformed > 0)
		chousa_buf_addf(&r->out, ", %llu malformed line%s skipped",
		    (unsigned long long)sum->malformed, plural(sum->malformed));
	if (sum->benign_suppressed > 0)
		chousa_buf_addf(&r->out, ", %llu match%s on a known-benign "
		    "list left out", (unsigned long long)sum->benign_suppressed,
		    sum->benign_suppressed == 1 ? "" : "es");
	chousa_buf_adds(&r->out, ".</p>\n");
	if (sum->hits == 0)
		chousa_buf_adds(&r->out, "<p>No line of it matches the "
		    "store.</p>\n");
	else {
		chousa_buf_adds(&r->out, "<p>Click an indicator for its full "
		    "report.</p>\n<div class=\"scroll\"><table id=\"hits\"><thead><tr><th>Line"
		    "</th><th>Time</th><th>Internal host</th><th>Other end"
		    "</th><th>Indicator</th><th>Match</th><th>Family</th>"
		    "<th>Listed by</th></tr></thead><tbody>\n");
		chousa_buf_add(&r->out, rows->data, rows->len);
		chousa_buf_adds(&r->out, "</tbody></table></div>\n");
	}
	if (shown < sum->hits)
		chousa_buf_addf(&r->out, "<p class=\"muted\">The first %llu "
		    "hits are shown.  <code>chousa --server URL sweep FILE"
		    "</code> or <code>POST /api/v1/sweep</code> gives all "
		    "%llu.</p>\n", (unsigned long long)shown,
		    (unsigned long long)sum->hits);
	sweep_form_html(r);
	page_end(r);
}

static const struct web_sweep web_sweep = {
	hit_row, csrf_valid, sweep_page, SWEEP_PAGE_ROWS
};

static int
h_sweep(struct sreq *r)
{
	return sweep_form(r, &web_sweep);
}

/* ---- the audit log, for an admin ---- */

/* A text field of the audit form, holding what was asked. */
static void
audit_field(struct sreq *r, const char *name, const char *label,
    const char *placeholder)
{
	const char *v = req_arg(r, name);

	chousa_buf_addf(&r->out, "<span class=\"field\"><label for=\"%s\">%s"
	    "</label> <input type=\"text\" name=\"%s\" id=\"%s\" "
	    "placeholder=\"%s\" value=\"", name, label, name, name,
	    placeholder);
	html(&r->out, v);
	chousa_buf_adds(&r->out, "\"></span> ");
}

static void
audit_row(void *arg, const struct audit_entry *e)
{
	struct sreq *r = arg;
	size_t i;

	chousa_buf_adds(&r->out, "<tr><td>");
	html(&r->out, e->time);
	chousa_buf_adds(&r->out, "</td><td>");
	html(&r->out, e->who != NULL ? e->who : "-");
	/* Which of a rotated name's tokens, and from where: for a leak. */
	if (e->token_id > 0)
		chousa_buf_addf(&r->out, "</td><td>%lld</td><td>",
		    (long long)e->token_id);
	else
		chousa_buf_adds(&r->out, "</td><td>-</td><td>");
	html(&r->out, e->peer != NULL ? e->peer : "-");
	chousa_buf_adds(&r->out, "</td><td>");
	html(&r->out, e->what);
	chousa_buf_addf(&r->out, "</td><td>%lld</td><td>",
	    (long long)e->status);
	html(&r->out, e->outcome);
	chousa_buf_adds(&r->out, "</td><td>");
	for (i = 0; i < e->n_inputs; i++) {
		const struct audit_input *in = &e->inputs[i];

		if (i > 0)
			chousa_buf_adds(&r->out, ", ");
		if (in->value != NULL) {
			chousa_buf_adds(&r->out, "<a href=\"/report?q=");
			urlenc(&r->out, in->value);
			chousa_buf_adds(&r->out, "\">");
		}
		chousa_buf_adds(&r->out, "<code>");
		html(&r->out, in->shown);
		chousa_buf_adds(&r->out, in->value != NULL ? "</code></a>" :
		    "</code>");
	}
	if (e->more > 0)
		chousa_buf_addf(&r->out, "%s%lld more", i > 0 ? " and " : "",
		    (long long)e->more);
	chousa_buf_adds(&r->out, "</td></tr>\n");
}

static void
audit_page(struct sreq *r, const char *lines, size_t len,
    const struct chousa_audit_stats *st)
{
	struct chousa_err err = { 0 };
	const char *refused = req_arg(r, "refused");

	page_begin(r, "Audit");
	chousa_buf_adds(&r->out, "<form method=\"get\" action=\"/audit\" "
	    "id=\"audit-form\"><p>");
	audit_field(r, "indicator", "Asked about", "www[.]dnautik[.]com");
	audit_field(r, "who", "Token", "alice");
	audit_field(r, "token_id", "Token ID", "12");
	audit_field(r, "peer", "From", "203.0.113.0/24");
	audit_field(r, "since", "Since", "7d, 2024-03-13");
	chousa_buf_addf(&r->out, "<label class=\"field\"><input "
	    "type=\"checkbox\" name=\"refused\" value=\"true\"%s> Refused only</label> "
	    "<button class=\"primary\" type=\"submit\">Search</button></p>"
	    "</form>\n", refused != NULL && *refused != '\0' ? " checked" :
	    "");
	chousa_buf_addf(&r->out, "<p><strong>%llu entr%s</strong>, newest "
	    "first, of %llu lines in %d file%s of the audit log",
	    (unsigned long long)st->shown, st->shown == 1 ? "y" : "ies",
	    (unsigned long long)st->lines, st->files, st->files == 1 ? "" :
	    "s");
	if (st->unreadable > 0)
		chousa_buf_addf(&r->out, " (%llu unreadable, skipped)",
		    (unsigned long long)st->unreadable);
	chousa_buf_adds(&r->out, st->truncated ? "; older ones may match too: "
	    "<code>chousa audit --limit N</code> shows more.</p>\n" :
	    ".</p>\n");
	chousa_buf_adds(&r->out, "<div class=\"scroll\"><table id=\"audit\"><thead><tr><th>Time"
	    "</th><th>Who</th><th>Token ID</th><th>From</th><th>What</th>"
	    "<th>Status</th><th>Outcome</th><th>Asked about</th></tr>"
	    "</thead><tbody>\n");
	if (audit_each(lines, len, audit_row, r, &err) != CHOUSA_OK)
		chousa_buf_adds(&r->out, "<tr><td colspan=\"8\">the search's "
		    "answer could not be read</td></tr>");
	chousa_buf_adds(&r->out, "</tbody></table></div>\n");
	page_end(r);
}

static int
h_audit(struct sreq *r)
{
	if (!admin_only(r, "read the audit log"))
		return 0;
	return audit_search_page(r, audit_page);
}

/* ---- a case's indicators, imported by an admin ---- */

/* The form, holding what was asked (NULL: nothing yet). */
static void
import_form(struct sreq *r)
{
	static const struct {
		const char *name, *label, *hint;
	} fields[] = {
		{ "source_name", "Source name (required)", "case42" },
		{ "tag", "Tag", "phishing" },
		{ "family", "Family", "emotet" },
	};
	const char *v;
	size_t i;

	chousa_buf_adds(&r->out, "<form method=\"post\" action=\"/import\" "
	    "id=\"import-form\">");
	csrf_field(r);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		chousa_buf_addf(&r->out, "<p><label for=\"%s\">%s</label> "
		    "<input name=\"%s\" id=\"%s\" maxlength=\"200\" "
		    "placeholder=\"%s\"%s value=\"", fields[i].name,
		    fields[i].label, fields[i].name, fields[i].name,
		    fields[i].hint, i == 0 ? " required" : "");
		v = r->method == M_POST ? req_form(r, fields[i].name) : NULL;
		html(&r->out, v != NULL ? v : "");
		chousa_buf_adds(&r->out, "\"></p>");
	}
	chousa_buf_adds(&r->out, "<p><label for=\"indicators\">Indicators, "
	    "one a line (defanged or not)</label></p><p><textarea "
	    "name=\"indicators\" id=\"indicators\" required></textarea></p>"
	    "<p><button class=\"primary\" type=\"submit\">Import</button>"
	    "</p></form>\n");
}

/* The Import page's file: a MISP event, a bundle, a feed's dump, a list. */
static void
import_file_form(struct sreq *r)
{
	const char *const *names = chousa_importer_names();
	size_t i;

	chousa_buf_adds(&r->out, "<h2>Import a file</h2>");
	upload_form_begin(r, "/import/file", "import-file-form",
	    LIVE(r->srv->max_import), "import_max", "Importing...", "Cancelled: "
	    "the import was rolled back, nothing of it written.");
	chousa_buf_adds(&r->out, "<p><label for=\"source\">Format</label> "
	    "<select name=\"source\" id=\"source\"><option value=\"auto\" "
	    "selected>detected from the file</option>");
	for (i = 0; names[i] != NULL; i++)
		chousa_buf_addf(&r->out, "<option value=\"%s\">%s</option>",
		    names[i], names[i]);
	chousa_buf_adds(&r->out, "</select></p><p><label for=\"file-source-"
	    "name\">Source name (for a list, a MISP event or a STIX bundle)"
	    "</label> <input name=\"source_name\" id=\"file-source-name\" "
	    "maxlength=\"200\" placeholder=\"case42\"></p><p><label "
	    "for=\"file-tag\">A list's tag</label> <input name=\"tag\" "
	    "id=\"file-tag\" maxlength=\"200\"> <label for=\"file-family\">"
	    "and family</label> <input name=\"family\" id=\"file-family\" "
	    "maxlength=\"200\">"
	    "</p><p><label for=\"file\">A MISP event, a STIX bundle, a feed's "
	    "dump (URLhaus, ThreatFox, Feodo Tracker, MalwareBazaar, "
	    "Malpedia), a MISP warninglist or the warninglists archive, or a "
	    "list; gzipped or zipped or not, at most ");
	size_text(&r->out, LIVE(r->srv->max_import));
	chousa_buf_adds(&r->out, ".  It is imported in one "
	    "transaction: all of it, or nothing.</label></p><p><input "
	    "type=\"file\" name=\"file\" id=\"file\" required></p><p><button "
	    "class=\"primary\" type=\"submit\">Import the file</button></p>"
	    "</form>\n");
}

static void
import_intro(struct sreq *r)
{
	chousa_buf_adds(&r->out, "<p>Add a case's indicators to the team's "
	    "store, listed under the source name you give: everyone's next "
	    "look-up, investigation and sweep finds them.  Importing the same "
	    "ones again changes nothing.  From a shell: <code>chousa --server "
	    "URL import SOURCE FILE</code>.</p>\n");
}

static int
h_import_page(struct sreq *r)
{
	if (!admin_only(r, "import indicators") ||
	    !req_known_args(r, no_keys))
		return 0;
	page_begin(r, "Import");
	import_intro(r);
	import_form(r);
	import_file_form(r);
	page_end(r);
	return 0;
}

/* " (FILE, FORMAT)" after the source, for a file's import. */
static void
import_file_said(struct sreq *r, const char *file, const char *format)
{
	if (file == NULL)
		return;
	chousa_buf_adds(&r->out, " (");
	html(&r->out, file);
	if (format != NULL && format[0] != '\0') {
		chousa_buf_adds(&r->out, ", ");
		html(&r->out, format);
	}
	chousa_buf_adds(&r->out, ")");
}

static void
import_page(struct sreq *r, const char *file,
    const struct chousa_import_report *rep,
    const struct chousa_bundle_report *bundle, const char *error)
{
	size_t i;

	r->ctype = "text/html; charset=utf-8";
	chousa_buf_reset(&r->out);
	page_begin(r, "Import");
	if (error != NULL) {
		chousa_buf_adds(&r->out, "<p class=\"error\" "
		    "id=\"import-error\">Nothing was imported: ");
		html(&r->out, error);
		chousa_buf_adds(&r->out, "</p>\n");
	} else if (bundle != NULL) {
		chousa_buf_adds(&r->out, "<p id=\"import-summary\"><strong>"
		    "warninglist</strong>");
		import_file_said(r, file, NULL);
		chousa_buf_addf(&r->out, ": %u lists, %llu entries read, %llu "
		    "added, %llu rejected", bundle->lists,
		    (unsigned long long)bundle->rows,
		    (unsigned long long)bundle->added,
		    (unsigned long long)bundle->rejected);
		if (bundle->failed > 0) {
			chousa_buf_addf(&r->out, "; %u list%s refused (first: ",
			    bundle->failed, bundle->failed == 1 ? "" : "s");
			html(&r->out, bundle->first_failure);
			chousa_buf_adds(&r->out, ")");
		}
		chousa_buf_adds(&r->out, ".</p>\n");
	} else {
		chousa_buf_adds(&r->out, "<p id=\"import-summary\"><strong>");
		html(&r->out, rep->source);
		chousa_buf_adds(&r->out, "</strong>");
		import_file_said(r, file, rep->format);
		chousa_buf_addf(&r->out, ": %llu read, %llu added, %llu "
		    "updated, %llu unchanged, %llu rejected.</p>\n",
		    (unsigned long long)rep->rows_read,
		    (unsigned long long)rep->added,
		    (unsigned long long)rep->updated,
		    (unsigned long long)rep->unchanged,
		    (unsigned long long)rep->rejected);
		if (rep->note[0] != '\0') {
			chousa_buf_adds(&r->out, "<p id=\"import-note\">Nothing "
			    "to import: ");
			html(&r->out, rep->note);
			chousa_buf_adds(&r->out, "</p>\n");
		}
	}
	if (rep->n_rejects > 0) {
		chousa_buf_adds(&r->out, "<ul id=\"rejects\">");
		/* Where, as the CLI says it: a line, or a JSON place. */
		for (i = 0; i < rep->n_rejects; i++) {
			chousa_buf_adds(&r->out, "<li>");
			if (rep->rejects[i].where[0] != '\0')
				html(&r->out, rep->rejects[i].where);
			else
				chousa_buf_addf(&r->out, "line %llu",
				    (unsigned long long)rep->rejects[i].line);
			chousa_buf_adds(&r->out, ": ");
			html(&r->out, rep->rejects[i].msg);
			chousa_buf_adds(&r->out, "</li>");
		}
		chousa_buf_adds(&r->out, "</ul>\n");
		if (rep->rejected > rep->n_rejects)
			chousa_buf_addf(&r->out, "<p class=\"muted\">The first "
			    "%zu rejected rows are shown.</p>\n",
			    rep->n_rejects);
	}
	import_form(r);
	import_file_form(r);
	page_end(r);
}

/* An optional field: NULL when empty, else one line of plain text. */
static int
import_field(struct sreq *r, const char *name, const char **out)
{
	struct chousa_err err = { 0 };

	*out = req_form(r, name);
	if (*out == NULL || **out == '\0') {
		*out = NULL;
		return 1;
	}
	if (chousa_import_label_check(name, *out, &err) == CHOUSA_OK)
		return 1;
	req_error(r, 400, "%s", err.msg);
	return 0;
}

static int
h_import(struct sreq *r)
{
	const char *text = req_form(r, "indicators"), *name, *tag, *family;

	if (!csrf_ok(r))
		return 0;
	if (!import_field(r, "source_name", &name) ||
	    !import_field(r, "tag", &tag) || !import_field(r, "family",
	    &family))
		return 0;
	if (name == NULL)
		return req_error(r, 400, "name the source the indicators are "
		    "listed under (a case, a report)");
	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return req_error(r, 400, "paste the indicators, one a line");
	return import_text_page(r, text, name, tag, family, import_page);
}

static int
h_import_file(struct sreq *r)
{
	return import_file_page(r, csrf_valid, import_page);
}

/* ---- the team's tokens, for an admin ---- */



/* How long a rotated token may still work, as the Rotate form offers. */
static const char *const grace_choices[][2] = {
	{ "1h", "works an hour more" }, { "24h", "works a day more" },
	{ "7d", "works a week more" }, { "0", "revoked now (it leaked)" },
};

/* An inline form posting to action, with the CSRF and name fields. */
static void
form_for_name(struct sreq *r, const char *action, const char *name)
{
	chousa_buf_addf(&r->out, "<form method=\"post\" action=\"%s\" "
	    "class=\"inline\">", action);
	csrf_field(r);
	chousa_buf_adds(&r->out, "<input type=\"hidden\" name=\"name\" "
	    "value=\"");
	html(&r->out, name);
	chousa_buf_adds(&r->out, "\">");
}

/* The Rotate and Revoke forms of name's token, in its row. */
static void
token_actions(struct sreq *r, const char *name)
{
	size_t i;

	form_for_name(r, "/tokens/rotate", name);
	chousa_buf_adds(&r->out, "<select name=\"grace\" "
	    "aria-label=\"the token replaced\">");
	for (i = 0; i < sizeof(grace_choices) / sizeof(grace_choices[0]); i++)
		chousa_buf_addf(&r->out, "<option value=\"%s\">%s</option>",
		    grace_choices[i][0], grace_choices[i][1]);
	chousa_buf_adds(&r->out, "</select> <input name=\"expires\" "
	    "maxlength=\"12\" size=\"9\" placeholder=\"ends as before\" "
	    "aria-label=\"the new token ends after (empty: as the one "
	    "replaced)\" title=\"The new token ends after this long (90d); "
	    "empty: it lasts as long as the one replaced was made for\"> "
	    "<button type=\"submit\">Rotate</button></form> ");
	form_for_name(r, "/tokens/revoke", name);
	chousa_buf_adds(&r->out, "<button type=\"submit\">Revoke</button>"
	    "</form>");
}

/*
 * A single sign-on user's row: Revoke while it may come in, Readmit once
 * revoked; nothing to rotate, as no one holds a token.
 */
static void
proxy_row_actions(struct sreq *r, const struct chousa_token *t, int64_t now)
{
	if (t->revoked_at != 0) {
		form_for_name(r, "/tokens/readmit", t->name);
		chousa_buf_adds(&r->out, "<button type=\"submit\">Readmit"
		    "</button></form>");
	} else if (strcmp(chousa_token_state(t, now), "valid") == 0) {
		form_for_name(r, "/tokens/revoke", t->name);
		chousa_buf_adds(&r->out, "<button type=\"submit\">Revoke"
		    "</button></form>");
	}
}

static void
token_create_form(struct sreq *r)
{
	chousa_buf_adds(&r->out, "<h2>New token</h2><form method=\"post\" "
	    "action=\"/tokens\" id=\"token-form\">");
	csrf_field(r);
	chousa_buf_adds(&r->out, "<p><label for=\"token-name\">Name</label> "
	    "<input name=\"name\" id=\"token-name\" maxlength=\"100\" "
	    "pattern=\"[A-Za-z0-9._@\\-]+\" placeholder=\"alice\" required> "
	    "<label for=\"token-role\">Role</label> <select name=\"role\" "
	    "id=\"token-role\"><option value=\"read\">read: the store only"
	    "</option><option value=\"investigate\">investigate: may spend "
	    "online quota</option><option value=\"admin\">admin: also "
	    "imports and tokens</option></select> <label for=\"token-expires"
	    "\">Ends after</label> <input name=\"expires\" id=\"token-"
	    "expires\" maxlength=\"12\" placeholder=\"90d (empty: never)\">"
	    " <label for=\"token-from\">From</label> <input name=\"allow_from"
	    "\" id=\"token-from\" maxlength=\"400\" placeholder=\"10.20.0.0/16"
	    " (empty: any address)\" title=\"Addresses and CIDR ranges the "
	    "token is accepted from, comma-separated; empty: any\"> <label "
	    "for=\"token-note\">Note</label> <input name=\"note\" id=\""
	    "token-note\" maxlength=\"200\" placeholder=\"whose, what for\" "
	    "title=\"Whose the token is and what for, so that whoever finds "
	    "it unused knows whom to ask\"></p><p>"
	    "<button class=\"primary\" type=\"submit\">Create</button>"
	    "</p></form>\n");
}

/*
 * The Tokens page: what was just done (said; NULL: nothing), a new token
 * shown this once (NULL: none), every token, and the forms.
 */
static int
tokens_page(struct sreq *r, const char *said, const char *token)
{
	struct chousa_err err = { 0 };
	struct chousa_token *t;
	int64_t now = (int64_t)time(NULL);
	char made[32], ends[32], used[96];
	size_t n, i;
	int current;
	/* GET /tokens?unused_for=90d: those to revoke. */
	const char *unused = said == NULL ? req_arg(r, "unused_for") : NULL;
	long unused_for = unused != NULL ? chousa_duration_parse(unused) : 0;

	if (unused_for < 0)
		return req_error(r, 400, "bad unused_for '%.40s': a duration "
		    "such as 30d or 90d", unused);
	if (uses_tokens(r->srv->uses, r->env.st, r->a, unused != NULL ?
	    unused_for : -1, &t, &n, &err) != CHOUSA_OK)
		return req_error_rc(r, &err, 400);
	chousa_buf_reset(&r->out);
	page_begin(r, "Tokens");
	if (unused != NULL) {
		chousa_buf_adds(&r->out, "<p id=\"tokens-filter\">Only the "
		    "valid tokens neither used nor made in the last ");
		html(&r->out, unused);
		chousa_buf_adds(&r->out, ": the ones to revoke.  <a href=\""
		    "/tokens\">Show all</a></p>\n");
	} else if (said == NULL)
		chousa_buf_addf(&r->out, "<p id=\"tokens-filter\"><a "
		    "href=\"/tokens?unused_for=%dd\">Show only those unused "
		    "for %d days</a></p>\n", TOKEN_DORMANT_DAYS,
		    TOKEN_DORMANT_DAYS);
	if (said != NULL) {
		chousa_buf_adds(&r->out, "<p id=\"tokens-said\">");
		html(&r->out, said);
		chousa_buf_adds(&r->out, "</p>\n");
	}
	if (token != NULL) {
		chousa_buf_adds(&r->out, "<p>Copy the new token now: it is "
		    "shown only this once, and the server keeps only its "
		    "hash.</p><p><code id=\"new-token\">");
		html(&r->out, token);
		chousa_buf_adds(&r->out, "</code></p>\n");
	}
	chousa_buf_adds(&r->out, "<div class=\"scroll\"><table id=\"tokens\"><thead><tr><th>ID</th>"
	    "<th>Name</th><th>Role</th><th>Created</th><th>Ends</th><th>State</th>"
	    "<th>From</th><th>Online today</th><th>Last used</th><th>Note</th>"
	    "<th></th></tr></thead><tbody>");
	for (i = 0; i < n; i++) {
		chousa_time_format(t[i].created_at, made, sizeof(made));
		if (t[i].expires_at != 0)
			chousa_time_format(t[i].expires_at, ends, sizeof(ends));
		else
			snprintf(ends, sizeof(ends), "never");
		chousa_buf_addf(&r->out, "<tr><td>%lld</td><td>",
		    (long long)t[i].id);
		html(&r->out, t[i].name);
		if (t[i].by_proxy)
			chousa_buf_adds(&r->out, " <span class=\"muted\" "
			    "title=\"signed in by the single sign-on proxy: no "
			    "token of its own\">(sso)</span>");
		chousa_buf_adds(&r->out, "</td><td>");
		html(&r->out, t[i].role);
		current = auth_token_current(t, n, i, now, 0);
		chousa_buf_addf(&r->out, "</td><td>%s</td><td>%s</td><td>%s"
		    "</td><td>", made, ends, chousa_token_state(&t[i], now));
		html(&r->out, t[i].allow_from != NULL ? t[i].allow_from :
		    "any");
		chousa_buf_adds(&r->out, "</td><td>");
		/* Spent by the name: said once, on its current token. */
		if (current)
			chousa_buf_addf(&r->out, "%ld", t[i].online_today);
		else
			chousa_buf_adds(&r->out, "-");
		chousa_buf_adds(&r->out, "</td><td>");
		auth_last_use_text(&t[i], used, sizeof(used));
		html(&r->out, used);
		chousa_buf_adds(&r->out, "</td><td>");
		html(&r->out, t[i].note != NULL ? t[i].note : "");
		chousa_buf_adds(&r->out, "</td><td>");
		if (t[i].by_proxy)
			proxy_row_actions(r, &t[i], now);
		else if (auth_token_current(t, n, i, now, 1))
			token_actions(r, t[i].name);
		chousa_buf_adds(&r->out, "</td></tr>");
	}
	chousa_buf_adds(&r->out, "</tbody></table></div>\n<p class=\"muted\">"
	    "Rotate gives a name a new token with the same role, budget and "
	    "addresses; "
	    "the one it replaces works as long as chosen, so its user can "
	    "take the new one without a gap.  From a shell: <code>chousa "
	    "--server URL token rotate NAME</code>.</p>\n");
	token_create_form(r);
	page_end(r);
	return 0;
}

/*
 * GET /tokens?r=ID: what a Tokens action said (and the token it made),
 * kept by tokens_done and shown this once: a reload shows the list only.
 * A HEAD (a link's prefetch, a monitor) sends no page, so takes nothing:
 * the GET after it still shows the token.
 */
static int
h_tokens_page(struct sreq *r)
{
	const char *id = req_arg(r, "r");
	struct chousa_buf kept;
	size_t said_len;
	int rc;

	if (!admin_only(r, "list tokens") || !req_known_args(r, tokens_keys))
		return 0;
	if (id == NULL)
		return tokens_page(r, NULL, NULL);
	chousa_buf_init(&kept, 1 << 16);
	if (!r->has_session || !(r->method == M_HEAD ?
	    web_result_get(r->sess.id, id, &kept) :
	    web_result_take(r->sess.id, id, &kept)) || kept.data == NULL) {
		chousa_buf_release(&kept);
		return tokens_page(r, "That action's result was shown "
		    "already (a new token is shown once).", NULL);
	}
	said_len = strlen(kept.data);
	rc = tokens_page(r, kept.data, said_len < kept.len &&
	    kept.data[said_len + 1] != '\0' ? kept.data + said_len + 1 :
	    NULL);
	explicit_bzero(kept.data, kept.len);
	chousa_buf_release(&kept);
	return rc;
}

/*
 * A Tokens action done: what it said, and the token it made (NULL: none),
 * kept for the session and the POST answered with a redirect to GET
 * /tokens?r=ID (Post/Redirect/Get), so that a reload repeats nothing and
 * the token is in no address.  Shown at once when it cannot be kept.
 */
static int
tokens_done(struct sreq *r, const char *said, const char *token)
{
	struct chousa_buf k;
	char id[WEB_RESULT_ID_SIZE + 1];
	char *to;
	int kept;

	chousa_buf_init(&k, 1 << 16);
	chousa_buf_adds(&k, said);
	chousa_buf_addch(&k, '\0');
	if (token != NULL)
		chousa_buf_adds(&k, token);
	kept = r->has_session && k.failed == CHOUSA_OK &&
	    auth_random(id, WEB_RESULT_ID_SIZE) == 0 &&
	    web_result_put(r->sess.id, id, k.data, k.len) == 0 &&
	    (to = chousa_arena_printf(r->a, "/tokens?r=%s", id)) != NULL;
	if (k.data != NULL)
		explicit_bzero(k.data, k.len);
	chousa_buf_release(&k);
	if (!kept)
		return tokens_page(r, said, token);
	req_header_add(r, "Location", to);
	r->status = 303;
	return 0;
}

/* A token made or rotated: said, and shown this once on the page. */
static int
token_made(struct sreq *r, struct chousa_buf *said,
    char token[CHOUSA_TOKEN_SIZE + 1])
{
	int rc = tokens_done(r, said->data != NULL ? said->data : "", token);

	explicit_bzero(token, CHOUSA_TOKEN_SIZE + 1);
	chousa_buf_release(said);
	return rc;
}

/*
 * The form's "Ends after": how long a token made now lasts, in *lifetime
 * (0 when empty or absent: create's never ends, rotate's lasts as the
 * one it replaces).  -1 when it is not a duration, said as a 400.
 */
static int
form_lifetime(struct sreq *r, long *lifetime)
{
	const char *expires = req_form(r, "expires");

	*lifetime = 0;
	if (expires == NULL || expires[0] == '\0')
		return 0;
	if ((*lifetime = chousa_duration_parse(expires)) >= 0)
		return 0;
	req_error(r, 400, "'Ends after' must be a duration such as 90s, 30m, "
	    "12h or 90d, or empty");
	return -1;
}

/*
 * A token call's failure: 404 for a name with none; a name taken is the
 * form's to mend (400), said on the page with what to do instead.
 */
static int
token_failed(struct sreq *r, const struct chousa_err *err)
{
	if (err->code == CHOUSA_EEXIST)
		return req_error(r, 400, "%s", err->msg);
	return req_error_rc(r, err, 404);
}

static int
h_tokens_create(struct sreq *r)
{
	struct chousa_err err = { 0 };
	struct chousa_buf said;
	char token[CHOUSA_TOKEN_SIZE + 1];
	const char *name = req_form(r, "name");
	int role = chousa_role_parse(req_form(r, "role"));
	long lifetime;
	int64_t ends;
	int rc;

	if (!admin_only(r, "create tokens") || !csrf_ok(r))
		return 0;
	if (name != NULL)
		req_audit_input(r, name);	/* the token acted on */
	if (name == NULL || role == CHOUSA_ROLE_NONE)
		return req_error(r, 400, "a name and a role (read, investigate "
		    "or admin) are needed");
	if (form_lifetime(r, &lifetime) < 0)
		return 0;
	rc = chousa_token_create(r->env.st, name, role, lifetime, -1,
	    req_form(r, "allow_from"), req_form(r, "note"), token, &ends,
	    &err);
	auth_tokens_changed();
	storewatch_token_wrote(r->srv, rc, &err);
	if (rc != CHOUSA_OK)
		return token_failed(r, &err);
	chousa_buf_init(&said, 0);
	chousa_token_created_text(&said, name, role, ends,
	    req_form(r, "allow_from"));
	return token_made(r, &said, token);
}

static int
h_tokens_rotate(struct sreq *r)
{
	struct chousa_err err = { 0 };
	struct chousa_token_rotation rot;
	struct chousa_buf said;
	char token[CHOUSA_TOKEN_SIZE + 1];
	const char *name = req_form(r, "name"), *g = req_form(r, "grace");
	long grace = g != NULL ? chousa_duration_parse_or_zero(g) :
	    CHOUSA_TOKEN_GRACE, lifetime;
	int rc;

	if (!admin_only(r, "rotate tokens") || !csrf_ok(r))
		return 0;
	if (name != NULL)
		req_audit_input(r, name);
	if (name == NULL || grace < 0)
		return req_error(r, 400, "a name, and how long the token "
		    "replaced works (a duration, or 0) are needed");
	if (form_lifetime(r, &lifetime) < 0)
		return 0;
	rc = chousa_token_rotate(r->env.st, name, lifetime, grace, token,
	    &rot, &err);
	auth_tokens_changed();
	storewatch_token_wrote(r->srv, rc, &err);
	if (rc != CHOUSA_OK)
		return token_failed(r, &err);
	chousa_buf_init(&said, 0);
	chousa_token_rotated_text(&said, name, &rot);
	return token_made(r, &said, token);
}

/* Revoke a name's tokens, or readmit a single sign-on user: said. */
static int
tokens_end(struct sreq *r, int readmit)
{
	struct chousa_err err = { 0 };
	const char *name = req_form(r, "name");
	struct chousa_buf said;
	int rc;

	if (!admin_only(r, readmit ? "readmit users" : "revoke tokens") ||
	    !csrf_ok(r))
		return 0;
	if (name == NULL)
		return req_error(r, 400, "a name is needed");
	req_audit_input(r, name);
	rc = readmit ? chousa_store_token_readmit(r->env.st, name, &err) :
	    chousa_store_token_revoke(r->env.st, name, &err);
	auth_tokens_changed();
	storewatch_token_wrote(r->srv, rc, &err);
	if (rc != CHOUSA_OK)
		return token_failed(r, &err);
	chousa_buf_init(&said, 0);
	chousa_token_ended_text(&said, name, readmit);
	rc = tokens_done(r, said.data != NULL ? said.data : "", NULL);
	chousa_buf_release(&said);
	return rc;
}

static int
h_tokens_revoke(struct sreq *r)
{
	return tokens_end(r, 0);
}

static int
h_tokens_readmit(struct sreq *r)
{
	return tokens_end(r, 1);
}

const struct route web_routes[] = {
	{ "/", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_WEB, h_home, "web: home" },
	{ "/login", M_GET, CHOUSA_ROLE_NONE, 0, ROUTE_WEB | ROUTE_NO_AUDIT,
	    h_login_page, "web: sign-in page" },
	{ "/login", M_POST, CHOUSA_ROLE_NONE, 4096, ROUTE_WEB, h_login,
	    "web: sign in" },
	{ "/logout", M_POST, CHOUSA_ROLE_READ, 4096, ROUTE_WEB, h_logout,
	    "web: sign out" },
	{ "/logout", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_WEB | ROUTE_NO_AUDIT,
	    h_logout_page, "web: sign-out page" },
	{ "/triage", M_POST, CHOUSA_ROLE_READ, SERVE_MAX_TEXT_BODY, ROUTE_WEB,
	    h_triage, "web: triage" },
	{ "/triage", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_WEB, h_triage_again,
	    "web: triage table" },
	{ "/report", M_POST, CHOUSA_ROLE_INVESTIGATE, 16384, ROUTE_WEB,
	    h_report, "web: report online" },
	{ "/report", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_WEB, h_report,
	    "web: report" },
	{ "/sweep", M_POST, CHOUSA_ROLE_READ, 0, ROUTE_WEB | ROUTE_STREAM,
	    h_sweep, "web: sweep" },
	{ "/lookup", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_WEB, h_lookup,
	    "web: look-up" },
	{ "/help", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_WEB | ROUTE_NO_AUDIT,
	    h_help, "web: help" },
	{ "/sources", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_WEB, h_sources,
	    "web: sources" },
	/* An analyst's session is told why (admin_only), not signed out. */
	{ "/audit", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_WEB, h_audit,
	    "web: audit" },
	{ "/import", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_WEB, h_import_page,
	    "web: import page" },
	{ "/import", M_POST, CHOUSA_ROLE_ADMIN, SERVE_MAX_TEXT_BODY, ROUTE_WEB,
	    h_import, "web: import" },
	{ "/import/file", M_POST, CHOUSA_ROLE_ADMIN, 0,
	    ROUTE_WEB | ROUTE_STREAM | ROUTE_IMPORT, h_import_file,
	    "web: import a file" },
	/*
	 * The Tokens page's actions are audited under the API's words (the
	 * path says they came from the page); each handler refuses any role
	 * below admin itself (admin_only), naming the token in the refusal.
	 */
	{ "/tokens", M_GET, CHOUSA_ROLE_READ, 0, ROUTE_WEB, h_tokens_page,
	    "list tokens" },
	{ "/tokens", M_POST, CHOUSA_ROLE_READ, 4096, ROUTE_WEB,
	    h_tokens_create, "create tokens" },
	{ "/tokens/rotate", M_POST, CHOUSA_ROLE_READ, 4096, ROUTE_WEB,
	    h_tokens_rotate, "rotate tokens" },
	{ "/tokens/revoke", M_POST, CHOUSA_ROLE_READ, 4096, ROUTE_WEB,
	    h_tokens_revoke, "revoke tokens" },
	{ "/tokens/readmit", M_POST, CHOUSA_ROLE_READ, 4096, ROUTE_WEB,
	    h_tokens_readmit, "readmit users" },
	{ "/static/app.css", M_GET, CHOUSA_ROLE_NONE, 0,
	    ROUTE_WEB | ROUTE_NO_AUDIT, h_css, "static" },
	{ "/static/app.js", M_GET, CHOUSA_ROLE_NONE, 0,
	    ROUTE_WEB | ROUTE_NO_AUDIT, h_js, "static" },
	{ "/favicon.ico", M_GET, CHOUSA_ROLE_NONE, 0,
	    ROUTE_WEB | ROUTE_NO_AUDIT, h_icon, "static" },
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
