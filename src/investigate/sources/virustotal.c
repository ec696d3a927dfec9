/*
 * virustotal.c: VirusTotal API v3 (header x-apikey).  One object report
 * per indicator (domains/, ip_addresses/, urls/ by the unpadded URL-safe
 * base64 id, files/), then, when the object is known, its relationships
 * as optional calls: the files that contacted, were downloaded from or
 * refer to a host or URL, and the hosts a file contacted.  Detection
 * counts come from last_analysis_stats (absent on old objects), family
 * labels from popular_threat_classification.  The public-API quota
 * (4 a minute, 500 a day) is commonly cited but [UNCONFIRMED]; so is
 * whether 429 answers carry Retry-After (the framework copes with both).
 * Relationship pages each cost a request: `relationships` in the config
 * picks them (several are premium-only [DOC; list UNCONFIRMED]).
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

#define VT_GUI	"https://www.virustotal.com/gui/"

/* Which relationship a page answers, and how it relates. */
struct vt_rel {
	const char	*name;
	int		 rel;
	int		 is_files;	/* file objects (else hosts/URLs) */
};

static const struct vt_rel rel_host[] = {
	{ "communicating_files", CHOUSA_REL_CONTACTED, 1 },
	{ "downloaded_files", CHOUSA_REL_DELIVERED, 1 },
	{ "referrer_files", CHOUSA_REL_REFERRER, 1 },
	{ "resolutions", CHOUSA_REL_RESOLVES, 0 },
	{ NULL, 0, 0 }
};
static const struct vt_rel rel_url[] = {
	{ "communicating_files", CHOUSA_REL_CONTACTED, 1 },
	{ "downloaded_files", CHOUSA_REL_DELIVERED, 1 },
	{ "referrer_files", CHOUSA_REL_REFERRER, 1 },
	{ NULL, 0, 0 }
};
static const struct vt_rel rel_file[] = {
	{ "contacted_domains", CHOUSA_REL_CONTACTED, 0 },
	{ "contacted_ips", CHOUSA_REL_CONTACTED, 0 },
	{ "contacted_urls", CHOUSA_REL_CONTACTED, 0 },
	{ NULL, 0, 0 }
};

/* The label of a related file: its top threat name, else the suggestion. */
static const char *
file_label(yajl_val attrs)
{
	const char *s;

	s = jt_str(jt_at(jt_get(attrs, "popular_threat_classification",
	    "popular_threat_name"), 0), "value");
	if (s == NULL)
		s = jt_str(attrs, "popular_threat_classification",
		    "suggested_threat_label");
	return s;
}

static void
add_stats(struct chousa_finding *f, yajl_val attrs)
{
	yajl_val st = jt_get(attrs, "last_analysis_stats");
	long total = 0;
	size_t i;

	if (st == NULL || !YAJL_IS_OBJECT(st))
		return;
	for (i = 0; i < st->u.object.len; i++)
		if (YAJL_IS_INTEGER(st->u.object.values[i]) &&
		    st->u.object.values[i]->u.number.i > 0 &&
		    st->u.object.values[i]->u.number.i < 10000)
			total += (long)st->u.object.values[i]->u.number.i;
	f->n_detect = (int)jt_int(st, 0, "malicious");
	if (f->n_detect < 0 || f->n_detect > 10000)
		f->n_detect = 0;
	f->n_engines = (int)total;
	f->verdict = online_verdict_counts(f->n_detect,
	    (int)jt_int(st, 0, "suspicious"));
}

/*
 * Labels: the popular threat names that carry weight (at least half the
 * votes of the first), else the family part of the suggested label
 * ("trojan.emotet/w97m" gives "emotet").
 */
static void
add_labels(struct chousa_finding *f, struct chousa_arena *a, yajl_val attrs)
{
	yajl_val names = jt_get(attrs, "popular_threat_classification",
	    "popular_threat_name");
	const char *sug = jt_str(attrs, "popular_threat_classification",
	    "suggested_threat_label");
	int64_t top = jt_int(jt_at(names, 0), 0, "count");
	size_t i;

	for (i = 0; i < jt_len(names) && i < 3; i++)
		if (jt_int(jt_at(names, i), 0, "count") * 2 >= top)
			online_add_label(f, a, jt_str(jt_at(names, i),
			    "value"));
	if (f->n_labels == 0 && sug != NULL) {
		const char *dot = strchr(sug, '.'), *end;

		dot = dot ? dot + 1 : sug;
		end = strchr(dot, '/');
		online_add_label(f, a, chousa_arena_strndup(a, dot,
		    end ? (size_t)(end - dot) : strnlen(dot, 100)));
	}
}

