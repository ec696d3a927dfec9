/*
 * test-robust-render.c: every renderer over hand-built report models: the
 * worked example, a report whose every feed string is hostile, an unknown
 * indicator and a malformed input.  Checks that each format stays itself
 * (JSON formats parse, HTML keeps no element from the data, text keeps no
 * escape sequence, everything is valid UTF-8), and, in a CHOUSA_INJECT
 * build, that failing the Nth allocation of a rendering always ends in a
 * clean error.  With --dump FORMAT [all|worked|hostile|unknown]
 * [--no-defang] it prints one rendering, for the golden files and the
 * browser test (tests/cli/test-render.sh, test-html.sh), which need no
 * store and no engine that way.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "chousa.h"
#include "base/json_tree.h"
#include "t.h"

#define SHA_DOC	\
	"d7e61d7d1f31426d1c59eeab4e60fdd433b6889a548b94129e0ae34fb766a7cf"
#define SHA_EXE	\
	"1a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f7081"
#define NOW	1764028800	/* 2025-11-25T00:00:00Z, pinned for goldens */

/* The strings an attacker would put in a feed. */
#define H_SCRIPT	"<script>alert(1)</script>"
#define H_IMG		"<img src=x onerror=alert(1)>"
#define H_SVG		"\"><svg/onload=alert(1)>"
#define H_TERM		"\x1b]0;pwned\x07\x1b[31mred\x1b[0m\r\n"
#define H_MD		"[click](javascript:alert(1))"
#define H_CSV		"=cmd|' /C calc'!A0"
#define H_UTF8		"bad\xff\xfe\xc3(utf8)\xed\xa0\x80"

/* ---- the models ---- */

static const char *src_two[] = { "malwarebazaar", "urlhaus" };
static const char *labels_emotet[] = { "Emotet", "Heodo" };
static const char *sentences_worked[] = {
	"The traffic to www.dnautik.com most likely comes from an Emotet "
	"downloader document that someone opened.",
	"URLhaus lists the host, and MalwareBazaar has a Word document "
	"(d7e61d7d\xe2\x80\xa6) that contacted it and is labelled Emotet.",
	"Confidence is high: two independent sources agree."
};

