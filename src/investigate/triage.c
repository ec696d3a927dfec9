/*
 * triage.c: many reports as one ranked table, the first thing an analyst
 * reads after pasting an alert or a list: each input's verdict, family
 * and strongest evidence, the worst first, and for a pasted text one
 * overall line.  Rows are copied out of the reports, so a long run keeps
 * only its table.  Where an input sat in the text matters too: an
 * e-mail's own header fields are the message's envelope, not its
 * content, and reference sites are where an alert cites its sources.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "investigate/investigate.h"
#include "ioc/labels.h"

/* Longest header field name considered (RFC 5322 allows more, none do). */
#define FIELD_MAX	64

static const char *const context_names[] = { "body", "header",
	"recipient", "reference" };

const char *
chousa_context_name(int context)
{
	if (context < 0 || context > CHOUSA_CTX_REFERENCE)
		return "?";
	return context_names[context];
}

/* ---- where an input sat in the text ---- */

/* The fields that name the message's recipients. */
static const char *const recipient_fields[] = { "to", "cc", "bcc",
	"delivered-to", "x-original-to", "envelope-to", "resent-to",
	"resent-cc", "x-forwarded-to", "apparently-to", NULL };
/* Fields only a mail header has: one of them makes a block a header. */
static const char *const mail_fields[] = { "from", "to", "cc", "subject",
	"date", "received", "return-path", "message-id", "reply-to",
	"delivered-to", "mime-version", "sender", NULL };

static int
field_in(const char *const *list, const char *name, size_t len)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == len && strncasecmp(list[i], name,
		    len) == 0)
			return 1;
	return 0;
}

/* The start of the line holding pos. */
static size_t
line_start(const char *text, size_t pos)
{
	while (pos > 0 && text[pos - 1] != '\n')
		pos--;
	return pos;
}

static size_t
line_end(const char *text, size_t len, size_t pos)
{
	const char *nl = memchr(text + pos, '\n', len - pos);

	return nl != NULL ? (size_t)(nl - text) : len;
}

/*
 * The length of the field name that starts the line at pos ("From" of
 * "From: a@b"), or 0 when the line is no header field.
 */
static size_t
field_name(const char *text, size_t len, size_t pos)
{
	size_t i;

	for (i = pos; i < len && i - pos < FIELD_MAX; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c == ':')
			return i > pos ? i - pos : 0;
		if (!isalnum(c) && c != '-' && c != '_')
			return 0;
	}
	return 0;
}

static int
is_folded(const char *text, size_t len, size_t pos)
{
	return pos < len && (text[pos] == ' ' || text[pos] == '\t');
}

static int
is_blank(const char *text, size_t len, size_t pos)
{
	size_t end = line_end(text, len, pos);

	for (; pos < end; pos++)
		if (!isspace((unsigned char)text[pos]))
			return 0;
	return 1;
}

/*
 * Whether the block of header-like lines around the line at pos (up and
 * down to a line that is neither a field nor a folded line) is an e-mail
 * header: two fields or more, one of them a mail field.
 */
static int
in_mail_header(const char *text, size_t len, size_t pos)
{
	size_t p = pos, fields = 0, n;
	int mail = 0;

	/* Up to the first line of the block. */
	while (p > 0) {
		size_t prev = line_start(text, p - 1);

		if (is_blank(text, len, prev) || (!is_folded(text, len, prev) &&
		    field_name(text, len, prev) == 0))
			break;
		p = prev;
	}
	/* Down through it, counting its fields. */
	while (p < len && !is_blank(text, len, p)) {
		if (!is_folded(text, len, p)) {
			n = field_name(text, len, p);
			if (n == 0)
				break;
			fields++;
			mail |= field_in(mail_fields, text + p, n);
		}
		p = line_end(text, len, p) + 1;
	}
	return fields >= 2 && mail;
}

