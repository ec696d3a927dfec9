/*
 * test-sweep.c: the matcher and the sweep over logs held in memory: every
 * match kind, the benign filter, time windows, the caps on hostile input
 * (huge lines, NULs, invalid UTF-8, truncated gzip), and that two threads
 * find exactly what one does, line numbers included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "chousa.h"
#include "t.h"

struct got {
	int		n;
	uint64_t	line[64];
	int		match[64];
	char		ind[64][128];
	char		src[64][64];
};

static int
collect(void *arg, const struct chousa_hit *h)
{
	struct got *g = arg;

	if (g->n < 64) {
		g->line[g->n] = h->line;
		g->match[g->n] = h->match;
		snprintf(g->ind[g->n], sizeof(g->ind[0]), "%s", h->indicator);
		snprintf(g->src[g->n], sizeof(g->src[0]), "%.*s",
		    (int)h->src.len, h->src.p);
	}
	g->n++;
	return 0;
}

static void
add(struct chousa_matcher *m, int type, const char *v, int64_t first,
    int benign)
{
	struct chousa_store_row row = { type, v, "testfeed", "win.emotet",
	    first, first };

	if (benign)
		chousa_matcher_add_benign(m, &row, NULL);
	else
		chousa_matcher_add(m, &row, NULL);
}

static struct chousa_matcher *
make_matcher(void)
{
	struct chousa_matcher *m = NULL;
	struct chousa_store_row other = { CHOUSA_IOC_IPV4, "185.244.25.10",
	    "urlhaus", "elf.mozi", 0, 0 };

	if (chousa_matcher_new(&m, NULL) != CHOUSA_OK)
		return NULL;
	add(m, CHOUSA_IOC_IPV4, "185.244.25.10", 1710000000, 0);
	chousa_matcher_add(m, &other, NULL);	/* a second source */
	add(m, CHOUSA_IOC_IPV6, "2a0e:1c80:1:1:45:15:158:1", 0, 0);
	add(m, CHOUSA_IOC_CIDR, "91.92.240.0/22", 0, 0);
	add(m, CHOUSA_IOC_CIDR, "91.92.241.0/24", 0, 0);
	add(m, CHOUSA_IOC_CIDR, "2a0e:2000::/32", 0, 0);
	add(m, CHOUSA_IOC_DOMAIN, "evilcorp.xyz", 0, 0);
	add(m, CHOUSA_IOC_DOMAIN, "Shared-CDN.net", 0, 0);
	add(m, CHOUSA_IOC_URL, "http://malware-drop.top/wp-content/x.exe", 0,
	    0);
	add(m, CHOUSA_IOC_URL, "http://185.244.25.10:8080/bins/mozi.m", 0, 0);
	add(m, CHOUSA_IOC_SHA256, "9f2b1c0d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e"
	    "0f9a8b7c6d5e4f3a2b1c", 0, 0);
	add(m, CHOUSA_IOC_EMAIL, "a@b.example", 0, 0);
	add(m, CHOUSA_IOC_DOMAIN, "shared-cdn.net", 0, 1);
	chousa_matcher_finish(m, NULL);
	return m;
}

static int
sweep(const struct chousa_matcher *m, const char *fmt, const char *text,
    size_t len, const struct chousa_sweep_opts *base, struct got *g,
    struct chousa_sweep_stats *st)
{
	struct chousa_sweep_opts o;

	memset(&o, 0, sizeof(o));
	if (base != NULL)
		o = *base;
	o.format = fmt;
	memset(g, 0, sizeof(*g));
	return chousa_sweep_buffer(m, "mem", text, len, &o, collect, g, st,
	    NULL);
}

#define ZEEK_HEAD \
	"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n" \
	"#unset_field\t-\n#path\thttp\n" \
	"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t" \
	"method\thost\turi\n" \
	"#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\t" \
	"string\n"