static struct chousa_finding worked_rep[] = {
	{ .source = "urlhaus", .stage = CHOUSA_STAGE_REPUTATION,
	  .status = CHOUSA_ST_HIT, .verdict = CHOUSA_V_MALICIOUS,
	  .n_detect = -1, .n_engines = -1, .score = -1,
	  .threat = "malware_download", .online = "offline",
	  .first_seen = 1609459200, .last_seen = 1612137600,
	  .reference = "https://urlhaus.abuse.ch/host/www.dnautik.com/",
	  .subject = "www.dnautik.com", .subject_type = CHOUSA_IOC_DOMAIN },
	{ .source = "feodo", .stage = CHOUSA_STAGE_REPUTATION,
	  .status = CHOUSA_ST_MISS, .n_detect = -1, .n_engines = -1,
	  .score = -1, .subject = "www.dnautik.com",
	  .subject_type = CHOUSA_IOC_DOMAIN },
	{ .source = "virustotal", .stage = CHOUSA_STAGE_REPUTATION,
	  .status = CHOUSA_ST_SKIPPED, .reason = "offline",
	  .n_detect = -1, .n_engines = -1, .score = -1,
	  .subject = "www.dnautik.com", .subject_type = CHOUSA_IOC_DOMAIN },
};
static struct chousa_finding worked_id[] = {
	{ .source = "malwarebazaar", .stage = CHOUSA_STAGE_IDENTIFICATION,
	  .status = CHOUSA_ST_HIT, .verdict = CHOUSA_V_MALICIOUS,
	  .n_detect = -1, .n_engines = -1, .score = -1,
	  .labels = labels_emotet, .n_labels = 2, .family = "win.emotet",
	  .subject = "www.dnautik.com", .subject_type = CHOUSA_IOC_DOMAIN },
};
static struct chousa_finding worked_en[] = {
	{ .source = "malwarebazaar", .stage = CHOUSA_STAGE_ENRICHMENT,
	  .status = CHOUSA_ST_HIT, .verdict = CHOUSA_V_MALICIOUS,
	  .n_detect = 11, .n_engines = 60, .score = -1,
	  .labels = labels_emotet, .n_labels = 1, .family = "win.emotet",
	  .file_type = "doc", .file_name = "INV-2021-01.doc",
	  .first_seen = 1609459200, .subject = SHA_DOC,
	  .subject_type = CHOUSA_IOC_SHA256, .depth = 1 },
	{ .source = "malpedia", .stage = CHOUSA_STAGE_ENRICHMENT,
	  .status = CHOUSA_ST_HIT, .verdict = CHOUSA_V_MALICIOUS,
	  .n_detect = -1, .n_engines = -1, .score = -1,
	  .family = "win.emotet", .subject = "win.emotet", .depth = 2 },
};
static struct chousa_report_sample worked_samples[] = {
	{ .sha256 = SHA_DOC, .family = "win.emotet",
	  .rel = CHOUSA_REL_CONTACTED, .via = "www.dnautik.com",
	  .sources = src_two, .n_sources = 2, .file_type = "doc",
	  .file_name = "INV-2021-01.doc", .first_seen = 1609459200,
	  .score = 90, .enriched = 1 },
};
static struct chousa_edge worked_edges[] = {
	{ "www.dnautik.com", CHOUSA_IOC_DOMAIN, "urlhaus", 0, "listed",
	  "urlhaus" },
	{ SHA_DOC, CHOUSA_IOC_SHA256, "www.dnautik.com", CHOUSA_IOC_DOMAIN,
	  "contacted", "malwarebazaar" },
	{ SHA_DOC, CHOUSA_IOC_SHA256, "win.emotet", 0, "family",
	  "malwarebazaar" },
	{ "http://www.dnautik.com/wp/inv.doc", CHOUSA_IOC_URL,
	  "www.dnautik.com", CHOUSA_IOC_DOMAIN, "host-of", "urlhaus" },
	{ "http://www.dnautik.com/wp/inv.doc", CHOUSA_IOC_URL, SHA_DOC,
	  CHOUSA_IOC_SHA256, "delivered", "urlhaus" },
	{ "www.dnautik.com", CHOUSA_IOC_DOMAIN, "203.0.113.7",
	  CHOUSA_IOC_IPV4, "resolves", "otx" },
};
static struct chousa_family_vote worked_votes[] = {
	{ "win.emotet", "Emotet", 2.0, src_two, 2 },
};
static struct chousa_report_family worked_family = {
	.id = "win.emotet", .name = "Emotet", .confidence = 85,
	.aliases = "Geodo, Heodo", .description = "While Emotet historically "
	"was a banking malware organized in a botnet, nowadays Emotet is "
	"mostly seen as infrastructure as a service for content delivery.",
	.refs = "https://malpedia.caad.fkie.fraunhofer.de/details/win.emotet",
	.known = 1, .votes = worked_votes, .n_votes = 1
};

