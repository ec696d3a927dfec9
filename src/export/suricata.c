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
 *
 * A URL is two keys, host and path, and Suricata has no buffer holding
 * both: two sets would match any listed host with any listed path.  So
 * each URL gets a rule of its own (as abuse.ch's URLhaus rules do), exact
 * on both buffers, with a sid drawn from a hash of the URL so that it
 * stays the same from one export to the next.
 */
#include <stdlib.h>
#include <string.h>

#include "base/digest.h"
#include "base/mem.h"
#include "export/export.h"

/* Suricata reads a JSON-lines set with a 1024-byte line buffer. */
#define JSONL_MAX	1000

/*
 * The URL rules' sids: a hash of the URL into this range, the next free
 * one on a collision.  Below 2^31 for tools that keep a sid signed, and
 * far from the sids of the set rules (9170001-9170112) and of the big
 * public rulesets (below 100 million).
 */
#define URL_SID_BASE	1900000000u
#define URL_SID_RANGE	100000000u

enum {
	F_DOMAINS, F_DOMAINS_JSON, F_DOMAINS_REP, F_IPS, F_IPS_JSON,
	F_IPS_REP, F_MD5, F_MD5_REP, F_SHA1, F_SHA256, F_SHA256_REP,
	F_IPREP_CATEGORIES, F_IPREP, F_RULES, F_RULES7, F_YAML, F_COUNT
};

static const char *const file_names[F_COUNT] = {
	"domains.lst", "domains.jsonl", "domains.rep", "ips.lst",
	"ips.jsonl", "ips.rep", "md5.lst", "md5.rep", "sha1.lst",
	"sha256.lst", "sha256.rep", "iprep-categories.txt", "iprep.list",
	"chousa.rules", "chousa-7.rules", "suricata.yaml"
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
	uint32_t		*sids;		/* the URL rules' sids, 0 empty */
	size_t			 n_sids;
	size_t			 sids_cap;	/* a power of two */
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
	/* The URL rules come as the URLs do; the set rules at the end. */
	if (rc == CHOUSA_OK) {
		chousa_buf_adds(&s->f[F_RULES]->buf, "# chousa export for "
		    "Suricata 8: the entry that matched is logged under "
		    "alert.extra.chousa\n# (family, confidence, first_seen, "
		    "last_seen, sources, evidence).\n");
		chousa_buf_adds(&s->f[F_RULES7]->buf, "# chousa export for "
		    "Suricata 6.0.13 and 7: the sets are declared in "
		    "suricata.yaml\n# (the snippet beside this file); "
		    "addresses match through iprep.\n");
	}
	return rc;
}

/*
 * A URL's path and query as the request line carries them, and its port
 * (0 when the URL names none).
 */
static int
url_path(const char *url, const char **p, size_t *len, unsigned *port)
{
	const char *rest = strstr(url, "://"), *end, *colon;
	char *digits_end;
	unsigned long n;

	if (rest == NULL)
		return 0;
	rest += 3;
	*p = rest + strcspn(rest, "/?#");
	end = strchr(*p, '#');
	*len = end != NULL ? (size_t)(end - *p) : strlen(*p);
	*port = 0;
	/* The last colon of the authority, after an IPv6 literal's ']'. */
	for (colon = *p; colon > rest && colon[-1] != ':' &&
	    colon[-1] != ']' && colon[-1] != '@'; colon--)
		;
	if (colon > rest && colon[-1] == ':' && colon < *p) {
		n = strtoul(colon, &digits_end, 10);
		if (digits_end == *p && n > 0 && n <= 65535)
			*port = (unsigned)n;
	}
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

/* ---- a rule per URL ---- */

/*
 * A content string as Suricata reads it: the bytes its parser gives a
 * meaning (quote, semicolon, backslash, pipe), controls, spaces' kin and
 * anything past ASCII go as |hex|, runs of them in one pair of pipes.
 */
static void
content_str(struct chousa_buf *b, const char *s, size_t len, int lower)
{
	static const char hex[] = "0123456789abcdef";
	int in_hex = 0;
	size_t i;

	chousa_buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int raw = c > 0x20 && c < 0x7f && c != '"' && c != ';' &&
		    c != '\\' && c != '|';

		if (lower && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (raw && in_hex) {
			chousa_buf_addch(b, '|');
			in_hex = 0;
		} else if (!raw) {
			chousa_buf_adds(b, in_hex ? " " : "|");
			in_hex = 1;
			chousa_buf_addch(b, hex[c >> 4]);
			chousa_buf_addch(b, hex[c & 15]);
			continue;
		}
		chousa_buf_addch(b, (char)c);
	}
	if (in_hex)
		chousa_buf_addch(b, '|');
	chousa_buf_addch(b, '"');
}

/* Text for msg: its quote, semicolon and backslash escaped. */
static void
msg_str(struct chousa_buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == ';' || *s == '\\')
			chousa_buf_addch(b, '\\');
		chousa_buf_addch(b, *s);
	}
}