static void
test_matcher(struct chousa_matcher *m)
{
	struct chousa_matcher_stats ms;
	struct chousa_sweep_stats st;
	struct got g;
	const char *log = ZEEK_HEAD
	    "1710353370.1\tC1\t10.0.0.1\t1\t185.244.25.10\t8080\tGET\t"
	    "185.244.25.10:8080\t/bins/mozi.m\n"
	    "1710353370.2\tC2\t10.0.0.2\t1\t91.92.241.7\t80\tGET\t"
	    "A.B.EVILCORP.XYZ.\t/x\n"
	    "1710353370.3\tC3\t10.0.0.3\t1\t1.1.1.1\t80\tGET\t"
	    "malware-drop.top:80\t/wp-content/x.exe\n"
	    "1710353370.4\tC4\t10.0.0.4\t1\t1.1.1.1\t80\tGET\t"
	    "cdn.shared-cdn.net\t/\n"
	    "1710353370.5\tC5\t2a0e:2000::1\t1\t1.1.1.1\t80\tGET\t-\t-\n"
	    "#close\t2024-03-13-19-00-00\n";

	chousa_matcher_stats(m, &ms);
	T_INTEQ("matcher_counts_ipv4", ms.n_ipv4, 1);
	T_INTEQ("matcher_counts_cidr", ms.n_cidr, 3);
	T_INTEQ("matcher_counts_urls", ms.n_url, 2);
	T_INTEQ("matcher_skips_email", ms.n_skipped, 1);
	T_OK("matcher_reports_memory", ms.memory > 0);

	T_INTEQ("sweep_zeek_ok", sweep(m, "zeek", log, strlen(log), NULL, &g,
	    &st), CHOUSA_OK);
	T_INTEQ("sweep_zeek_hits", g.n, 6);
	T_INTEQ("sweep_zeek_exact_ip_line", g.line[0], 8);
	T_STREQ("sweep_zeek_exact_ip", g.ind[0], "185.244.25.10");
	T_INTEQ("sweep_zeek_url_rebuilt", g.match[1], CHOUSA_SWEEP_URL);
	T_STREQ("sweep_zeek_url_value", g.ind[1],
	    "http://185.244.25.10:8080/bins/mozi.m");
	T_INTEQ("sweep_cidr_nested_kind", g.match[2], CHOUSA_SWEEP_CIDR);
	T_STREQ("sweep_cidr_nested_narrowest", g.ind[2], "91.92.241.0/24");
	T_INTEQ("sweep_parent_kind", g.match[3], CHOUSA_SWEEP_PARENT);
	T_STREQ("sweep_parent_uppercase_trailing_dot", g.ind[3],
	    "evilcorp.xyz");
	T_STREQ("sweep_url_default_port_dropped", g.ind[4],
	    "http://malware-drop.top/wp-content/x.exe");
	T_STREQ("sweep_cidr_v6", g.ind[5], "2a0e:2000::/32");
	T_INTEQ("sweep_hit_lines", st.hit_lines, 4);
	T_INTEQ("sweep_benign_suppressed", st.benign_suppressed, 1);
	T_STREQ("sweep_format_named", st.format, "zeek");
	T_INTEQ("sweep_lines_counted", st.lines, 13);

	{
		struct chousa_sweep_opts o = { 0 };

		o.no_benign_filter = 1;
		sweep(m, "zeek", log, strlen(log), &o, &g, &st);
		T_INTEQ("sweep_no_benign_filter", g.n, 7);
	}
	{
		struct chousa_sweep_opts o = { 0 };

		/* Listed 1710000000 (2024-03-09): a window of 1 day
		 * leaves the 2024-03-13 line out, 10 days keep it. */
		o.as_of_log_time = 1;
		o.window = 86400;
		sweep(m, "zeek", log, strlen(log), &o, &g, &st);
		T_INTEQ("as_of_log_time_suppresses", st.time_suppressed, 1);
		o.window = 10 * 86400;
		sweep(m, "zeek", log, strlen(log), &o, &g, &st);
		T_INTEQ("as_of_log_time_window_keeps", st.time_suppressed, 0);
	}
}

