/*
 * test-http.c: the HTTP layer's offline refusal, the JSON readers the
 * online sources share, and the modules' parsers on real recorded answers
 * (no network: the parsers run on buffers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "investigate/sources/online.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	if (p == NULL || fread(p, 1, (size_t)n, fp) != (size_t)n) {
		fclose(fp);
		free(p);
		return NULL;
	}
	p[n] = '\0';
	*len = (size_t)n;
	fclose(fp);
	return p;
}

static const char *samples;

/* The parse hook of the source named name. */
static int
parse(const char *name, const char *subject, const char *body, size_t len,
    int kind, struct chousa_arena *a, struct chousa_finding *f)
{
	const struct chousa_source *src = chousa_source_find(name);

	if (src == NULL || src->parse == NULL)
		return -3;
	return src->parse(subject, body, len, kind, a, f);
}

/*
 * Parse a sample file as a module's answer about subject (NULL: none);
 * wrap puts the bare object under {"data": ...} as the API answers it.
 */
static int
parse_file(const char *name, const char *subject, const char *rel, int kind,
    int wrap, struct chousa_arena *a, struct chousa_finding *f)
{
	char path[512];
	size_t len;
	char *body;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", samples, rel);
	body = slurp(path, &len);
	memset(f, 0, sizeof(*f));
	if (body == NULL)
		return -2;
	if (wrap) {
		char *w = malloc(len + 12);

		memcpy(w, "{\"data\": ", 9);
		memcpy(w + 9, body, len);
		memcpy(w + 9 + len, "}", 2);
		free(body);
		body = w;
		len += 10;
	}
	rc = parse(name, subject, body, len, kind, a, f);
	free(body);
	return rc;
}

/* The same on a literal body. */
static int
parse_text(const char *name, const char *subject, const char *body,
    int kind, struct chousa_arena *a, struct chousa_finding *f)
{
	memset(f, 0, sizeof(*f));
	return parse(name, subject, body, strlen(body), kind, a, f);
}

