/*
 * ecs.c: NDJSON for the Elasticsearch or OpenSearch _bulk API, one
 * document per indicator in the Elastic Common Schema's threat fields
 * (event.kind enrichment, threat.indicator.* with the STIX type names,
 * threat.software for the family, threat.feed), and the index template
 * that maps them.  Each document's _id is a hash of the indicator, so a
 * new export overwrites the old documents and --delta can delete the
 * ones that went.  What ECS has no field for goes under "chousa".
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "export/export.h"

#define ECS_VERSION	"8.11.0"
#define ECS_INDEX	"chousa-intel"

struct ecs {
	struct export_file	*docs;
	struct export_file	*delta;
};

static const char template_json[] =
"{\n"
"  \"index_patterns\": [\"" ECS_INDEX "*\"],\n"
"  \"priority\": 200,\n"
"  \"_meta\": {\"description\": \"chousa export: ECS " ECS_VERSION
    " threat indicator fields\"},\n"
"  \"template\": {\n"
"    \"mappings\": {\n"
"      \"dynamic\": false,\n"
"      \"properties\": {\n"
"        \"@timestamp\": {\"type\": \"date\"},\n"
"        \"ecs\": {\"properties\": {\"version\": {\"type\": \"keyword\"}}},\n"
"        \"event\": {\"properties\": {\n"
"          \"kind\": {\"type\": \"keyword\"},\n"
"          \"category\": {\"type\": \"keyword\"},\n"
"          \"type\": {\"type\": \"keyword\"},\n"
"          \"dataset\": {\"type\": \"keyword\"}}},\n"
"        \"threat\": {\"properties\": {\n"
"          \"feed\": {\"properties\": {\"name\": {\"type\": \"keyword\"}}},\n"
"          \"software\": {\"properties\": {\n"
"            \"name\": {\"type\": \"keyword\"},\n"
"            \"alias\": {\"type\": \"keyword\"},\n"
"            \"type\": {\"type\": \"keyword\"},\n"
"            \"reference\": {\"type\": \"keyword\"}}},\n"
"          \"indicator\": {\"properties\": {\n"
"            \"type\": {\"type\": \"keyword\"},\n"
"            \"name\": {\"type\": \"keyword\"},\n"
"            \"description\": {\"type\": \"keyword\"},\n"
"            \"ip\": {\"type\": \"ip\"},\n"
"            \"port\": {\"type\": \"long\"},\n"
"            \"first_seen\": {\"type\": \"date\"},\n"
"            \"last_seen\": {\"type\": \"date\"},\n"
"            \"confidence\": {\"type\": \"keyword\"},\n"
"            \"reference\": {\"type\": \"keyword\"},\n"
"            \"provider\": {\"type\": \"keyword\"},\n"
"            \"marking\": {\"properties\": {\"tlp\": {\"type\": "
    "\"keyword\"}}},\n"
"            \"email\": {\"properties\": {\"address\": {\"type\": "
    "\"keyword\"}}},\n"
"            \"as\": {\"properties\": {\"number\": {\"type\": \"long\"}}},\n"
"            \"url\": {\"properties\": {\n"
"              \"full\": {\"type\": \"wildcard\"},\n"
"              \"original\": {\"type\": \"wildcard\"},\n"
"              \"domain\": {\"type\": \"keyword\"}}},\n"
"            \"file\": {\"properties\": {\"hash\": {\"properties\": {\n"
"              \"md5\": {\"type\": \"keyword\"},\n"
"              \"sha1\": {\"type\": \"keyword\"},\n"
"              \"sha256\": {\"type\": \"keyword\"},\n"
"              \"sha512\": {\"type\": \"keyword\"}}}}}}}}},\n"
"        \"chousa\": {\"properties\": {\n"
"          \"family_id\": {\"type\": \"keyword\"},\n"
"          \"confidence\": {\"type\": \"long\"},\n"
"          \"sources\": {\"type\": \"keyword\"},\n"
"          \"status\": {\"type\": \"keyword\"},\n"
"          \"threat_type\": {\"type\": \"keyword\"}}}\n"
"      }\n"
"    }\n"
"  }\n"
"}\n";

static int
ecs_begin(struct export_run *r, struct chousa_err *err)
{
	struct ecs *e = mem_alloc(sizeof(*e));
	struct export_file *t;
	int rc;

	if (e == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r->state = e;
	rc = export_open(r, "chousa-ecs.ndjson", 1, &e->docs, err);
	if (rc == CHOUSA_OK)
		rc = export_open(r, "chousa-ecs-template.json", 1, &t, err);
	if (rc != CHOUSA_OK)
		return rc;
	chousa_buf_adds(&t->buf, template_json);
	t->n = 1;
	if (r->opts->delta_state != NULL)
		rc = export_open(r, "chousa-ecs-delta.ndjson", 1, &e->delta,
		    err);
	return rc;
}

/* The STIX 2.1 Appendix A scale that ECS names. */
static const char *
confidence_word(int confidence)
{
	if (confidence < 0)
		return "Not Specified";
	if (confidence == 0)
		return "None";
	if (confidence < 30)
		return "Low";
	if (confidence < 70)
		return "Medium";
	return "High";
}