static void
test_eve(struct chousa_matcher *m)
{
	struct chousa_sweep_stats st;
	struct got g;
	const char *log =
	    "{\"timestamp\":\"2024-03-13T18:49:14.000000+0000\","
	    "\"event_type\":\"http\",\"src_ip\":\"10.0.0.23\",\"dest_ip\":"
	    "\"1.1.1.1\",\"http\":{\"hostname\":\"malware-drop.top\","
	    "\"url\":\"\\/wp-content\\/x.exe\",\"http_method\":\"GET\"}}\n"
	    "{\"timestamp\":\"2024-03-13T18:49:15.000000+0000\","
	    "\"event_type\":\"dns\",\"src_ip\":\"10.0.0.53\",\"dest_ip\":"
	    "\"10.0.0.31\",\"dns\":{\"version\":2,\"type\":\"answer\","
	    "\"rrname\":\"x.example\",\"answers\":[{\"rrname\":\"x.example\","
	    "\"rrtype\":\"AAAA\",\"rdata\":\"2a0e:1c80:1:1:45:15:158:1\"}],"
	    "\"grouped\":{\"AAAA\":[\"2a0e:1c80:1:1:45:15:158:1\"]}}}\n"
	    "{\"timestamp\":\"2024-03-13T18:49:16.000000+0000\","
	    "\"event_type\":\"fileinfo\",\"src_ip\":\"1.1.1.1\",\"dest_ip\":"
	    "\"10.0.0.24\",\"fileinfo\":{\"sha256\":"
	    "\"9F2B1C0D8E7A6B5C4D3E2F1A0B9C8D7E"
	    "6F5A4B3C2D1E0F9A8B7C6D5E4F3A2B1C\","
	    "\"nested\":{\"a\":[[[[1]]]]}}}\n"
	    "{\"event_type\":\"http\",\"src_ip\":\"10.0.0.1\" \"x\"}\n"
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n";

	T_INTEQ("eve_ok", sweep(m, "eve", log, strlen(log), NULL, &g, &st),
	    CHOUSA_OK);
	T_INTEQ("eve_hits", g.n, 3);
	T_STREQ("eve_escaped_slash_url", g.ind[0],
	    "http://malware-drop.top/wp-content/x.exe");
	T_STREQ("eve_dns_v2_answer_v6", g.ind[1], "2a0e:1c80:1:1:45:15:158:1");
	T_INTEQ("eve_fileinfo_sha256_line", g.line[2], 3);
	T_INTEQ("eve_malformed_counted", st.malformed, 2);
	T_STREQ("eve_detected", chousa_sweep_detect(log, strlen(log)), "eve");
}

static void
test_hostile(struct chousa_matcher *m)
{
	struct chousa_sweep_opts o = { 0 };
	struct chousa_sweep_stats st;
	struct got g;
	static const char l1[] = "1710353350.1 1 10.0.0.1 TCP_MISS/200 1 GET "
	    "http://a\0b/ - HIER_DIRECT/185.244.25.10 -\n";
	size_t big = (size_t)3 << 20, n = 0;
	char *buf = malloc(big + 4096);
	const char *tail = "1710353350.112 1 10.0.0.1 TCP_MISS/200 1 GET "
	    "http://185.244.25.10:8080/bins/mozi.m - HIER_DIRECT/1.2.3.4 -\n";

	if (buf == NULL)
		return;
	/* A NUL, invalid UTF-8, a 3 MiB line, then a good line. */
	memcpy(buf, l1, sizeof(l1) - 1);
	n = sizeof(l1) - 1;
	memcpy(buf + n, "\xff\xfe\xc3\x28 junk\n", 10);
	n += 10;
	memset(buf + n, 'A', big);
	n += big;
	buf[n++] = '\n';
	memcpy(buf + n, tail, strlen(tail));
	n += strlen(tail);
	o.max_line = (size_t)1 << 20;
	T_INTEQ("hostile_ok", sweep(m, "squid", buf, n, &o, &g, &st),
	    CHOUSA_OK);
	T_INTEQ("hostile_lines", st.lines, 4);
	T_INTEQ("hostile_malformed", st.malformed, 2);
	T_INTEQ("hostile_nul_line_still_matched", g.line[0], 1);
	T_INTEQ("hostile_after_huge_line", g.line[g.n - 1], 4);
	free(buf);
}