/* A metadata value (no comma, semicolon or space in it), or 0. */
static int
meta_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	return n > 0 && n <= 128 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/*
 * The URL's sid: its hash into the range, then the next one free, so
 * that no sid repeats in a file (Suricata refuses the file) and a URL
 * keeps its sid while the URLs before it in the store keep theirs.
 */
static int
url_sid(struct suricata *s, const char *url, uint32_t *sid)
{
	uint32_t v = URL_SID_BASE +
	    (uint32_t)(export_key(CHOUSA_IOC_URL, url) % URL_SID_RANGE);
	size_t i;

	if ((s->n_sids + 1) * 2 > s->sids_cap) {
		size_t cap = s->sids_cap ? s->sids_cap * 2 : 1024, j;
		uint32_t *t = mem_alloc(cap * sizeof(*t));

		if (t == NULL)
			return CHOUSA_ENOMEM;
		for (j = 0; j < s->sids_cap; j++) {
			if (s->sids[j] == 0)
				continue;
			for (i = s->sids[j] & (cap - 1); t[i] != 0;
			    i = (i + 1) & (cap - 1))
				;
			t[i] = s->sids[j];
		}
		mem_free(s->sids);
		s->sids = t;
		s->sids_cap = cap;
	}
	for (;;) {
		for (i = v & (s->sids_cap - 1); s->sids[i] != 0 &&
		    s->sids[i] != v; i = (i + 1) & (s->sids_cap - 1))
			;
		if (s->sids[i] == 0)
			break;
		v = v + 1 < URL_SID_BASE + URL_SID_RANGE ? v + 1 :
		    URL_SID_BASE;
	}
	s->sids[i] = v;
	s->n_sids++;
	*sid = v;
	return CHOUSA_OK;
}

/*
 * One rule matching the URL alone: the Host header exactly as a client
 * sends it for the URL (http.host.raw, which keeps the port a URL names:
 * "evil.example:8080" is not "evil.example", behind a proxy too; nocase,
 * as host names are), the request URI exactly its path and query.  The
 * fast pattern is the longer of the two, the one fewer requests share.
 */
static void
url_rule(struct chousa_buf *b, struct chousa_buf *host_buf,
    const struct export_item *it, const char *path, size_t path_len,
    unsigned port, uint32_t sid)
{
	const char *host = it->row->host;
	char date[11];

	chousa_buf_reset(host_buf);
	if (strchr(host, ':') != NULL && host[0] != '[')
		chousa_buf_addf(host_buf, "[%s]", host);
	else
		chousa_buf_adds(host_buf, host);
	if (port != 0 && port != 80)
		chousa_buf_addf(host_buf, ":%u", port);
	chousa_buf_adds(b, "alert http any any -> any any (msg:\"chousa HTTP "
	    "request for a listed URL, ");
	msg_str(b, it->family_name != NULL && it->family != NULL ?
	    it->family_name : it->family != NULL ? it->family :
	    "unknown family");
	if (it->family_name != NULL && it->family != NULL) {
		chousa_buf_adds(b, " (");
		msg_str(b, it->family);
		chousa_buf_addch(b, ')');
	}
	if (it->first[0] != '\0')
		chousa_buf_addf(b, ", first seen %.10s", it->first);
	if (it->sources != NULL) {
		chousa_buf_adds(b, ", from ");
		msg_str(b, it->sources);
	}
	chousa_buf_adds(b, "\"; flow:established,to_server; http.host.raw; "
	    "content:");
	content_str(b, host_buf->data, host_buf->len, 1);
	chousa_buf_addf(b, "; bsize:%zu; nocase;%s http.uri; content:",
	    host_buf->len, host_buf->len >= path_len ? " fast_pattern;" : "");
	content_str(b, path, path_len, 0);
	chousa_buf_addf(b, "; bsize:%zu;%s classtype:trojan-activity; "
	    "sid:%lu; rev:1; metadata:provider chousa", path_len,
	    host_buf->len < path_len ? " fast_pattern;" : "",
	    (unsigned long)sid);
	if (meta_ok(it->family))
		chousa_buf_addf(b, ", chousa_family %s", it->family);
	if (it->first[0] != '\0') {
		memcpy(date, it->first, 10);
		date[4] = date[7] = '_';
		date[10] = '\0';
		chousa_buf_addf(b, ", first_seen %s", date);
	}
	chousa_buf_adds(b, ";)\n");
}

