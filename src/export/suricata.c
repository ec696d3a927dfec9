/*
 * suricata.c: a directory for Suricata.  Datasets (strings in base64,
 * hashes in hex, addresses as text, one per line), the JSON-lines form of
 * the same sets whose entries Suricata 8 puts under alert.extra.chousa
 * (family, confidence, dates, sources, evidence), datarep lists scored by
 * confidence, an iprep category file and list (ranges included), the rules
 * that use them (chousa.rules for Suricata 8, chousa-7.rules for 6.0.13
 * and 7 with sets from the yaml), and a suricata.yaml snippet whose
 * hashsize and memcap come from the counts: the default hash of a few
 * thousand rows makes a set of a million entries slow to load and match.
 */
#include <string.h>

#include "base/digest.h"
#include "base/mem.h"
#include "export/export.h"

/* Suricata reads a JSON-lines set with a 1024-byte line buffer. */
#define JSONL_MAX	1000

enum {
	F_DOMAINS, F_DOMAINS_JSON, F_DOMAINS_REP, F_URL_HOSTS, F_URL_PATHS,
	F_URL_PATHS_JSON, F_IPS, F_IPS_JSON, F_IPS_REP, F_MD5, F_MD5_REP,
	F_SHA1, F_SHA256, F_SHA256_REP, F_IPREP_CATEGORIES, F_IPREP,
	F_RULES, F_RULES7, F_YAML, F_COUNT
};

static const char *const file_names[F_COUNT] = {
	"domains.lst", "domains.jsonl", "domains.rep", "url-hosts.lst",
	"url-paths.lst", "url-paths.jsonl", "ips.lst", "ips.jsonl",
	"ips.rep", "md5.lst", "md5.rep", "sha1.lst", "sha256.lst",
	"sha256.rep", "iprep-categories.txt", "iprep.list", "chousa.rules",
	"chousa-7.rules", "suricata.yaml"
};

/* iprep categories: by what the address does (at most 60 ids). */
static const char *const categories[][3] = {
	{ "ChousaC2", "command and control of a malware family",
	    "C2 address" },
	{ "ChousaPayload", "delivers or hosts malware payloads",
	    "malware delivery address" },
	{ "ChousaMalware", "other malicious infrastructure",
	    "malicious address" }
};

struct suricata {
	struct export_file	*f[F_COUNT];
	struct export_file	*delta8;
	struct export_file	*delta7;
	struct chousa_buf	 json;
};

