/*
 * detect.c: what a JSON document is, read from its structure rather than
 * from a window of its bytes.  yajl streams the document without building
 * it; the first object met at each place (the root, objects[],
 * Event.Attribute[], the first members of a keyed map...) is sampled: its
 * keys, the type of each value, the start of each short string.  The
 * importers judge the samples (probe_json) each time one closes and at
 * each end of a root member, and reading stops as soon as one is sure.  So
 * keys that come late (a sorted STIX bundle's "type", a warninglist's
 * "name" after a list of a million entries) are still seen, in the memory
 * of the samples whatever the document's size.
 */
#include <string.h>

#include <yajl/yajl_parse.h>

#include "store/import/import.h"
#include "base/mem.h"

/* Sample nothing below this depth, nor under keyed maps past this many. */
#define SHAPE_DEPTH	6
#define SHAPE_MAP_MEMBERS 16

struct frame {
	int	obj;		/* sampled object, or -1 */
	int	is_arr;
	int	key;		/* the current key's slot in obj, or -1 */
	int	n_elems;	/* arrays: elements begun */
	char	path[SHAPE_PATH];
	char	gpath[SHAPE_PATH];
};

struct shape_parse {
	struct jshape		*sh;
	shape_stop_fn		 stop;
	void			*arg;
	int			 stopped;
	int			 failed;
	int			 depth;	/* open containers */
	struct frame		 fr[SHAPE_DEPTH + 1];
	char			 key[SHAPE_NAME];	/* last key read */
};