/*
 * A URL into both rule files.  Only http: an https URL's host and path
 * travel encrypted, and no rule sees them without decryption; its host
 * alone would block every file on it.
 */
static int
sur_url(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct suricata *s = r->state;
	const char *v = it->row->value, *path;
	size_t len, mark;
	unsigned port;
	uint32_t sid;
	int rc;

	if (strncmp(v, "http://", 7) != 0) {
		export_refuse_why(r, CHOUSA_EXPORT_WHY_SCHEME);
		return CHOUSA_OK;
	}
	if (it->row->host == NULL || it->row->host[0] == '\0' ||
	    !url_path(v, &path, &len, &port)) {
		export_refuse(r);
		return CHOUSA_OK;
	}
	if (url_sid(s, v, &sid) != CHOUSA_OK)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	/* s->json is free between entries: the host as the header has it. */
	mark = s->f[F_RULES]->buf.len;
	url_rule(&s->f[F_RULES]->buf, &s->json, it, path, len, port, sid);
	chousa_buf_add(&s->f[F_RULES7]->buf, s->f[F_RULES]->buf.data + mark,
	    s->f[F_RULES]->buf.len - mark);
	rc = export_entry(s->f[F_RULES], err);
	if (rc == CHOUSA_OK)
		rc = export_entry(s->f[F_RULES7], err);
	return rc;
}

static int
sur_item(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct suricata *s = r->state;
	const char *v = it->row->value;
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
		rc = sur_url(r, it, err);
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
	if (type == CHOUSA_IOC_DOMAIN)
		digest_base64(b, value, strlen(value));
	else
		chousa_buf_adds(b, value);
}

static int
sur_added(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct suricata *s = r->state;
	const char *plain, *json, *set_type, *v = it->row->value;
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
	chousa_buf_addf(b, "%s; dataset:isset,%s", ru->buffer, ru->set);
	if (ru->json)
		set_options(b, s->f[ru->file], ru->type, JSON_OPTS);
	chousa_buf_addf(b, "; classtype:trojan-activity; sid:%d; rev:1; "
	    "metadata:provider chousa;)\n", ru->sid);
}

/* A rules file's dataset rules. */
static void
rule_list(struct export_run *r, struct chousa_buf *b,
    const struct rule *rules, size_t n_rules)
{
	size_t i;

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
		{ 9170005, "ip", "traffic to a listed address", "ip.dst",
		    F_IPS_JSON, "chousa-ips-json", "ip", 1 },
		{ 9170006, "ip", "traffic from a listed address", "ip.src",
		    F_IPS_JSON, "chousa-ips-json", "ip", 1 },
	};

	rule_list(r, b, rules, sizeof(rules) / sizeof(rules[0]));
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
	};

	rule_list(r, b, rules, sizeof(rules) / sizeof(rules[0]));
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

/* The set rules written from b's offset at: each starts a line. */
static uint64_t
count_rules(const struct chousa_buf *b, size_t at)
{
	const char *p;
	uint64_t n = 0;

	if (b->failed || b->data == NULL)
		return 0;
	for (p = b->data + at; (p = strstr(p, "alert ")) != NULL; p++)
		n += p == b->data || p[-1] == '\n';
	return n;
}

static int
sur_end(struct export_run *r, struct chousa_err *err)
{
	struct suricata *s = r->state;
	struct chousa_buf *b;
	size_t at;
	int rc;

	/* The URL rules are counted already, as they were written. */
	at = s->f[F_RULES]->buf.len;
	rules8(r, &s->f[F_RULES]->buf);
	s->f[F_RULES]->n += count_rules(&s->f[F_RULES]->buf, at);
	at = s->f[F_RULES7]->buf.len;
	rules7(r, &s->f[F_RULES7]->buf);
	s->f[F_RULES7]->n += count_rules(&s->f[F_RULES7]->buf, at);
	b = &s->f[F_YAML]->buf;
	chousa_buf_addf(b, "# chousa export: merge into suricata.yaml.  The "
	    "sets of chousa-7.rules, sized\n# from this export's counts "
	    "(a hash row per entry).\ndatasets:\n");
	yaml_set(r, b, "chousa-domains", F_DOMAINS, "string");
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
	mem_free(s->sids);
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