static void
test_gzip(struct chousa_matcher *m)
{
	const char *line =
	    "1710353370.1\tC1\t10.0.0.1\t1\t185.244.25.10\t8080\tGET\t-\t-\n"
	    "1710353370.2\tC2\t10.0.0.2\t1\t91.92.241.7\t80\tGET\t-\t-\n";
	size_t n = 4000, len = strlen(ZEEK_HEAD) + n * strlen(line), i;
	char *log = malloc(len + 1), *p = log;
	unsigned char *gz = malloc(len);
	struct chousa_sweep_stats st;
	struct got g;
	z_stream z;

	if (log == NULL || gz == NULL)
		abort();
	memcpy(p, ZEEK_HEAD, strlen(ZEEK_HEAD));
	p += strlen(ZEEK_HEAD);
	for (i = 0; i < n; i++) {
		memcpy(p, line, strlen(line));
		p += strlen(line);
	}
	memset(&z, 0, sizeof(z));
	deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
	z.next_in = (unsigned char *)log;
	z.avail_in = (uInt)len;
	z.next_out = gz;
	z.avail_out = (uInt)len;
	deflate(&z, Z_FINISH);
	deflateEnd(&z);
	T_INTEQ("gzip_ok", sweep(m, NULL, (const char *)gz,
	    len - z.avail_out, NULL, &g, &st), CHOUSA_OK);
	T_INTEQ("gzip_hits", st.hits, 2 * n);
	T_INTEQ("gzip_not_truncated", st.truncated, 0);
	/* A gzip cut in its middle: the whole blocks before it are swept. */
	T_INTEQ("gzip_truncated_ok", sweep(m, NULL, (const char *)gz,
	    (len - z.avail_out) / 2, NULL, &g, &st), CHOUSA_OK);
	T_INTEQ("gzip_truncated_reported", st.truncated, 1);
	T_OK("gzip_truncated_keeps_what_was_read", g.n >= 1);
	/* One cut before any whole block: what zlib salvages is swept. */
	T_INTEQ("gzip_short_cut_salvaged", sweep(m, NULL, (const char *)gz,
	    300, NULL, &g, &st), CHOUSA_OK);
	T_INTEQ("gzip_short_cut_reported", st.truncated, 1);
	/* Its header alone: nothing read is an error. */
	T_OK("gzip_header_only_is_error", sweep(m, NULL, (const char *)gz,
	    12, NULL, &g, &st) != CHOUSA_OK);
	free(log);
	free(gz);
}

/* Zeek logs concatenated with a new #fields order in the middle. */
static void
test_threads(struct chousa_matcher *m)
{
	char path[] = "/tmp/chousa-test-sweep.XXXXXX";
	struct chousa_sweep_opts o = { 0 };
	struct chousa_sweep_stats st1, st2;
	struct got g1, g2;
	int fd = mkstemp(path), i, part;
	FILE *fp;

	if (fd < 0)
		return;
	fp = fdopen(fd, "w");
	for (part = 0; part < 2; part++) {
		fputs(part == 0 ? ZEEK_HEAD : "#separator \\x09\n"
		    "#fields\tts\tid.resp_h\tid.orig_h\n", fp);
		for (i = 0; i < 40000; i++)
			fprintf(fp, part == 0 ?
			    "1710353370.%d\tC\t10.0.0.1\t1\t%s\t80\tGET\t-\t"
			    "/padding/padding/padding\n" :
			    "1710353370.%d\t%s\t10.0.0.1\n", i,
			    i % 10000 == 7 ? "185.244.25.10" : "8.8.8.8");
	}
	fclose(fp);
	o.threads = 1;
	memset(&g1, 0, sizeof(g1));
	chousa_sweep_file(m, path, &o, collect, &g1, &st1, NULL);
	o.threads = 2;
	memset(&g2, 0, sizeof(g2));
	chousa_sweep_file(m, path, &o, collect, &g2, &st2, NULL);
	T_INTEQ("threads_one_finds_all", g1.n, 8);
	T_INTEQ("threads_two_same_count", g2.n, g1.n);
	T_INTEQ("threads_two_used", st2.threads, 2);
	T_OK("threads_same_lines", memcmp(g1.line, g2.line,
	    sizeof(g1.line)) == 0);
	T_INTEQ("threads_line_numbers", g1.line[4], 40017);
	T_INTEQ("threads_lines_total", st2.lines, st1.lines);
	unlink(path);
}

