/*
 * malpedia.c: the family catalogue.  Malpedia's get/families JSON (an
 * object keyed by family id) and the MISP galaxy's malpedia cluster
 * (values[] with value, description, meta.synonyms, meta.refs, uuid).
 * Each family's id, name and aliases become keys of family_alias, which is
 * how every other feed's labels meet under one id.
 */
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

/*
 * Malpedia's {"win.emotet": {"common_name": ...}, ...}, or the MISP galaxy
 * cluster of type malpedia (other galaxies name no families we keep).
 */
static int
malpedia_probe_json(const struct jshape *sh)
{
	const struct shape_obj *root = shape_obj(sh, "");
	const struct shape_obj *fam = shape_gobj(sh, "*");
	const char *type = shape_str(root, "type");

	if (sh->root != J_OBJ)
		return 0;
	if (shape_has(fam, "common_name", -1) ||
	    shape_has(fam, "alt_names", -1))
		return 95;
	if (type != NULL && strcmp(type, "malpedia") == 0 &&
	    (shape_has(root, "values", J_ARR) || !sh->complete))
		return shape_has(root, "values", J_ARR) ? 95 : 60;
	return 0;
}

static int
want(void *arg, char path[][JT_PATH_KEY], int depth)
{
	(void)arg;
	if (depth == 1)
		return strcmp(path[0], "values") == 0 ? JT_LIST :
		    strchr(path[0], '.') != NULL;
	return depth == 2 && strcmp(path[0], "values") == 0 &&
	    strcmp(path[1], "[]") == 0;
}

/* The Malpedia id in a galaxy value's refs (".../details/win.emotet"). */
static const char *
id_from_refs(struct imp *imp, const struct jnode *refs)
{
	static const char marker[] =
	    "malpedia.caad.fkie.fraunhofer.de/details/";
	size_t i;

	if (refs == NULL || refs->type != J_ARR)
		return NULL;
	for (i = 0; i < refs->n; i++) {
		const char *s = refs->v[i]->s, *p;
		size_t n;

		if (refs->v[i]->type != J_STR ||
		    (p = strstr(s, marker)) == NULL)
			continue;
		p += sizeof(marker) - 1;
		n = strcspn(p, "/?#");
		if (n > 0 && n < 100)
			return chousa_arena_strndup(imp->a, p, n);
	}
	return NULL;
}

static int
record(void *arg, char path[][JT_PATH_KEY], int depth, struct jnode *o)
{
	struct imp *imp = arg;
	struct chousa_family f;
	const struct jnode *meta;
	int rc;

	rc = imp_record(imp);
	if (rc != CHOUSA_OK)
		return rc;
	if (o->type != J_OBJ)
		return imp_reject(imp, 0, "family '%.60s' is not an object",
		    depth == 1 ? path[0] : "?");
	memset(&f, 0, sizeof(f));
	if (depth == 1) {
		f.id = chousa_arena_strdup(imp->a, path[0]);
		f.name = jt_text(o, "common_name");
		f.aliases = jt_join(imp->a, jt_get(o, "alt_names"), ',');
		f.description = jt_text(o, "description");
		f.actors = jt_join(imp->a, jt_get(o, "attribution"), ',');
		f.refs = jt_join(imp->a, jt_get(o, "urls"), '\n');
		if (f.id == NULL)
			return chousa_errf(imp->err, CHOUSA_ENOMEM,
			    "out of memory");
		return imp_put_family(imp, &f, jt_text(o, "uuid"));
	}
	meta = jt_get(o, "meta");
	f.name = jt_text(o, "value");
	f.id = id_from_refs(imp, jt_get(meta, "refs"));
	if (f.id == NULL)
		f.id = f.name;
	if (f.id == NULL)
		return imp_reject(imp, 0, "a galaxy value without a name");
	f.aliases = jt_join(imp->a, jt_get(meta, "synonyms"), ',');
	f.description = jt_text(o, "description");
	f.actors = jt_join(imp->a, jt_get(meta, "attribution"), ',');
	f.refs = jt_join(imp->a, jt_get(meta, "refs"), '\n');
	return imp_put_family(imp, &f, jt_text(o, "uuid"));
}

static int
malpedia_run(struct imp *imp)
{
	snprintf(imp->rep->format, sizeof(imp->rep->format), "json");
	return json_stream(imp, want, record, imp);
}

const struct importer importer_malpedia = {
	.feed = {
		.name = "malpedia",
		.title = "Malpedia",
		.local_source = "local-malpedia",
		.url = "https://malpedia.caad.fkie.fraunhofer.de/api/get/"
		    "families",
		.file = "malpedia.json",
		.flags = CHOUSA_FEED_REFERENCE,
	},
	.expects = "a Malpedia families JSON or MISP malpedia galaxy",
	.help = "families JSON or the MISP galaxy cluster",
	.run = malpedia_run,
	.probe_json = malpedia_probe_json,
};