/* The indicator's own fields: type and where ECS puts its value. */
static void
indicator_value(struct chousa_jw *w, const struct chousa_export_row *row)
{
	const char *v = row->value;
	const char *hash = NULL;

	switch (row->type) {
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		chousa_jw_kstr(w, "type", row->type == CHOUSA_IOC_IPV4 ?
		    "ipv4-addr" : "ipv6-addr");
		chousa_jw_kstr(w, "ip", v);
		if (row->port != 0)
			chousa_jw_kuint(w, "port", row->port);
		return;
	case CHOUSA_IOC_DOMAIN:
		chousa_jw_kstr(w, "type", "domain-name");
		chousa_jw_key(w, "url");
		chousa_jw_object(w);
		chousa_jw_kstr(w, "domain", v);
		chousa_jw_object_end(w);
		return;
	case CHOUSA_IOC_URL:
		chousa_jw_kstr(w, "type", "url");
		chousa_jw_key(w, "url");
		chousa_jw_object(w);
		chousa_jw_kstr(w, "full", v);
		chousa_jw_kstr(w, "original", v);
		export_jw_kv(w, "domain", row->host);
		chousa_jw_object_end(w);
		return;
	case CHOUSA_IOC_EMAIL:
		chousa_jw_kstr(w, "type", "email-addr");
		chousa_jw_key(w, "email");
		chousa_jw_object(w);
		chousa_jw_kstr(w, "address", v);
		chousa_jw_object_end(w);
		return;
	case CHOUSA_IOC_ASN:
		chousa_jw_kstr(w, "type", "autonomous-system");
		chousa_jw_key(w, "as");
		chousa_jw_object(w);
		chousa_jw_kint(w, "number", strtoll(v + 2, NULL, 10));
		chousa_jw_object_end(w);
		return;
	case CHOUSA_IOC_MD5:
		hash = "md5";
		break;
	case CHOUSA_IOC_SHA1:
		hash = "sha1";
		break;
	case CHOUSA_IOC_SHA256:
		hash = "sha256";
		break;
	default:
		hash = "sha512";
		break;
	}
	chousa_jw_kstr(w, "type", "file");
	chousa_jw_key(w, "file");
	chousa_jw_object(w);
	chousa_jw_key(w, "hash");
	chousa_jw_object(w);
	chousa_jw_kstr(w, hash, v);
	chousa_jw_object_end(w);
	chousa_jw_object_end(w);
}

/* threat.software: the family, with Malpedia's name and page if known. */
static void
software(struct chousa_jw *w, struct chousa_buf *tmp,
    const struct export_item *it)
{
	chousa_jw_key(w, "software");
	chousa_jw_object(w);
	chousa_jw_kstr(w, "type", "Malware");
	chousa_jw_kstr(w, "name", it->family_name != NULL ?
	    it->family_name : it->family);
	if (it->family_name != NULL) {
		chousa_jw_key(w, "alias");
		chousa_jw_array(w);
		chousa_jw_str(w, it->family);
		chousa_jw_array_end(w);
		chousa_buf_reset(tmp);
		export_cat(tmp, "https://malpedia.caad.fkie.fraunhofer.de/"
		    "details/", it->family, (char *)NULL);
		chousa_jw_kstr(w, "reference", tmp->data);
	}
	chousa_jw_object_end(w);
}

