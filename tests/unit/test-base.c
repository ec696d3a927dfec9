/*
 * test-base.c: buffers, arenas, escaping of hostile strings, the config,
 * time parsing and libraries loaded on first use.
 */
#include <stdlib.h>
#include <time.h>

#include "chousa.h"
#include "base/dynlib.h"
#include "base/hash.h"
#include "base/hex.h"
#include "base/mem.h"
#include "base/ranges.h"
#include "t.h"

static void
test_buf(void)
{
	struct chousa_buf b;
	int i;

	chousa_buf_init(&b, 16);
	chousa_buf_adds(&b, "hello");
	chousa_buf_addf(&b, " %d", 42);
	T_STREQ("buf_appends", b.data, "hello 42");
	chousa_buf_adds(&b, "0123456789");
	T_INTEQ("buf_cap_sets_failed", b.failed, CHOUSA_ELIMIT);
	T_STREQ("buf_keeps_data_on_failure", b.data, "hello 42");
	chousa_buf_add(&b, "x", 1);
	T_INTEQ("buf_failure_is_sticky", b.len, 8);
	chousa_buf_release(&b);
	chousa_buf_init(&b, 0);
	for (i = 0; i < 10000; i++)
		chousa_buf_addch(&b, 'a');
	T_INTEQ("buf_grows", b.len, 10000);
	chousa_buf_add(&b, "\0z", 2);
	T_INTEQ("buf_keeps_nul_inside", b.data[10001], 'z');
	chousa_buf_release(&b);
}

static void
test_grow(void)
{
	int *v = NULL;
	size_t n, cap = 0;
	int rc = CHOUSA_OK;

	for (n = 0; n < 40 && rc == CHOUSA_OK; n++) {
		rc = MEM_GROW(v, n, cap, 4, 0);
		if (rc == CHOUSA_OK)
			v[n] = (int)n;
	}
	T_INTEQ("grow_holds_every_element", rc, CHOUSA_OK);
	T_INTEQ("grow_doubles_from_first", (long)cap, 64);
	T_INTEQ("grow_keeps_elements", v[39], 39);
	T_INTEQ("grow_within_cap_is_free", MEM_GROW(v, 40, cap, 4, 0),
	    CHOUSA_OK);
	T_INTEQ("grow_stops_at_max", MEM_GROW(v, 64, cap, 4, 100),
	    CHOUSA_ELIMIT);
	T_INTEQ("grow_leaves_cap_on_limit", (long)cap, 64);
	T_INTEQ("grow_refuses_size_overflow", mem_grow(&v, 64, &cap,
	    (size_t)-1 / 64, 4, 0), CHOUSA_ELIMIT);
	mem_free(v);
}

static void
test_arena(void)
{
	struct chousa_arena *a;
	char *s, *big;

	T_INTEQ("arena_new", chousa_arena_new(&a, 1 << 20, NULL), CHOUSA_OK);
	s = chousa_arena_strndup(a, "abcdef", 3);
	T_STREQ("arena_strndup", s, "abc");
	big = chousa_arena_alloc(a, 200000);
	T_OK("arena_big_alloc", big != NULL && big[199999] == 0);
	T_STREQ("arena_small_after_big", chousa_arena_printf(a, "%d-%s", 7,
	    "x"), "7-x");
	T_OK("arena_cap", chousa_arena_alloc(a, 2 << 20) == NULL);
	chousa_arena_free(a);
	chousa_arena_free(NULL);
}

static const char *
esc(void (*fn)(struct chousa_buf *, const char *, size_t), const char *s)
{
	static struct chousa_buf b;

	chousa_buf_release(&b);
	chousa_buf_init(&b, 0);
	fn(&b, s, strlen(s));
	return b.data;
}

/* chousa_esc_stix takes a C string: the length esc() passes is its own. */
static void
stix(struct chousa_buf *b, const char *s, size_t len)
{
	(void)len;
	chousa_esc_stix(b, s);
}