static const char *hostile_labels[] = { H_SCRIPT, H_TERM, H_MD };
static const char *hostile_sources[] = { "urlhaus", H_SVG };
static const char *hostile_sentences[] = {
	"The feed says: " H_SCRIPT " " H_IMG,
	"Markdown " H_MD " and a formula " H_CSV " and " H_TERM,
	"Invalid " H_UTF8,
};
static const char *hostile_caveats[] = { "shared " H_IMG };
static const char *hostile_notes[] = { "note " H_TERM H_SCRIPT };
static struct chousa_finding hostile_find[] = {
	{ .source = "urlhaus", .stage = CHOUSA_STAGE_REPUTATION,
	  .status = CHOUSA_ST_HIT, .verdict = CHOUSA_V_MALICIOUS,
	  .n_detect = -1, .n_engines = -1, .score = -1,
	  .labels = hostile_labels, .n_labels = 3, .family = H_SCRIPT,
	  .threat = H_CSV, .detail = H_IMG H_UTF8, .file_name = H_SVG,
	  .reference = "javascript:alert(1)//" H_SVG,
	  .subject = "evil.example", .subject_type = CHOUSA_IOC_DOMAIN },
	{ .source = "urlhaus", .stage = CHOUSA_STAGE_REPUTATION,
	  .status = CHOUSA_ST_ERROR, .reason = "server said " H_SCRIPT H_TERM,
	  .n_detect = -1, .n_engines = -1, .score = -1,
	  .subject = "evil.example", .subject_type = CHOUSA_IOC_DOMAIN },
	{ .source = "threatfox", .stage = CHOUSA_STAGE_REPUTATION,
	  .status = CHOUSA_ST_HIT, .verdict = CHOUSA_V_MALICIOUS,
	  .n_detect = -1, .n_engines = -1, .score = -1,
	  .reference = "https://threatfox.abuse.ch/ioc/1/\"onmouseover=\"x",
	  .subject = "evil.example", .subject_type = CHOUSA_IOC_DOMAIN },
};
static struct chousa_report_sample hostile_samples[] = {
	{ .sha256 = SHA_EXE, .family = H_SCRIPT, .rel = CHOUSA_REL_DELIVERED,
	  .via = "http://evil.example/" H_SVG, .sources = hostile_sources,
	  .n_sources = 2, .file_type = H_TERM, .file_name = H_IMG H_CSV,
	  .first_seen = 1609459200 },
};
static struct chousa_edge hostile_edges[] = {
	{ "evil.example", CHOUSA_IOC_DOMAIN, H_SVG, 0, "listed", H_SVG },
	{ "http://evil.example/" H_SVG, CHOUSA_IOC_URL, SHA_EXE,
	  CHOUSA_IOC_SHA256, "delivered" H_TERM, H_SCRIPT },
	{ SHA_EXE, CHOUSA_IOC_SHA256, H_SCRIPT, 0, "family", H_MD },
	{ SHA_EXE, CHOUSA_IOC_SHA256, H_UTF8, 0, H_IMG, H_CSV },
};
static struct chousa_family_vote hostile_votes[] = {
	{ H_SCRIPT, H_IMG, 1.5, hostile_sources, 2 },
	{ H_CSV, H_MD, 1.0, hostile_sources, 1 },
};
static struct chousa_report_family hostile_family = {
	.id = H_SCRIPT, .name = H_IMG H_UTF8, .confidence = 40,
	.aliases = H_SVG ", " H_CSV, .description = H_SCRIPT H_TERM H_MD,
	.refs = "javascript:alert(1)\nhttps://x.example/\"><script>x</script>",
	.known = 0, .votes = hostile_votes, .n_votes = 2,
	.caveats = hostile_caveats, .n_caveats = 1
};
static struct chousa_benign hostile_benign[] = {
	{ H_SCRIPT, H_MD, H_TERM },
};

static struct chousa_finding unknown_find[] = {
	{ .source = "urlhaus", .stage = CHOUSA_STAGE_REPUTATION,
	  .status = CHOUSA_ST_MISS, .n_detect = -1, .n_engines = -1,
	  .score = -1, .subject = "198.51.100.23",
	  .subject_type = CHOUSA_IOC_IPV4 },
};
static const char *unknown_sentences[] = {
	"No source knows 198.51.100.23: the verdict is unknown, not clean."
};

static struct chousa_report reports[5];

/* A report with far more edges than the graph draws. */
#define MANY	500
static char many_names[MANY][40];
static struct chousa_edge many_edges[MANY];