static void
copy(char *dst, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* dst = base + ("." when dot and base is not empty) + comp, cut short. */
static void
join(char dst[SHAPE_PATH], const char *base, int dot, const char *comp)
{
	struct chousa_buf b;

	chousa_buf_init_fixed(&b, dst, SHAPE_PATH);
	chousa_buf_adds(&b, base);
	if (dot && base[0] != '\0')
		chousa_buf_addch(&b, '.');
	chousa_buf_adds(&b, comp);
}

/* A checkpoint: 0 stops the parse (a yajl callback's "cancel"). */
static int
check(struct shape_parse *sp)
{
	if (sp->stop != NULL && sp->stop(sp->arg, sp->sh)) {
		sp->stopped = 1;
		return 0;
	}
	return 1;
}

static int
find_path(const struct jshape *sh, const char *path)
{
	int i;

	for (i = 0; i < sh->n_obj; i++)
		if (strcmp(sh->obj[i].path, path) == 0)
			return i;
	return -1;
}

/*
 * A value begins in the frame on top (the root when depth is 0): note it
 * in the sampled parent and, for a container, push its frame.
 */
static int
begin_value(struct shape_parse *sp, int type, const char *s, size_t len)
{
	struct jshape *sh = sp->sh;
	struct frame *parent;
	struct frame *f;
	const char *comp;
	int container = type == J_OBJ || type == J_ARR;

	if (container && sp->depth >= JT_MAX_DEPTH) {
		snprintf(sh->error, sizeof(sh->error), "nested deeper than "
		    "%d levels", JT_MAX_DEPTH);
		sp->failed = 1;
		return 0;
	}
	if (sp->depth > SHAPE_DEPTH) {
		/* Below the samples: only count the level. */
		if (container)
			sp->depth++;
		return 1;
	}
	parent = sp->depth > 0 ? &sp->fr[sp->depth - 1] : NULL;
	if (parent == NULL) {
		sh->root = type;
	} else if (parent->is_arr) {
		if (parent->n_elems++ == 0) {
			if (sp->depth == 1)
				sh->root_elem = type;
			if (parent->obj >= 0 && parent->key >= 0)
				sh->obj[parent->obj].keys[parent->key].elem =
				    type;
		}
		if (sp->depth == 1)
			sh->n_members++;
	} else {
		if (sp->depth == 1)
			sh->n_members++;
		if (parent->obj >= 0 && parent->key >= 0) {
			struct shape_key *k =
			    &sh->obj[parent->obj].keys[parent->key];

			k->type = type;
			if (s != NULL)
				copy(k->value, sizeof(k->value), s, len);
		}
	}
	if (!container)
		return 1;
	if (sp->depth >= SHAPE_DEPTH) {
		/* Deeper still: count the level, sample nothing. */
		sp->depth++;
		return 1;
	}
	f = &sp->fr[sp->depth];
	memset(f, 0, sizeof(*f));
	f->obj = -1;
	f->key = -1;
	f->is_arr = type == J_ARR;
	if (parent == NULL) {
		f->path[0] = f->gpath[0] = '\0';
	} else {
		comp = parent->is_arr ? "[]" : sp->key;
		join(f->path, parent->path, !parent->is_arr, comp);
		join(f->gpath, parent->gpath, !parent->is_arr,
		    sp->depth == 1 && !parent->is_arr ? "*" : comp);
	}
	if (type == J_OBJ && sh->n_obj < SHAPE_OBJECTS &&
	    !(sh->root == J_OBJ && sh->n_members > SHAPE_MAP_MEMBERS) &&
	    find_path(sh, f->path) < 0) {
		struct shape_obj *o = &sh->obj[sh->n_obj];

		memset(o, 0, sizeof(*o));
		snprintf(o->path, sizeof(o->path), "%s", f->path);
		snprintf(o->gpath, sizeof(o->gpath), "%s", f->gpath);
		f->obj = sh->n_obj++;
	}
	sp->depth++;
	return 1;
}

static int
cb_null(void *ctx)
{
	return begin_value(ctx, J_NULL, NULL, 0);
}

static int
cb_bool(void *ctx, int b)
{
	return begin_value(ctx, J_BOOL, b ? "true" : "false", b ? 4 : 5);
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	return begin_value(ctx, J_NUM, s, len);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return begin_value(ctx, J_STR, (const char *)s, len);
}

static int
cb_start_map(void *ctx)
{
	return begin_value(ctx, J_OBJ, NULL, 0);
}

static int
cb_start_array(void *ctx)
{
	return begin_value(ctx, J_ARR, NULL, 0);
}

static int
cb_key(void *ctx, const unsigned char *s, size_t len)
{
	struct shape_parse *sp = ctx;
	struct frame *f;
	struct shape_obj *o;

	copy(sp->key, sizeof(sp->key), (const char *)s, len);
	if (sp->depth == 0 || sp->depth > SHAPE_DEPTH)
		return 1;
	f = &sp->fr[sp->depth - 1];
	f->key = -1;
	if (f->obj < 0)
		return 1;
	o = &sp->sh->obj[f->obj];
	if (o->n_keys >= SHAPE_KEYS) {
		o->n_more++;
		return 1;
	}
	f->key = o->n_keys++;
	memset(&o->keys[f->key], 0, sizeof(o->keys[0]));
	snprintf(o->keys[f->key].name, sizeof(o->keys[0].name), "%s",
	    sp->key);
	o->keys[f->key].type = J_NULL;
	o->keys[f->key].elem = -1;
	return 1;
}

static int
cb_end(void *ctx)
{
	struct shape_parse *sp = ctx;
	int sampled = 0;

	if (sp->depth > 0 && sp->depth <= SHAPE_DEPTH) {
		struct frame *f = &sp->fr[sp->depth - 1];

		if (f->obj >= 0) {
			sp->sh->obj[f->obj].closed = 1;
			sampled = 1;
		}
	}
	if (sp->depth > 0)
		sp->depth--;
	/* A sampled object or a root member is complete: judge now. */
	if (sampled || sp->depth == 1)
		return check(sp);
	return 1;
}

/* A scalar member of the root ends where it begins: judge after it. */
static int
root_scalar_done(struct shape_parse *sp)
{
	return sp->depth == 1 ? check(sp) : 1;
}

static int
cbs_null(void *ctx)
{
	return cb_null(ctx) && root_scalar_done(ctx);
}

static int
cbs_bool(void *ctx, int b)
{
	return cb_bool(ctx, b) && root_scalar_done(ctx);
}

static int
cbs_number(void *ctx, const char *s, size_t len)
{
	return cb_number(ctx, s, len) && root_scalar_done(ctx);
}

static int
cbs_string(void *ctx, const unsigned char *s, size_t len)
{
	return cb_string(ctx, s, len) && root_scalar_done(ctx);
}

static const yajl_callbacks scalar_checking = {
	cbs_null, cbs_bool, NULL, NULL, cbs_number, cbs_string,
	cb_start_map, cb_key, cb_end, cb_start_array, cb_end
};

/*
 * Feed p to the parse; all says p is the whole document.  Returns 1 when
 * reading may stop (a probe is sure, or the JSON is over or broken).
 */
static int
feed(struct shape_parse *sp, yajl_handle h, const char *p, size_t len,
    int all)
{
	yajl_status st = yajl_status_ok;

	if (len > 0)
		st = yajl_parse(h, (const unsigned char *)p, len);
	if (st == yajl_status_ok && !all)
		return 0;
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (sp->stopped || sp->failed)
		return 1;
	if (st == yajl_status_ok) {
		sp->sh->complete = 1;
		check(sp);
	} else {
		unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
		char *nl = msg != NULL ? strchr((char *)msg, '\n') : NULL;

		if (nl != NULL)
			*nl = '\0';
		snprintf(sp->sh->error, sizeof(sp->sh->error), "%s",
		    msg != NULL ? (char *)msg : "parse error");
		if (msg != NULL)
			yajl_free_error(h, msg);
	}
	return 1;
}

/* Read from in, or else the bytes p (all of the document when all). */
static int
scan(struct jshape *sh, struct input *in, const char *p, size_t len,
    int all, shape_stop_fn stop, void *arg, struct chousa_err *err)
{
	struct shape_parse *sp = mem_alloc(sizeof(*sp));
	yajl_handle h = NULL;
	int rc = CHOUSA_OK;

	if (sp == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	memset(sh, 0, sizeof(*sh));
	sh->root = sh->root_elem = -1;
	sp->sh = sh;
	sp->stop = stop;
	sp->arg = arg;
	h = yajl_alloc(&scalar_checking, NULL, sp);
	if (h == NULL) {
		rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		goto out;
	}
	yajl_config(h, yajl_dont_validate_strings, 1);
	if (in == NULL) {
		feed(sp, h, p, len, all);
		goto out;
	}
	for (;;) {
		rc = input_read(in, &p, &len, err);
		if (rc != CHOUSA_OK || feed(sp, h, p, len, len == 0))
			break;
	}
out:
	if (h != NULL)
		yajl_free(h);
	mem_free(sp);
	return rc;
}

int
shape_read(struct jshape *sh, struct input *in, shape_stop_fn stop,
    void *arg, struct chousa_err *err)
{
	return scan(sh, in, NULL, 0, 1, stop, arg, err);
}

int
shape_scan(struct jshape *sh, const char *p, size_t len, int all,
    shape_stop_fn stop, void *arg, struct chousa_err *err)
{
	int rc = scan(sh, NULL, p, len, all, stop, arg, err);

	sh->partial = !all && !sh->complete;
	return rc;
}

/* ---- questions the probes ask ---- */

const struct shape_obj *
shape_obj(const struct jshape *sh, const char *path)
{
	int i = find_path(sh, path);

	return i < 0 ? NULL : &sh->obj[i];
}

const struct shape_obj *
shape_gobj(const struct jshape *sh, const char *gpath)
{
	int i;

	for (i = 0; i < sh->n_obj; i++)
		if (strcmp(sh->obj[i].gpath, gpath) == 0)
			return &sh->obj[i];
	return NULL;
}

const struct shape_key *
shape_key(const struct shape_obj *o, const char *name)
{
	int i;

	if (o == NULL)
		return NULL;
	for (i = 0; i < o->n_keys; i++)
		if (strcmp(o->keys[i].name, name) == 0)
			return &o->keys[i];
	return NULL;
}

int
shape_has(const struct shape_obj *o, const char *name, int type)
{
	const struct shape_key *k = shape_key(o, name);

	return k != NULL && (type < 0 || k->type == type);
}

const char *
shape_str(const struct shape_obj *o, const char *name)
{
	const struct shape_key *k = shape_key(o, name);

	return k != NULL && k->type == J_STR ? k->value : NULL;
}

/* ---- saying what it is ---- */

static const char *const type_names[] = {
	"null", "boolean", "number", "string", "array", "object"
};

static const char *
type_name(int t)
{
	return t >= 0 && t <= J_OBJ ? type_names[t] : "value";
}

static void
add_keys(struct chousa_buf *b, const struct shape_obj *o)
{
	int i, n = o->n_keys < 6 ? o->n_keys : 6;

	if (o->n_keys == 0) {
		chousa_buf_adds(b, " with no keys");
		return;
	}
	chousa_buf_adds(b, " with keys ");
	for (i = 0; i < n; i++)
		chousa_buf_addf(b, "%s\"%.40s\"", i > 0 ? ", " : "",
		    o->keys[i].name);
	if (o->n_keys + o->n_more > n)
		chousa_buf_adds(b, ", ...");
}

/*
 * Shapes other projects publish that hold nothing chousa imports: said by
 * name, so that the refusal tells the user what the file is.
 */
static int
known_other(struct chousa_buf *b, const struct jshape *sh)
{
	const struct shape_obj *root = shape_obj(sh, "");
	const struct shape_obj *elem = shape_obj(sh, "[]");
	const char *type = shape_str(root, "type");

	if (sh->root == J_OBJ && shape_has(root, "values", J_ARR) &&
	    type != NULL && shape_has(root, "uuid", -1) &&
	    (shape_has(root, "category", -1) ||
	    shape_has(root, "authors", -1))) {
		chousa_buf_addf(b, "a MISP galaxy cluster of type '%.40s', "
		    "with no indicators (of galaxies, malpedia's is read)",
		    type);
		return 1;
	}
	if (sh->root == J_OBJ && shape_has(root, "GalaxyCluster", J_ARR)) {
		chousa_buf_addf(b, "a MISP galaxy of type '%.40s' with its "
		    "clusters, with no indicators", type != NULL ? type : "?");
		return 1;
	}
	if (sh->root == J_OBJ && shape_has(root, "namespace", -1) &&
	    shape_has(root, "icon", -1) && type != NULL) {
		chousa_buf_addf(b, "a MISP galaxy definition, with no "
		    "clusters (see clusters/%.40s.json)", type);
		return 1;
	}
	if (sh->root == J_OBJ && shape_has(root, "meta-category", -1) &&
	    shape_has(root, "attributes", -1)) {
		chousa_buf_adds(b, "a MISP object template, with no data");
		return 1;
	}
	if (sh->root == J_ARR && elem != NULL && shape_has(elem, "info", -1) &&
	    shape_has(elem, "uuid", -1) && !shape_has(elem, "Attribute", -1) &&
	    !shape_has(elem, "Object", -1) && !shape_has(elem, "Event", -1)) {
		chousa_buf_adds(b, "a MISP event index, events without their "
		    "attributes");
		return 1;
	}
	if (sh->root == J_OBJ && shape_has(root, "$schema", -1)) {
		chousa_buf_adds(b, "a JSON schema, which holds no data");
		return 1;
	}
	return 0;
}

void
shape_describe(struct chousa_buf *b, const struct jshape *sh)
{
	const struct shape_obj *root = shape_obj(sh, "");
	const struct shape_obj *elem = shape_obj(sh, "[]");

	if (sh->error[0] != '\0' && sh->root < 0) {
		chousa_buf_addf(b, "not valid JSON (%s)", sh->error);
		return;
	}
	if (known_other(b, sh))
		return;
	if (sh->root == J_OBJ && root != NULL) {
		chousa_buf_adds(b, "a JSON object");
		add_keys(b, root);
	} else if (sh->root == J_ARR && sh->root_elem == J_OBJ &&
	    elem != NULL) {
		chousa_buf_adds(b, "a JSON array of objects");
		add_keys(b, elem);
	} else if (sh->root == J_ARR && sh->root_elem < 0) {
		chousa_buf_adds(b, "an empty JSON array");
	} else if (sh->root == J_ARR) {
		chousa_buf_addf(b, "a JSON array of %ss",
		    type_name(sh->root_elem));
	} else {
		chousa_buf_addf(b, "a JSON %s", type_name(sh->root));
	}
	if (sh->error[0] != '\0')
		chousa_buf_addf(b, ", not valid JSON further on (%s)",
		    sh->error);
}