static void
test_detect(void)
{
	T_STREQ("detect_zeek", chousa_sweep_detect("#separator \\x09\n", 16),
	    "zeek");
	T_STREQ("detect_squid", chousa_sweep_detect("1710353350.112    813 "
	    "10.0.0.23 TCP_MISS/200 120433 GET http://a/ - HIER_DIRECT/1.2.3.4"
	    " text/html\n", 96), "squid");
	T_STREQ("detect_pcap", chousa_sweep_detect("\xd4\xc3\xb2\xa1\x02\x00",
	    6), "pcap");
	T_STREQ("detect_text_fallback", chousa_sweep_detect("hello\n", 6),
	    "text");
	T_STREQ("match_names", chousa_sweep_match_name(CHOUSA_SWEEP_HOST),
	    "host");
}

/*
 * Sides: the internal host is the private end whatever the direction, a
 * resolver's address is never one, and every hit of a line has the same.
 */
static void
test_sides(void)
{
	struct chousa_matcher *m = NULL;
	struct chousa_sweep_opts o;
	struct chousa_sweep_stats st;
	struct got g;
	const char *eve =
	    "{\"timestamp\":\"2024-03-13T18:00:00.0+0000\",\"event_type\":"
	    "\"dns\",\"src_ip\":\"198.51.100.53\",\"src_port\":53,\"dest_ip\":"
	    "\"10.0.0.5\",\"dest_port\":40000,\"dns\":{\"version\":3,"
	    "\"type\":\"response\",\"queries\":[{\"rrname\":"
	    "\"evilcorp.xyz\"}],\"answers\":[{\"rdata\":"
	    "\"185.244.25.10\"}]}}\n"
	    "{\"timestamp\":\"2024-03-13T18:00:01.0+0000\",\"event_type\":"
	    "\"flow\",\"src_ip\":\"203.0.113.9\",\"src_port\":443,"
	    "\"dest_ip\":\"185.244.25.10\",\"dest_port\":51000}\n";
	int i;

	if (chousa_matcher_new(&m, NULL) != CHOUSA_OK)
		return;
	/* A resolver of no list: chousa's own (8.8.8.8) are never hits. */
	add(m, CHOUSA_IOC_IPV4, "198.51.100.53", 0, 0);
	add(m, CHOUSA_IOC_IPV4, "185.244.25.10", 0, 0);
	add(m, CHOUSA_IOC_IPV4, "203.0.113.9", 0, 0);
	add(m, CHOUSA_IOC_DOMAIN, "evilcorp.xyz", 0, 0);
	chousa_matcher_finish(m, NULL);
	T_INTEQ("sides_ok", sweep(m, "eve", eve, strlen(eve), NULL, &g, &st),
	    CHOUSA_OK);
	T_INTEQ("sides_hits", g.n, 5);
	for (i = 0; i < 3 && i < g.n; i++)
		T_STREQ("sides_resolver_never_internal", g.src[i], "10.0.0.5");
	/* Two public ends, both listed: the client, by its port. */
	T_STREQ("sides_both_listed_client", g.src[3], "185.244.25.10");
	T_STREQ("sides_both_listed_same_line", g.src[4], "185.244.25.10");
	memset(&o, 0, sizeof(o));
	o.internal = "203.0.113.0/24";
	T_INTEQ("sides_internal_ok", sweep(m, "eve", eve, strlen(eve), &o, &g,
	    &st), CHOUSA_OK);
	T_STREQ("sides_internal_range", g.src[3], "203.0.113.9");
	T_STREQ("sides_internal_range_same_line", g.src[4], "203.0.113.9");
	o.internal = "203.0.113.0/33";
	T_INTEQ("sides_internal_bad", sweep(m, "eve", eve, strlen(eve), &o,
	    &g, &st), CHOUSA_EINVAL);
	T_INTEQ("sides_check_bad", chousa_sweep_check_internal("a.b/8", NULL),
	    CHOUSA_EINVAL);
	T_INTEQ("sides_check_good", chousa_sweep_check_internal(
	    "10.1.0.0/16, 2001:db8::/32,192.0.2.7", NULL), CHOUSA_OK);
	chousa_matcher_free(m);
}

/*
 * What the benign filter leaves out, by docs/verdict-policy.md: a value a
 * benign list names itself, a whole shared platform's host and a public
 * resolver (chousa's lists, counted apart), a listed parent whose child a
 * benign list covers; never a listed tenant of a benign platform.
 */
