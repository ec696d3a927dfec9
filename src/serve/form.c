/*
 * form.c: a page's form of a few short fields and then one file
 * (multipart/form-data), read as it arrives.  libmicrohttpd's post
 * processor takes the fields out of the body; when the file begins, the
 * CSRF token and the options (the fields before it) are checked, and the
 * file's bytes are then handed on as they come, never held whole: the
 * sweep's log (sweep.c), the import's file (api_import.c).
 */
#include <stdio.h>
#include <string.h>
#include <microhttpd.h>

#include "serve/serve.h"

/* A field's value, gathered from the post processor's pieces. */
static void
value_add(struct form_value *v, const char *data, size_t size)
{
	if (v->len + size < sizeof(v->s)) {
		memcpy(v->s + v->len, data, size);
		v->len += size;
		v->s[v->len] = '\0';
	} else
		v->len = sizeof(v->s);
}

/* The field called key, of those the form reads before the file. */
static struct form_value *
value_of(struct file_form *f, const char *key)
{
	size_t i;

	if (strcmp(key, "csrf") == 0)
		return &f->csrf;
	for (i = 0; i < FILE_FORM_FIELDS && f->keys[i] != NULL; i++)
		if (strcmp(key, f->keys[i]) == 0)
			return &f->values[i];
	return NULL;
}

const char *
file_form_value(struct file_form *f, const char *key, int *too_long)
{
	const struct form_value *v = value_of(f, key);

	if (v == NULL)
		return NULL;
	if (v->len >= sizeof(v->s)) {
		*too_long = 1;
		return NULL;
	}
	return v->len > 0 ? v->s : NULL;
}

static int
csrf_ok(struct file_form *f)
{
	return f->csrf.len < sizeof(f->csrf.s) &&
	    f->csrf_valid(f->r, f->csrf.s);
}

static enum MHD_Result
field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *ctype, const char *enc,
    const char *data, uint64_t off, size_t size)
{
	struct file_form *f = cls;
	struct form_value *v;

	(void)kind;
	(void)ctype;
	(void)enc;
	(void)off;
	if (key == NULL || f->refused || f->unreadable || f->bad_options ||
	    f->late)
		return MHD_YES;
	if ((v = value_of(f, key)) != NULL) {
		/* The job has begun with the options it had. */
		if (f->checked && v != &f->csrf) {
			f->late = 1;
			f->abort(f->r);
		} else
			value_add(v, data, size);
		return MHD_YES;
	}
	if (strcmp(key, f->file_key) != 0)
		return MHD_YES;
	if (!f->checked) {
		f->checked = 1;
		if (filename != NULL)
			snprintf(f->file, sizeof(f->file), "%s", filename);
		if (!csrf_ok(f)) {
			f->refused = 1;
			f->abort(f->r);
			return MHD_YES;
		}
		if (f->options != NULL && !f->options(f)) {
			f->bad_options = 1;
			f->abort(f->r);
			return MHD_YES;
		}
	}
	f->got_file = 1;
	if (size > 0)
		f->put(f->r, data, size);
	return MHD_YES;
}

int
file_form_start(struct sreq *r, struct file_form *f)
{
	f->r = r;
	f->pp = MHD_create_post_processor(r->conn, 65536, field, f);
	if (f->pp == NULL) {
		req_error(r, 415, "send the page's form (multipart/form-data)");
		return 0;
	}
	return 1;
}

void
file_form_stop(struct file_form *f)
{
	if (f->pp != NULL)
		MHD_destroy_post_processor(f->pp);
	f->pp = NULL;
}

int
file_form_body(struct file_form *f, const char *p, size_t n)
{
	if (p == NULL) {
		file_form_stop(f);
		return f->put(f->r, NULL, 0);
	}
	if (n > 0) {
		if (!f->refused && !f->unreadable && !f->bad_options &&
		    !f->late && MHD_post_process(f->pp, p, n) != MHD_YES) {
			f->unreadable = 1;
			f->abort(f->r);
		}
		return 0;
	}
	if (f->pp != NULL && MHD_destroy_post_processor(f->pp) != MHD_YES &&
	    !f->refused)
		f->unreadable = 1;
	f->pp = NULL;
	/* No file: the token is checked all the same, for the answer. */
	if (!f->checked && !f->unreadable) {
		f->checked = 1;
		f->refused = !csrf_ok(f);
	}
	if (f->refused || f->unreadable || f->bad_options || f->late ||
	    !f->got_file)
		f->abort(f->r);
	else
		f->put(f->r, "", 0);
	return 0;
}

int
file_form_failed(struct file_form *f, const char *no_file)
{
	struct sreq *r = f->r;

	if (f->refused)
		req_error(r, 403, "the form is stale or from another site: "
		    "reload the page");
	else if (f->unreadable)
		req_error(r, 400, "the form could not be read: send it from "
		    "the page");
	else if (f->bad_options)
		req_error(r, 400, "%s", f->bad.msg);
	else if (f->late)
		req_error(r, 400, "the form's options came after the file: "
		    "send it from the page");
	else if (!f->got_file)
		req_error(r, 400, "%s", no_file);
	else
		return 0;
	return 1;
}