static void
build_models(void)
{
	struct chousa_report *r;

	r = &reports[0];
	r->input = "www[.]dnautik[.]com";
	r->ind.type = CHOUSA_IOC_DOMAIN;
	r->ind.value = "www.dnautik.com";
	r->ind.value_len = strlen(r->ind.value);
	r->ind.display = r->ind.host = r->ind.value;
	r->ind.regdomain = "dnautik.com";
	r->verdict = CHOUSA_V_MALICIOUS;
	r->verdict_reason = "listed by URLhaus";
	r->match = CHOUSA_MATCH_EXACT;
	r->family = &worked_family;
	r->samples = worked_samples;
	r->n_samples = 1;
	r->stages[0] = (struct chousa_report_stage){ "reputation",
	    worked_rep, 3 };
	r->stages[1] = (struct chousa_report_stage){ "identification",
	    worked_id, 1 };
	r->stages[2] = (struct chousa_report_stage){ "enrichment",
	    worked_en, 2 };
	r->n_stages = 3;
	r->edges = worked_edges;
	r->n_edges = sizeof(worked_edges) / sizeof(worked_edges[0]);
	r->conclusion = sentences_worked;
	r->n_conclusion = 3;
	r->n_hits = 4;
	r->n_misses = 1;
	r->n_skipped = 1;
	r->lookups = 6;

	r = &reports[1];
	r->input = "evil[.]example " H_SCRIPT;
	r->ind.type = CHOUSA_IOC_DOMAIN;
	r->ind.value = "evil.example";
	r->ind.value_len = strlen(r->ind.value);
	r->verdict = CHOUSA_V_SUSPICIOUS;
	r->verdict_reason = "listed by " H_SCRIPT H_TERM;
	r->match = CHOUSA_MATCH_HOST;
	r->matched = "evil.example/" H_IMG;
	r->family = &hostile_family;
	r->samples = hostile_samples;
	r->n_samples = 1;
	r->stages[0] = (struct chousa_report_stage){ "reputation", hostile_find,
	    3 };
	r->n_stages = 1;
	r->edges = hostile_edges;
	r->n_edges = sizeof(hostile_edges) / sizeof(hostile_edges[0]);
	r->conclusion = hostile_sentences;
	r->n_conclusion = 3;
	r->at.at = 1609459200;
	r->at.text = "At the time " H_SCRIPT;
	r->benign = hostile_benign;
	r->n_benign = 1;
	r->notes = hostile_notes;
	r->n_notes = 1;
	r->lookups = 3;

	r = &reports[2];
	r->input = "198.51.100.23";
	r->ind.type = CHOUSA_IOC_IPV4;
	r->ind.value = "198.51.100.23";
	r->ind.value_len = strlen(r->ind.value);
	r->verdict = CHOUSA_V_UNKNOWN;
	r->match = -1;
	r->stages[0] = (struct chousa_report_stage){ "reputation",
	    unknown_find, 1 };
	r->stages[1] = (struct chousa_report_stage){ "identification",
	    NULL, 0 };
	r->stages[2] = (struct chousa_report_stage){ "enrichment", NULL, 0 };
	r->n_stages = 3;
	r->conclusion = unknown_sentences;
	r->n_conclusion = 1;
	r->lookups = 1;
	r->n_misses = 1;

	r = &reports[3];
	r->input = "not an indicator " H_SCRIPT H_TERM;
	r->parse_rc = CHOUSA_EPARSE;
	r->parse_error = "not an indicator: '" H_SCRIPT "'";

	r = &reports[4];
	r->input = r->ind.value = "hub.example.com";
	r->ind.type = CHOUSA_IOC_DOMAIN;
	r->ind.value_len = strlen(r->ind.value);
	r->verdict = CHOUSA_V_SUSPICIOUS;
	for (size_t i = 0; i < MANY; i++) {
		snprintf(many_names[i], sizeof(many_names[i]),
		    "h%zu.hub.example.com", i);
		many_edges[i] = (struct chousa_edge){ "hub.example.com",
		    CHOUSA_IOC_DOMAIN, many_names[i], CHOUSA_IOC_DOMAIN,
		    "resolves", "otx" };
	}
	r->edges = many_edges;
	r->n_edges = MANY;
}