static int
sur_begin(struct export_run *r, struct chousa_err *err)
{
	struct suricata *s = mem_alloc(sizeof(*s));
	size_t i;
	int rc = CHOUSA_OK;

	if (s == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r->state = s;
	chousa_buf_init(&s->json, 0);
	for (i = 0; i < F_COUNT && rc == CHOUSA_OK; i++)
		rc = export_open(r, file_names[i], 1, &s->f[i], err);
	if (rc == CHOUSA_OK && r->opts->delta_state != NULL) {
		rc = export_open(r, "delta-8.txt", 1, &s->delta8, err);
		if (rc == CHOUSA_OK)
			rc = export_open(r, "delta-7.txt", 1, &s->delta7, err);
	}
	for (i = 0; i < sizeof(categories) / sizeof(categories[0]) &&
	    rc == CHOUSA_OK; i++) {
		chousa_buf_addf(&s->f[F_IPREP_CATEGORIES]->buf, "%zu,%s,%s\n",
		    i + 1, categories[i][0], categories[i][1]);
		rc = export_entry(s->f[F_IPREP_CATEGORIES], err);
	}
	return rc;
}

/* A URL's path and query as the request line carries them. */
static int
url_path(const char *url, const char **p, size_t *len)
{
	const char *rest = strstr(url, "://"), *end;

	if (rest == NULL)
		return 0;
	rest += 3;
	*p = rest + strcspn(rest, "/?#");
	end = strchr(*p, '#');
	*len = end != NULL ? (size_t)(end - *p) : strlen(*p);
	if (*len == 0) {
		*p = "/";
		*len = 1;
	}
	return 1;
}

static int
b64_line(struct export_file *f, const char *v, size_t len, int score,
    struct chousa_err *err)
{
	digest_base64(&f->buf, v, len);
	if (score >= 0)
		chousa_buf_addf(&f->buf, ",%d", score);
	chousa_buf_addch(&f->buf, '\n');
	return export_entry(f, err);
}

static int
text_line(struct export_file *f, const char *v, int score,
    struct chousa_err *err)
{
	chousa_buf_adds(&f->buf, v);
	if (score >= 0)
		chousa_buf_addf(&f->buf, ",%d", score);
	chousa_buf_addch(&f->buf, '\n');
	return export_entry(f, err);
}

/*
 * The enrichment object of one entry into s->json; 0 when it cannot fit
 * Suricata's line even without its optional members.
 */
static int
enrichment(struct suricata *s, const struct export_item *it,
    const char *v, size_t len)
{
	struct chousa_buf *b = &s->json;
	struct chousa_jw w;
	int full;

	for (full = 1; full >= 0; full--) {
		chousa_buf_reset(b);
		chousa_jw_init(&w, b);
		chousa_jw_object(&w);
		chousa_jw_key(&w, "value");
		chousa_jw_strn(&w, v, len);
		export_jw_kv(&w, "family", it->family);
		if (full)
			export_jw_kv(&w, "family_name", it->family_name);
		if (it->row->confidence >= 0)
			chousa_jw_kint(&w, "confidence", it->row->confidence);
		export_jw_kv(&w, "first_seen", it->first);
		export_jw_kv(&w, "last_seen", it->last);
		export_jw_kv(&w, "sources", it->sources);
		if (full)
			export_jw_kv(&w, "evidence", it->reference);
		chousa_jw_object_end(&w);
		if (b->failed == CHOUSA_OK && b->len <= JSONL_MAX)
			return 1;
	}
	return 0;
}

static int
json_line(struct suricata *s, struct export_file *f,
    const struct export_item *it, const char *v, size_t len,
    struct chousa_err *err)
{
	if (!enrichment(s, it, v, len))
		return CHOUSA_OK;
	chousa_buf_add(&f->buf, s->json.data, s->json.len);
	chousa_buf_addch(&f->buf, '\n');
	return export_entry(f, err);
}

static int
iprep_category(const struct export_item *it)
{
	if (it->threat == NULL)
		return 3;
	if (strcmp(it->threat, "botnet_cc") == 0)
		return 1;
	if (strcmp(it->threat, "payload_delivery") == 0 ||
	    strcmp(it->threat, "malware_download") == 0 ||
	    strcmp(it->threat, "payload") == 0)
		return 2;
	return 3;
}

static int
sur_item(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct suricata *s = r->state;
	const char *v = it->row->value, *path;
	size_t len = strlen(v);
	int rc = CHOUSA_OK;

	switch (it->row->type) {
	case CHOUSA_IOC_DOMAIN:
		rc = b64_line(s->f[F_DOMAINS], v, len, -1, err);
		if (rc == CHOUSA_OK)
			rc = json_line(s, s->f[F_DOMAINS_JSON], it, v, len,
			    err);
		if (rc == CHOUSA_OK)
			rc = b64_line(s->f[F_DOMAINS_REP], v, len, it->score,
			    err);
		break;
	case CHOUSA_IOC_URL:
		if (it->row->host == NULL || !url_path(v, &path, &len)) {
			export_refuse(r);
			break;
		}
		rc = b64_line(s->f[F_URL_HOSTS], it->row->host,
		    strlen(it->row->host), -1, err);
		if (rc == CHOUSA_OK)
			rc = b64_line(s->f[F_URL_PATHS], path, len, -1, err);
		if (rc == CHOUSA_OK)
			rc = json_line(s, s->f[F_URL_PATHS_JSON], it, path,
			    len, err);
		break;
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		rc = text_line(s->f[F_IPS], v, -1, err);
		if (rc == CHOUSA_OK)
			rc = json_line(s, s->f[F_IPS_JSON], it, v, len, err);
		if (rc == CHOUSA_OK)
			rc = text_line(s->f[F_IPS_REP], v, it->score, err);
		/* FALLTHROUGH */
	case CHOUSA_IOC_CIDR:
		if (rc == CHOUSA_OK) {
			int score = it->score * 127 / 100;

			chousa_buf_addf(&s->f[F_IPREP]->buf, "%s,%d,%d\n", v,
			    iprep_category(it), score < 1 ? 1 : score);
			rc = export_entry(s->f[F_IPREP], err);
		}
		break;
	case CHOUSA_IOC_MD5:
		rc = text_line(s->f[F_MD5], v, -1, err);
		if (rc == CHOUSA_OK)
			rc = text_line(s->f[F_MD5_REP], v, it->score, err);
		break;
	case CHOUSA_IOC_SHA1:
		rc = text_line(s->f[F_SHA1], v, -1, err);
		break;
	case CHOUSA_IOC_SHA256:
		rc = text_line(s->f[F_SHA256], v, -1, err);
		if (rc == CHOUSA_OK)
			rc = text_line(s->f[F_SHA256_REP], v, it->score, err);
		break;
	}
	return rc;
}

/* ---- --delta: unix-socket commands ---- */

/* The sets an indicator is in: plain name, JSON name, type; 0: none. */
static int
delta_sets(int type, const char **plain, const char **json,
    const char **set_type)
{
	*json = NULL;
	switch (type) {
	case CHOUSA_IOC_DOMAIN:
		*plain = "chousa-domains";
		*json = "chousa-domains-json";
		*set_type = "string";
		return 1;
	case CHOUSA_IOC_URL:
		*plain = "chousa-url-paths";
		*json = "chousa-url-paths-json";
		*set_type = "string";
		return 1;
	case CHOUSA_IOC_IPV4:
	case CHOUSA_IOC_IPV6:
		*plain = "chousa-ips";
		*json = "chousa-ips-json";
		*set_type = "ip";
		return 1;
	case CHOUSA_IOC_MD5:
		*plain = "chousa-md5";
		*set_type = "md5";
		return 1;
	case CHOUSA_IOC_SHA256:
		*plain = "chousa-sha256";
		*set_type = "sha256";
		return 1;
	}
	return 0;
}

/* The data of a value as the socket commands take it. */
static void
socket_data(struct chousa_buf *b, int type, const char *value)
{
	const char *path;
	size_t len;

	if (type == CHOUSA_IOC_URL && url_path(value, &path, &len))
		digest_base64(b, path, len);
	else if (type == CHOUSA_IOC_DOMAIN || type == CHOUSA_IOC_URL)
		digest_base64(b, value, strlen(value));
	else
		chousa_buf_adds(b, value);
}

static int
sur_added(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct suricata *s = r->state;
	const char *plain, *json, *set_type, *v = it->row->value, *path;
	size_t len = strlen(v), i;
	int rc;

	if (!delta_sets(it->row->type, &plain, &json, &set_type))
		return CHOUSA_OK;
	chousa_buf_addf(&s->delta7->buf, "dataset-add %s %s ", plain,
	    set_type);
	socket_data(&s->delta7->buf, it->row->type, v);
	chousa_buf_addch(&s->delta7->buf, '\n');
	rc = export_entry(s->delta7, err);
	if (rc != CHOUSA_OK || json == NULL)
		return rc;
	if (it->row->type == CHOUSA_IOC_URL && url_path(v, &path, &len))
		v = path;
	if (!enrichment(s, it, v, len))
		return CHOUSA_OK;
	chousa_buf_addf(&s->delta8->buf, "dataset-add-json %s %s ", json,
	    set_type);
	socket_data(&s->delta8->buf, it->row->type, it->row->value);
	chousa_buf_addch(&s->delta8->buf, ' ');
	/* JSON without a space: the socket client splits on spaces. */
	for (i = 0; i < s->json.len; i++) {
		if (s->json.data[i] == ' ')
			chousa_buf_adds(&s->delta8->buf, "\\u0020");
		else
			chousa_buf_addch(&s->delta8->buf, s->json.data[i]);
	}
	chousa_buf_addch(&s->delta8->buf, '\n');
	return export_entry(s->delta8, err);
}

static int
sur_removed(struct export_run *r, int type, const char *value,
    struct chousa_err *err)
{
	struct suricata *s = r->state;
	const char *plain, *json, *set_type;
	int rc;

	if (!delta_sets(type, &plain, &json, &set_type))
		return CHOUSA_OK;
	chousa_buf_addf(&s->delta7->buf, "dataset-remove %s %s ", plain,
	    set_type);
	socket_data(&s->delta7->buf, type, value);
	chousa_buf_addch(&s->delta7->buf, '\n');
	rc = export_entry(s->delta7, err);
	if (rc != CHOUSA_OK || json == NULL)
		return rc;
	chousa_buf_addf(&s->delta8->buf, "dataset-remove %s %s ", json,
	    set_type);
	socket_data(&s->delta8->buf, type, value);
	chousa_buf_addch(&s->delta8->buf, '\n');
	return export_entry(s->delta8, err);
}

/* ---- what waits for the counts: rules and yaml ---- */

/* A hash of about one row per entry, a power of two, at least 1024. */
static unsigned long long
hashsize(const struct export_file *f)
{
	unsigned long long n = 1024;

	while (n < f->n && n < (1ull << 30))
		n <<= 1;
	return n;
}

/* Entries, their bytes and the hash rows, with room: in MiB. */
static unsigned long long
memcap_mb(const struct export_file *f)
{
	unsigned long long bytes = f->bytes + f->buf.len;
	unsigned long long need = f->n * 160 + bytes * 2 + hashsize(f) * 64;
	unsigned long long mb = need / (1024 * 1024) + 1;

	return mb < 16 ? 16 : mb * 3 / 2;
}

static void
set_options(struct chousa_buf *b, const struct export_file *f,
    const char *type, const char *extra)
{
	chousa_buf_addf(b, ", type %s, load %s%s, memcap %llumb, hashsize %llu",
	    type, f->name, extra, memcap_mb(f), hashsize(f));
}

#define JSON_OPTS ", format jsonline, enrichment_key chousa, value_key value"

struct rule {
	int		 sid;
	const char	*proto;
	const char	*msg;
	const char	*buffer;	/* sticky buffer, or NULL */
	int		 file;		/* the set's file */
	const char	*set;
	const char	*type;
	int		 json;
};

static void
rule(struct export_run *r, struct chousa_buf *b, const struct rule *ru)
{
	struct suricata *s = r->state;

	chousa_buf_addf(b, "alert %s any any -> any any (msg:\"chousa %s\"; ",
	    ru->proto, ru->msg);
	if (ru->file == F_URL_PATHS_JSON || ru->file == F_URL_PATHS) {
		chousa_buf_adds(b, "http.host; dataset:isset,chousa-url-hosts");
		if (ru->json)
			set_options(b, s->f[F_URL_HOSTS], "string", "");
		chousa_buf_adds(b, "; ");
	}
	chousa_buf_addf(b, "%s; dataset:isset,%s", ru->buffer, ru->set);
	if (ru->json)
		set_options(b, s->f[ru->file], ru->type, JSON_OPTS);
	chousa_buf_addf(b, "; classtype:trojan-activity; sid:%d; rev:1; "
	    "metadata:provider chousa;)\n", ru->sid);
}

/* A rules file's header comment, then its dataset rules. */
static void
rule_list(struct export_run *r, struct chousa_buf *b, const char *comment,
    const struct rule *rules, size_t n_rules)
{
	size_t i;

	chousa_buf_adds(b, comment);
	for (i = 0; i < n_rules; i++)
		rule(r, b, &rules[i]);
}

static void
file_rules(struct export_run *r, struct chousa_buf *b, int base)
{
	struct suricata *s = r->state;
	static const struct {
		const char	*kw;
		int		 file;
		const char	*name;
	} hashes[] = {
		{ "filemd5", F_MD5, "MD5" }, { "filesha1", F_SHA1, "SHA-1" },
		{ "filesha256", F_SHA256, "SHA-256" }
	};
	size_t i;

	for (i = 0; i < 3; i++)
		chousa_buf_addf(b, "alert http any any -> any any (msg:\"chousa "
		    "file with a listed %s\"; %s:%s; classtype:trojan-activity; "
		    "sid:%d; rev:1; metadata:provider chousa;)\n",
		    hashes[i].name, hashes[i].kw, s->f[hashes[i].file]->name,
		    base + (int)i);
	for (i = 0; i < sizeof(categories) / sizeof(categories[0]); i++)
		chousa_buf_addf(b, "alert ip any any -> any any (msg:\"chousa "
		    "%s (iprep)\"; iprep:any,%s,>,0; "
		    "classtype:trojan-activity; sid:%d; rev:1; "
		    "metadata:provider chousa;)\n", categories[i][2],
		    categories[i][0], base + 3 + (int)i);
}

static void
rules8(struct export_run *r, struct chousa_buf *b)
{
	static const struct rule rules[] = {
		{ 9170001, "dns", "DNS query for a listed domain",
		    "dns.query", F_DOMAINS_JSON, "chousa-domains-json",
		    "string", 1 },
		{ 9170002, "tls", "TLS SNI of a listed domain", "tls.sni",
		    F_DOMAINS_JSON, "chousa-domains-json", "string", 1 },
		{ 9170003, "http", "HTTP Host of a listed domain",
		    "http.host", F_DOMAINS_JSON, "chousa-domains-json",
		    "string", 1 },
		{ 9170004, "http", "HTTP request for a listed URL",
		    "http.uri", F_URL_PATHS_JSON, "chousa-url-paths-json",
		    "string", 1 },
		{ 9170005, "ip", "traffic to a listed address", "ip.dst",
		    F_IPS_JSON, "chousa-ips-json", "ip", 1 },
		{ 9170006, "ip", "traffic from a listed address", "ip.src",
		    F_IPS_JSON, "chousa-ips-json", "ip", 1 },
	};

	rule_list(r, b, "# chousa export for Suricata 8: the entry that "
	    "matched is logged under alert.extra.chousa\n# (family, "
	    "confidence, first_seen, last_seen, sources, evidence).\n",
	    rules, sizeof(rules) / sizeof(rules[0]));
	file_rules(r, b, 9170007);
}

static void
rules7(struct export_run *r, struct chousa_buf *b)
{
	struct suricata *s = r->state;
	static const struct rule rules[] = {
		{ 9170101, "dns", "DNS query for a listed domain",
		    "dns.query", F_DOMAINS, "chousa-domains", "string", 0 },
		{ 9170102, "tls", "TLS SNI of a listed domain", "tls.sni",
		    F_DOMAINS, "chousa-domains", "string", 0 },
		{ 9170103, "http", "HTTP Host of a listed domain",
		    "http.host", F_DOMAINS, "chousa-domains", "string", 0 },
		{ 9170104, "http", "HTTP request for a listed URL",
		    "http.uri", F_URL_PATHS, "chousa-url-paths", "string", 0 },
	};

	rule_list(r, b, "# chousa export for Suricata 6.0.13 and 7: the "
	    "sets are declared in suricata.yaml\n# (the snippet beside this "
	    "file); addresses match through iprep.\n", rules,
	    sizeof(rules) / sizeof(rules[0]));
	chousa_buf_adds(b, "alert dns any any -> any any (msg:\"chousa DNS "
	    "query for a listed domain, confidence 75 or more\"; dns.query; "
	    "datarep:chousa-domains-rep, >, 74");
	set_options(b, s->f[F_DOMAINS_REP], "string", "");
	chousa_buf_adds(b, "; classtype:trojan-activity; sid:9170105; rev:1; "
	    "metadata:provider chousa;)\n");
	file_rules(r, b, 9170106);
}

static void
yaml_set(struct export_run *r, struct chousa_buf *b, const char *name,
    int file, const char *type)
{
	struct suricata *s = r->state;

	chousa_buf_addf(b, "  %s:\n    type: %s\n    load: %s/%s\n"
	    "    memcap: %llumb\n    hashsize: %llu\n", name, type, r->deploy,
	    s->f[file]->name, memcap_mb(s->f[file]), hashsize(s->f[file]));
}

static uint64_t
count_rules(const struct chousa_buf *b)
{
	const char *p = b->data;
	uint64_t n = 0;

	for (; (p = strstr(p, "alert ")) != NULL; p++)
		n += p == b->data || p[-1] == '\n';
	return n;
}

static int
sur_end(struct export_run *r, struct chousa_err *err)
{
	struct suricata *s = r->state;
	struct chousa_buf *b;
	int rc;

	rules8(r, &s->f[F_RULES]->buf);
	s->f[F_RULES]->n = count_rules(&s->f[F_RULES]->buf);
	rules7(r, &s->f[F_RULES7]->buf);
	s->f[F_RULES7]->n = count_rules(&s->f[F_RULES7]->buf);
	b = &s->f[F_YAML]->buf;
	chousa_buf_addf(b, "# chousa export: merge into suricata.yaml.  The "
	    "sets of chousa-7.rules, sized\n# from this export's counts "
	    "(a hash row per entry).\ndatasets:\n");
	yaml_set(r, b, "chousa-domains", F_DOMAINS, "string");
	yaml_set(r, b, "chousa-url-hosts", F_URL_HOSTS, "string");
	yaml_set(r, b, "chousa-url-paths", F_URL_PATHS, "string");
	yaml_set(r, b, "chousa-ips", F_IPS, "ip");
	yaml_set(r, b, "chousa-md5", F_MD5, "md5");
	yaml_set(r, b, "chousa-sha256", F_SHA256, "sha256");
	chousa_buf_addf(b, "\n# IP reputation (both rule files).\n"
	    "reputation-categories-file: %s/%s\ndefault-reputation-path: %s\n"
	    "reputation-files:\n  - %s\n\nrule-files:\n  - %s/chousa.rules\n",
	    r->deploy, file_names[F_IPREP_CATEGORIES], r->deploy,
	    file_names[F_IPREP], r->deploy);
	rc = chousa_buf_rc(b, "suricata.yaml", err);
	s->f[F_YAML]->n = 1;
	return rc;
}

static void
sur_release(struct export_run *r)
{
	struct suricata *s = r->state;

	chousa_buf_release(&s->json);
}

const struct export_format export_suricata = {
	"suricata",
	"Suricata datasets, JSON-lines sets for alert.extra, datarep, iprep, "
	"rules and a suricata.yaml snippet",
	CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) | CHOUSA_IOC_BIT(CHOUSA_IOC_URL) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_MD5) | CHOUSA_IOC_BIT(CHOUSA_IOC_SHA1) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_SHA256),
	EXPORT_F_DIR | EXPORT_F_DELTA | EXPORT_F_DEPLOY, NULL,
	sur_begin, sur_item, sur_end, sur_added, sur_removed, sur_release
};
