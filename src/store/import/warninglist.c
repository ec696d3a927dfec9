/*
 * warninglist.c: MISP warninglists (list.json): known-benign CDN and cloud
 * ranges, top domains, public resolvers.  The entries come before the
 * name and type in the file (keys are sorted), so they are held, capped,
 * until the list's end.  The kind (cdn, cloud, top, resolver, ...) is read
 * from the name and description.
 */
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

#define HELD_MAX	((size_t)256 << 20)

struct wl {
	struct imp	*imp;
	struct chousa_buf held;		/* entries, NUL-separated */
	size_t		 n_held;
	char		 name[256];
	char		 type[32];
	char		 desc[512];
};

static int
warninglist_probe(const char *p, size_t len)
{
	size_t n = len < 8192 ? len : 8192;

	if (!probe_starts(p, len, '{'))
		return 0;
	if (imp_contains(p, n, "\"matching_attributes\"") ||
	    (imp_contains(p, n, "\"list\"") && imp_contains(p, n, "\"type\"")
	    && imp_contains(p, n, "\"name\"") &&
	    !imp_contains(p, n, "\"Event\"")))
		return 85;
	return 0;
}

static int
want(void *arg, char path[][JSON_PATH_KEY], int depth)
{
	(void)arg;
	if (depth == 1)
		return strcmp(path[0], "name") == 0 ||
		    strcmp(path[0], "type") == 0 ||
		    strcmp(path[0], "description") == 0;
	return depth == 2 && strcmp(path[0], "list") == 0;
}

static int
record(void *arg, char path[][JSON_PATH_KEY], int depth, struct jnode *v)
{
	struct wl *wl = arg;

	if (v->type != J_STR)
		return CHOUSA_OK;
	if (depth == 1) {
		char *dst = strcmp(path[0], "name") == 0 ? wl->name :
		    strcmp(path[0], "type") == 0 ? wl->type : wl->desc;
		size_t cap = dst == wl->name ? sizeof(wl->name) :
		    dst == wl->type ? sizeof(wl->type) : sizeof(wl->desc);

		snprintf(dst, cap, "%s", v->s);
		return CHOUSA_OK;
	}
	chousa_buf_add(&wl->held, v->s, v->len);
	chousa_buf_addch(&wl->held, '\0');
	wl->n_held++;
	if (wl->held.failed)
		return chousa_errf(wl->imp->err, CHOUSA_ELIMIT,
		    "warninglist '%s' holds too many entries",
		    wl->imp->path);
	return CHOUSA_OK;
}

static const char *
kind_of(const char *name, const char *desc)
{
	static const struct {
		const char	*word;
		const char	*kind;
	} words[] = {
		{ "resolver", "resolver" }, { "dns", "resolver" },
		{ "cdn", "cdn" }, { "akamai", "cdn" }, { "cloudflare", "cdn" },
		{ "fastly", "cdn" }, { "cloud", "cloud" },
		{ "amazon", "cloud" },
		{ "aws", "cloud" }, { "azure", "cloud" }, { "google", "cloud" },
		{ "microsoft", "cloud" }, { "oracle", "cloud" },
		{ "top", "top" }, { "alexa", "top" }, { "tranco", "top" },
		{ "umbrella", "top" }, { "majestic", "top" },
		{ "popular", "top" },
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (imp_contains(name, strlen(name), words[i].word))
			return words[i].kind;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (imp_contains(desc, strlen(desc), words[i].word))
			return words[i].kind;
	return "other";
}

static int
warninglist_run(struct imp *imp)
{
	struct wl *wl = mem_alloc(sizeof(*wl));
	const char *match, *kind, *p, *end;
	int rc;

	if (wl == NULL)
		return chousa_errf(imp->err, CHOUSA_ENOMEM, "out of memory");
	wl->imp = imp;
	chousa_buf_init(&wl->held, HELD_MAX);
	snprintf(imp->rep->format, sizeof(imp->rep->format), "json");
	rc = json_stream(imp, want, record, wl);
	if (rc != CHOUSA_OK)
		goto out;
	if (wl->name[0] == '\0') {
		rc = chousa_errf(imp->err, CHOUSA_EFORMAT, "'%s' is not a "
		    "MISP warninglist (no name)", imp->path);
		goto out;
	}
	match = strcmp(wl->type, "cidr") == 0 ? "cidr" :
	    strcmp(wl->type, "hostname") == 0 ? "hostname" :
	    strcmp(wl->type, "substring") == 0 ? "substring" :
	    strcmp(wl->type, "regex") == 0 ? "regex" : "string";
	kind = kind_of(wl->name, wl->desc);
	p = wl->held.data;
	end = p + wl->held.len;
	while (p != NULL && p < end) {
		size_t n = strlen(p);

		imp_row(imp);
		rc = imp_scratch(imp);
		if (rc == CHOUSA_OK)
			rc = imp_put_benign(imp, wl->name, kind, match, p, n,
			    0);
		if (rc != CHOUSA_OK)
			goto out;
		p += n + 1;
	}
out:
	chousa_buf_release(&wl->held);
	mem_free(wl);
	return rc;
}

const struct importer importer_warninglist = {
	"warninglist", "a MISP warninglist (list.json)",
	warninglist_probe, warninglist_run, 0
};
