/*
 * test-ioc.c: the indicator core.  Runs the data-driven cases of
 * tests/cases/ioc.cases (parse, extract, refang, defang; the format is
 * described at the top of that file), then unit checks of what a case
 * line cannot say: callbacks, offsets, limits, hostile bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chousa.h"
#include "t.h"

static const char *const flag_names[] = {
	"private", "loopback", "cgnat", "link-local", "documentation",
	"multicast", "reserved", "", "defanged", "idn", "ip-host",
	"invalid-host", "no-scheme", "unlisted-tld", "address-only", NULL
};

static void
flags_str(unsigned f, char *out, size_t n)
{
	size_t len = 0;
	int i;

	out[0] = '\0';
	for (i = 0; flag_names[i] != NULL; i++)
		if ((f & (1u << i)) && flag_names[i][0] != '\0')
			len += (size_t)snprintf(out + len, n - len, "%s%s",
			    len ? "," : "", flag_names[i]);
	if (len == 0)
		snprintf(out, n, "-");
}

/* Undo the escapes of a case line: \t \n \r \0 \\ \xNN. */
static size_t
unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s != '\0') {
		if (*s == '\\' && s[1] != '\0') {
			switch (s[1]) {
			case 't':
				out[n++] = '\t';
				s += 2;
				continue;
			case 'n':
				out[n++] = '\n';
				s += 2;
				continue;
			case 'r':
				out[n++] = '\r';
				s += 2;
				continue;
			case '0':
				out[n++] = '\0';
				s += 2;
				continue;
			case '\\':
				out[n++] = '\\';
				s += 2;
				continue;
			case 'x':
				if (s[2] && s[3]) {
					char h[3] = { s[2], s[3], 0 };

					out[n++] = (char)strtol(h, NULL, 16);
					s += 4;
					continue;
				}
			}
		}
		out[n++] = *s++;
	}
	out[n] = '\0';
	return n;
}

struct collect {
	struct chousa_buf	b;
};

static int
collect_fn(void *arg, const struct chousa_indicator *ind)
{
	struct collect *c = arg;

	chousa_buf_addf(&c->b, "%s %s <= %.*s @%zu\n",
	    chousa_ioc_type_name(ind->type), ind->value, (int)ind->raw_len,
	    ind->raw, ind->offset);
	return 0;
}

/* ---- the case file ---- */

struct tcase {
	int	 line;
	char	 cmd[32];
	char	*input;
	char	*expect[64];
	int	 n_expect;
};

static int n_cases;

static void
case_name(const struct tcase *c, char *out, size_t n)
{
	size_t i, k = 0;

	k = (size_t)snprintf(out, n, "case_%d_%s_", c->line, c->cmd);
	for (i = 0; c->input[i] != '\0' && k + 1 < n && i < 40; i++)
		out[k++] = (c->input[i] >= 0x21 && c->input[i] < 0x7f) ?
		    c->input[i] : '_';
	out[k] = '\0';
}