/* Render reports[first..first+n) with renderer name into out. */
static int
render(const char *name, size_t first, size_t n, int defang,
    struct chousa_buf *out, struct chousa_err *err)
{
	const struct chousa_renderer *rr = chousa_renderer_find(name);
	struct chousa_render_opts opts = { .defang = defang, .now = NOW };
	struct chousa_render r;
	size_t i;
	int rc, rc_end;

	if (rr == NULL)
		return chousa_errf(err, CHOUSA_ENOTFOUND, "no renderer '%s'",
		    name);
	rc = chousa_render_begin(&r, rr, &opts, out, err);
	for (i = first; rc == CHOUSA_OK && i < first + n; i++)
		rc = chousa_render_item(&r, &reports[i], err);
	rc_end = chousa_render_end(&r, rc == CHOUSA_OK ? err : NULL);
	return rc != CHOUSA_OK ? rc : rc_end;
}

/* ---- checks ---- */

static int
json_valid(const char *s, size_t len, int lines)
{
	char ebuf[256];
	struct jnode *v;

	if (!lines) {
		v = jt_parse(s, strlen(s), ebuf, sizeof(ebuf));
		if (v == NULL)
			printf("# json: %s\n", ebuf);
		jt_free(v);
		return v != NULL;
	}
	/* JSON lines: every line one value. */
	while (len > 0) {
		const char *nl = memchr(s, '\n', len);
		size_t n = nl != NULL ? (size_t)(nl - s) : len;
		char *line = malloc(n + 1);

		if (line == NULL)
			return 0;
		memcpy(line, s, n);
		line[n] = '\0';
		v = jt_parse(line, n, ebuf, sizeof(ebuf));
		free(line);
		if (v == NULL) {
			printf("# json line: %s\n", ebuf);
			return 0;
		}
		jt_free(v);
		s += n + (nl != NULL);
		len -= n + (nl != NULL);
	}
	return 1;
}

static int
contains(const struct chousa_buf *b, const char *needle)
{
	return memmem(b->data, b->len, needle, strlen(needle)) != NULL;
}

/*
 * Markdown outside code spans and fenced blocks: what a renderer reads as
 * markup.  Inside a span, "<script>" is text a reader sees, no tag.
 */
static void
md_outside_code(const struct chousa_buf *b, struct chousa_buf *out)
{
	size_t i = 0, n, j;

	while (i < b->len) {
		if (b->data[i] != '`') {
			chousa_buf_addch(out, b->data[i++]);
			continue;
		}
		for (n = 0; i + n < b->len && b->data[i + n] == '`'; n++)
			;
		/* The closing run of the same length, else literal. */
		for (j = i + n; j < b->len; j++) {
			size_t m = 0;

			while (j + m < b->len && b->data[j + m] == '`')
				m++;
			if (m == n)
				break;
			j += m;
		}
		if (j >= b->len) {
			chousa_buf_add(out, b->data + i, n);
			i += n;
		} else
			i = j + n;
	}
}

/* Whether needle occurs in b without a backslash before it. */
static int
unescaped(const struct chousa_buf *b, const char *needle)
{
	const char *p = b->data, *end = b->data + b->len, *q;

	while ((q = memmem(p, (size_t)(end - p), needle, strlen(needle))) !=
	    NULL) {
		if (q == b->data || q[-1] != '\\')
			return 1;
		p = q + 1;
	}
	return 0;
}