static void
test_benign_policy(void)
{
	struct chousa_matcher *m = NULL;
	struct chousa_sweep_opts o;
	struct chousa_sweep_stats st;
	struct got g;
	const char *log =
	    "x facebookloginnp.blogspot.com\n"	/* 1: tenant, hit */
	    "x evil-user.github.io\n"		/* 2: tenant, hit */
	    "x 8.8.8.8\n"			/* 3: resolver */
	    "x 2001:4860:4860::8888\n"		/* 4: resolver */
	    "x 1.1.1.1\n"			/* 5: resolver in a range */
	    "x 1.1.1.9\n"			/* 6: range, hit */
	    "x github.com\n"			/* 7: whole platform */
	    "x someone.vercel.app\n"		/* 8: platform listed */
	    "x www.both.xyz\n"			/* 9: benign itself */
	    "x cdn.parent.xyz\n"		/* 10: benign child */
	    "x www.parent.xyz\n"		/* 11: parent, hit */
	    "x http://github.com/evil/x.exe\n";	/* 12: URL, hit */

	if (chousa_matcher_new(&m, NULL) != CHOUSA_OK)
		return;
	add(m, CHOUSA_IOC_DOMAIN, "facebookloginnp.blogspot.com", 0, 0);
	add(m, CHOUSA_IOC_DOMAIN, "evil-user.github.io", 0, 0);
	add(m, CHOUSA_IOC_IPV4, "8.8.8.8", 0, 0);
	add(m, CHOUSA_IOC_IPV6, "2001:4860:4860::8888", 0, 0);
	add(m, CHOUSA_IOC_CIDR, "1.1.1.0/24", 0, 0);
	add(m, CHOUSA_IOC_DOMAIN, "github.com", 0, 0);
	add(m, CHOUSA_IOC_DOMAIN, "vercel.app", 0, 0);
	add(m, CHOUSA_IOC_DOMAIN, "www.both.xyz", 0, 0);
	add(m, CHOUSA_IOC_DOMAIN, "parent.xyz", 0, 0);
	add(m, CHOUSA_IOC_URL, "http://github.com/evil/x.exe", 0, 0);
	add(m, CHOUSA_IOC_DOMAIN, "blogspot.com", 0, 1);
	add(m, CHOUSA_IOC_DOMAIN, "github.io", 0, 1);
	add(m, CHOUSA_IOC_DOMAIN, "www.both.xyz", 0, 1);
	add(m, CHOUSA_IOC_DOMAIN, "cdn.parent.xyz", 0, 1);
	chousa_matcher_finish(m, NULL);
	T_INTEQ("benign_policy_ok", sweep(m, "text", log, strlen(log), NULL,
	    &g, &st), CHOUSA_OK);
	T_INTEQ("benign_policy_hits", g.n, 5);
	T_STREQ("benign_policy_tenant_of_benign", g.ind[0],
	    "facebookloginnp.blogspot.com");
	T_STREQ("benign_policy_tenant_of_platform", g.ind[1],
	    "evil-user.github.io");
	T_INTEQ("benign_policy_range_other_line", g.line[2], 6);
	T_INTEQ("benign_policy_parent_line", g.line[3], 11);
	T_STREQ("benign_policy_url_on_platform", g.ind[4],
	    "http://github.com/evil/x.exe");
	/* Line 12's host, github.com, is left out; its URL is not. */
	T_INTEQ("benign_policy_suppressed", st.benign_suppressed, 8);
	T_INTEQ("benign_policy_resolvers", st.resolver_suppressed, 3);
	T_INTEQ("benign_policy_shared", st.shared_suppressed, 3);
	memset(&o, 0, sizeof(o));
	o.no_benign_filter = 1;
	sweep(m, "text", log, strlen(log), &o, &g, &st);
	T_INTEQ("benign_policy_no_filter", g.n, 13);
	T_INTEQ("benign_policy_no_filter_none", st.benign_suppressed, 0);
	chousa_matcher_free(m);
}

int
main(void)
{
	struct chousa_matcher *m = make_matcher();

	T_OK("matcher_built", m != NULL);
	if (m == NULL)
		return T_DONE();
	test_matcher(m);
	test_eve(m);
	test_hostile(m);
	test_gzip(m);
	test_threads(m);
	test_detect();
	test_sides();
	test_benign_policy();
	chousa_matcher_free(m);
	return T_DONE();
}