static void
run_parse(const struct tcase *c, const char *name, unsigned context)
{
	struct chousa_arena *a;
	struct chousa_indicator ind;
	struct chousa_err err;
	char in[8192], got[8192], fl[256];
	size_t len = unescape(c->input, in);
	int rc, i, ok = 1;

	chousa_arena_new(&a, 0, NULL);
	rc = chousa_ioc_parse_context(a, in, len, 0, context, &ind, &err);
	if (c->n_expect > 0 && strncmp(c->expect[0], "%%FAIL", 6) == 0) {
		/* "%%FAIL MESSAGE": the error message too. */
		const char *msg = c->expect[0][6] == ' ' ? c->expect[0] + 7 :
		    NULL;

		if (rc == CHOUSA_OK) {
			printf("not ok - %s: parsed as %s %s, want failure\n",
			    name, chousa_ioc_type_name(ind.type), ind.value);
			t_failed++;
		} else if (msg != NULL && (unescape(msg, got),
		    strcmp(got, err.msg) != 0)) {
			printf("not ok - %s: got '%s', want '%s'\n", name,
			    err.msg, msg);
			t_failed++;
		} else
			printf("ok - %s\n", name);
		chousa_arena_free(a);
		return;
	}
	if (rc != CHOUSA_OK) {
		printf("not ok - %s: %s\n", name, err.msg);
		t_failed++;
		chousa_arena_free(a);
		return;
	}
	for (i = 0; i < c->n_expect && ok; i++) {
		const char *e = c->expect[i], *want;

		if (i == 0) {
			snprintf(got, sizeof(got), "%s %s",
			    chousa_ioc_type_name(ind.type), ind.value);
			want = e;
		} else if (strncmp(e, "display: ", 9) == 0) {
			snprintf(got, sizeof(got), "display: %s", ind.display);
			want = e;
		} else if (strncmp(e, "host: ", 6) == 0) {
			snprintf(got, sizeof(got), "host: %s",
			    ind.host ? ind.host : "(null)");
			want = e;
		} else if (strncmp(e, "regdomain: ", 11) == 0) {
			snprintf(got, sizeof(got), "regdomain: %s",
			    ind.regdomain ? ind.regdomain : "(null)");
			want = e;
		} else if (strncmp(e, "port: ", 6) == 0) {
			snprintf(got, sizeof(got), "port: %u", ind.port);
			want = e;
		} else if (strncmp(e, "path: ", 6) == 0) {
			snprintf(got, sizeof(got), "path: %s",
			    ind.path ? ind.path : "(null)");
			want = e;
		} else if (strncmp(e, "prefix: ", 8) == 0) {
			snprintf(got, sizeof(got), "prefix: %d", ind.prefix);
			want = e;
		} else if (strncmp(e, "host_type: ", 11) == 0) {
			snprintf(got, sizeof(got), "host_type: %s",
			    chousa_ioc_type_name(ind.host_type));
			want = e;
		} else if (strncmp(e, "host_error: ", 12) == 0) {
			snprintf(got, sizeof(got), "host_error: %s",
			    ind.host_error ? ind.host_error : "(null)");
			want = e;
		} else if (strncmp(e, "raw: ", 5) == 0) {
			snprintf(got, sizeof(got), "raw: %.*s",
			    (int)ind.raw_len, ind.raw);
			want = e;
		} else if (strncmp(e, "flags: ", 7) == 0) {
			flags_str(ind.flags, fl, sizeof(fl));
			snprintf(got, sizeof(got), "flags: %s", fl);
			want = e;
		} else {
			snprintf(got, sizeof(got), "?");
			want = e;
		}
		if (strcmp(got, want) != 0) {
			printf("not ok - %s: got '%s', want '%s'\n", name, got,
			    want);
			t_failed++;
			ok = 0;
		}
	}
	if (ok)
		printf("ok - %s\n", name);
	chousa_arena_free(a);
}

static void
run_extract(const struct tcase *c, const char *name, int keep_private,
    int unique)
{
	struct chousa_extract_opts o = { 0, unique, keep_private };
	struct chousa_extractor *x;
	struct collect col;
	struct chousa_buf want;
	static char in[65536];
	size_t len = unescape(c->input, in);
	int i;
	char *p, *q;

	chousa_buf_init(&col.b, 0);
	chousa_buf_init(&want, 0);
	chousa_extractor_new(&x, &o, NULL);
	chousa_extract(x, in, len, 0, collect_fn, &col, NULL);
	chousa_extractor_free(x);
	/* Compare "type value" and, when given, "<= raw". */
	for (i = 0; i < c->n_expect; i++) {
		if (strcmp(c->expect[i], "%%NONE") == 0)
			continue;
		chousa_buf_adds(&want, c->expect[i]);
		chousa_buf_addch(&want, '\n');
	}
	/* Drop raw and offset from what was got where the case has none. */
	{
		struct chousa_buf g;
		int line = 0;

		chousa_buf_init(&g, 0);
		for (p = col.b.data; *p != '\0'; p = q + 1, line++) {
			q = strchr(p, '\n');
			const char *w = line < c->n_expect ? c->expect[line] :
			    "";
			size_t keep = (size_t)(q - p);

			if (strstr(w, " <= ") == NULL) {
				char *arrow = strstr(p, " <= ");

				if (arrow != NULL && arrow < q)
					keep = (size_t)(arrow - p);
			} else if (strstr(w, " @") == NULL ||
			    strstr(w, " @") < strstr(w, " <= ")) {
				char *at = NULL, *s;

				for (s = p; s < q; s++)
					if (s[0] == ' ' && s[1] == '@')
						at = s;
				if (at != NULL)
					keep = (size_t)(at - p);
			}
			chousa_buf_add(&g, p, keep);
			chousa_buf_addch(&g, '\n');
		}
		if (strcmp(g.data, want.data) == 0)
			printf("ok - %s\n", name);
		else {
			printf("not ok - %s: got [", name);
			for (p = g.data; *p; p++)
				putchar(*p == '\n' ? '|' : *p);
			printf("] want [");
			for (p = want.data; *p; p++)
				putchar(*p == '\n' ? '|' : *p);
			printf("]\n");
			t_failed++;
		}
		chousa_buf_release(&g);
	}
	chousa_buf_release(&col.b);
	chousa_buf_release(&want);
}

