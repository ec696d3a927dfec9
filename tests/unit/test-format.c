/*
 * test-format.c: the table of output formats (src/render/registry.c),
 * the set of byte strings (src/render/set.c) that extract --unique uses,
 * and the MISP and STIX words the exports and the reports share
 * (src/ioc/ioc-vocab.c).
 */
#include <stdio.h>
#include <string.h>

#include "chousa.h"
#include "ioc/vocab.h"
#include "t.h"

/* Every key in one bucket: the set must still tell keys apart. */
static uint64_t
same_hash(const void *p, size_t len)
{
	(void)p;
	(void)len;
	return 42;
}

static int
add(struct chousa_set *s, const char *key, size_t len)
{
	int is_new = -1;

	if (chousa_set_add(s, key, len, &is_new) != CHOUSA_OK)
		return -1;
	return is_new;
}

static void
test_set(void)
{
	struct chousa_set s;
	char key[32];
	int i, fresh = 0, again = 0;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "198.51.100.%d", i);
		fresh += add(&s, key, strlen(key)) == 1;
	}
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "198.51.100.%d", i);
		again += add(&s, key, strlen(key)) == 0;
	}
	T_INTEQ("set_adds_new", fresh, 1000);
	T_INTEQ("set_knows_seen_after_growth", again, 1000);
	T_INTEQ("set_counts", (int)s.n, 1000);
	T_INTEQ("set_prefix_is_other", add(&s, "198.51.100.1", 11), 1);
	T_INTEQ("set_nul_inside", add(&s, "a\0b", 3), 1);
	T_INTEQ("set_nul_inside_other", add(&s, "a\0c", 3), 1);
	T_INTEQ("set_nul_inside_seen", add(&s, "a\0b", 3), 0);
	T_INTEQ("set_empty_key", add(&s, "", 0), 1);
	chousa_set_free(&s);
	T_INTEQ("set_freed", (int)s.n, 0);

	/* A forced collision: one hash, different values. */
	memset(&s, 0, sizeof(s));
	s.hash = same_hash;
	T_INTEQ("set_collision_first", add(&s, "\x05" "evil.example", 13), 1);
	T_INTEQ("set_collision_second", add(&s, "\x05" "good.example", 13),
	    1);
	T_INTEQ("set_collision_other_type", add(&s, "\x06" "evil.example",
	    13), 1);
	T_INTEQ("set_collision_seen", add(&s, "\x05" "good.example", 13), 0);
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		(void)add(&s, key, strlen(key));
	}
	T_INTEQ("set_collision_grows", (int)s.n, 103);
	T_INTEQ("set_collision_seen_after_growth",
	    add(&s, "\x05" "evil.example", 13), 0);
	chousa_set_free(&s);
}

static void
test_formats(void)
{
	const struct chousa_format *all = chousa_formats(), *f = NULL;
	const struct chousa_renderer *const *r = chousa_renderers();
	const char *names[16];
	struct chousa_err err;
	size_t i, n_reports = 0, same = 0;

	for (i = 0; all[i].name != NULL; i++) {
		if (all[i].report == NULL)
			continue;
		/* One name for the format and its renderer. */
		same += strcmp(all[i].name, all[i].report->name) == 0;
		T_OK("format_renderer_in_order", r[n_reports] == all[i].report);
		n_reports++;
	}
	T_INTEQ("format_names_its_renderer", (int)same, (int)n_reports);
	T_OK("format_renderers_end", r[n_reports] == NULL);
	chousa_format_names(CHOUSA_RESULT_REPORT, names, 16);
	T_STREQ("format_report_names", names[0], "text");
	T_STREQ("format_report_names_md", names[2], "md");
	T_INTEQ("format_sweep_names", (int)chousa_format_names(
	    CHOUSA_RESULT_SWEEP, names, 16), 3);
	T_STREQ("format_sweep_csv", names[2], "csv");
	T_OK("format_renderer_find", chousa_renderer_find("md") ==
	    chousa_format_find("md")->report);
	T_OK("format_renderer_find_csv", chousa_renderer_find("csv") == NULL);
	T_OK("format_find_unknown", chousa_format_find("yaml") == NULL);

	/* The server's functions are the json format's hooks. */
	f = chousa_format_find("json");
	T_OK("format_json_sources", f->results->sources ==
	    chousa_sources_json);
	T_OK("format_json_extract", f->results->extract ==
	    chousa_extract_json);
	T_OK("format_json_import", f->results->import == chousa_import_json);

	T_INTEQ("format_get", chousa_format_get("csv", CHOUSA_RESULT_SWEEP,
	    &f, &err), CHOUSA_OK);
	T_STREQ("format_get_csv", f->name, "csv");
	T_INTEQ("format_get_cannot", chousa_format_get("csv",
	    CHOUSA_RESULT_LOOKUP, &f, &err), CHOUSA_EINVAL);
	T_STREQ("format_get_cannot_msg", err.msg,
	    "format 'csv' cannot show look-ups");
	T_INTEQ("format_get_md_lookup", chousa_format_get("md",
	    CHOUSA_RESULT_LOOKUP, &f, &err), CHOUSA_EINVAL);
	T_INTEQ("format_get_unknown", chousa_format_get("yaml",
	    CHOUSA_RESULT_STATS, &f, &err), CHOUSA_EINVAL);
	T_STREQ("format_get_unknown_msg", err.msg,
	    "unknown format 'yaml' (text, json)");
	T_INTEQ("format_get_no_kind", chousa_format_get("json", 99, &f, &err),
	    CHOUSA_EINVAL);
}

static void
test_vocab(void)
{
	const char *category = NULL;
	struct chousa_buf b;

	/* describeTypes.json lists email-src under Payload delivery only. */
	T_STREQ("vocab_misp_email", vocab_misp_type(CHOUSA_IOC_EMAIL, 0,
	    &category), "email-src");
	T_STREQ("vocab_misp_email_category", category, "Payload delivery");
	T_STREQ("vocab_misp_ip_port", vocab_misp_type(CHOUSA_IOC_IPV4, 1,
	    &category), "ip-dst|port");
	T_STREQ("vocab_misp_cidr_no_port", vocab_misp_type(CHOUSA_IOC_CIDR, 1,
	    &category), "ip-dst");
	T_STREQ("vocab_misp_asn_category", (vocab_misp_type(CHOUSA_IOC_ASN, 0,
	    &category), category), "Network activity");
	T_STREQ("vocab_misp_none", vocab_misp_type(CHOUSA_IOC_NONE, 0,
	    &category), NULL);
	chousa_buf_init(&b, 0);
	vocab_stix_pattern(&b, CHOUSA_IOC_MD5,
	    "5e2c0a1f3b4d6e7f8091a2b3c4d5e6f7");
	T_STREQ("vocab_stix_md5_quoted", b.data,
	    "[file:hashes.'MD5' = '5e2c0a1f3b4d6e7f8091a2b3c4d5e6f7']");
	chousa_buf_reset(&b);
	vocab_stix_pattern(&b, CHOUSA_IOC_URL, "http://x.example/it's");
	T_STREQ("vocab_stix_url_escaped", b.data,
	    "[url:value = 'http://x.example/it\\'s']");
	chousa_buf_reset(&b);
	vocab_stix_pattern(&b, CHOUSA_IOC_ASN, "AS13335");
	T_STREQ("vocab_stix_asn_number", b.data,
	    "[autonomous-system:number = 13335]");
	chousa_buf_release(&b);
}

int
main(void)
{
	test_set();
	test_formats();
	test_vocab();
	return T_DONE();
}