static int
has(const char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static int
has_related(const struct chousa_finding *f, int rel, const char *value)
{
	size_t i;

	for (i = 0; i < f->n_related; i++)
		if (f->related[i].rel == rel &&
		    strcmp(f->related[i].value, value) == 0)
			return 1;
	return 0;
}

/* Error "unexpected answer from ...", never a miss, never cached. */
static int
unexpected(const struct chousa_finding *f, int rc)
{
	return f->status == CHOUSA_ST_ERROR && rc == ONLINE_NO_CACHE &&
	    f->reason != NULL &&
	    strncmp(f->reason, "unexpected answer from ", 23) == 0;
}

static void
test_offline(void)
{
	struct chousa_http_opts o = { 0 };
	struct chousa_http_req r = { 0 };
	struct chousa_err err = { 0 };
	struct chousa_http *h;

	o.offline = 1;
	T_OK("http_new_offline", chousa_http_new(&h, &o, &err) == CHOUSA_OK);
	r.method = "GET";
	r.url = "http://127.0.0.1:9/never";
	T_INTEQ("offline_submit_refused", chousa_http_submit(h, &r, NULL, NULL,
	    &err), CHOUSA_EHTTP);
	T_OK("offline_says_so", strstr(err.msg, "offline") != NULL);
	T_INTEQ("offline_no_request", chousa_http_n_requests(h), 0);
	T_INTEQ("offline_run_returns", chousa_http_run(h, &err), CHOUSA_OK);
	r.url = "ftp://example.com/";
	o.offline = 0;
	chousa_http_free(h);
	T_OK("http_new", chousa_http_new(&h, &o, &err) == CHOUSA_OK);
	T_INTEQ("only_http_and_https", chousa_http_submit(h, &r, NULL, NULL,
	    &err), CHOUSA_EINVAL);
	chousa_http_free(h);
	chousa_http_free(NULL);
}

static void
test_json(void)
{
	char why[120];
	struct jnode *v;
	char deep[300];
	const char *doc = "{\"a\": {\"b\": \"12\", \"c\": 7, \"t\":"
	    " \"true\"}, \"l\": [1, 2]}";

	v = jt_parse(doc, strlen(doc), why, sizeof(why));
	T_OK("json_parses", v != NULL);
	T_STREQ("json_str_path", jt_str(v, "a", "b"), "12");
	T_INTEQ("json_int_from_string", jt_int(v, -1, "a", "b"), 12);
	T_INTEQ("json_int", jt_int(v, -1, "a", "c"), 7);
	T_INTEQ("json_int_missing", jt_int(v, -1, "a", "x"), -1);
	T_INTEQ("json_bool_string", jt_bool(v, "a", "t"), 1);
	T_OK("json_str_of_number_is_null", jt_str(v, "a", "c") == NULL);
	T_INTEQ("json_len", jt_len(jt_get(v, "l")), 2);
	T_OK("json_at_past_end", jt_at(jt_get(v, "l"), 5) == NULL);
	jt_free(v);
	v = jt_parse("{\"a\": [1, 2", 11, why, sizeof(why));
	T_OK("json_truncated_fails", v == NULL);
	T_STREQ("json_truncated_says_so", why, "truncated JSON");
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = '\0';
	v = jt_parse(deep, strlen(deep), why, sizeof(why));
	T_OK("json_too_deep_refused", v == NULL && strstr(why, "deep"));
	v = jt_parse("{\"a\":\"x\0\"}", 9, why, sizeof(why));
	T_OK("json_nul_refused", v == NULL);
	v = jt_parse("[1,]", 4, why, sizeof(why));
	T_OK("json_malformed_says_why", v == NULL &&
	    strncmp(why, "malformed JSON: parse error: ", 29) == 0);
	v = jt_parse("\"\xff\"", 3, why, sizeof(why));
	T_OK("json_answer_utf8_checked", v == NULL);
	v = jt_parse("7 /* a comment */", 17, why, sizeof(why));
	T_OK("json_scalar_root_and_comment", v != NULL && jt_is(v, J_NUM));
	jt_free(v);
}

/* Numbers read as yajl's tree read them: integers, else doubles. */
static void
test_json_numbers(void)
{
	const char *doc = "{\"e\": 1e3, \"d\": 12.7, \"i\": 5, \"f\": 1.0,"
	    " \"big\": 1e300, \"b\": false, \"n\": null}";
	char why[120];
	struct jnode *v = jt_parse(doc, strlen(doc), why, sizeof(why));
	int64_t n = 0;

	T_INTEQ("json_int_exponent", jt_int(v, -1, "e"), 1000);
	T_INTEQ("json_int_fraction", jt_int(v, -1, "d"), 12);
	T_INTEQ("json_int_out_of_range", jt_int(v, -1, "big"), -1);
	T_OK("json_is_integer", jt_is_integer(jt_get(v, "i"), &n) && n == 5);
	T_OK("json_fraction_not_integer", !jt_is_integer(jt_get(v, "f"),
	    NULL));
	T_STREQ("json_text_number", jt_text(v, "d"), "12.7");
	T_STREQ("json_text_bool", jt_text(v, "b"), "false");
	T_OK("json_text_null", jt_text(v, "n") == NULL);
	T_INTEQ("json_bool", jt_bool(v, "b"), 0);
	jt_free(v);
}

struct records {
	int	n;
	char	where[2][96];
	const char *tag[2];
	struct jt_stream *st;
};

static int
want_elem(void *arg, char path[][JT_PATH_KEY], int depth)
{
	(void)arg;
	if (depth == 1 && strcmp(path[0], "objects") == 0)
		return JT_LIST;
	return depth == 2 && strcmp(path[0], "objects") == 0;
}

static int
on_elem(void *arg, char path[][JT_PATH_KEY], int depth, struct jnode *o)
{
	struct records *r = arg;

	(void)path;
	(void)depth;
	if (r->n < 2) {
		snprintf(r->where[r->n], sizeof(r->where[0]), "%s",
		    jt_stream_where(r->st));
		r->tag[r->n] = jt_str(o, "t") != NULL &&
		    strcmp(jt_str(o, "t"), "x") == 0 ? "x" : "other";
	}
	r->n++;
	return CHOUSA_OK;
}

/* The importers' stream: records one by one, wherever the text splits. */
static void
test_json_stream(void)
{
	const char *doc = "{\"objects\": [{\"t\": \"x\"}, {\"t\": 2}]}";
	struct chousa_err err = { 0 };
	struct records r;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = jt_stream_new(&r.st, "doc", 0, want_elem, on_elem, &r, &err);
	T_INTEQ("stream_new", rc, CHOUSA_OK);
	if (rc != CHOUSA_OK)
		return;
	rc = jt_stream_feed(r.st, doc, 20);
	if (rc == CHOUSA_OK)
		rc = jt_stream_feed(r.st, doc + 20, strlen(doc) - 20);
	if (rc == CHOUSA_OK)
		rc = jt_stream_end(r.st);
	T_INTEQ("stream_ok", rc, CHOUSA_OK);
	T_INTEQ("stream_records", r.n, 2);
	T_STREQ("stream_where", r.where[1], "objects[1]");
	T_STREQ("stream_record_read", r.tag[0], "x");
	jt_stream_free(r.st);
	memset(&r, 0, sizeof(r));
	T_INTEQ("stream_new_again", jt_stream_new(&r.st, "doc", 0, want_elem,
	    on_elem, &r, &err), CHOUSA_OK);
	rc = jt_stream_feed(r.st, "{\"objects\": [}", 14);
	T_OK("stream_bad_says_name", rc == CHOUSA_EPARSE &&
	    strncmp(err.msg, "'doc' is not valid JSON: ", 25) == 0);
	jt_stream_free(r.st);
	/* The records' list as a scalar is an error, as null is no records. */
	memset(&r, 0, sizeof(r));
	T_INTEQ("stream_new_list", jt_stream_new(&r.st, "doc", 0, want_elem,
	    on_elem, &r, &err), CHOUSA_OK);
	rc = jt_stream_feed(r.st, "{\"a\": 1, \"objects\": \"x\"}", 24);
	if (rc == CHOUSA_OK)
		rc = jt_stream_end(r.st);
	T_OK("stream_not_list", rc == CHOUSA_EPARSE && strcmp(err.msg,
	    "'objects' is a string, not a list, in 'doc'") == 0);
	jt_stream_free(r.st);
	memset(&r, 0, sizeof(r));
	T_INTEQ("stream_new_null", jt_stream_new(&r.st, "doc", 0, want_elem,
	    on_elem, &r, &err), CHOUSA_OK);
	rc = jt_stream_feed(r.st, "{\"objects\": null}", 17);
	if (rc == CHOUSA_OK)
		rc = jt_stream_end(r.st);
	T_OK("stream_null_list_empty", rc == CHOUSA_OK && r.n == 0);
	jt_stream_free(r.st);
}

static void
test_parsers(void)
{
	struct chousa_arena *a;
	struct chousa_finding f;
	const char *nores = "{\"query_status\": \"no_result\", \"data\": "
	    "\"Your search did not yield any results\"}";
	size_t i;
	int rc, found;

	if (chousa_arena_new(&a, 0, NULL) != CHOUSA_OK)
		return;
	rc = parse_file("virustotal", NULL, "virustotal/"
	    "file_object_eicar_2021-09-18_excerpt.json", 9, 1, a, &f);
	T_INTEQ("vt_file_hit", f.status, CHOUSA_ST_HIT);
	T_INTEQ("vt_file_cache_hit", rc, ONLINE_CACHE_HIT);
	T_INTEQ("vt_file_detections", f.n_detect, 57);
	T_INTEQ("vt_file_engines", f.n_engines, 74);
	T_INTEQ("vt_file_verdict", f.verdict, CHOUSA_V_MALICIOUS);
	T_OK("vt_labels_as_written", has(f.labels, f.n_labels,
	    "virus.eicar/test") && has(f.labels, f.n_labels, "eicar") &&
	    has(f.labels, f.n_labels, "test"));
	parse_file("virustotal", "github.com",
	    "virustotal/domain_github.com_2019-09-26.json", 9, 0, a, &f);
	T_INTEQ("vt_old_domain_hit", f.status, CHOUSA_ST_HIT);
	T_INTEQ("vt_old_domain_no_stats", f.n_engines, -1);
	T_INTEQ("vt_old_domain_unknown", f.verdict, CHOUSA_V_UNKNOWN);
	parse_file("virustotal", "http://example.com/",
	    "virustotal/url_downloaded_files_2019-10-19.json", 1, 0, a, &f);
	T_INTEQ("vt_downloaded_files", f.n_related, 2);
	T_OK("vt_downloaded_is_delivered", f.n_related > 0 &&
	    f.related[0].rel == CHOUSA_REL_DELIVERED &&
	    f.related[0].type == CHOUSA_IOC_SHA256);
	parse_file("urlhaus", "http://sskymedia.com/VMYB-ht_JAQo-gi/INV/",
	    "abusech/urlhaus_api/v1_url_2019-05-25.json", 0, 0, a, &f);
	T_INTEQ("urlhaus_url_hit", f.status, CHOUSA_ST_HIT);
	found = 0;
	for (i = 0; i < f.n_related; i++)
		if (f.related[i].rel == CHOUSA_REL_DELIVERED &&
		    f.related[i].family != NULL &&
		    strcmp(f.related[i].family, "Heodo") == 0)
			found = 1;
	T_OK("urlhaus_payload_delivered_heodo", found);
	parse_file("urlhaus", "vektorex.com",
	    "abusech/urlhaus_api/v1_host_2019-05-25.json", 1, 0, a, &f);
	T_INTEQ("urlhaus_host_hit", f.status, CHOUSA_ST_HIT);
	T_INTEQ("urlhaus_host_is_url_host_match", f.match,
	    CHOUSA_MATCH_URL_HOST);
	parse_file("urlhaus", NULL,
	    "abusech/urlhaus_api/v1_payload_sha256_2019-05-26.json", 2, 0, a,
	    &f);
	T_OK("urlhaus_payload_label", f.n_labels == 1 &&
	    strcmp(f.labels[0], "Heodo") == 0);
	parse_file("hybridanalysis", "ssdeep",
	    "hybrid_analysis/v2_search_terms_empty_2020-01-25.json", 0, 0, a,
	    &f);
	T_INTEQ("ha_terms_empty_miss", f.status, CHOUSA_ST_MISS);
	parse_file("otx", "89.35.39.84",
	    "otx/indicators_IPv4_passive_dns_2022-06-18.json", 2, 0, a, &f);
	T_OK("otx_pdns_resolves", f.n_related > 0 &&
	    f.related[0].rel == CHOUSA_REL_RESOLVES);
	rc = parse_text("threatfox", "example.com", nores, 0, a, &f);
	T_INTEQ("threatfox_no_result_miss", f.status, CHOUSA_ST_MISS);
	T_INTEQ("threatfox_miss_cached_short", rc, ONLINE_CACHE_MISS);
	parse_text("malwarebazaar", NULL,
	    "{\"query_status\": \"hash_not_found\"}", 0, a, &f);
	T_INTEQ("bazaar_not_found_miss", f.status, CHOUSA_ST_MISS);
	parse_text("malwarebazaar", NULL,
	    "{\"query_status\": \"illegal_hash\"}", 0, a, &f);
	T_INTEQ("bazaar_illegal_is_error", f.status, CHOUSA_ST_ERROR);
	rc = parse_text("abuseipdb", NULL, "[1,", 0, a, &f);
	T_INTEQ("broken_body_not_parsed", rc, -1);
	chousa_arena_free(a);
}

/*
 * Every online source replays answers through its table's parse hook (the
 * fuzz targets need it), and a local one has none.
 */
static void
test_parse_hooks(void)
{
	const struct chousa_source *const *s = chousa_sources();
	size_t i, n_online = 0, n_wrong = 0;

	for (i = 0; s[i] != NULL; i++) {
		int is_local = (s[i]->flags & CHOUSA_SRC_LOCAL) != 0;

		if (!is_local)
			n_online++;
		if (is_local != (s[i]->parse == NULL))
			n_wrong++;
	}
	T_OK("online_sources_have_parse_hooks", n_online > 0 &&
	    n_wrong == 0);
}

/* Today's answers, and older shapes still seen, as the services wrote them. */
static void
test_genuine_answers(void)
{
	static const char eicar[] = "275a021bbfb6489e54d471899f7db9d1663fc695"
	    "ec2fe2a2c4538aabf651fd0f";
	struct chousa_arena *a;
	struct chousa_finding f;
	int rc;

	if (chousa_arena_new(&a, 0, NULL) != CHOUSA_OK)
		return;

	/* VirusTotal */
	parse_file("virustotal", NULL, "virustotal/"
	    "file_object_03bd9a94_msil.tasker_2021-10.json", 9, 1, a, &f);
	T_OK("vt_2021_labels_as_written", has(f.labels, f.n_labels,
	    "trojan.msil/tasker") && has(f.labels, f.n_labels, "msil") &&
	    has(f.labels, f.n_labels, "agenttesla"));
	T_INTEQ("vt_detection_per_engine", (int)f.n_detections, 40);
	T_OK("vt_detections_as_written", has(f.detections, f.n_detections,
	    "Trojan.MSIL.Tasker.4!c") && !has(f.labels, f.n_labels,
	    "Trojan.MSIL.Tasker.4!c"));
	parse_file("virustotal", NULL, "virustotal/"
	    "file_object_a4589642_trojan.softpulse.deepscan_2023-11_excerpt"
	    ".json", 9, 1, a, &f);
	T_OK("vt_2023_file_hit", f.status == CHOUSA_ST_HIT &&
	    f.n_detect == 62 && has(f.labels, f.n_labels, "deepscan"));
	parse_file("virustotal", "1.1.1.1",
	    "virustotal/ip_address_1.1.1.1_2022-09-03.json", 9, 0, a, &f);
	T_OK("vt_few_engines_not_malicious", f.status == CHOUSA_ST_HIT &&
	    f.n_detect == 4 && f.verdict == CHOUSA_V_SUSPICIOUS);
	parse_file("virustotal", "github.com", "virustotal/"
	    "domain_github.com_communicating_files_2019-10-19_first2items.json",
	    0, 0, a, &f);
	T_OK("vt_communicating_files", f.n_related == 2 &&
	    f.related[0].rel == CHOUSA_REL_CONTACTED);
	rc = parse_text("virustotal", eicar,
	    "{\"data\": {\"type\": \"file\", \"id\": \"x\"}}", 9, a, &f);
	T_OK("vt_no_attributes_unexpected", unexpected(&f, rc));
	rc = parse_text("virustotal", eicar, "{\"error\": {\"code\": "
	    "\"QuotaExceededError\"}}", 9, a, &f);
	T_OK("vt_error_body_unexpected_not_miss", unexpected(&f, rc));
	T_OK("vt_unexpected_keeps_head", f.answer_head != NULL &&
	    strstr(f.answer_head, "QuotaExceededError") != NULL);

	/* Hybrid Analysis, search/hash since API 2.35 */
	rc = parse_file("hybridanalysis", NULL, "hybrid_analysis/"
	    "v2_search_hash_GET_newshape_2025-09_small.json", 1, 0, a, &f);
	T_OK("ha_2025_hash_hit", f.status == CHOUSA_ST_HIT &&
	    rc == ONLINE_CACHE_HIT && f.verdict == CHOUSA_V_MALICIOUS);
	T_OK("ha_2025_hash_reference", f.reference != NULL &&
	    strstr(f.reference, "4c740b7f0bdc728daf9fca05241e85d921a54a6e17ae"
	    "47ed1577a2b30792cf5c") != NULL);
	parse_file("hybridanalysis", eicar, "hybrid_analysis/"
	    "v2_search_hash_GET_eicar_newshape_2025-09.json", 1, 0, a, &f);
	T_OK("ha_2025_hash_many_reports", f.status == CHOUSA_ST_HIT &&
	    f.verdict == CHOUSA_V_MALICIOUS && f.detail != NULL &&
	    strstr(f.detail, "474 reports") != NULL &&
	    strstr(f.detail, "9 analysed") != NULL);
	rc = parse_text("hybridanalysis", eicar,
	    "{\"sha256s\": [], \"reports\": []}", 1, a, &f);
	T_OK("ha_2025_hash_empty_miss", f.status == CHOUSA_ST_MISS &&
	    rc == ONLINE_CACHE_MISS);
	rc = parse_text("hybridanalysis", eicar, "{\"sha256s\": [\"" 
	    "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
	    "\"]}", 1, a, &f);
	T_OK("ha_no_reports_unexpected", unexpected(&f, rc));
	rc = parse_text("hybridanalysis", eicar, "{\"count\": 0}", 1, a,
	    &f);
	T_OK("ha_other_object_unexpected", unexpected(&f, rc));
	/* The array of full summaries the POST form answered up to 2025. */
	parse_file("hybridanalysis", NULL, "hybrid_analysis/"
	    "v2_search_hash_POST_oldshape_2021-11.json", 1, 0, a, &f);
	T_OK("ha_old_array_hit", f.status == CHOUSA_ST_HIT &&
	    f.verdict == CHOUSA_V_UNKNOWN && f.file_type != NULL);
	parse_file("hybridanalysis", eicar,
	    "hybrid_analysis/v2_search_hash_2020-01-25.json", 1, 0, a, &f);
	T_OK("ha_vx_family_is_a_detection", has(f.detections,
	    f.n_detections, "Qex.eicar.gen") && !has(f.labels, f.n_labels,
	    "Qex.eicar.gen"));
	rc = parse_text("hybridanalysis", eicar, "[{\"verdict\": "
	    "\"malicious\"}]", 1, a, &f);
	T_OK("ha_old_array_without_sha256_unexpected", unexpected(&f, rc));
	parse_file("hybridanalysis", NULL,
	    "hybrid_analysis/v2_report_id_summary_2020-01-25.json", 2, 0, a,
	    &f);
	T_OK("ha_report_summary", f.verdict == CHOUSA_V_MALICIOUS &&
	    f.score == 75 && f.file_name != NULL &&
	    strcmp(f.file_name, "gs901w32.exe") == 0);
	/* search/terms: samples that contacted a host are not the host. */
	parse_file("hybridanalysis", "checkip.dyndns.org", "hybrid_analysis/"
	    "v2_search_terms_domain_checkip.dyndns.org_2022-01.json", 0, 0, a,
	    &f);
	T_OK("ha_terms_contacted_is_not_malicious",
	    f.status == CHOUSA_ST_HIT && f.verdict == CHOUSA_V_UNKNOWN &&
	    f.n_related == 50 && f.n_detections == 0 && f.n_labels == 0);
	T_OK("ha_terms_related_have_no_family", f.n_related > 0 &&
	    f.related[0].family == NULL);
	parse_file("hybridanalysis", "http://checkip.dyndns.org",
	    "hybrid_analysis/v2_search_terms_url_checkip.dyndns.org.json", 0,
	    0, a, &f);
	T_OK("ha_terms_url_own_analysis", f.verdict == CHOUSA_V_MALICIOUS &&
	    has(f.detections, f.n_detections, "Malicious site") &&
	    f.n_labels == 0);
	parse_file("hybridanalysis", "192.168.0.1",
	    "hybrid_analysis/v2_search_terms_host_empty.json", 0, 0, a, &f);
	T_INTEQ("ha_terms_host_empty_miss", f.status, CHOUSA_ST_MISS);
	rc = parse_text("hybridanalysis", "example.com", "{\"count\": 1, "
	    "\"result\": [{\"verdict\": \"malicious\"}]}", 0, a, &f);
	T_OK("ha_terms_without_sha256_unexpected", unexpected(&f, rc));

	/* AlienVault OTX */
	parse_file("otx", "1.1.1.1",
	    "otx/general_IPv4_1.1.1.1_whitelisted.json", 0, 0, a, &f);
	T_OK("otx_validation_is_benign", f.status == CHOUSA_ST_HIT &&
	    f.verdict == CHOUSA_V_BENIGN && f.detail != NULL &&
	    strstr(f.detail, "Whitelisted IP") != NULL);
	parse_file("otx", "8.8.8.8",
	    "otx/general_IPv4_8.8.8.8_2023-01-09.json", 0, 0, a, &f);
	T_OK("otx_false_positive_is_benign", f.verdict == CHOUSA_V_BENIGN &&
	    strstr(f.detail, "Known False Positive") != NULL);
	rc = parse_text("otx", "203.0.113.9", "{\"pulse_info\": "
	    "{\"count\": 0, \"pulses\": []}, \"false_positive\": "
	    "[{\"assessment\": \"accepted\"}]}", 0, a, &f);
	T_OK("otx_accepted_false_positive_alone_is_benign",
	    f.verdict == CHOUSA_V_BENIGN && rc == ONLINE_CACHE_HIT);
	parse_file("otx", "otx.alienvault.com",
	    "otx/general_domain_otx.alienvault.com_TRANSCRIBED.json", 0, 0, a,
	    &f);
	T_OK("otx_whitelisted_domain_is_benign",
	    f.verdict == CHOUSA_V_BENIGN);
	parse_file("otx", "198.51.100.100",
	    "otx/general_IPv4_with_pulse_2022_EDITED.json", 0, 0, a, &f);
	T_OK("otx_pulse_hit", f.status == CHOUSA_ST_HIT &&
	    f.verdict == CHOUSA_V_SUSPICIOUS);
	parse_file("otx", "198.50.100.100",
	    "otx/url_list_IPv4_paged_2022_EDITED.json", 3, 0, a, &f);
	T_OK("otx_url_list_paged", f.n_related == 2 && has_related(&f,
	    CHOUSA_REL_SERVED, "http://198.50.100.100:443"));
	parse_file("otx", NULL, "otx/url_list_url_2017_EDITED.json", 3, 0,
	    a, &f);
	T_OK("otx_url_list_2017", has_related(&f, CHOUSA_REL_SERVED,
	    "http://example.com"));
	parse_text("otx", "evil.example", "{\"url_list\": [{\"url\": "
	    "\"evil.example/a.php?x=1\"}, {\"url\": \"javascript:alert(1)\"},"
	    " {\"url\": \"evil.example:8080/b\"}], \"has_next\": false}", 3, a,
	    &f);
	T_OK("otx_url_without_scheme_kept", has_related(&f, CHOUSA_REL_SERVED,
	    "http://evil.example/a.php?x=1") && has_related(&f,
	    CHOUSA_REL_SERVED, "http://evil.example:8080/b") &&
	    f.n_related == 2);
	parse_file("otx", NULL, "otx/malware_IPv4_TRANSCRIBED_edited.json",
	    1, 0, a, &f);
	T_OK("otx_malware_section", f.n_related == 1 &&
	    f.related[0].rel == CHOUSA_REL_CONTACTED);
	rc = parse_text("otx", "1.1.1.1", "{\"indicator\": \"1.1.1.1\"}",
	    0, a, &f);
	T_OK("otx_no_pulse_info_unexpected", unexpected(&f, rc));

	/* AbuseIPDB */
	parse_file("abuseipdb", "1.1.1.1",
	    "abuseipdb/check_1.1.1.1_2024-03.json", 0, 0, a, &f);
	T_OK("abuseipdb_whitelisted_is_benign", f.status == CHOUSA_ST_HIT &&
	    f.verdict == CHOUSA_V_BENIGN && f.usage != NULL &&
	    strcmp(f.usage, "allowlisted") == 0 &&
	    strstr(f.detail, "Content Delivery Network") != NULL);
	parse_file("abuseipdb", "1.2.3.4",
	    "abuseipdb/check_1.2.3.4_2024-03.json", 0, 0, a, &f);
	T_OK("abuseipdb_low_score_hit_unknown", f.status == CHOUSA_ST_HIT &&
	    f.verdict == CHOUSA_V_UNKNOWN && f.score == 9 &&
	    strcmp(f.usage, "hosting") == 0);
	parse_file("abuseipdb", "4.4.4.4",
	    "abuseipdb/check_4.4.4.4_2024-03.json", 0, 0, a, &f);
	T_OK("abuseipdb_no_reports_miss", f.status == CHOUSA_ST_MISS);
	parse_file("abuseipdb", "82.65.137.201",
	    "abuseipdb/check_82.65.137.201_compact.json", 0, 0, a, &f);
	T_OK("abuseipdb_whitelisted_null_read", f.status == CHOUSA_ST_MISS &&
	    f.usage == NULL);
	parse_file("abuseipdb", "2.2.2.2",
	    "abuseipdb/check_2.2.2.2_2024-03.json", 0, 0, a, &f);
	T_OK("abuseipdb_usage_type_null_read", f.status == CHOUSA_ST_HIT &&
	    f.usage == NULL && f.verdict == CHOUSA_V_UNKNOWN);
	rc = parse_file("abuseipdb", NULL, "abuseipdb/"
	    "check_2019-05-13_purevpn_TRANSCRIBED_ip-anonymized.json", 0, 0, a,
	    &f);
	T_OK("abuseipdb_2019_shape_read", f.status == CHOUSA_ST_MISS &&
	    rc == ONLINE_CACHE_MISS);
	parse_file("abuseipdb", "198.51.100.100",
	    "abuseipdb/check_verbose_DOCEXAMPLE_ip-replaced.json", 0, 0, a,
	    &f);
	T_OK("abuseipdb_score_alone_not_malicious",
	    f.status == CHOUSA_ST_HIT && f.score == 100 &&
	    f.verdict == CHOUSA_V_SUSPICIOUS && f.threat != NULL &&
	    strcmp(f.threat, "reported_abuse") == 0);
	parse_text("abuseipdb", "203.0.113.5", "{\"data\":{\"ipAddress\":"
	    "\"203.0.113.5\",\"isWhitelisted\":false,\"abuseConfidenceScore\":"
	    "100,\"usageType\":\"Data Center\\/Web Hosting\\/Transit\","
	    "\"isTor\":true,\"totalReports\":900}}", 0, a, &f);
	T_OK("abuseipdb_tor_exit_not_malware", f.verdict ==
	    CHOUSA_V_SUSPICIOUS && strcmp(f.usage, "tor") == 0 &&
	    strstr(f.detail, "Tor exit node") != NULL);
	rc = parse_text("abuseipdb", "203.0.113.5", "{\"data\":{"
	    "\"abuseConfidenceScore\":0,\"totalReports\":0}}", 0, a, &f);
	T_OK("abuseipdb_no_whitelisted_unexpected", unexpected(&f, rc));

	/* ThreatFox */
	parse_file("threatfox", "139.180.203.104", "abusech/threatfox/"
	    "search_ioc_139.180.203.104_443_id-edited.json", 0, 0, a, &f);
	T_OK("threatfox_bare_ip_finds_ip_port", f.status == CHOUSA_ST_HIT &&
	    f.verdict == CHOUSA_V_MALICIOUS && f.family != NULL &&
	    strcmp(f.family, "win.cobalt_strike") == 0 &&
	    has(f.labels, f.n_labels, "CobaltStrike"));
	parse_file("threatfox", "139.180.203.104", "abusech/threatfox/"
	    "search_ioc_139.180.203.104_DOCEXAMPLE.json", 0, 0, a, &f);
	T_OK("threatfox_c2_samples", has_related(&f, CHOUSA_REL_C2,
	    "b325c92fa540edeb89b95dbfd4400c1cb33599c66859a87aead820e568a2ebe7"));
	rc = parse_file("threatfox", "39.180.203.10", "abusech/threatfox/"
	    "search_ioc_139.180.203.104_DOCEXAMPLE.json", 0, 0, a, &f);
	T_OK("threatfox_substring_is_not_a_match",
	    f.status == CHOUSA_ST_MISS && rc == ONLINE_CACHE_MISS);
	rc = parse_text("threatfox", "example.com", "{\"query_status\": "
	    "\"ok\", \"data\": [{\"id\": \"1\"}]}", 0, a, &f);
	T_OK("threatfox_record_without_ioc_unexpected", unexpected(&f, rc));
	rc = parse_text("threatfox", "example.com", "{\"data\": []}", 0, a,
	    &f);
	T_OK("abusech_no_query_status_unexpected", unexpected(&f, rc));
	rc = parse_text("threatfox", "example.com", "{\"query_status\": "
	    "\"unknown_auth_key\"}", 0, a, &f);
	T_OK("abusech_unknown_auth_key_says_where",
	    f.status == CHOUSA_ST_ERROR && strstr(f.reason,
	    "[abusech] auth_key") != NULL && rc == ONLINE_NO_CACHE);

	/* URLhaus 2024 host answer (edited values, real keys) */
	parse_file("urlhaus", "1.1.1.1",
	    "abusech/urlhaus_api/v1_host_2024-02_EDITED_wtfis-inner.json", 1,
	    0, a, &f);
	T_OK("urlhaus_2024_host", f.status == CHOUSA_ST_HIT &&
	    f.match == CHOUSA_MATCH_URL_HOST &&
	    has(f.labels, f.n_labels, "mirai"));
	rc = parse_text("urlhaus", "example.com", "{\"query_status\": "
	    "\"ok\", \"host\": \"example.com\"}", 1, a, &f);
	T_OK("urlhaus_host_without_urls_unexpected", unexpected(&f, rc));
	rc = parse_text("malwarebazaar", eicar, "{\"query_status\": "
	    "\"ok\", \"data\": [{\"signature\": null}]}", 0, a, &f);
	T_OK("bazaar_without_sha256_unexpected", unexpected(&f, rc));

	/* Recorded Future Triage */
	parse_file("triage", "qakbot",
	    "triage/search_family_qakbot_EDITED-submitted.json", 0, 0, a, &f);
	T_OK("triage_search_hit", f.status == CHOUSA_ST_HIT &&
	    f.reference != NULL && strstr(f.reference, "210614-dgzch44pyn"));
	parse_file("triage", eicar, "triage/search_no_results_EDITED.json",
	    0, 0, a, &f);
	T_INTEQ("triage_search_empty_miss", f.status, CHOUSA_ST_MISS);
	parse_file("triage", "9a8dc6c456f0f9e82099d5e392c6e6b2b4818356bbcb"
	    "63d247d23be9057dea46",
	    "triage/overview_230220-tbqs7sah7x_amadey-redline.json", 1, 0, a,
	    &f);
	T_OK("triage_overview_labels", has(f.labels, f.n_labels, "amadey") &&
	    has(f.labels, f.n_labels, "redline") &&
	    has(f.labels, f.n_labels, "family:redline") &&
	    f.verdict == CHOUSA_V_MALICIOUS);
	T_OK("triage_overview_c2", has_related(&f, CHOUSA_REL_C2,
	    "193.233.20.17") && has_related(&f, CHOUSA_REL_C2,
	    "176.113.115.17"));
	parse_file("triage", NULL,
	    "triage/overview_211118-a13draede7_asyncrat_2021-shape.json", 1, 0,
	    a, &f);
	T_OK("triage_overview_2021_shape", has(f.labels, f.n_labels,
	    "asyncrat") && has_related(&f, CHOUSA_REL_C2, "144.217.68.78"));
	parse_file("triage", NULL,
	    "triage/overview_241118-wj1z9asdqn_xworm.json", 1, 0, a, &f);
	T_OK("triage_overview_host_port_c2", has_related(&f, CHOUSA_REL_C2,
	    "man-laughing.gl.at.ply.gg"));
	parse_file("triage", "checkip.dyndns.org",
	    "triage/overview_250106-fypb1azkcr_mirai-linux.json", 1, 0, a, &f);
	T_OK("triage_contacting_sample_not_the_hosts_verdict",
	    f.verdict == CHOUSA_V_UNKNOWN && has_related(&f,
	    CHOUSA_REL_CONTACTED, "e6b864387607633fb94de8e2b053ed80b338c9f6c9"
	    "5ef2501e7a59062fe69cfb") && f.n_labels == 0);
	parse_text("triage", "checkip.dyndns.org", "{\"data\": [{\"id\": "
	    "\"210614-dgzch44pyn\", \"status\": \"reported\", \"kind\": "
	    "\"file\", \"sha256\": \"e6b864387607633fb94de8e2b053ed80b338c9f6"
	    "c95ef2501e7a59062fe69cfb\"}]}", 0, a, &f);
	T_OK("triage_search_sha256_kept_without_overview", has_related(&f,
	    CHOUSA_REL_CONTACTED, "e6b864387607633fb94de8e2b053ed80b338c9f6c9"
	    "5ef2501e7a59062fe69cfb"));
	rc = parse_text("triage", eicar, "{\"data\": [{\"status\": "
	    "\"reported\"}]}", 0, a, &f);
	T_OK("triage_run_without_id_unexpected", unexpected(&f, rc));

	/* Joe Sandbox */
	rc = parse_file("joesandbox", NULL,
	    "joesandbox/v2_analysis_info_NESTED-data.analysis_2024-03.json", 1,
	    0, a, &f);
	T_OK("joe_info_nested_data_analysis", rc == ONLINE_CACHE_HIT &&
	    f.status != CHOUSA_ST_ERROR && f.score == 0);
	rc = parse_text("joesandbox", NULL, "{\"data\": {\"webid\": \"1\","
	    " \"detection\": \"malicious\", \"score\": 90, \"threatname\": "
	    "\"Emotet\"}}", 1, a, &f);
	T_OK("joe_info_flat", rc == ONLINE_CACHE_HIT &&
	    f.verdict == CHOUSA_V_MALICIOUS && f.score == 90 &&
	    has(f.labels, f.n_labels, "Emotet"));
	parse_file("joesandbox", "https://www.google.com", "joesandbox/"
	    "v2_analysis_search_full-objects_2024-02_webid-edited.json", 0, 0,
	    a, &f);
	T_OK("joe_search_full_objects", f.status == CHOUSA_ST_HIT &&
	    f.score == 0 && f.verdict == CHOUSA_V_UNKNOWN);
	parse_file("joesandbox", "docx",
	    "joesandbox/v2_analysis_search_webid-only_DOCEXAMPLE.json", 0, 0, a,
	    &f);
	T_OK("joe_search_webid_only", f.status == CHOUSA_ST_HIT &&
	    f.reference != NULL && strstr(f.reference, "180") != NULL);
	rc = parse_file("joesandbox", eicar,
	    "joesandbox/v2_error_code3_CLIENTTEST.json", 0, 0, a, &f);
	T_OK("joe_errors_envelope_is_error", f.status == CHOUSA_ST_ERROR &&
	    rc == ONLINE_NO_CACHE && strstr(f.reason, "Joe Sandbox") != NULL);
	rc = parse_text("joesandbox", NULL, "{\"data\": {\"analysis\": "
	    "{\"webid\": \"1\"}}}", 1, a, &f);
	T_OK("joe_info_without_detection_unexpected", unexpected(&f, rc));

	/* InQuest Labs: no genuine answer exists; these follow its client. */
	parse_text("inquest", "example.com", "{\"success\": true, "
	    "\"data\": [{\"artifact\": \"example.com.evil.test\"}, "
	    "{\"artifact\": \"notexample.com\"}, {\"artifact\": "
	    "\"example.com\", \"reference_link\": \"https://ex.test/r\"}], "
	    "\"error\": null}", 1, a, &f);
	T_OK("inquest_keeps_only_equal_records", f.status == CHOUSA_ST_HIT &&
	    strstr(f.detail, "in 1 IOC DB record") != NULL &&
	    f.reference != NULL && strcmp(f.reference, "https://ex.test/r") ==
	    0);
	rc = parse_text("inquest", "example.com", "{\"success\": true, "
	    "\"data\": [{\"artifact\": \"example.com.evil.test\"}], "
	    "\"error\": null}", 1, a, &f);
	T_OK("inquest_substring_records_are_not_hits",
	    f.status == CHOUSA_ST_MISS && rc == ONLINE_CACHE_MISS);
	parse_text("inquest", "http://example.com/a.exe", "{\"success\": "
	    "true, \"data\": [{\"artifact\": \"example.com\"}]}", 1, a, &f);
	T_OK("inquest_url_host_record_counts", f.status == CHOUSA_ST_HIT);
	rc = parse_text("inquest", "example.com", "{\"success\": true, "
	    "\"data\": [{\"reference_link\": \"x\"}]}", 1, a, &f);
	T_OK("inquest_record_without_artifact_unexpected", unexpected(&f, rc));

	/* Malpedia and ANY.RUN: no genuine answer exists either. */
	rc = parse_text("malpedia", "win.emotet", "{\"description\": "
	    "\"x\"}", 0, a, &f);
	T_OK("malpedia_without_common_name_unexpected", unexpected(&f, rc));
	rc = parse_text("anyrun", "example.com", "{\"relatedFiles\": []}",
	    0, a, &f);
	T_OK("anyrun_without_summary_unexpected", unexpected(&f, rc));
	chousa_arena_free(a);
}

static void
test_insecure_config(void)
{
	static const char *const yes[] = { "yes", "true", "1", "on", NULL };
	struct chousa_config *c = NULL;
	struct chousa_err err;
	char text[64];
	size_t i;

	T_INTEQ("insecure_off_without_config", chousa_http_insecure(NULL), 0);
	for (i = 0; yes[i] != NULL; i++) {
		snprintf(text, sizeof(text), "[http]\ninsecure = %s\n", yes[i]);
		if (chousa_config_parse(&c, text, strlen(text), "t", &err) !=
		    CHOUSA_OK)
			continue;
		T_INTEQ("insecure_yes_words", chousa_http_insecure(c), 1);
		chousa_config_free(c);
	}
	snprintf(text, sizeof(text), "[http]\ninsecure = no\n");
	if (chousa_config_parse(&c, text, strlen(text), "t", &err) ==
	    CHOUSA_OK) {
		T_INTEQ("insecure_no_keeps_verification",
		    chousa_http_insecure(c), 0);
		chousa_config_free(c);
	}
}

int
main(void)
{
	samples = getenv("SAMPLES") ? getenv("SAMPLES") : "tests/data/samples";
	test_offline();
	test_json();
	test_json_numbers();
	test_json_stream();
	test_parsers();
	test_parse_hooks();
	test_genuine_answers();
	test_insecure_config();
	return T_DONE();
}