/* The bulk action line and the document line of one indicator. */
static int
doc(struct export_run *r, struct export_file *f, const struct export_item *it,
    struct chousa_err *err)
{
	const struct chousa_export_row *row = it->row;
	struct chousa_buf *b = &f->buf;
	struct chousa_jw w;
	char stamp[24], id[17];

	export_date(stamp, r->stamp);
	export_hex64(id, export_key(row->type, row->value));
	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	chousa_jw_key(&w, "index");
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "_index", ECS_INDEX);
	chousa_jw_kstr(&w, "_id", id);
	chousa_jw_object_end(&w);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');

	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "@timestamp", it->last[0] ? it->last :
	    it->first[0] ? it->first : stamp);
	chousa_jw_key(&w, "ecs");
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "version", ECS_VERSION);
	chousa_jw_object_end(&w);
	chousa_jw_key(&w, "event");
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "kind", "enrichment");
	chousa_jw_key(&w, "category");
	chousa_jw_list(&w, "threat", ',');
	chousa_jw_key(&w, "type");
	chousa_jw_list(&w, "indicator", ',');
	chousa_jw_kstr(&w, "dataset", "chousa.intel");
	chousa_jw_object_end(&w);

	chousa_jw_key(&w, "threat");
	chousa_jw_object(&w);
	chousa_jw_key(&w, "feed");
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "name", "chousa");
	chousa_jw_object_end(&w);
	chousa_jw_key(&w, "indicator");
	chousa_jw_object(&w);
	indicator_value(&w, row);
	export_jw_kv(&w, "name", row->value);
	export_jw_kv(&w, "description", it->desc);
	export_jw_kv(&w, "first_seen", it->first);
	export_jw_kv(&w, "last_seen", it->last);
	export_jw_kv(&w, "confidence", confidence_word(row->confidence));
	export_jw_kv(&w, "reference", it->reference);
	export_jw_kv(&w, "provider", it->sources);
	chousa_jw_key(&w, "marking");
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "tlp", export_tlp_upper(r));
	chousa_jw_object_end(&w);
	chousa_jw_object_end(&w);
	if (it->family != NULL)
		software(&w, &r->line, it);
	chousa_jw_object_end(&w);

	chousa_jw_key(&w, "chousa");
	chousa_jw_object(&w);
	chousa_jw_kint(&w, "confidence", row->confidence);
	export_jw_kv(&w, "family_id", it->family);
	chousa_jw_key(&w, "sources");
	chousa_jw_list(&w, it->sources, ',');
	export_jw_kv(&w, "status", row->status);
	export_jw_kv(&w, "threat_type", it->threat);
	chousa_jw_object_end(&w);
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
	return export_entry(f, err);
}

static int
ecs_item(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct ecs *e = r->state;

	return doc(r, e->docs, it, err);
}

static int
ecs_added(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct ecs *e = r->state;

	return doc(r, e->delta, it, err);
}

static int
ecs_removed(struct export_run *r, int type, const char *value,
    struct chousa_err *err)
{
	struct ecs *e = r->state;
	struct chousa_jw w;
	char id[17];

	export_hex64(id, export_key(type, value));
	chousa_jw_init(&w, &e->delta->buf);
	chousa_jw_object(&w);
	chousa_jw_key(&w, "delete");
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "_index", ECS_INDEX);
	chousa_jw_kstr(&w, "_id", id);
	chousa_jw_object_end(&w);
	chousa_jw_object_end(&w);
	chousa_buf_addch(&e->delta->buf, '\n');
	return export_entry(e->delta, err);
}

const struct export_format export_ecs = {
	"ecs",
	"Elastic/OpenSearch _bulk NDJSON with the ECS threat fields, and "
	"its index template",
	CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_URL) | CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL) |
	    CHOUSA_IOC_HASHES | CHOUSA_IOC_BIT(CHOUSA_IOC_ASN),
	EXPORT_F_DIR | EXPORT_F_DELTA, NULL,
	ecs_begin, ecs_item, NULL, ecs_added, ecs_removed, NULL
};
