/*
 * otx.c: AlienVault OTX indicator API v1, header X-OTX-API-KEY.  The
 * general section gives pulse_info.count (the usual maliciousness signal),
 * the malware families named by pulses, and OTX's own benign evidence:
 * validation entries ("Whitelisted IP", "Known False Positive", "Akamai
 * Popular Domain") and accepted false_positive assessments make the
 * finding benign.  For hosts, the malware section lists samples seen with
 * it and passive_dns its resolutions (RESOLVES relations); for hosts and
 * URLs, url_list gives the URLs seen on them (SERVED relations), those
 * written without a scheme included.
 *
 * Relies on (a missing one is "unexpected answer", never a miss):
 * general's pulse_info (object), pulse_info.count and pulse_info.pulses
 * (array).  A 404 with a JSON body is a miss (OTX's answer for an
 * indicator it cannot take); any other 404 is unexpected.  The other
 * sections only add: one without url_list (array) and url_list[].url,
 * passive_dns (array) or data (array, malware) adds nothing and the
 * source's last error says why.  Families are read both as strings and as {display_name}
 * objects (no genuine pulse-rich answer was found).  The seeded rate (100
 * a minute) is a cautious guess [UNCONFIRMED].
 */
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

enum { OTX_GENERAL, OTX_MALWARE, OTX_PDNS, OTX_URLS, OTX_NKINDS };

/* The sections asked for, in order; each type asks for the first n. */
static const struct {
	const char	*name;
	int		 kind;
} otx_sections[] = {
	{ "general", OTX_GENERAL },
	{ "url_list", OTX_URLS },
	{ "malware", OTX_MALWARE },
	{ "passive_dns", OTX_PDNS },
};
#define OTX_N_FILE	1	/* general */
#define OTX_N_URL	2	/* general, url_list */
#define OTX_N_NET	4	/* all */

/*
 * A URL worth keeping, as a full URL in the arena: http, https or ftp;
 * one written without a scheme ("host/path", as url_list has them) is
 * read as http.  Other schemes (javascript:, mailto:), controls, spaces
 * and overlong values give NULL.
 */
static const char *
otx_url(struct chousa_arena *a, const char *u)
{
	static const char *const schemes[] = { "http://", "https://",
	    "ftp://" };
	size_t i, n;

	if (u == NULL || *u == '\0')
		return NULL;
	for (n = 0; u[n] != '\0'; n++)
		if (n >= 2048 || (unsigned char)u[n] <= ' ' ||
		    u[n] == 0x7f)
			return NULL;
	for (i = 0; i < 3; i++) {
		n = strlen(schemes[i]);
		if (strncasecmp(u, schemes[i], n) == 0)
			return u[n] != '\0' ? u : NULL;
	}
	/* A scheme of another kind: "javascript:...", "data:...". */
	n = strcspn(u, ":/?#");
	if (u[n] == ':' && !(n > 0 && u[n + 1] >= '0' && u[n + 1] <= '9'))
		return NULL;
	if (strstr(u, "://") != NULL || *u == '/')
		return NULL;
	return chousa_arena_printf(a, "http://%s", u);
}

/* OTX's own word that the indicator is benign, as one phrase, or NULL. */
static const char *
validation(struct chousa_arena *a, struct jnode *j)
{
	struct jnode *v = jt_get(j, "validation");
	struct jnode *fp = jt_get(j, "false_positive");
	struct chousa_buf b;
	const char *out;
	size_t i;

	chousa_buf_init(&b, 512);
	for (i = 0; i < jt_len(v) && i < 8; i++) {
		const char *name = jt_str(jt_at(v, i), "name");

		if (name == NULL)
			name = jt_str(jt_at(v, i), "message");
		if (name == NULL || strstr(b.data ? b.data : "", name) != NULL)
			continue;
		chousa_buf_addf(&b, "%s%.80s", b.len ? ", " : "", name);
	}
	for (i = 0; i < jt_len(fp) && i < 8; i++) {
		const char *as = jt_str(jt_at(fp, i), "assessment");

		if (as != NULL && strcmp(as, "accepted") == 0 &&
		    strstr(b.data ? b.data : "", "false positive") == NULL) {
			chousa_buf_addf(&b, "%saccepted as a false positive",
			    b.len ? ", " : "");
			break;
		}
	}
	out = b.len > 0 && !b.failed ? chousa_arena_strndup(a, b.data, b.len) :
	    NULL;
	chousa_buf_release(&b);
	return out;
}