static void
run_refang(const struct tcase *c, const char *name, int defang)
{
	struct chousa_buf out;
	static char in[65536], want[65536];
	size_t len = unescape(c->input, in);

	chousa_buf_init(&out, 0);
	if (defang)
		chousa_ioc_defang(&out, in, len);
	else
		chousa_ioc_refang(&out, in, len, NULL);
	unescape(c->n_expect > 0 ? c->expect[0] : "", want);
	if (strcmp(out.data, want) == 0)
		printf("ok - %s\n", name);
	else {
		printf("not ok - %s: got '%s', want '%s'\n", name, out.data,
		    want);
		t_failed++;
	}
	chousa_buf_release(&out);
}

static void
run_case(struct tcase *c)
{
	char name[128];

	n_cases++;
	case_name(c, name, sizeof(name));
	if (strcmp(c->cmd, "parse") == 0)
		run_parse(c, name, 0);
	else if (strcmp(c->cmd, "parse-query") == 0)
		run_parse(c, name, CHOUSA_IOC_CTX_QUERY);
	else if (strcmp(c->cmd, "extract") == 0)
		run_extract(c, name, 1, 0);
	else if (strcmp(c->cmd, "extract-public") == 0)
		run_extract(c, name, 0, 0);
	else if (strcmp(c->cmd, "extract-unique") == 0)
		run_extract(c, name, 1, 1);
	else if (strcmp(c->cmd, "refang") == 0)
		run_refang(c, name, 0);
	else if (strcmp(c->cmd, "defang") == 0)
		run_refang(c, name, 1);
	else {
		printf("not ok - %s: unknown case command\n", name);
		t_failed++;
	}
}

static void
run_case_file(void)
{
	const char *dir = getenv("TESTS");
	char path[1024], line[65536];
	struct tcase c;
	FILE *fp;
	int ln = 0, in_case = 0, i;

	snprintf(path, sizeof(path), "%s/cases/ioc.cases", dir ? dir :
	    "tests");
	fp = fopen(path, "r");
	T_OK("ioc_cases_file_opens", fp != NULL);
	if (fp == NULL)
		return;
	memset(&c, 0, sizeof(c));
	for (;;) {
		char *r = fgets(line, sizeof(line), fp);
		size_t n;

		if (r != NULL) {
			ln++;
			n = strlen(line);
			if (n > 0 && line[n - 1] == '\n')
				line[--n] = '\0';
		}
		if (r == NULL || line[0] == '\0') {
			if (in_case) {
				run_case(&c);
				free(c.input);
				for (i = 0; i < c.n_expect; i++)
					free(c.expect[i]);
				memset(&c, 0, sizeof(c));
				in_case = 0;
			}
			if (r == NULL)
				break;
			continue;
		}
		if (!in_case && line[0] == '#')
			continue;
		if (!in_case) {
			char *sp = strchr(line, ' ');

			in_case = 1;
			c.line = ln;
			if (sp == NULL) {
				snprintf(c.cmd, sizeof(c.cmd), "%.31s", line);
				c.input = strdup("");
			} else {
				snprintf(c.cmd, sizeof(c.cmd), "%.*s",
				    (int)(sp - line), line);
				c.input = strdup(sp + 1);
			}
		} else if (c.n_expect < 64)
			c.expect[c.n_expect++] = strdup(line);
	}
	fclose(fp);
}

/* ---- unit checks ---- */

static int
stop_fn(void *arg, const struct chousa_indicator *ind)
{
	int *n = arg;

	(void)ind;
	return ++*n == 2 ? 42 : 0;
}

static int
parent_fn(void *arg, const char *parent)
{
	struct chousa_buf *b = arg;

	chousa_buf_adds(b, parent);
	chousa_buf_addch(b, ' ');
	return 0;
}