static void
vt_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_HEADER, "x-apikey: ");
}

static int on_rel(struct online_q *oq, void *arg,
	    const struct online_result *r);

/*
 * Each relationship page costs a request of the quota: the config's
 * relationships (comma separated, or "none") picks them; all by default.
 */
static int
wanted(const struct chousa_query *q, const char *name)
{
	const char *list = chousa_config_get(chousa_ctx_config(q->ctx),
	    "virustotal", "relationships");
	size_t n = strlen(name);
	const char *p;

	if (list == NULL || *list == '\0')
		return 1;
	for (p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ',' || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
	return 0;
}

/* The object report; arg is the path asked (for relationship pages). */
static int
on_object(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	const struct vt_rel *rels = NULL;
	const char *path = arg;
	yajl_val data = jt_get(r->json, "data"), attrs;
	const char *type, *id, *gui = NULL;
	size_t i;

	if (r->status == 404 || data == NULL || !YAJL_IS_OBJECT(data)) {
		online_miss(f);
		f->detail = "not known to VirusTotal";
		return ONLINE_CACHE_MISS;
	}
	attrs = jt_get(data, "attributes");
	type = jt_str(data, "type");
	id = jt_str(data, "id");
	online_hit(f, a);
	add_stats(f, attrs);
	if (f->n_engines > 0)
		f->detail = chousa_arena_printf(a, "%d of %d engines flag it"
		    " as malicious", f->n_detect, f->n_engines);
	else
		f->detail = "known to VirusTotal, no detection counts";
	if (type != NULL && strcmp(type, "file") == 0) {
		add_labels(f, a, attrs);
		f->file_type = online_strn(a, jt_str(attrs,
		    "type_description"), 200);
		f->file_name = online_strn(a, jt_str(attrs, "meaningful_name"),
		    200);
		f->first_seen = jt_int(attrs, 0, "first_submission_date");
		f->last_seen = jt_int(attrs, 0, "last_analysis_date");
		gui = "file/";
		/* A file's contacts matter when it is the subject itself. */
		if (f->stage & (CHOUSA_STAGE_REPUTATION |
		    CHOUSA_STAGE_IDENTIFICATION))
			rels = rel_file;
	} else if (type != NULL && strcmp(type, "url") == 0) {
		f->first_seen = jt_int(attrs, 0, "first_submission_date");
		f->last_seen = jt_int(attrs, 0, "last_analysis_date");
		gui = "url/";
		rels = rel_url;
	} else if (type != NULL && strcmp(type, "domain") == 0) {
		f->first_seen = jt_int(attrs, 0, "creation_date");
		gui = "domain/";
		rels = rel_host;
	} else if (type != NULL && strcmp(type, "ip_address") == 0) {
		gui = "ip-address/";
		rels = rel_host;
	}
	if (gui != NULL && id != NULL && strlen(id) < 300)
		f->reference = chousa_arena_printf(a, VT_GUI "%s%s", gui, id);
	for (i = 0; rels != NULL && path != NULL && rels[i].name != NULL;
	    i++) {
		struct online_req req;

		if (!wanted(q, rels[i].name))
			continue;
		vt_req(&req);
		req.optional = 1;
		req.path = chousa_arena_printf(a, "%s/%s?limit=20", path,
		    rels[i].name);
		if (req.path != NULL)
			online_call(oq, &req, on_rel, (void *)&rels[i]);
	}
	return ONLINE_CACHE_HIT;
}

/* One relationship page: a collection of file, host or resolution objects. */
static int
on_rel(struct online_q *oq, void *arg, const struct online_result *r)
{
	const struct vt_rel *rel = arg;
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	yajl_val data;
	size_t i;

	if (r->failed || r->status != 200)
		return r->status == 404 ? ONLINE_CACHE_MISS : ONLINE_NO_CACHE;
	data = jt_get(r->json, "data");
	for (i = 0; i < jt_len(data) && i < 100; i++) {
		yajl_val o = jt_at(data, i), attrs = jt_get(o, "attributes");
		const char *type = jt_str(o, "type"), *id = jt_str(o, "id");
		int64_t seen = jt_int(attrs, 0, "last_analysis_date");

		if (type == NULL || id == NULL)
			continue;
		if (strcmp(type, "file") == 0) {
			const char *sha = jt_str(attrs, "sha256");

			online_add_related(f, a, rel->rel, CHOUSA_IOC_SHA256,
			    sha ? sha : id, file_label(attrs), seen);
		} else if (strcmp(type, "domain") == 0)
			online_add_related(f, a, rel->rel, CHOUSA_IOC_DOMAIN,
			    id, NULL, seen);
		else if (strcmp(type, "ip_address") == 0)
			online_add_related(f, a, rel->rel,
			    strchr(id, ':') ? CHOUSA_IOC_IPV6 :
			    CHOUSA_IOC_IPV4, id, NULL, seen);
		else if (strcmp(type, "url") == 0)
			online_add_related(f, a, rel->rel, CHOUSA_IOC_URL,
			    jt_str(attrs, "url") ? jt_str(attrs, "url") : id,
			    NULL, seen);
		else if (strcmp(type, "resolution") == 0) {
			const char *ip = jt_str(attrs, "ip_address");
			const char *host = jt_str(attrs, "host_name");
			int64_t when = jt_int(attrs, 0, "date");
			int ind_is_ip = online_is_ip(q);

			if (ind_is_ip && host != NULL)
				online_add_related(f, a, CHOUSA_REL_RESOLVES,
				    CHOUSA_IOC_DOMAIN, host, NULL, when);
			else if (!ind_is_ip && ip != NULL)
				online_add_related(f, a, CHOUSA_REL_RESOLVES,
				    strchr(ip, ':') ? CHOUSA_IOC_IPV6 :
				    CHOUSA_IOC_IPV4, ip, NULL, when);
		}
	}
	return ONLINE_CACHE_HIT;
}

/* The unpadded URL-safe base64 of the URL: VirusTotal's URL id. */
static char *
url_id(struct chousa_arena *a, const char *url)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *s = (const unsigned char *)url;
	size_t n = strlen(url), i, o = 0;
	char *out;

	if (n > 8192)
		return NULL;
	out = chousa_arena_alloc(a, (n + 2) / 3 * 4 + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 |
		    s[i + 2];

		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
		out[o++] = tab[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)s[i] << 16;

		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
	} else if (n - i == 2) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;

		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = tab[v >> 6 & 63];
	}
	out[o] = '\0';
	return out;
}

