/*
 * virustotal.c: VirusTotal API v3 (header x-apikey).  One object report
 * per indicator (domains/, ip_addresses/, urls/ by the unpadded URL-safe
 * base64 id, files/), then, when the object is known, its relationships
 * as optional calls: the files that contacted, were downloaded from or
 * refer to a host or URL, and the hosts a file contacted.
 *
 * Relies on (a missing one is "unexpected answer", never a miss): the
 * object answer's data (object), data.type, data.id and data.attributes
 * (object); a 404's error.code NotFoundError (the only miss).  A
 * relationship page without data (array), data[].type or data[].id adds
 * nothing (the source's last error says why).  Read when present: last_analysis_stats (absent on objects
 * before 2020), last_analysis_results (each engine's category and result:
 * detection names), popular_threat_classification (suggested_threat_label
 * and popular_threat_name values: labels as written; the investigation
 * extracts families).  Genuine answers 2019-2023 replay in the tests
 * (tests/data/samples/README.md).  The public-API quota (4 a minute, 500
 * a day) is commonly cited but [UNCONFIRMED]; no genuine 429 body was
 * found (the framework copes with and without Retry-After).  Relationship
 * pages each cost a request: `relationships` in the config picks them.
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
file_label(struct jnode *attrs)
{
	const char *s;

	s = jt_str(jt_at(jt_get(attrs, "popular_threat_classification",
	    "popular_threat_name"), 0), "value");
	if (s == NULL)
		s = jt_str(attrs, "popular_threat_classification",
		    "suggested_threat_label");
	return s;
}

/*
 * Engines that must call an object malicious before the finding says so:
 * fewer make it suspicious.  A handful of engines flag well-known
 * resolvers and CDNs (1.1.1.1 had 4 of 94 in 2022).
 */
#define VT_MALICIOUS_MIN	5

static void
add_stats(struct online_q *oq, struct chousa_finding *f, struct jnode *attrs)
{
	struct jnode *st = jt_get(attrs, "last_analysis_stats");
	long total = 0, min;
	int susp;
	size_t i;

	if (st == NULL || !jt_is(st, J_OBJ))
		return;
	for (i = 0; i < st->n; i++) {
		int64_t n;

		if (jt_is_integer(st->v[i], &n) && n > 0 && n < 10000)
			total += (long)n;
	}
	f->n_detect = (int)jt_int(st, 0, "malicious");
	if (f->n_detect < 0 || f->n_detect > 10000)
		f->n_detect = 0;
	f->n_engines = (int)total;
	susp = (int)jt_int(st, 0, "suspicious");
	min = oq != NULL && online_query(oq)->ctx != NULL ?
	    chousa_config_get_long(chousa_ctx_config(online_query(oq)->ctx),
	    "virustotal", "malicious_min", VT_MALICIOUS_MIN) :
	    VT_MALICIOUS_MIN;
	if (min < 1)
		min = 1;
	f->verdict = f->n_detect >= min ? CHOUSA_V_MALICIOUS :
	    online_verdict_counts(0, f->n_detect + (susp > 0 ? susp : 0));
}

/*
 * Labels as VirusTotal wrote them: the suggested threat label
 * ("trojan.emotet/w97m") and every popular threat name; the
 * investigation takes the family part and drops generic words.
 */
static void
add_labels(struct chousa_finding *f, struct chousa_arena *a,
    struct jnode *attrs)
{
	struct jnode *ptc = jt_get(attrs, "popular_threat_classification");
	struct jnode *names = jt_get(ptc, "popular_threat_name");
	size_t i;

	online_add_label(f, a, jt_str(ptc, "suggested_threat_label"));
	for (i = 0; i < jt_len(names) && i < 10; i++)
		online_add_label(f, a, jt_str(jt_at(names, i), "value"));
}

/* Each engine's detection name, for the label normalisation. */
static void
add_detections(struct chousa_finding *f, struct chousa_arena *a,
    struct jnode *attrs)
{
	struct jnode *res = jt_get(attrs, "last_analysis_results");
	size_t i;