int
chousa_triage_context(const char *text, size_t len,
    const struct chousa_indicator *ind, char *field, size_t field_size)
{
	const char *host = ind->type == CHOUSA_IOC_URL ||
	    ind->type == CHOUSA_IOC_EMAIL ? ind->host : ind->value;
	size_t pos, n;

	if (field_size > 0)
		field[0] = '\0';
	if (text != NULL && ind->offset < len) {
		/* The field's first line, above its folded lines. */
		pos = line_start(text, ind->offset);
		while (pos > 0 && is_folded(text, len, pos))
			pos = line_start(text, pos - 1);
		n = field_name(text, len, pos);
		if (n > 0 && !is_folded(text, len, pos) &&
		    in_mail_header(text, len, pos)) {
			if (field_size > 0)
				snprintf(field, field_size, "%.*s", (int)n,
				    text + pos);
			return field_in(recipient_fields, text + pos, n) ?
			    CHOUSA_CTX_RECIPIENT : CHOUSA_CTX_HEADER;
		}
	}
	if (data_host_in(data_reference_sites(), host))
		return CHOUSA_CTX_REFERENCE;
	return CHOUSA_CTX_BODY;
}

struct text_inputs {
	const char		*text;
	size_t			 len;
	chousa_text_input_fn	 fn;
	void			*arg;
};

static int
on_text_input(void *arg, const struct chousa_indicator *ind)
{
	struct text_inputs *ti = arg;
	char field[FIELD_MAX];
	int context;

	context = chousa_triage_context(ti->text, ti->len, ind, field,
	    sizeof(field));
	return ti->fn(ti->arg, ind, context, field);
}

int
chousa_triage_extract(const char *text, size_t len, chousa_text_input_fn fn,
    void *arg, struct chousa_err *err)
{
	struct chousa_extract_opts xo = { CHOUSA_IOC_ALL, 1, 0 };
	struct chousa_extractor *x;
	struct text_inputs ti;
	int rc;

	rc = chousa_extractor_new(&x, &xo, err);
	if (rc != CHOUSA_OK)
		return rc;
	ti.text = text != NULL ? text : "";
	ti.len = text != NULL ? len : 0;
	ti.fn = fn;
	ti.arg = arg;
	rc = chousa_extract(x, ti.text, ti.len, 0, on_text_input, &ti, err);
	chousa_extractor_free(x);
	return rc;
}

int
chousa_triage_left_out(int context, int all)
{
	return !all && (context == CHOUSA_CTX_RECIPIENT ||
	    context == CHOUSA_CTX_REFERENCE);
}

void
chousa_triage_left_out_note(char *buf, size_t size, size_t n)
{
	snprintf(buf, size, "%zu indicator%s left out (e-mail recipients, "
	    "reference sites): --all investigates them", n, n == 1 ? "" : "s");
}

/* ---- the table ---- */

int
chousa_triage_new(struct chousa_triage **out, int from_text,
    struct chousa_err *err)
{
	struct chousa_triage *t = mem_alloc(sizeof(*t));
	int rc;

