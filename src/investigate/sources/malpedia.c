/*
 * malpedia.c: the Malpedia API, get/family/<id>, with an optional header
 * "Authorization: apitoken <token>" (the family calls need none [DOC]).
 * It answers the family look-ups of the enrichment stage: the common
 * name, aliases and description.
 *
 * Relies on (a missing one is "unexpected answer", never a miss):
 * get/family's common_name and alt_names (array); find/family's answer
 * (array) with [].name.  A 404 with a JSON body ({"detail": "Not
 * found."}) is a miss.  No genuine answer was found: the keys come from
 * the Go client Malpedia recommends and two other clients [3RD].
 * Malpedia publishes no rate; 60 a minute is a courteous default.
 */
#include <string.h>

#include "base/mem.h"
#include "investigate/sources/online.h"

/* Family ids are "<platform>.<name>": refuse anything else early. */
static int
is_family_id(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 100 || strchr(s, '.') == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' &&
		    s[i] <= '9') || s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

static int
on_family(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	struct chousa_arena *a = online_arena(oq);
	const char *name = jt_str(r->json, "common_name");
	const char *desc = jt_str(r->json, "description");
	struct jnode *alt = jt_get(r->json, "alt_names");

	const char *id = arg != NULL ? (const char *)arg :
	    q->ind != NULL ? q->ind->value : NULL;

	if (r->status == 404 && r->json != NULL) {
		online_miss(f);
		f->detail = "no such family in Malpedia";
		return ONLINE_CACHE_MISS;
	}
	if (r->status != 200 || !jt_is(r->json, J_OBJ))
		return online_unexpected(oq, r, "not a family object");
	if (name == NULL)
		return online_unexpected(oq, r, "no common_name");
	if (alt == NULL || !jt_is(alt, J_ARR))
		return online_unexpected(oq, r, "no alt_names list");
	online_hit(f, a);
	online_add_label(f, a, name);
	online_add_labels(f, a, alt, 16);
	if (id != NULL && is_family_id(id)) {
		f->family = chousa_arena_strdup(a, id);
		f->matched = f->family;
		f->reference = chousa_arena_printf(a,
		    "https://malpedia.caad.fkie.fraunhofer.de/details/%s", id);
	}
	if (desc != NULL)
		f->detail = chousa_arena_strndup(a, desc, strnlen(desc, 600));
	return ONLINE_CACHE_HIT;
}

static void
mp_req(struct online_req *req)
{
	online_req_init(req, ONLINE_KEY_HEADER, "Authorization: apitoken ");
}

/* find/family/<needle>: [{"name": "win.emotet", "alt_names": [...]}]. */
static int
on_find(struct online_q *oq, void *arg, const struct online_result *r)
{
	struct chousa_query *q = online_query(oq);
	struct chousa_finding *f = q->finding;
	const char *id = NULL;
	struct online_req req;
	size_t i;

	(void)arg;
	if (r->status == 404 && r->json != NULL) {
		online_miss(f);
		f->detail = "no such family in Malpedia";
		return ONLINE_CACHE_MISS;
	}
	if (r->status != 200 || !jt_is(r->json, J_ARR))
		return online_unexpected(oq, r, "not a list of families");
	for (i = 0; i < jt_len(r->json); i++)
		if (jt_str(jt_at(r->json, i), "name") == NULL)
			return online_unexpected(oq, r, "a family without name");
	for (i = 0; i < jt_len(r->json) && i < 50 && id == NULL; i++) {
		const char *n = jt_str(jt_at(r->json, i), "name");

		/* Prefer Windows when a name exists on several platforms. */
		if (n != NULL && is_family_id(n) &&
		    (strncmp(n, "win.", 4) == 0 || jt_len(r->json) == 1))
			id = n;
	}
	if (id == NULL)
		id = jt_str(jt_at(r->json, 0), "name");
	if (id == NULL || !is_family_id(id)) {
		online_miss(f);
		f->detail = "no such family in Malpedia";
		return ONLINE_CACHE_MISS;
	}
	if (q->ctx == NULL)
		return ONLINE_CACHE_HIT;
	mp_req(&req);
	req.path = chousa_arena_printf(online_arena(oq), "/get/family/%s", id);
	if (req.path != NULL)
		online_call(oq, &req, on_family, (void *)chousa_arena_strdup(
		    online_arena(oq), id));
	return ONLINE_CACHE_HIT;
}

static int
mp_start(struct chousa_query *q, struct chousa_err *err)
{
	struct online_q *oq = online_begin(q);
	struct online_req req;

	if (oq == NULL)
		return CHOUSA_OK;
	mp_req(&req);
	if (!is_family_id(q->ind->value)) {
		char *v = online_urlenc(online_arena(oq), q->ind->value);

		/* A label ("Emotet"): find its id first. */
		req.path = v ? chousa_arena_printf(online_arena(oq),
		    "/find/family/%s", v) : NULL;
		return online_ask(oq, &req, on_find, NULL, err);
	}
	req.path = chousa_arena_printf(online_arena(oq), "/get/family/%s",
	    q->ind->value);
	return online_ask(oq, &req, on_family, NULL, err);
}

static int
mp_check(struct chousa_query *q, struct chousa_err *err)
{
	(void)err;
	return online_check_with(q, mp_req, "/check/apikey", NULL);
}

static int	mp_parse(const char *, const char *, size_t, int,
	    struct chousa_arena *, struct chousa_finding *);

const struct chousa_source chousa_source_malpedia = {
	.name = "malpedia",
	.title = "Malpedia API",
	.types = 0,
	.stages = CHOUSA_STAGE_ENRICHMENT,
	.flags = CHOUSA_SRC_FAMILY | CHOUSA_SRC_KEY_OPTIONAL,
	.cost = 30,
	.rate_per_min = 60,
	.daily = 0,
	.ttl = 7 * 86400,
	.default_url = "https://malpedia.caad.fkie.fraunhofer.de/api",
	.start = mp_start,
	.check = mp_check,
	.parse = mp_parse,
};

/* kind modulo 2: 0 get/family, 1 find/family. */
static int
mp_parse(const char *subject, const char *body, size_t len, int kind,
    struct chousa_arena *a, struct chousa_finding *f)
{
	return online_parse_buffer((unsigned)kind % 2 ? on_find : on_family,
	    NULL, &chousa_source_malpedia, subject, body, len, a, f);
}
