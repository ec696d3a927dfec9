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

static int
parse_file(int (*fn)(const char *, size_t, int, struct chousa_arena *,
    struct chousa_finding *), const char *rel, int kind, int wrap,
    struct chousa_arena *a, struct chousa_finding *f)
{
	char path[512];
	size_t len;
	char *body;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", samples, rel);
	body = slurp(path, &len);
	if (body == NULL)
		return -2;
	memset(f, 0, sizeof(*f));
	if (wrap) {
		char *w = malloc(len + 12);

		memcpy(w, "{\"data\": ", 9);
		memcpy(w + 9, body, len);
		memcpy(w + 9 + len, "}", 2);
		free(body);
		body = w;
		len += 10;
	}
	rc = fn(body, len, kind, a, f);
	free(body);
	return rc;
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
	yajl_val v;
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
	rc = parse_file(virustotal_parse, "virustotal/"
	    "file_object_eicar_2021-09-18_excerpt.json", 9, 1, a, &f);
	T_INTEQ("vt_file_hit", f.status, CHOUSA_ST_HIT);
	T_INTEQ("vt_file_cache_hit", rc, ONLINE_CACHE_HIT);
	T_INTEQ("vt_file_detections", f.n_detect, 57);
	T_INTEQ("vt_file_engines", f.n_engines, 74);
	T_INTEQ("vt_file_verdict", f.verdict, CHOUSA_V_MALICIOUS);
	T_OK("vt_file_label", f.n_labels >= 1 &&
	    strcmp(f.labels[0], "eicar") == 0);
	parse_file(virustotal_parse,
	    "virustotal/domain_github.com_2019-09-26.json", 9, 0, a, &f);
	T_INTEQ("vt_old_domain_hit", f.status, CHOUSA_ST_HIT);
	T_INTEQ("vt_old_domain_no_stats", f.n_engines, 0);
	T_INTEQ("vt_old_domain_unknown", f.verdict, CHOUSA_V_UNKNOWN);
	parse_file(virustotal_parse,
	    "virustotal/url_downloaded_files_2019-10-19.json", 1, 0, a, &f);
	T_INTEQ("vt_downloaded_files", f.n_related, 2);
	T_OK("vt_downloaded_is_delivered", f.n_related > 0 &&
	    f.related[0].rel == CHOUSA_REL_DELIVERED &&
	    f.related[0].type == CHOUSA_IOC_SHA256);
	parse_file(urlhaus_parse, "abusech/urlhaus_api/v1_url_2019-05-25.json",
	    0, 0, a, &f);
	T_INTEQ("urlhaus_url_hit", f.status, CHOUSA_ST_HIT);
	found = 0;
	for (i = 0; i < f.n_related; i++)
		if (f.related[i].rel == CHOUSA_REL_DELIVERED &&
		    f.related[i].family != NULL &&
		    strcmp(f.related[i].family, "Heodo") == 0)
			found = 1;
	T_OK("urlhaus_payload_delivered_heodo", found);
	parse_file(urlhaus_parse, "abusech/urlhaus_api/v1_host_2019-05-25.json",
	    1, 0, a, &f);
	T_INTEQ("urlhaus_host_hit", f.status, CHOUSA_ST_HIT);
	parse_file(urlhaus_parse,
	    "abusech/urlhaus_api/v1_payload_sha256_2019-05-26.json", 2, 0, a,
	    &f);
	T_OK("urlhaus_payload_label", f.n_labels == 1 &&
	    strcmp(f.labels[0], "Heodo") == 0);
	parse_file(hybridanalysis_parse,
	    "hybrid_analysis/v2_search_terms_empty_2020-01-25.json", 0, 0, a,
	    &f);
	T_INTEQ("ha_terms_empty_miss", f.status, CHOUSA_ST_MISS);
	parse_file(hybridanalysis_parse,
	    "hybrid_analysis/v2_search_hash_2020-01-25.json", 1, 0, a, &f);
	T_INTEQ("ha_hash_hit", f.status, CHOUSA_ST_HIT);
	T_OK("ha_hash_vx_family", f.n_labels >= 1);
	parse_file(hybridanalysis_parse,
	    "hybrid_analysis/v2_overview_sha256_2020-01-24.json", 2, 0, a, &f);
	T_INTEQ("ha_overview_verdict", f.verdict, CHOUSA_V_MALICIOUS);
	T_INTEQ("ha_overview_score", f.score, 100);
	parse_file(otx_parse, "otx/indicators_IPv4_passive_dns_2022-06-18.json",
	    2, 0, a, &f);
	T_OK("otx_pdns_resolves", f.n_related > 0 &&
	    f.related[0].rel == CHOUSA_REL_RESOLVES);
	memset(&f, 0, sizeof(f));
	rc = threatfox_parse(nores, strlen(nores), 0, a, &f);
	T_INTEQ("threatfox_no_result_miss", f.status, CHOUSA_ST_MISS);
	T_INTEQ("threatfox_miss_cached_short", rc, ONLINE_CACHE_MISS);
	memset(&f, 0, sizeof(f));
	malwarebazaar_parse("{\"query_status\": \"hash_not_found\"}", 34, 0, a,
	    &f);
	T_INTEQ("bazaar_not_found_miss", f.status, CHOUSA_ST_MISS);
	memset(&f, 0, sizeof(f));
	malwarebazaar_parse("{\"query_status\": \"illegal_hash\"}", 32, 0, a,
	    &f);
	T_INTEQ("bazaar_illegal_is_error", f.status, CHOUSA_ST_ERROR);
	memset(&f, 0, sizeof(f));
	rc = abuseipdb_parse("[1,", 3, 0, a, &f);
	T_INTEQ("broken_body_not_parsed", rc, -1);
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
	test_parsers();
	test_insecure_config();
	return T_DONE();
}
