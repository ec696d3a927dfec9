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
indicator_value(struct chousa_buf *b, const struct chousa_export_row *row)
{
	const char *v = row->value;
	const char *hash = NULL;

	switch (row->type) {
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		chousa_buf_addf(b, "\"type\":\"%s\",\"ip\":",
		    row->type == CHOUSA_IOC_IPV4 ? "ipv4-addr" : "ipv6-addr");
		chousa_esc_json_str(b, v);
		if (row->port != 0)
			chousa_buf_addf(b, ",\"port\":%u", row->port);
		return;
	case CHOUSA_IOC_DOMAIN:
		chousa_buf_adds(b, "\"type\":\"domain-name\",\"url\":{"
		    "\"domain\":");
		chousa_esc_json_str(b, v);
		chousa_buf_addch(b, '}');
		return;
	case CHOUSA_IOC_URL:
		chousa_buf_adds(b, "\"type\":\"url\",\"url\":{\"full\":");
		chousa_esc_json_str(b, v);
		chousa_buf_adds(b, ",\"original\":");
		chousa_esc_json_str(b, v);
		export_json_kv(b, "domain", row->host);
		chousa_buf_addch(b, '}');
		return;
	case CHOUSA_IOC_EMAIL:
		chousa_buf_adds(b, "\"type\":\"email-addr\",\"email\":{"
		    "\"address\":");
		chousa_esc_json_str(b, v);
		chousa_buf_addch(b, '}');
		return;
	case CHOUSA_IOC_ASN:
		chousa_buf_addf(b, "\"type\":\"autonomous-system\",\"as\":{"
		    "\"number\":%lld}", strtoll(v + 2, NULL, 10));
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
	chousa_buf_addf(b, "\"type\":\"file\",\"file\":{\"hash\":{\"%s\":",
	    hash);
	chousa_esc_json_str(b, v);
	chousa_buf_adds(b, "}}");
}

static void
sources_array(struct chousa_buf *b, const char *sources)
{
	const char *p = sources, *end;

	chousa_buf_adds(b, ",\"sources\":[");
	while (p != NULL && *p != '\0') {
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		if (p != sources)
			chousa_buf_addch(b, ',');
		chousa_buf_addch(b, '"');
		chousa_esc_json(b, p, (size_t)(end - p));
		chousa_buf_addch(b, '"');
		p = *end == ',' ? end + 1 : end;
	}
	chousa_buf_addch(b, ']');
}

static int
doc(struct export_run *r, struct export_file *f, const struct export_item *it,
    struct chousa_err *err)
{
	const struct chousa_export_row *row = it->row;
	struct chousa_buf *b = &f->buf;
	char stamp[24], id[17];

	export_date(stamp, r->stamp);
	export_hex64(id, export_key(row->type, row->value));
	export_cat(b, "{\"index\":{\"_index\":\"" ECS_INDEX "\",\"_id\":\"",
	    id, "\"}}\n{\"@timestamp\":\"", it->last[0] ? it->last :
	    it->first[0] ? it->first : stamp, "\",\"ecs\":{\"version\":\""
	    ECS_VERSION "\"},\"event\":{\"kind\":\"enrichment\","
	    "\"category\":[\"threat\"],\"type\":[\"indicator\"],"
	    "\"dataset\":\"chousa.intel\"},\"threat\":{\"feed\":{\"name\":"
	    "\"chousa\"},\"indicator\":{", (char *)NULL);
	indicator_value(b, row);
	export_json_kv(b, "name", row->value);
	export_json_kv(b, "description", it->desc);
	export_json_kv(b, "first_seen", it->first);
	export_json_kv(b, "last_seen", it->last);
	export_json_kv(b, "confidence", confidence_word(row->confidence));
	export_json_kv(b, "reference", it->reference);
	export_json_kv(b, "provider", it->sources);
	export_cat(b, ",\"marking\":{\"tlp\":\"", export_tlp_upper(r), "\"}}",
	    (char *)NULL);
	if (it->family != NULL) {
		chousa_buf_adds(b, ",\"software\":{\"type\":\"Malware\","
		    "\"name\":");
		chousa_esc_json_str(b, it->family_name != NULL ?
		    it->family_name : it->family);
		if (it->family_name != NULL) {
			chousa_buf_adds(b, ",\"alias\":[");
			chousa_esc_json_str(b, it->family);
			chousa_buf_adds(b, "],\"reference\":\"https://malpedia."
			    "caad.fkie.fraunhofer.de/details/");
			chousa_esc_json(b, it->family, strlen(it->family));
			chousa_buf_addch(b, '"');
		}
		chousa_buf_addch(b, '}');
	}
	chousa_buf_adds(b, "},\"chousa\":{");
	chousa_buf_addf(b, "\"confidence\":%d", row->confidence);
	export_json_kv(b, "family_id", it->family);
	sources_array(b, it->sources);
	export_json_kv(b, "status", row->status);
	export_json_kv(b, "threat_type", it->threat);
	chousa_buf_adds(b, "}}\n");
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

	chousa_buf_addf(&e->delta->buf, "{\"delete\":{\"_index\":\"" ECS_INDEX
	    "\",\"_id\":\"%016llx\"}}\n",
	    (unsigned long long)export_key(type, value));
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