static void
add_families(struct chousa_finding *f, struct chousa_arena *a,
    struct jnode *arr)
{
	size_t i;

	for (i = 0; i < jt_len(arr) && i < 20; i++) {
		struct jnode *v = jt_at(arr, i);

		if (jt_is_str(v))
			online_add_label(f, a, v->s);
		else
			online_add_label(f, a, jt_str(v, "display_name"));
	}
}

static int
on_section(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	int kind = (int)(intptr_t)arg, ip = online_is_ip(q);
	struct jnode *pulses, *list;
	const char *benign;
	int64_t count;
	size_t i, before = f->n_related;

	if (kind == OTX_GENERAL) {
		if (r->status == 404) {
			if (r->json == NULL)
				return online_unexpected(oq, r,
				    "HTTP 404 without a JSON body");
			online_miss(f);
			f->detail = "not known to OTX";
			return ONLINE_CACHE_MISS;
		}
		if (!jt_is(jt_get(r->json, "pulse_info"), J_OBJ))
			return online_unexpected(oq, r, "no pulse_info");
		if (!jt_is_integer(jt_get(r->json, "pulse_info", "count"),
		    NULL))
			return online_unexpected(oq, r,
			    "no pulse_info.count");
		if (!jt_is(jt_get(r->json, "pulse_info", "pulses"), J_ARR))
			return online_unexpected(oq, r,
			    "no pulse_info.pulses list");
		count = jt_int(r->json, 0, "pulse_info", "count");
		pulses = jt_get(r->json, "pulse_info", "pulses");
		benign = validation(a, r->json);
		for (i = 0; i < jt_len(pulses) && i < 50; i++)
			add_families(f, a, jt_get(jt_at(pulses, i),
			    "malware_families"));
		add_families(f, a, jt_get(r->json, "pulse_info", "related",
		    "alienvault", "malware_families"));
		add_families(f, a, jt_get(r->json, "pulse_info", "related",
		    "other", "malware_families"));
		if (benign != NULL) {
			online_hit(f, a);
			f->verdict = CHOUSA_V_BENIGN;
			f->detail = count > 0 ? chousa_arena_printf(a, "OTX "
			    "marks it: %s (in %lld pulse%s)", benign,
			    (long long)count, count == 1 ? "" : "s") :
			    chousa_arena_printf(a, "OTX marks it: %s", benign);
			return ONLINE_CACHE_HIT;
		}
		if (count <= 0) {
			online_miss(f);
			f->detail = "in no OTX pulse";
			return ONLINE_CACHE_MISS;
		}
		online_hit(f, a);
		f->verdict = f->n_labels > 0 ? CHOUSA_V_MALICIOUS :
		    CHOUSA_V_SUSPICIOUS;
		f->detail = chousa_arena_printf(a, "in %lld OTX pulse%s",
		    (long long)count, count == 1 ? "" : "s");
		return ONLINE_CACHE_HIT;
	}
	if (r->failed || r->status != 200)
		return r->status == 404 ? ONLINE_CACHE_MISS : ONLINE_NO_CACHE;
	list = jt_get(r->json, kind == OTX_PDNS ? "passive_dns" :
	    kind == OTX_URLS ? "url_list" : "data");
	if (list == NULL || !jt_is(list, J_ARR))
		return online_unexpected(oq, r, kind == OTX_PDNS ?
		    "no passive_dns list" : kind == OTX_URLS ?
		    "no url_list list" : "no data list");
	if (kind == OTX_PDNS) {
		for (i = 0; i < jt_len(list) && i < 200; i++) {
			struct jnode *it = jt_at(list, i);
			const char *rt = jt_str(it, "record_type");
			const char *v = ip ? jt_str(it, "hostname") :
			    jt_str(it, "address");

			if (rt != NULL && strcmp(rt, "A") != 0 &&
			    strcmp(rt, "AAAA") != 0)
				continue;
			online_add_related(f, a, CHOUSA_REL_RESOLVES,
			    ip ? CHOUSA_IOC_DOMAIN : v && strchr(v, ':') ?
			    CHOUSA_IOC_IPV6 : CHOUSA_IOC_IPV4, v, NULL,
			    online_time(jt_str(it, "last")));
		}
	} else if (kind == OTX_URLS) {
		for (i = 0; i < jt_len(list); i++)
			if (jt_get(jt_at(list, i), "url") == NULL)
				return online_unexpected(oq, r,
				    "a url_list entry without url");
		for (i = 0; i < jt_len(list) && i < 100; i++) {
			struct jnode *it = jt_at(list, i);
			const char *u = otx_url(a, jt_str(it, "url"));

			if (u != NULL && (q->ind == NULL ||
			    strcmp(u, q->ind->value) != 0))
				online_add_related(f, a, CHOUSA_REL_SERVED,
				    CHOUSA_IOC_URL, u, NULL,
				    online_time(jt_str(it, "date")));
		}
	} else if (kind == OTX_MALWARE) {
		for (i = 0; i < jt_len(list) && i < 100; i++) {
			const char *h = jt_str(jt_at(list, i), "hash");
			int t = online_hash_type(h);

			if (t != CHOUSA_IOC_NONE)
				online_add_related(f, a,
				    CHOUSA_REL_CONTACTED, t, h, NULL,
				    jt_int(jt_at(list, i), 0,
				    "datetime_int"));
		}
	}
	if (f->n_related > before && f->status == CHOUSA_ST_MISS)
		online_hit(f, a);
	return ONLINE_CACHE_HIT;
}