static void
test_esc(void)
{
	T_STREQ("text_strips_escape_sequences",
	    esc(chousa_esc_text, "a\033[31mred\033]0;title\007b"),
	    "a[31mred]0;titleb");
	T_STREQ("text_replaces_invalid_utf8", esc(chousa_esc_text, "a\xff\xc0z"),
	    "a\xef\xbf\xbd\xef\xbf\xbdz");
	T_STREQ("text_keeps_japanese", esc(chousa_esc_text, "調査"), "調査");
	T_STREQ("text_drops_bidi_override",
	    esc(chousa_esc_text, "exe\xe2\x80\xaetxt"), "exetxt");
	T_STREQ("line_spaces_line_ends_drops_controls",
	    esc(chousa_esc_line, "a\nb\tc\xc2\x9b" "d\xe2\x80\xae" "e\xff"),
	    "a b cde\xef\xbf\xbd");
	T_STREQ("json_escapes", esc(chousa_esc_json, "q\"b\\\n\001"),
	    "q\\\"b\\\\\\n\\u0001");
	/* A C1 CSI is ESC [ to a terminal; a bidi override reverses text. */
	T_STREQ("json_escapes_c1_and_bidi_controls",
	    esc(chousa_esc_json, "a\xc2\x9b" "31m\xc2\x85" "b\xe2\x80\xae"
	    "c\xe2\x81\xa6" "d\xc2\xa0"),
	    "a\\u009b31m\\u0085b\\u202ec\\u2066d\xc2\xa0");
	T_STREQ("json_rejects_surrogates", esc(chousa_esc_json, "\xed\xa0\x80"),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	T_STREQ("html_escapes_script",
	    esc(chousa_esc_html, "<script>alert('x')</script>&"),
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;");
	T_STREQ("html_breakable_between_labels_and_segments",
	    esc(chousa_esc_html_breakable, "hxxp[:]//evil[.]example.com/a?b=c"),
	    "hxxp[:]//<wbr>evil[.]<wbr>example.<wbr>com/<wbr>a?<wbr>b=<wbr>c");
	T_STREQ("html_breakable_never_inside_a_word",
	    esc(chousa_esc_html_breakable, "wp-content/uploads"),
	    "wp-content/<wbr>uploads");
	T_STREQ("html_breakable_escapes_each_piece",
	    esc(chousa_esc_html_breakable, "<b>.x&y=<i>"),
	    "&lt;b&gt;.<wbr>x&amp;<wbr>y=&lt;i&gt;");
	T_STREQ("html_breakable_keeps_utf8_whole",
	    esc(chousa_esc_html_breakable, "\xe8\xaa\xbf.\xe6\x9f\xbb.jp"),
	    "\xe8\xaa\xbf.<wbr>\xe6\x9f\xbb.<wbr>jp");
	T_STREQ("md_escapes_links", esc(chousa_esc_md, "[a](http://x)"),
	    "\\[a\\]\\(http://x)");
	T_STREQ("md_keeps_words", esc(chousa_esc_md, "malware_download, v1.2 "
	    "(beta) - ok!"), "malware_download, v1.2 (beta) - ok!");
	T_STREQ("md_escapes_emphasis", esc(chousa_esc_md, "_a_ *b* `c` a|b"),
	    "\\_a\\_ \\*b\\* \\`c\\` a\\|b");
	T_STREQ("csv_guards_formula", esc(chousa_esc_csv, "=cmd|' /C calc'!A0"),
	    "\"'=cmd|' /C calc'!A0\"");
	T_STREQ("csv_quotes", esc(chousa_esc_csv, "a\"b"), "\"a\"\"b\"");
	T_STREQ("csv_guards_at", esc(chousa_esc_csv, "@SUM(1)"), "\"'@SUM(1)\"");
	T_STREQ("stix_escapes_quote_backslash", esc(stix, "a'b\\c"),
	    "'a\\'b\\\\c'");
	T_STREQ("stix_empty", esc(stix, ""), "''");
}

static void
test_config(void)
{
	struct chousa_config *c = NULL;
	struct chousa_err err = { 0 };
	const char *text = "# keys\n[virustotal]\napi_key = \"abc\"\n"
	    "rate=4\n\n[feeds]\nurlhaus_url = http://127.0.0.1:1/x\n";

	T_INTEQ("config_parses", chousa_config_parse(&c, text, strlen(text),
	    "t", &err), CHOUSA_OK);
	T_STREQ("config_unquotes", chousa_config_get(c, "virustotal",
	    "api_key"), "abc");
	T_INTEQ("config_long", chousa_config_get_long(c, "virustotal", "rate",
	    0), 4);
	setenv("CHOUSA_VIRUSTOTAL_KEY", "envkey", 1);
	T_STREQ("config_env_short_form_wins", chousa_config_get(c,
	    "virustotal", "api_key"), "envkey");
	unsetenv("CHOUSA_VIRUSTOTAL_KEY");
	T_STREQ("config_missing_is_null", chousa_config_get(c, "otx",
	    "api_key"), NULL);
	chousa_config_free(c);
	T_INTEQ("config_rejects_garbage", chousa_config_parse(&c, "[x\n", 3,
	    "t", &err), CHOUSA_EPARSE);
	T_INTEQ("config_rejects_no_equals", chousa_config_parse(&c,
	    "[a]\nfoo\n", 8, "t", &err), CHOUSA_EPARSE);
	/* As Notepad saves it: a byte order mark and CRLF. */
	text = "\xef\xbb\xbf[otx]\r\napi_key = k1\r\n";
	T_INTEQ("config_bom_crlf_parses", chousa_config_parse(&c, text,
	    strlen(text), "t", &err), CHOUSA_OK);
	T_STREQ("config_bom_crlf_value", chousa_config_get(c, "otx",
	    "api_key"), "k1");
	chousa_config_free(c);
}

static void
count_issue(void *arg, const char *where, const char *message)
{
	(void)where;
	(void)message;
	(*(int *)arg)++;
}

static void
test_config_ini(void)
{
	static const char *const sources[] = { "virustotal", "otx", NULL };
	struct chousa_config *c = NULL;
	struct chousa_err err = { 0 };
	char why[256];
	int n = 0;
	const char *text = "[virustotal]\n"
	    "api_key = \"abc123\"   # my VT key\n"
	    "rate = 4          # requests a minute\n"
	    "base_url = https://h.example/#frag ; a mirror\n"
	    "relationships = 'a#b;c' ; kept inside quotes\n"
	    "enabled = No\n"
	    "[http]   # proxies\n"
	    "timeout = -5\n"
	    "retries = many\n"
	    "insecure = ON\n";

	T_INTEQ("ini_parses", chousa_config_parse(&c, text, strlen(text), "t",
	    &err), CHOUSA_OK);
	T_STREQ("ini_quotes_and_comment_off", chousa_config_get(c,
	    "virustotal", "api_key"), "abc123");
	T_INTEQ("ini_number_before_comment", chousa_config_get_long(c,
	    "virustotal", "rate", 0), 4);
	T_STREQ("ini_hash_in_a_word_stays", chousa_config_get(c, "virustotal",
	    "base_url"), "https://h.example/#frag");
	T_STREQ("ini_hash_in_quotes_stays", chousa_config_get(c, "virustotal",
	    "relationships"), "a#b;c");
	T_INTEQ("bool_No_is_no", chousa_config_get_bool(c, "virustotal",
	    "enabled", 1), 0);
	T_INTEQ("bool_ON_is_yes", chousa_config_get_bool(c, "http",
	    "insecure", 0), 1);
	T_INTEQ("long_out_of_range_is_default", chousa_config_get_long(c,
	    "http", "timeout", 30), 30);
	T_INTEQ("long_not_a_number_is_default", chousa_config_get_long(c,
	    "http", "retries", 3), 3);
	chousa_config_check(c, sources, 0, count_issue, &n);
	/* The short key, the negative timeout, the word for retries. */
	T_INTEQ("check_counts_problems", n, 3);
	T_OK("key_problem_names_length", chousa_config_key_problem(c,
	    "virustotal", why, sizeof(why)) != NULL &&
	    strstr(why, "6 characters") != NULL);
	chousa_config_free(c);

	text = "[virustotal]\napi_key = \"open\n[otx]\napi_key = 'k' extra\n";
	T_INTEQ("ini_odd_quotes_parse", chousa_config_parse(&c, text,
	    strlen(text), "t", &err), CHOUSA_OK);
	T_STREQ("ini_unclosed_quote_kept", chousa_config_get(c, "virustotal",
	    "api_key"), "\"open");
	T_STREQ("ini_text_after_quote_dropped", chousa_config_get(c, "otx",
	    "api_key"), "k");
	n = 0;
	chousa_config_check(c, sources, 0, count_issue, &n);
	T_INTEQ("check_names_quote_problems", n, 2);
	chousa_config_free(c);

	T_INTEQ("bool_rule_maybe", chousa_config_parse_bool("maybe", &n),
	    CHOUSA_EPARSE);
	T_OK("config_keys_table", chousa_config_key_find("otx", "ttl",
	    sources) != NULL && chousa_config_key_find("otx", "tll",
	    sources) == NULL && chousa_config_key_find("http", "api_key",
	    sources) == NULL);
}

/* One size rule for the config and serve --audit-max. */
static void
test_config_size(void)
{
	static const struct {
		const char	*text;
		int		 rc;
		long		 n;
	} cases[] = {
		{ "100", CHOUSA_OK, 100 }, { "0", CHOUSA_OK, 0 },
		{ "64k", CHOUSA_OK, 65536 }, { "64K", CHOUSA_OK, 65536 },
		{ "100M", CHOUSA_OK, 104857600 },
		{ "2G", CHOUSA_OK, 2147483648L },
		{ "64m", CHOUSA_EPARSE, 0 }, { "5MB", CHOUSA_EPARSE, 0 },
		{ " 5", CHOUSA_EPARSE, 0 }, { "-5", CHOUSA_EPARSE, 0 },
		{ "+5", CHOUSA_EPARSE, 0 }, { "M", CHOUSA_EPARSE, 0 },
		{ "", CHOUSA_EPARSE, 0 }, { "none", CHOUSA_EPARSE, 0 },
		{ "9999999999999G", CHOUSA_ELIMIT, 0 },
		{ "99999999999999999999", CHOUSA_ELIMIT, 0 },
	};
	struct chousa_config *c = NULL;
	struct chousa_err err = { 0 };
	const char *text = "[server]\nsweep_max = 100M\nqueue_memory = 0\n"
	    "import_max = 2T\n[http]\nmax_body = 1k\n";
	char name[64];
	size_t i;
	long n;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = -1;
		rc = chousa_config_parse_size(cases[i].text, &n);
		snprintf(name, sizeof(name), "size_%zu_%s", i, cases[i].text);
		T_OK(name, rc == cases[i].rc && (rc != CHOUSA_OK ||
		    n == cases[i].n));
	}
	T_INTEQ("size_config_parses", chousa_config_parse(&c, text,
	    strlen(text), "t", &err), CHOUSA_OK);
	T_INTEQ("size_config_suffix_read", chousa_config_get_long(c, "server",
	    "sweep_max", 1), 104857600);
	T_INTEQ("size_config_zero_read", chousa_config_get_long(c, "server",
	    "queue_memory", 1), 0);
	T_INTEQ("size_config_bad_is_default", chousa_config_get_long(c,
	    "server", "import_max", 7), 7);
	T_INTEQ("size_config_http_max_body", chousa_config_get_long(c,
	    "http", "max_body", 1), 1024);
	chousa_config_free(c);
}

/* A module's check of a value: "soc" is refused. */
static int
no_soc(const char *value, struct chousa_err *err)
{
	if (strcmp(value, "soc") != 0)
		return CHOUSA_OK;
	return chousa_errf(err, CHOUSA_EINVAL, "not soc");
}

/* What a check's problems said, joined, for the tests to look in. */
static void
join_issue(void *arg, const char *where, const char *message)
{
	(void)where;
	snprintf((char *)arg + strlen(arg), 512 - strlen(arg), "%s|",
	    message);
}

/* The checks a module adds run with the table's, unless the caller's. */
static void
test_config_owner_checks(void)
{
	static const struct chousa_config_value_check checks[] = {
		{ "server", "proxy_user_header", no_soc, "it is refused" },
	};
	struct chousa_config *c = NULL;
	struct chousa_err err = { 0 };
	const char *text = "[server]\nproxy_user_header = soc\n";
	char said[512] = "";

	T_INTEQ("owner_checks_added", chousa_config_add_checks(checks, 1),
	    CHOUSA_OK);
	T_INTEQ("owner_checks_full", chousa_config_add_checks(checks, 100),
	    CHOUSA_ELIMIT);
	T_INTEQ("owner_config_parses", chousa_config_parse(&c, text,
	    strlen(text), "t", &err), CHOUSA_OK);
	T_INTEQ("owner_check_counted", chousa_config_check(c, NULL, 0,
	    join_issue, said), 1);
	T_STREQ("owner_check_said", said, "[server] proxy_user_header = "
	    "'soc': not soc; it is refused|");
	T_INTEQ("owner_check_left_to_caller", chousa_config_check(c, NULL,
	    CHOUSA_CONFIG_CHECK_NO_OWNERS, NULL, NULL), 0);
	chousa_config_free(c);
}

static void
test_suggest(void)
{
	static const char *const cmds[] = { "investigate", "import", "lookup",
	    NULL };
	static const char *const fmts[] = { "text", "json", "md", "html",
	    NULL };

	T_STREQ("suggest_swap", chousa_suggest("investiagte", cmds),
	    "investigate");
	T_STREQ("suggest_json", chousa_suggest("jsno", fmts), "json");
	T_STREQ("suggest_case", chousa_suggest("JSON", fmts), "json");
	T_STREQ("suggest_nothing_close", chousa_suggest("stix", fmts), NULL);
	T_STREQ("suggest_short_word", chousa_suggest("x", fmts), NULL);
}

static void
test_time(void)
{
	int64_t t = 0;

	T_INTEQ("time_csv", chousa_time_parse("2019-01-19 01:33:26", 19, &t),
	    CHOUSA_OK);
	T_INTEQ("time_csv_value", t, 1547861606);
	chousa_time_parse("2019-01-19 01:33:26 UTC", 23, &t);
	T_INTEQ("time_utc_suffix", t, 1547861606);
	chousa_time_parse("2019-01-19T03:33:26+02:00", 25, &t);
	T_INTEQ("time_offset", t, 1547861606);
	chousa_time_parse("2025-06-18", 10, &t);
	T_INTEQ("time_date_only", t, 1750204800);
	chousa_time_parse("Wed, 16 Oct 2019 16:55:16 GMT", 29, &t);
	T_INTEQ("time_rfc1123", t, 1571244916);
	chousa_time_parse("1547861606", 10, &t);
	T_INTEQ("time_unix", t, 1547861606);
	T_INTEQ("time_rejects_garbage", chousa_time_parse("2019-13-01", 10,
	    &t), CHOUSA_EPARSE);
}

/* The calendar code of chousa_time_format agrees with gmtime_r: every
 * leap day and year end to 9999, and a spread of other seconds. */
static void
test_duration(void)
{
	T_INTEQ("duration_bare_number", chousa_duration_parse("90"), -1);
	T_INTEQ("duration_s", chousa_duration_parse("90s"), 90);
	T_INTEQ("duration_m", chousa_duration_parse("30m"), 1800);
	T_INTEQ("duration_h", chousa_duration_parse("6h"), 21600);
	T_INTEQ("duration_d", chousa_duration_parse("90d"), 7776000);
	T_INTEQ("duration_zero", chousa_duration_parse("0"), -1);
	T_INTEQ("duration_negative", chousa_duration_parse("-5m"), -1);
	T_INTEQ("duration_space", chousa_duration_parse(" 5m"), -1);
	T_INTEQ("duration_plus", chousa_duration_parse("+5m"), -1);
	T_INTEQ("duration_unit_alone", chousa_duration_parse("d"), -1);
	T_INTEQ("duration_bad_unit", chousa_duration_parse("5x"), -1);
	T_INTEQ("duration_trailing", chousa_duration_parse("5dd"), -1);
	T_INTEQ("duration_empty", chousa_duration_parse(""), -1);
	T_INTEQ("duration_null", chousa_duration_parse(NULL), -1);
	T_INTEQ("duration_100_years", chousa_duration_parse("36600d"),
	    36600L * 86400);
	T_INTEQ("duration_past_100_years", chousa_duration_parse("36601d"),
	    -1);
	T_INTEQ("duration_overflow",
	    chousa_duration_parse("99999999999999999999999h"), -1);
}

static void
test_time_format(void)
{
	char got[32], want[32];
	int64_t t;
	int bad = 0, n = 0;

	for (t = 0; t <= 253402300799 && bad < 3; t += 86399 * 17 + 7, n++) {
		time_t tt = (time_t)t;
		struct tm tm;

		chousa_time_format(t, got, sizeof(got));
		gmtime_r(&tt, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (strcmp(got, want) != 0) {
			T_STREQ("time_format_matches_gmtime", got, want);
			bad++;
		}
	}
	T_OK("time_format_matches_gmtime", bad == 0 && n > 100000);
	chousa_time_format(0, got, sizeof(got));
	T_STREQ("time_format_epoch", got, "1970-01-01T00:00:00Z");
	chousa_time_format(951782400, got, sizeof(got));
	T_STREQ("time_format_leap_day", got, "2000-02-29T00:00:00Z");
	chousa_time_format(253402300800, got, sizeof(got));
	T_STREQ("time_format_past_9999", got, "10000-01-01T00:00:00Z");
}

/* FNV-1a's published test values, and hex digits. */
static void
test_hash_hex(void)
{
	T_INTEQ("fnv32_empty", chousa_fnv1a32(CHOUSA_FNV32_INIT, "", 0),
	    0x811c9dc5);
	T_INTEQ("fnv32_a", chousa_fnv1a32(CHOUSA_FNV32_INIT, "a", 1),
	    0xe40c292c);
	T_OK("fnv64_a", chousa_fnv1a64(CHOUSA_FNV64_INIT, "a", 1) ==
	    0xaf63dc4c8601ec8cull);
	T_OK("fnv64_foobar", chousa_fnv1a64(CHOUSA_FNV64_INIT, "foobar", 6) ==
	    0x85944171f73967e8ull);
	T_OK("fnv64_in_parts", chousa_fnv1a64(chousa_fnv1a64(
	    CHOUSA_FNV64_INIT, "foo", 3), "bar", 3) == 0x85944171f73967e8ull);
	T_INTEQ("hex_digit", chousa_hex_value('7'), 7);
	T_INTEQ("hex_lower", chousa_hex_value('f'), 15);
	T_INTEQ("hex_upper", chousa_hex_value('A'), 10);
	T_INTEQ("hex_not", chousa_hex_value('g'), -1);
	T_INTEQ("hex_high_byte", chousa_hex_value((char)0xe6), -1);
}

/* dynlib: what a missing library or symbol says (src/base/dynlib.h). */
static void
test_dynlib(void)
{
	static const char *const names[] = { "zlibVersion" };
	static const char *const bad_names[] = { "zlibVersion", "no_such_fn" };
	dynlib_fn syms[2];
	struct dynlib ok = { "libz.so.1", names, syms, 1, 0, "" };
	struct dynlib missing = { "libchousa-missing.so.0", names, syms, 1, 0,
	    "" };
	struct dynlib no_sym = { "libz.so.1", bad_names, syms, 2, 0, "" };

	T_INTEQ("dynlib_loads", dynlib_load(&ok), 0);
	T_OK("dynlib_resolves", syms[0] != NULL &&
	    ((const char *(*)(void))syms[0])()[0] != '\0');
	T_INTEQ("dynlib_loads_once", dynlib_load(&ok), 0);
	T_INTEQ("dynlib_missing_library", dynlib_load(&missing), -1);
	T_OK("dynlib_missing_says_what", strstr(dynlib_error(&missing),
	    "cannot load libchousa-missing.so.0") != NULL &&
	    strstr(dynlib_error(&missing), "install-deps") != NULL);
	T_INTEQ("dynlib_missing_stays_failed", dynlib_load(&missing), -1);
	T_INTEQ("dynlib_missing_symbol", dynlib_load(&no_sym), -1);
	T_OK("dynlib_missing_symbol_named", strstr(dynlib_error(&no_sym),
	    "no_such_fn") != NULL);
}

/* The JSON writer: commas, nesting, null, lists and escaping. */
static void
test_jw(void)
{
	struct chousa_buf b;
	struct chousa_jw w;

	chousa_buf_init(&b, 0);
	chousa_jw_init(&w, &b);
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "s", "a\"b\xff");
	chousa_jw_kstr(&w, "n", NULL);
	chousa_jw_key(&w, "e");
	chousa_jw_strn_or_null(&w, "", 0);
	chousa_jw_kint(&w, "i", -42);
	chousa_jw_kuint(&w, "u", UINT64_MAX);
	chousa_jw_key(&w, "d");
	chousa_jw_double(&w, 0.5, 3);
	chousa_jw_kbool(&w, "b", 1);
	chousa_jw_ktime(&w, "t0", 0);
	chousa_jw_ktime(&w, "t", 86400);
	chousa_jw_key(&w, "l");
	chousa_jw_list(&w, "x,,y,", ',');
	chousa_jw_key(&w, "none");
	chousa_jw_list(&w, NULL, ',');
	chousa_jw_key(&w, "a");
	chousa_jw_array(&w);
	chousa_jw_object(&w);
	chousa_jw_object_end(&w);
	chousa_jw_array(&w);
	chousa_jw_int(&w, 1);
	chousa_jw_int(&w, 2);
	chousa_jw_array_end(&w);
	chousa_jw_null(&w);
	chousa_jw_raw(&w, "{\"r\":1}", 7);
	chousa_jw_array_end(&w);
	chousa_jw_object_end(&w);
	chousa_jw_object(&w);
	chousa_jw_object_end(&w);
	T_STREQ("jw_document", b.data, "{\"s\":\"a\\\"b\xef\xbf\xbd\","
	    "\"n\":null,\"e\":null,\"i\":-42,\"u\":18446744073709551615,"
	    "\"d\":0.500,\"b\":true,\"t0\":null,"
	    "\"t\":\"1970-01-02T00:00:00Z\",\"l\":[\"x\",\"y\"],"
	    "\"none\":[],\"a\":[{},[1,2],null,{\"r\":1}]}{}");

	/* One member a line, and a value another writer wrote. */
	chousa_buf_reset(&b);
	chousa_jw_init(&w, &b);
	chousa_jw_object(&w);
	chousa_jw_key(&w, "o");
	chousa_jw_array(&w);
	chousa_jw_newline(&w);
	chousa_jw_int(&w, 1);
	chousa_jw_newline(&w);
	chousa_jw_raw(&w, "{\"r\":[]}", 8);
	chousa_buf_addch(&b, '\n');
	chousa_jw_array_end(&w);
	chousa_jw_newline(&w);
	chousa_jw_kint(&w, "k", 2);
	chousa_jw_object_end(&w);
	T_STREQ("jw_newline_raw", b.data,
	    "{\"o\":[\n1,\n{\"r\":[]}\n],\n\"k\":2}");

	/* Spaced, as the online sources' request bodies were written. */
	chousa_buf_reset(&b);
	chousa_jw_init(&w, &b);
	w.spaced = 1;
	chousa_jw_object(&w);
	chousa_jw_kstr(&w, "query", "url:\"x\"");
	chousa_jw_key(&w, "a");
	chousa_jw_array(&w);
	chousa_jw_int(&w, 1);
	chousa_jw_int(&w, 2);
	chousa_jw_array_end(&w);
	chousa_jw_kbool(&w, "exact_match", 0);
	chousa_jw_object_end(&w);
	T_STREQ("jw_spaced", b.data, "{\"query\": \"url:\\\"x\\\"\", "
	    "\"a\": [1, 2], \"exact_match\": false}");
	chousa_buf_release(&b);
}

/* The tally: counts, growth past its first table, order, long names. */
static void
test_tally(void)
{
	struct chousa_tally t;
	const struct chousa_count *c;
	char name[16], big[700];
	int i, added = 0;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "n%03d", i);
		added += chousa_tally_add(&t, name, strlen(name)) == CHOUSA_OK;
	}
	T_INTEQ("tally_add", added, 200);
	chousa_tally_add(&t, "n150", 4);
	chousa_tally_add(&t, "n150", 4);
	chousa_tally_add(&t, "n007xyz", 4);
	memset(big, 'a', sizeof(big));
	chousa_tally_add(&t, big, sizeof(big));
	T_INTEQ("tally_distinct", (int)t.n, 201);
	c = chousa_tally_sorted(&t);
	T_STREQ("tally_most_first", c[0].name, "n150");
	T_INTEQ("tally_most_count", (int)c[0].n, 3);
	T_STREQ("tally_ties_by_name", c[1].name, "n007");
	T_INTEQ("tally_len_counted", (int)c[1].n, 2);
	T_INTEQ("tally_long_name_cut", (int)strlen(c[2].name),
	    CHOUSA_TALLY_NAME_MAX - 1);
	T_STREQ("tally_then_by_name", c[3].name, "n000");
	chousa_tally_free(&t);
	T_INTEQ("tally_freed", (int)t.n, 0);
}