/* A quote from the data always has its backslash in DOT. */
static int
dot_quotes_escaped(const struct chousa_buf *b)
{
	const char *p = b->data, *end = b->data + b->len, *q;

	while ((q = memmem(p, (size_t)(end - p), "\"><svg", 6)) != NULL) {
		if (q == b->data || q[-1] != '\\')
			return 0;
		p = q + 1;
	}
	return 1;
}

/* The graph of a hub with 500 edges is capped and says so. */
static void
check_graph_cap(void)
{
	struct chousa_err err = { 0 };
	struct chousa_buf out;
	const char *p;
	size_t rects = 0;

	chousa_buf_init(&out, 0);
	T_OK("graph_cap_renders", render("html", 4, 1, 1, &out, &err) ==
	    CHOUSA_OK);
	for (p = out.data; (p = strstr(p, "<rect")) != NULL; p++)
		rects++;
	/* 120 node boxes and at most 8 legend swatches. */
	T_OK("graph_cap_draws_at_most_the_cap", rects > 100 && rects <= 128);
	T_OK("graph_cap_says_what_was_left", contains(&out,
	    "edges not drawn"));
	chousa_buf_release(&out);
	chousa_buf_init(&out, 0);
	T_OK("graph_cap_dot_renders", render("dot", 4, 1, 1, &out, &err) ==
	    CHOUSA_OK && contains(&out, "over the cap"));
	chousa_buf_release(&out);
}

static void
check_format(const char *name)
{
	struct chousa_err err = { 0 };
	struct chousa_buf out;
	char t[128];
	int rc;

	chousa_buf_init(&out, 0);
	rc = render(name, 0, 4, 1, &out, &err);
	snprintf(t, sizeof(t), "render_%s_all_reports_ok", name);
	T_OK(t, rc == CHOUSA_OK);
	if (rc != CHOUSA_OK)
		printf("# %s\n", err.msg);
	snprintf(t, sizeof(t), "render_%s_is_valid_utf8", name);
	T_OK(t, chousa_utf8_valid_prefix(out.data, out.len) == out.len);
	snprintf(t, sizeof(t), "render_%s_drops_escape_sequences", name);
	T_OK(t, memchr(out.data, 0x1b, out.len) == NULL &&
	    memchr(out.data, 0x07, out.len) == NULL);
	if (strcmp(name, "stix") == 0 || strcmp(name, "misp") == 0) {
		snprintf(t, sizeof(t), "render_%s_is_json", name);
		T_OK(t, json_valid(out.data, out.len, 0));
	}
	if (strcmp(name, "json") == 0) {
		snprintf(t, sizeof(t), "render_%s_is_json_lines", name);
		T_OK(t, json_valid(out.data, out.len, 1));
	}
	if (strcmp(name, "html") == 0) {
		T_OK("render_html_no_script_from_data",
		    !contains(&out, "<script") && !contains(&out, "<img") &&
		    !contains(&out, "<svg/"));
		T_OK("render_html_no_javascript_link",
		    !contains(&out, "href=\"javascript"));
		T_OK("render_html_escapes_quotes_in_href",
		    !contains(&out, "\"onmouseover"));
		T_OK("render_html_defangs_by_default",
		    contains(&out, "www[.]dnautik[.]com") &&
		    !contains(&out, ">www.dnautik.com<"));
		T_OK("render_html_draws_graph", contains(&out, "<svg") &&
		    contains(&out, "<rect"));
	}
	if (strcmp(name, "md") == 0) {
		struct chousa_buf md;

		chousa_buf_init(&md, 0);
		md_outside_code(&out, &md);
		T_OK("render_md_no_raw_link", !contains(&md, H_MD) &&
		    !unescaped(&md, "<script"));
		chousa_buf_release(&md);
	}
	if (strcmp(name, "dot") == 0)
		T_OK("render_dot_keeps_quotes_escaped",
		    dot_quotes_escaped(&out));
	chousa_buf_release(&out);
}