static void
otx_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_HEADER, "X-OTX-API-KEY: ");
}

static int
otx_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct chousa_arena *a;
	const char *slug;
	size_t i, n = OTX_N_FILE;
	char *v;

	if (oq == NULL)
		return CHOUSA_OK;
	a = online_arena(oq);
	switch (q->ind->type) {
	case CHOUSA_IOC_IPV4:
		slug = "IPv4";
		n = OTX_N_NET;
		break;
	case CHOUSA_IOC_IPV6:
		slug = "IPv6";
		n = OTX_N_NET;
		break;
	case CHOUSA_IOC_DOMAIN:
		slug = q->ind->regdomain != NULL &&
		    strcmp(q->ind->regdomain, q->ind->value) != 0 ?
		    "hostname" : "domain";
		n = OTX_N_NET;
		break;
	case CHOUSA_IOC_URL:
		slug = "url";
		n = OTX_N_URL;
		break;
	default:
		slug = "file";
		break;
	}
	v = online_urlenc(a, q->ind->value);
	if (v == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		struct online_req req;

		otx_req(&req);
		req.optional = i > 0;
		req.path = chousa_arena_printf(a, "/indicators/%s/%s/%s", slug,
		    v, otx_sections[i].name);
		if (req.path == NULL)
			return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		online_call(oq, &req, on_section,
		    (void *)(intptr_t)otx_sections[i].kind);
	}
	return online_started(oq);
}

static int
otx_check(struct chousa_query *q, struct chousa_err *err)
{
	(void)err;
	return online_check_with(q, otx_req, "/users/me", NULL);
}

static int	otx_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

const struct chousa_source chousa_source_otx = {
	.name = "otx",
	.title = "AlienVault OTX",
	.types = ONLINE_NET | ONLINE_HASH3,
	.stages = CHOUSA_STAGE_REPUTATION | CHOUSA_STAGE_IDENTIFICATION,
	.flags = CHOUSA_SRC_NEEDS_KEY,
	.cost = 40,
	.rate_per_min = 100,
	.daily = 0,
	.ttl = 86400,
	.default_url = "https://otx.alienvault.com/api/v1",
	.start = otx_start,
	.check = otx_check,
	.parse = otx_parse,
};

/* kind modulo 4: 0 general, 1 malware, 2 passive_dns, 3 url_list. */
static int
otx_parse(const char *subject, const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	return online_parse_buffer(on_section,
	    (void *)(intptr_t)((unsigned)kind % OTX_NKINDS), &chousa_source_otx,
	    subject, body, len, a, f);
}
