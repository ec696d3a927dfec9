/*
 * threatfox.c: ThreatFox exports.  The CSV (", " between quoted fields,
 * the header a quoted comment line, 14 or 15 columns) and the JSON export
 * (an object keyed by ioc_id, each an array of one record, tags one
 * string).  "ip:port" values keep the IP as the indicator and the port in
 * its own column; "[v6]:port" too.
 */
#include <stdlib.h>
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

enum { C_FIRST, C_ID, C_VALUE, C_TYPE, C_THREAT, C_MALWARE, C_ALIAS,
	C_PRINTABLE, C_LAST, C_CONFIDENCE, C_COMPROMISED, C_REFERENCE, C_TAGS,
	C_ANONYMOUS, C_REPORTER };

static const char *const columns[] = {
	"first_seen_utc", "ioc_id", "ioc_value", "ioc_type", "threat_type",
	"fk_malware", "malware_alias", "malware_printable", "last_seen_utc",
	"confidence_level", "is_compromised", "reference", "tags", "anonymous",
	"reporter", NULL
};

static int
threatfox_probe(const char *p, size_t len)
{
	size_t n = len < 4096 ? len : 4096;

	if (imp_contains(p, n, "\"ioc_value\"") &&
	    imp_contains(p, n, "\"ioc_type\""))
		return 100;
	return imp_contains(p, n, "ThreatFox") &&
	    imp_contains(p, n, "CSV") ? 60 : 0;
}

/* The type mask an ioc_type allows; 0 for a type we do not keep. */
static unsigned
type_mask(const char *t)
{
	if (t == NULL)
		return 0;
	if (strcmp(t, "ip:port") == 0)
		return CHOUSA_IOC_IPS;
	if (strcmp(t, "domain") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN);
	if (strcmp(t, "url") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_URL);
	if (strcmp(t, "md5_hash") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_MD5);
	if (strcmp(t, "sha1_hash") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1);
	if (strcmp(t, "sha256_hash") == 0)
		return CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256);
	return 0;
}

/* Split "ip:port" / "[v6]:port" into the address and the port. */
static int
split_port(const char *v, size_t *addr_off, size_t *addr_len,
    unsigned *port)
{
	const char *colon;
	char *end;
	unsigned long p;

	if (v[0] == '[') {
		const char *close = strchr(v, ']');

		if (close == NULL)
			return -1;
		*addr_off = 1;
		*addr_len = (size_t)(close - v - 1);
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = strrchr(v, ':');
		/* A bare IPv6 address has several colons and no port. */
		if (colon != NULL && strchr(v, ':') != colon)
			colon = NULL;
		*addr_off = 0;
		*addr_len = colon != NULL ? (size_t)(colon - v) : strlen(v);
	}
	*port = 0;
	if (colon != NULL) {
		p = strtoul(colon + 1, &end, 10);
		if (*end != '\0' || p == 0 || p > 65535)
			return -1;
		*port = (unsigned)p;
	}
	return 0;
}

struct tf_row {
	const char	*first, *id, *value, *type, *threat, *malware;
	const char	*alias, *printable, *last, *confidence, *reference;
	const char	*tags;
};

static int
put_row(struct imp *imp, const struct tf_row *t, uint64_t line)
{
	struct imp_ind r;
	size_t off = 0, len;
	unsigned mask = type_mask(t->type);
	char ref[96];

	if (t->value == NULL)
		return imp_reject(imp, line, "no ioc_value");
	if (mask == 0)
		return imp_reject(imp, line, "unknown ioc_type '%.40s'",
		    t->type ? t->type : "");
	memset(&r, 0, sizeof(r));
	len = strlen(t->value);
	if (mask == CHOUSA_IOC_IPS && split_port(t->value, &off, &len,
	    &r.port) != 0)
		return imp_reject(imp, line, "bad ip:port '%.60s'", t->value);
	r.value = t->value + off;
	r.value_len = len;
	r.types = mask;
	r.source_id = t->id;
	r.first_seen = imp_time(t->first);
	r.last_seen = imp_time(t->last);
	r.threat = t->threat;
	/* fk_malware, else the printable name (the alias is not used). */
	r.family = t->malware;
	r.family_alt = t->printable;
	r.tags = t->tags;
	r.confidence = t->confidence != NULL ?
	    (int)strtol(t->confidence, NULL, 10) : -1;
	if (r.confidence < -1 || r.confidence > 100)
		r.confidence = -1;
	r.reference = t->reference;
	if (r.reference == NULL && t->id != NULL && strlen(t->id) < 40) {
		snprintf(ref, sizeof(ref), "https://threatfox.abuse.ch/ioc/%s/",
		    t->id);
		r.reference = ref;
	}
	return imp_put_indicator(imp, &r, line);
}