/*
 * Address ranges (the sweep's internal ones, the server's trusted
 * proxies) and an address as X-Forwarded-For's entries write it.
 */
static void
test_ranges(void)
{
	static const struct {
		const char *in, *want;	/* want NULL: no address */
	} text[] = {
		{ "203.0.113.7", "203.0.113.7" },
		{ "203.0.113.7:51234", "203.0.113.7" },
		{ "2001:DB8::0:1", "2001:db8::1" },
		{ "[2001:db8::1]", "2001:db8::1" },
		{ "[2001:db8::1]:443", "2001:db8::1" },
		{ "fe80::1%eth0", "fe80::1" },
		{ "::ffff:192.0.2.1", "::ffff:192.0.2.1" },
		{ "unknown", NULL },
		{ "_hidden", NULL },
		{ "203.0.113.7:", NULL },
		{ "203.0.113.7:123456", NULL },
		{ "[2001:db8::1]x", NULL },
		{ "[2001:db8::1", NULL },
		{ "203.0.113.256", NULL },
		{ "", NULL },
	};
	struct addr_ranges r;
	struct chousa_err err;
	char out[ADDR_TEXT_MAX];
	size_t i;

	for (i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
		int rc = addr_text(text[i].in, strlen(text[i].in), out);

		if (text[i].want == NULL)
			T_INTEQ(text[i].in, rc, -1);
		else if (rc == 0)
			T_STREQ(text[i].in, out, text[i].want);
		else
			T_OK(text[i].in, 0);
	}
	r.n = 0;
	T_INTEQ("ranges_parse", addr_ranges_add(&r, " 10.0.0.0/8 ,192.0.2.7, "
	    "2001:db8::/32,, ", "trusted proxy", &err), CHOUSA_OK);
	T_INTEQ("ranges_count", (int)r.n, 3);
	T_OK("ranges_v4_in", addr_ranges_has(&r, "10.200.3.4", 10));
	T_OK("ranges_v4_host", addr_ranges_has(&r, "192.0.2.7", 9));
	T_OK("ranges_v4_next_out", !addr_ranges_has(&r, "192.0.2.8", 9));
	T_OK("ranges_v6_in", addr_ranges_has(&r, "[2001:db8:ff::1]", 16));
	T_OK("ranges_v6_out", !addr_ranges_has(&r, "2001:db9::1", 11));
	T_OK("ranges_v4_mapped_is_v4", addr_ranges_has(&r, "::ffff:10.1.2.3",
	    15));
	T_OK("ranges_not_an_address", !addr_ranges_has(&r, "10.x", 4));
	T_INTEQ("ranges_bad_prefix", addr_ranges_add(&r, "10.0.0.0/33",
	    "trusted proxy", &err), CHOUSA_EINVAL);
	T_STREQ("ranges_bad_said", err.msg, "bad trusted proxy '10.0.0.0/33': "
	    "want an address or CIDR such as 10.20.0.0/16");
	/* X-Forwarded-For, the proxies 10.0.0.0/8, 192.0.2.7, 2001:db8::/32 */
	{
		static const struct {
			const char *xff, *want;
		} fwd[] = {
			{ "203.0.113.9", "203.0.113.9" },
			{ "6.6.6.6, 203.0.113.9", "203.0.113.9" },
			{ "203.0.113.9, 10.1.1.1", "203.0.113.9" },
			{ "203.0.113.9,10.1.1.1,192.0.2.7", "203.0.113.9" },
			{ "10.2.2.2, 10.1.1.1", "10.2.2.2" },
			{ "203.0.113.9:5555", "203.0.113.9" },
			{ "[2001:db9::5]:443, 2001:db8::1", "2001:db9::5" },
			{ "garbage, 10.1.1.1", "10.1.1.1" },
			{ "203.0.113.9, unknown", NULL },
			{ "", NULL },
			{ " , ", NULL },
		};

		for (i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++) {
			int rc = addr_forwarded_client(&r, fwd[i].xff,
			    strlen(fwd[i].xff), out);

			if (fwd[i].want == NULL)
				T_INTEQ(fwd[i].xff, rc, -1);
			else if (rc == 0)
				T_STREQ(fwd[i].xff, out, fwd[i].want);
			else
				T_OK(fwd[i].xff, 0);
		}
	}
	r.n = ADDR_RANGES_MAX - 1;
	T_INTEQ("ranges_full", addr_ranges_add(&r, "192.0.2.1, 192.0.2.2",
	    "internal range", &err), CHOUSA_EINVAL);
	T_STREQ("ranges_full_said", err.msg, "more than 1 internal range entries");
}

int
main(void)
{
	test_tally();
	test_jw();
	test_dynlib();
	test_buf();
	test_grow();
	test_arena();
	test_esc();
	test_config();
	test_config_ini();
	test_config_size();
	test_config_owner_checks();
	test_suggest();
	test_time();
	test_duration();
	test_time_format();
	test_hash_hex();
	test_ranges();
	return T_DONE();
}