	if (t == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	rc = chousa_arena_new(&t->arena, 0, err);
	if (rc != CHOUSA_OK) {
		mem_free(t);
		return rc;
	}
	t->from_text = from_text;
	t->overall = -1;
	*out = t;
	return CHOUSA_OK;
}

void
chousa_triage_free(struct chousa_triage *t)
{
	if (t == NULL)
		return;
	chousa_arena_free(t->arena);
	mem_free(t);
}

static const char *
dup(struct chousa_triage *t, const char *s, int *failed)
{
	const char *c;

	if (s == NULL)
		return NULL;
	c = chousa_arena_strdup(t->arena, s);
	if (c == NULL)
		*failed = 1;
	return c;
}

static struct chousa_triage_row *
new_row(struct chousa_triage *t)
{
	struct chousa_triage_row *rows;

	if (t->n_rows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;

		rows = chousa_arena_alloc(t->arena, cap * sizeof(*rows));
		if (rows == NULL)
			return NULL;
		if (t->n_rows > 0)
			memcpy(rows, t->rows, t->n_rows * sizeof(*rows));
		t->rows = rows;
		t->cap = cap;
	}
	rows = &t->rows[t->n_rows];
	memset(rows, 0, sizeof(*rows));
	rows->index = t->n_rows++;
	return rows;
}

/*
 * Whether a source was held back by a quota (a service's daily or rate
 * limit, a token's budget): its silence is then no evidence.  Other
 * skips (offline, no key, a verdict settled) are the run's own choice.
 */
static int
quota_skipped(const struct chousa_report *rep)
{
	size_t s, i;

	for (s = 0; s < rep->n_stages; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++) {
			const struct chousa_finding *f =
			    &rep->stages[s].findings[i];

			if (f->status == CHOUSA_ST_SKIPPED && f->reason != NULL
			    && strncmp(f->reason, "quota", 5) == 0)
				return 1;
		}
	return 0;
}

/* The strongest evidence of a report in one clause. */
static const char *
evidence_of(const struct chousa_report *rep)
{
	if (rep->parse_rc != CHOUSA_OK)
		return rep->parse_error;
	if (rep->verdict_reason != NULL)
		return rep->verdict_reason;
	if (rep->n_errors > 0)
		return "no listing found, but sources failed: see the report";
	if (quota_skipped(rep))
		return "no listing found, but a quota held sources back: see "
		    "the report";
	return "no source lists it";
}

int
chousa_triage_add(struct chousa_triage *t, const struct chousa_report *rep,
    int context, const char *field, struct chousa_err *err)
{
	struct chousa_triage_row *row = new_row(t);
	int failed = 0;

	if (row == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	row->report = ++t->n_reports;
	row->input = dup(t, rep->input, &failed);
	row->evidence = dup(t, evidence_of(rep), &failed);
	row->context = context;
	row->field = field != NULL && field[0] != '\0' ? dup(t, field,
	    &failed) : NULL;
	row->n_errors = rep->n_errors;
	if (rep->parse_rc != CHOUSA_OK)
		row->verdict = -1;
	else {
		row->value = dup(t, rep->ind.value, &failed);
		row->type = rep->ind.type;
		row->verdict = rep->verdict;
		row->confidence = rep->confidence;
		if (rep->family != NULL) {
			row->family_id = dup(t, rep->family->id, &failed);
			row->family = dup(t, rep->family->name != NULL ?
			    rep->family->name : rep->family->id, &failed);
			row->family_confidence = rep->family->confidence;
		}
	}
	if (failed)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	return CHOUSA_OK;
}

int
chousa_triage_leave_out(struct chousa_triage *t, const char *value,
    int type, int context, const char *field, struct chousa_err *err)
{
	struct chousa_triage_row *row = new_row(t);
	int failed = 0;

	if (row == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	row->input = dup(t, value, &failed);
	row->value = row->input;
	row->type = type;
	row->verdict = CHOUSA_V_UNKNOWN;
	row->context = context;
	row->field = field != NULL && field[0] != '\0' ? dup(t, field,
	    &failed) : NULL;
	row->left_out = 1;
	row->evidence = context == CHOUSA_CTX_RECIPIENT ? "a recipient of "
	    "the message: not investigated (--all does)" : "a reference "
	    "site: not investigated (--all does)";
	if (failed)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	return CHOUSA_OK;
}

/* Severity order: the lower, the higher in the table. */
static int
rank_of(const struct chousa_triage_row *r)
{
	if (r->left_out)
		return 6;
	switch (r->verdict) {
	case CHOUSA_V_MALICIOUS:	return 0;
	case CHOUSA_V_SUSPICIOUS:	return 1;
	case CHOUSA_V_UNKNOWN:		return 2;
	case CHOUSA_V_BENIGN:		return 3;
	default:			return 4;
	}
}

static int
cmp_row(const void *pa, const void *pb)
{
	const struct chousa_triage_row *a = pa, *b = pb;

	if (rank_of(a) != rank_of(b))
		return rank_of(a) < rank_of(b) ? -1 : 1;
	if ((a->context == CHOUSA_CTX_BODY) != (b->context ==
	    CHOUSA_CTX_BODY))
		return a->context == CHOUSA_CTX_BODY ? -1 : 1;
	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	if (a->family_confidence != b->family_confidence)
		return a->family_confidence > b->family_confidence ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void
add_family(const char **fams, size_t *n, size_t cap, const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(fams[i], name) == 0)
			return;
	if (*n < cap)
		fams[(*n)++] = name;
}

int
chousa_triage_finish(struct chousa_triage *t, struct chousa_err *err)
{
	static const char *const words[] = { "unknown", "benign",
		"suspicious", "malicious" };
	struct chousa_buf b;
	const char *fams[16];
	size_t i, n_fams = 0, investigated = 0;
	int v, first = 1;

	if (t->n_rows > 1)
		qsort(t->rows, t->n_rows, sizeof(*t->rows), cmp_row);
	for (i = 0; i < t->n_rows; i++) {
		const struct chousa_triage_row *r = &t->rows[i];

		if (r->left_out) {
			t->n_left_out++;
			continue;
		}
		if (r->verdict < 0) {
			t->n_invalid++;
			continue;
		}
		investigated++;
		t->n_verdict[r->verdict]++;
		if (r->context == CHOUSA_CTX_HEADER)
			t->n_header++;
		/* Unknown is below benign in the table, not in worth. */
		if (t->overall < 0 || (r->verdict >= CHOUSA_V_SUSPICIOUS &&
		    r->verdict > t->overall) || (t->overall ==
		    CHOUSA_V_BENIGN && r->verdict == CHOUSA_V_UNKNOWN))
			t->overall = r->verdict;
		if (r->verdict >= CHOUSA_V_SUSPICIOUS && r->family != NULL)
			add_family(fams, &n_fams, 16, r->family);
	}
	t->families = chousa_arena_alloc(t->arena, (n_fams ? n_fams : 1) *
	    sizeof(*t->families));
	if (t->families == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	memcpy(t->families, fams, n_fams * sizeof(*fams));
	t->n_families = n_fams;

	/* "malicious: 2 malicious, 6 unknown of 8 ...; families: Emotet" */
	chousa_buf_init(&b, 8192);
	chousa_buf_adds(&b, t->overall >= 0 ? words[t->overall] :
	    "nothing investigated");
	if (investigated > 0)
		chousa_buf_adds(&b, " \xe2\x80\x94 ");
	for (v = 0; v < 4; v++) {
		static const int order[] = { CHOUSA_V_MALICIOUS,
			CHOUSA_V_SUSPICIOUS, CHOUSA_V_UNKNOWN,
			CHOUSA_V_BENIGN };
		int w = order[v];

		if (t->n_verdict[w] == 0)
			continue;
		chousa_buf_addf(&b, "%s%zu %s", first ? "" : ", ",
		    t->n_verdict[w], words[w]);
		first = 0;
	}
	if (investigated > 0)
		chousa_buf_addf(&b, " of %zu indicator%s investigated",
		    investigated, investigated == 1 ? "" : "s");
	if (t->n_header > 0)
		chousa_buf_addf(&b, " (%zu from the e-mail's header)",
		    t->n_header);
	for (i = 0; i < n_fams; i++)
		chousa_buf_addf(&b, "%s%s", i == 0 ? n_fams == 1 ?
		    "; family: " : "; families: " : ", ", fams[i]);
	if (t->n_invalid > 0)
		chousa_buf_addf(&b, "; %zu not an indicator", t->n_invalid);
	if (t->n_left_out > 0)
		chousa_buf_addf(&b, "; %zu left out (recipients, reference "
		    "sites: --all investigates them)", t->n_left_out);
	t->overall_text = chousa_arena_strdup(t->arena, b.data != NULL ?
	    b.data : "");
	chousa_buf_release(&b);
	if (t->overall_text == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	return CHOUSA_OK;
}