static int
run_csv(struct imp *imp)
{
	struct csv c;
	struct tf_row t;
	int rc, eof = 0;

	snprintf(imp->rep->format, sizeof(imp->rep->format), "csv");
	csv_init(&c, columns, 4);
	for (;;) {
		rc = csv_next(imp, &c, &eof);
		if (rc != CHOUSA_OK || eof)
			return rc;
		t.first = csv_get(&c, C_FIRST);
		t.id = csv_get(&c, C_ID);
		t.value = csv_get(&c, C_VALUE);
		t.type = csv_get(&c, C_TYPE);
		t.threat = csv_get(&c, C_THREAT);
		t.malware = csv_get(&c, C_MALWARE);
		t.alias = csv_get(&c, C_ALIAS);
		t.printable = csv_get(&c, C_PRINTABLE);
		t.last = csv_get(&c, C_LAST);
		t.confidence = csv_get(&c, C_CONFIDENCE);
		t.reference = csv_get(&c, C_REFERENCE);
		t.tags = csv_get(&c, C_TAGS);
		rc = put_row(imp, &t, c.line);
		if (rc != CHOUSA_OK)
			return rc;
	}
}

static int
json_record(struct imp *imp, const char *key, struct jnode *o)
{
	struct tf_row t;

	t.first = jt_text(o, "first_seen_utc");
	if (t.first == NULL)
		t.first = jt_text(o, "first_seen");
	t.id = jt_text(o, "ioc_id") != NULL ? jt_text(o, "ioc_id") : key;
	t.value = jt_text(o, "ioc_value");
	if (t.value == NULL)
		t.value = jt_text(o, "ioc");
	t.type = jt_text(o, "ioc_type");
	t.threat = jt_text(o, "threat_type");
	t.malware = jt_text(o, "malware");
	if (t.malware == NULL)
		t.malware = jt_text(o, "fk_malware");
	t.alias = jt_text(o, "malware_alias");
	t.printable = jt_text(o, "malware_printable");
	t.last = jt_text(o, "last_seen_utc");
	if (t.last == NULL)
		t.last = jt_text(o, "last_seen");
	t.confidence = jt_text(o, "confidence_level");
	t.reference = jt_text(o, "reference");
	t.tags = jt_text(o, "tags");
	if (t.reference != NULL && imp_is_null(t.reference,
	    strlen(t.reference)))
		t.reference = NULL;
	if (t.tags != NULL && imp_is_null(t.tags, strlen(t.tags)))
		t.tags = NULL;
	return put_row(imp, &t, 0);
}

static int
threatfox_run(struct imp *imp)
{
	const char *p;
	size_t len;
	int rc;

	rc = input_peek(imp->in, &p, &len, imp->err);
	if (rc != CHOUSA_OK)
		return rc;
	if (imp->shape != NULL)
		return json_records(imp, 2, json_record);
	return run_csv(imp);
}

/* The JSON export: {"<ioc id>": [{"ioc_value": ..., ...}], ...}. */
static int
threatfox_probe_json(const struct jshape *sh)
{
	const struct shape_obj *rec = shape_gobj(sh, "*[]");

	if (sh->root != J_OBJ)
		return 0;
	return shape_has(rec, "ioc_value", -1) ||
	    shape_has(rec, "ioc_type", -1) ? 95 : 0;
}

const struct importer importer_threatfox = {
	.feed = {
		.name = "threatfox",
		.title = "ThreatFox",
		.local_source = "local-threatfox",
		.url = "https://threatfox.abuse.ch/export/csv/recent/",
		.file = "threatfox.csv",
		.record_page = "https://threatfox.abuse.ch/ioc/%s/",
		.flags = CHOUSA_FEED_ABUSECH_KEY |
		    CHOUSA_FEED_REFERENCE_ELSEWHERE,
		.local_types = FEED_HOST_TYPES | CHOUSA_IOC_HASHES,
	},
	.expects = "a ThreatFox CSV or JSON export",
	.help = "CSV and JSON exports",
	.probe = threatfox_probe,
	.run = threatfox_run,
	.pipelined = 1,
	.probe_json = threatfox_probe_json,
};
