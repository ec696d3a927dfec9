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

static int
malpedia_probe(const char *p, size_t len)
{
	size_t n = len < 8192 ? len : 8192;

	if (!probe_starts(p, len, '{'))
		return 0;
	if (imp_contains(p, n, "\"alt_names\"") ||
	    imp_contains(p, n, "\"common_name\""))
		return 95;
	if (imp_contains(p, n, "\"values\"") &&
	    imp_contains(p, n, "malpedia"))
		return 95;
	return 0;
}

static int
want(void *arg, char path[][JSON_PATH_KEY], int depth)
{
	(void)arg;
	if (depth == 1)
		return strchr(path[0], '.') != NULL;
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
record(void *arg, char path[][JSON_PATH_KEY], int depth, struct jnode *o)
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
		f.name = jstr(o, "common_name");
		f.aliases = jjoin(imp->a, jget(o, "alt_names"), ',');
		f.description = jstr(o, "description");
		f.actors = jjoin(imp->a, jget(o, "attribution"), ',');
		f.refs = jjoin(imp->a, jget(o, "urls"), '\n');
		if (f.id == NULL)
			return chousa_errf(imp->err, CHOUSA_ENOMEM,
			    "out of memory");
		return imp_put_family(imp, &f, jstr(o, "uuid"));
	}
	meta = jget(o, "meta");
	f.name = jstr(o, "value");
	f.id = id_from_refs(imp, jget(meta, "refs"));
	if (f.id == NULL)
		f.id = f.name;
	if (f.id == NULL)
		return imp_reject(imp, 0, "a galaxy value without a name");
	f.aliases = jjoin(imp->a, jget(meta, "synonyms"), ',');
	f.description = jstr(o, "description");
	f.actors = jjoin(imp->a, jget(meta, "attribution"), ',');
	f.refs = jjoin(imp->a, jget(meta, "refs"), '\n');
	return imp_put_family(imp, &f, jstr(o, "uuid"));
}

static int
malpedia_run(struct imp *imp)
{
	snprintf(imp->rep->format, sizeof(imp->rep->format), "json");
	return json_stream(imp, want, record, imp);
}

const struct importer importer_malpedia = {
	"malpedia", "a Malpedia families JSON or MISP malpedia galaxy",
	malpedia_probe, malpedia_run, 0
};