static void
unit_checks(void)
{
	struct chousa_extract_opts o = { 0, 0, 1 };
	struct chousa_extractor *x;
	struct collect col;
	struct chousa_buf b;
	unsigned mask = 0;
	uint8_t a4[4] = { 100, 64, 1, 1 };
	char *big;
	size_t i, n;
	int stops = 0;

	T_STREQ("type_name_url", chousa_ioc_type_name(CHOUSA_IOC_URL), "url");
	T_STREQ("type_name_bad", chousa_ioc_type_name(99), "none");
	T_INTEQ("type_from_name", chousa_ioc_type_from_name("SHA256"),
	    CHOUSA_IOC_SHA256);
	T_INTEQ("type_from_name_hash_is_not_a_type",
	    chousa_ioc_type_from_name("hash"), CHOUSA_IOC_NONE);
	T_INTEQ("types_parse_ip_hash", chousa_ioc_types_parse("ip, hash",
	    &mask, NULL), CHOUSA_OK);
	T_INTEQ("types_parse_ip_hash_mask", mask, CHOUSA_IOC_IPS |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) | CHOUSA_IOC_HASHES);
	T_INTEQ("types_parse_unknown", chousa_ioc_types_parse("url,bogus",
	    &mask, NULL), CHOUSA_EINVAL);
	T_INTEQ("types_parse_empty", chousa_ioc_types_parse("", &mask, NULL),
	    CHOUSA_EINVAL);
	T_INTEQ("ip_flags_cgnat", chousa_ioc_ip_flags(a4, 0),
	    CHOUSA_IOC_F_CGNAT);

	chousa_buf_init(&b, 0);
	chousa_ioc_each_parent("a.b.evil.co.uk", parent_fn, &b);
	T_STREQ("each_parent_stops_at_regdomain", b.data,
	    "b.evil.co.uk evil.co.uk ");
	chousa_buf_reset(&b);
	chousa_ioc_each_parent("evil.co.uk", parent_fn, &b);
	T_STREQ("each_parent_of_regdomain_is_none", b.data, "");
	chousa_buf_release(&b);

	/* Offsets are relative to base; a non-zero return stops. */
	chousa_extractor_new(&x, &o, NULL);
	chousa_buf_init(&col.b, 0);
	chousa_extract(x, "x evil.com", 10, 1000, collect_fn, &col, NULL);
	T_STREQ("extract_offset_adds_base", col.b.data,
	    "domain evil.com <= evil.com @1002\n");
	T_INTEQ("extract_callback_stops", chousa_extract(x,
	    "a.com b.com c.com", 17, 0, stop_fn, &stops, NULL), 42);
	T_INTEQ("extract_callback_stops_count", stops, 2);

	/* A megabyte line, NUL bytes and invalid UTF-8 are survived. */
	n = (size_t)4 << 20;
	big = malloc(n);
	for (i = 0; i < n; i++)
		big[i] = "a.b[.]\0\xff\xc3(dot)0123456789abcdef:/@"[i % 32];
	chousa_buf_reset(&col.b);
	T_INTEQ("extract_hostile_megabytes", chousa_extract(x, big, n, 0,
	    collect_fn, &col, NULL), CHOUSA_OK);
	memset(big, 'a', n);
	memcpy(big + n - 9, ".evil.com", 9);
	chousa_buf_reset(&col.b);
	chousa_extract(x, big, n, 0, collect_fn, &col, NULL);
	T_OK("extract_huge_run_no_crash", 1);
	memset(big, '1', n);
	for (i = 1; i < n; i += 2)
		big[i] = '.';
	chousa_buf_reset(&col.b);
	chousa_extract(x, big, n, 0, collect_fn, &col, NULL);
	T_STREQ("extract_long_dotted_digits_no_ip", col.b.data, "");
	chousa_buf_init(&b, 0);
	T_INTEQ("refang_hostile_megabytes", chousa_ioc_refang(&b, big, n,
	    NULL), CHOUSA_OK);
	T_INTEQ("refang_keeps_length_of_prose", b.len, n);
	chousa_buf_release(&b);
	free(big);
	chousa_buf_release(&col.b);
	chousa_extractor_free(x);

	/* unique is on the normal form, across calls. */
	o.unique = 1;
	chousa_extractor_new(&x, &o, NULL);
	chousa_buf_init(&col.b, 0);
	chousa_extract(x, "EVIL.com evil[.]com", 19, 0, collect_fn, &col,
	    NULL);
	chousa_extract(x, "evil.com. bad.com", 17, 0, collect_fn, &col,
	    NULL);
	T_STREQ("extract_unique_on_normal_form", col.b.data,
	    "domain evil.com <= EVIL.com @0\ndomain bad.com <= bad.com @10\n");
	chousa_buf_release(&col.b);
	chousa_extractor_free(x);
	chousa_extractor_free(NULL);
}

int
main(void)
{
	run_case_file();
	T_OK("ioc_cases_at_least_300", n_cases >= 300);
	unit_checks();
	return T_DONE();
}