	if (res == NULL || !jt_is(res, J_OBJ))
		return;
	for (i = 0; i < res->n && i < 200; i++) {
		struct jnode *e = res->v[i];
		const char *cat = jt_str(e, "category");

		if (cat != NULL && (strcmp(cat, "malicious") == 0 ||
		    strcmp(cat, "suspicious") == 0))
			online_add_detection(f, a, jt_str(e, "result"));
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
	struct jnode *data = jt_get(r->json, "data"), *attrs;
	const char *type, *id, *gui = NULL, *code;
	size_t i;

	if (r->status == 404) {
		code = jt_str(r->json, "error", "code");
		if (code == NULL || strcmp(code, "NotFoundError") != 0)
			return online_unexpected(oq, r,
			    "HTTP 404 without error.code NotFoundError");
		online_miss(f);
		f->detail = "not known to VirusTotal";
		return ONLINE_CACHE_MISS;
	}
	if (data == NULL || !jt_is(data, J_OBJ))
		return online_unexpected(oq, r, "no data object");
	attrs = jt_get(data, "attributes");
	type = jt_str(data, "type");
	id = jt_str(data, "id");
	if (type == NULL)
		return online_unexpected(oq, r, "no data.type");
	if (id == NULL)
		return online_unexpected(oq, r, "no data.id");
	if (attrs == NULL || !jt_is(attrs, J_OBJ))
		return online_unexpected(oq, r, "no data.attributes object");
	online_hit(f, a);
	add_stats(oq, f, attrs);
	add_detections(f, a, attrs);
	if (f->n_engines > 0)
		f->detail = chousa_arena_printf(a, "%d of %d engines flag it"
		    " as malicious", f->n_detect, f->n_engines);
	else
		f->detail = "known to VirusTotal, no detection counts";
	if (strcmp(type, "file") == 0) {
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
	} else if (strcmp(type, "url") == 0) {
		f->first_seen = jt_int(attrs, 0, "first_submission_date");
		f->last_seen = jt_int(attrs, 0, "last_analysis_date");
		gui = "url/";
		rels = rel_url;
	} else if (strcmp(type, "domain") == 0) {
		f->first_seen = jt_int(attrs, 0, "creation_date");
		gui = "domain/";
		rels = rel_host;
	} else if (strcmp(type, "ip_address") == 0) {
		gui = "ip-address/";
		rels = rel_host;
	}
	if (gui != NULL && strlen(id) < 300)
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
	struct jnode *data;
	size_t i;

	if (r->failed || r->status != 200)
		return r->status == 404 ? ONLINE_CACHE_MISS : ONLINE_NO_CACHE;
	data = jt_get(r->json, "data");
	if (data == NULL || !jt_is(data, J_ARR))
		return online_unexpected(oq, r, "relationship page without a "
		    "data list");
	for (i = 0; i < jt_len(data); i++)
		if (jt_str(jt_at(data, i), "type") == NULL ||
		    jt_str(jt_at(data, i), "id") == NULL)
			return online_unexpected(oq, r,
			    "relationship item without type or id");
	for (i = 0; i < jt_len(data) && i < 100; i++) {
		struct jnode *o = jt_at(data, i);
		struct jnode *attrs = jt_get(o, "attributes");
		const char *type = jt_str(o, "type"), *id = jt_str(o, "id");
		int64_t seen = jt_int(attrs, 0, "last_analysis_date");

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

static int	vt_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

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
	.parse = vt_parse,
};

/* kind modulo 5: 0-3 a relationship page (rel_host order), 4 an object. */
static int
vt_parse(const char *subject, const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	unsigned k = (unsigned)kind % 5;

	if (k < 4)
		return online_parse_buffer(on_rel, (void *)&rel_host[k],
		    &chousa_source_virustotal, subject, body, len, a, f);
	return online_parse_buffer(on_object, NULL, &chousa_source_virustotal,
	    subject, body, len, a, f);
}