static const char *
object_path(struct chousa_arena *a, const struct chousa_indicator *ind)
{
	char *v;

	switch (ind->type) {
	case CHOUSA_IOC_DOMAIN:
		v = online_urlenc(a, ind->value);
		return v ? chousa_arena_printf(a, "/domains/%s", v) : NULL;
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		v = online_urlenc(a, ind->value);
		return v ? chousa_arena_printf(a, "/ip_addresses/%s", v) : NULL;
	case CHOUSA_IOC_URL:
		v = url_id(a, ind->value);
		return v ? chousa_arena_printf(a, "/urls/%s", v) : NULL;
	default:
		v = online_urlenc(a, ind->value);
		return v ? chousa_arena_printf(a, "/files/%s", v) : NULL;
	}
}

static int
vt_ask(struct chousa_query *q, const char *path, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct online_req req;

	if (oq == NULL)
		return CHOUSA_OK;
	if (path == NULL)
		path = object_path(online_arena(oq), q->ind);
	vt_req(&req);
	req.path = path;
	return online_ask(oq, &req, on_object, (void *)path, err);
}

static int
vt_start(struct chousa_query *q, struct chousa_err *err)
{
	return vt_ask(q, NULL, err);
}

static int
vt_check(struct chousa_query *q, struct chousa_err *err)
{
	(void)err;
	return online_check_with(q, vt_req, "/ip_addresses/8.8.8.8", NULL);
}

int
virustotal_parse(const char *body, size_t len, int rel,
    struct chousa_arena *a, struct chousa_finding *f)
{
	if (rel >= 0 && rel < 4)
		return online_parse_buffer(on_rel, (void *)&rel_host[rel], body,
		    len, a, f);
	return online_parse_buffer(on_object, NULL, body, len, a, f);
}

const struct chousa_source chousa_source_virustotal = {
	.name = "virustotal",
	.title = "VirusTotal",
	.types = ONLINE_NET | ONLINE_HASH3,
	.stages = CHOUSA_STAGE_REPUTATION | CHOUSA_STAGE_IDENTIFICATION |
	    CHOUSA_STAGE_ENRICHMENT,
	.flags = CHOUSA_SRC_NEEDS_KEY,
	.cost = 50,
	.rate_per_min = 4,
	.daily = 500,
	.ttl = 86400,
	.default_url = "https://www.virustotal.com/api/v3",
	.start = vt_start,
	.check = vt_check,
};
