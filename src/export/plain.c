/*
 * plain.c: csv and txt.  txt is one indicator per line; csv has a header
 * and one quoted row per indicator with its family, confidence, dates,
 * sources and evidence.  Into a directory, each writes one file per type
 * ("domain.txt", "url.csv"), every file of the selected types each run, so
 * a type that emptied leaves no stale file; else one file (or stdout).
 */
#include <string.h>

#include "base/mem.h"
#include "export/export.h"

struct plain {
	int			 csv;
	struct export_file	*one;
	struct export_file	*by_type[CHOUSA_IOC_TYPE_COUNT];
	struct export_file	*added;
	struct export_file	*removed;
};

#define CSV_HEADER "type,value,family,family_name,confidence,first_seen," \
	"last_seen,status,sources,threat,port,reference,description\n"

static void
cell(struct chousa_buf *b, const char *s)
{
	chousa_esc_csv(b, s, s != NULL ? strlen(s) : 0);
}

/* A number between commas, or an empty cell when there is none. */
static void
number_cell(struct chousa_buf *b, long v, int present)
{
	if (present)
		chousa_buf_addf(b, ",%ld,", v);
	else
		chousa_buf_adds(b, ",,");
}

static void
csv_row(struct chousa_buf *b, const struct export_item *it)
{
	const struct chousa_export_row *row = it->row;

	chousa_buf_adds(b, chousa_ioc_type_name(row->type));
	chousa_buf_addch(b, ',');
	cell(b, row->value);
	chousa_buf_addch(b, ',');
	cell(b, it->family);
	chousa_buf_addch(b, ',');
	cell(b, it->family_name);
	number_cell(b, row->confidence, row->confidence >= 0);
	chousa_buf_adds(b, it->first);
	chousa_buf_addch(b, ',');
	chousa_buf_adds(b, it->last);
	chousa_buf_addch(b, ',');
	chousa_buf_adds(b, row->status != NULL &&
	    strcmp(row->status, "online") == 0 ? "online" :
	    row->status != NULL ? "offline" : "");
	chousa_buf_addch(b, ',');
	cell(b, it->sources);
	chousa_buf_addch(b, ',');
	cell(b, it->threat);
	number_cell(b, (long)row->port, row->port != 0);
	cell(b, it->reference);
	chousa_buf_addch(b, ',');
	cell(b, it->desc);
	chousa_buf_addch(b, '\n');
}

static int
open_file(struct export_run *r, const char *name, struct export_file **f,
    struct chousa_err *err)
{
	struct plain *p = r->state;
	int rc = export_open(r, name, 1, f, err);

	if (rc == CHOUSA_OK && p->csv)
		chousa_buf_adds(&(*f)->buf, CSV_HEADER);
	return rc;
}

static int
plain_begin(struct export_run *r, struct chousa_err *err)
{
	struct plain *p = mem_alloc(sizeof(*p));
	const char *ext;
	char name[48];
	int t, rc = CHOUSA_OK;

	if (p == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r->state = p;
	p->csv = strcmp(r->fmt->name, "csv") == 0;
	ext = p->csv ? "csv" : "txt";
	if (r->file == NULL && r->dir != NULL) {
		for (t = 1; t < CHOUSA_IOC_TYPE_COUNT && rc == CHOUSA_OK;
		    t++) {
			if (r->opts->types != 0 &&
			    !(r->opts->types & CHOUSA_IOC_BIT(t)))
				continue;
			snprintf(name, sizeof(name), "%s.%s",
			    chousa_ioc_type_name(t), ext);
			rc = open_file(r, name, &p->by_type[t], err);
		}
	} else
		rc = open_file(r, NULL, &p->one, err);
	if (rc == CHOUSA_OK && r->opts->delta_state != NULL) {
		snprintf(name, sizeof(name), "added.%s", ext);
		rc = open_file(r, name, &p->added, err);
		snprintf(name, sizeof(name), "removed.%s", ext);
		if (rc == CHOUSA_OK)
			rc = export_open(r, name, 1, &p->removed, err);
		if (rc == CHOUSA_OK && p->csv)
			chousa_buf_adds(&p->removed->buf, "type,value\n");
	}
	return rc;
}

static int
write_to(struct plain *p, struct export_file *f, const struct export_item *it,
    struct chousa_err *err)
{
	if (p->csv)
		csv_row(&f->buf, it);
	else {
		chousa_buf_adds(&f->buf, it->row->value);
		chousa_buf_addch(&f->buf, '\n');
	}
	return export_entry(f, err);
}

static int
plain_item(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct plain *p = r->state;
	struct export_file *f = p->one != NULL ? p->one :
	    p->by_type[it->row->type];

	if (f == NULL)
		return chousa_errf(err, CHOUSA_EINTERNAL, "no file for "
		    "type %d", it->row->type);
	return write_to(p, f, it, err);
}

static int
plain_added(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct plain *p = r->state;

	return write_to(p, p->added, it, err);
}

static int
plain_removed(struct export_run *r, int type, const char *value,
    struct chousa_err *err)
{
	struct plain *p = r->state;
	struct chousa_buf *b = &p->removed->buf;

	if (p->csv) {
		chousa_buf_addf(b, "%s,", chousa_ioc_type_name(type));
		cell(b, value);
	} else
		chousa_buf_adds(b, value);
	chousa_buf_addch(b, '\n');
	return export_entry(p->removed, err);
}

#define ALL_TYPES	(((1u << CHOUSA_IOC_TYPE_COUNT) - 1) & \
	~CHOUSA_IOC_BIT(CHOUSA_IOC_NONE))

const struct export_format export_csv = {
	"csv",
	"CSV with family, confidence, dates, sources and evidence; one file "
	"per type into a directory",
	ALL_TYPES, EXPORT_F_DELTA | EXPORT_F_SPLIT, "chousa.csv",
	plain_begin, plain_item, NULL, plain_added, plain_removed,
	NULL
};

const struct export_format export_txt = {
	"txt",
	"one indicator per line; one file per type into a directory",
	ALL_TYPES, EXPORT_F_DELTA | EXPORT_F_SPLIT, "chousa.txt",
	plain_begin, plain_item, NULL, plain_added, plain_removed,
	NULL
};