/*
 * In a CHOUSA_INJECT build, fail the Nth allocation of a whole rendering
 * in a child process (the countdown is read once per process) until a run
 * gets through untouched.  Every child must end with a clean error or
 * success, never a signal; LeakSanitizer, when present, fails a leaking
 * child through its exit status.
 */
static void
check_alloc_failures(const char *name)
{
	int n, status, clean = 1, reached_end = 0;
	char t[128], num[16];
	pid_t pid;

	for (n = 1; n <= 2000 && !reached_end; n++) {
		pid = fork();
		if (pid == 0) {
			struct chousa_err err = { 0 };
			struct chousa_buf out;
			int rc;

			snprintf(num, sizeof(num), "%d", n);
			setenv("CHOUSA_FAIL_ALLOC", num, 1);
			chousa_buf_init(&out, 0);
			rc = render(name, 0, 4, 1, &out, &err);
			chousa_buf_release(&out);
			if (rc == CHOUSA_OK)
				_exit(10);	/* no failure reached */
			_exit(rc == CHOUSA_ENOMEM && err.msg[0] != '\0' ?
			    0 : 11);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			clean = 0;
			break;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 10)
			reached_end = 1;
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			printf("# %s: failing allocation %d: %s %d\n", name, n,
			    WIFSIGNALED(status) ? "signal" : "exit",
			    WIFSIGNALED(status) ? WTERMSIG(status) :
			    WEXITSTATUS(status));
			clean = 0;
		}
	}
	snprintf(t, sizeof(t), "render_%s_alloc_failures_end_cleanly", name);
	T_OK(t, clean && reached_end && n > 2);
	printf("# %s: %d allocation points failed in turn\n", name, n - 2);
}

static int
dump(const char *name, int defang, const char *which)
{
	struct chousa_err err = { 0 };
	struct chousa_buf out;
	size_t first = 0, n = 4;
	int rc;

	if (strcmp(which, "worked") == 0)
		n = 1;
	else if (strcmp(which, "hostile") == 0)
		first = 1, n = 1;
	else if (strcmp(which, "unknown") == 0)
		first = 2, n = 1;
	chousa_buf_init(&out, 0);
	rc = render(name, first, n, defang, &out, &err);
	if (rc == CHOUSA_OK)
		fwrite(out.data, 1, out.len, stdout);
	else
		fprintf(stderr, "test-robust-render: %s\n", err.msg);
	chousa_buf_release(&out);
	return rc == CHOUSA_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const struct chousa_renderer *const *rr;
	static const char *const mine[] = { "html", "stix", "misp", "dot" };
	int inject = getenv("CHOUSA_TEST_INJECT") != NULL;
	size_t i;

	build_models();
	if (argc >= 3 && strcmp(argv[1], "--dump") == 0) {
		const char *which = "all";
		int defang = 1, k;

		for (k = 3; k < argc; k++) {
			if (strcmp(argv[k], "--no-defang") == 0)
				defang = 0;
			else
				which = argv[k];
		}
		return dump(argv[2], defang, which);
	}
	for (i = 0; i < sizeof(mine) / sizeof(mine[0]); i++) {
		char t[64];

		snprintf(t, sizeof(t), "renderer_%s_registered", mine[i]);
		T_OK(t, chousa_renderer_find(mine[i]) != NULL);
	}
	/*
	 * The injection loop needs a CHOUSA_INJECT build; tests/cli/
	 * test-robust-inject.sh runs this binary from build-*-inject with
	 * CHOUSA_TEST_INJECT set.  It runs first: the countdown is read at
	 * the first allocation, which must happen in the children.
	 */
	if (inject)
		for (rr = chousa_renderers(); *rr != NULL; rr++)
			check_alloc_failures((*rr)->name);
	for (rr = chousa_renderers(); *rr != NULL; rr++)
		check_format((*rr)->name);
	check_graph_cap();
	return T_DONE();
}
