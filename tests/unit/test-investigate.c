/*
 * test-investigate.c: the investigation through the library, on a fresh
 * store filled by the real importers from the demo data (demo/, real feed
 * formats): verdicts, pivots, statuses, family votes, and the renderers'
 * safety with hostile strings.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chousa.h"
#include "t.h"

static char dbpath[256];

static struct chousa_store *
demo_store(void)
{
	static const char *const files[] = { "urlhaus.csv", "threatfox.csv",
	    "malwarebazaar.csv", "feodo.csv", "malpedia.json",
	    "warninglist.json", "sandbox-report.misp.json", NULL };
	struct chousa_import_opts io;
	struct chousa_import_report rep;
	struct chousa_store *st;
	struct chousa_err err;
	char path[512];
	const char *tmp = getenv("TMPDIR");
	size_t i;

	snprintf(dbpath, sizeof(dbpath), "%s/inv-unit-%d.db",
	    tmp != NULL ? tmp : "/tmp", (int)getpid());
	unlink(dbpath);
	if (chousa_store_open(&st, dbpath, 0, &err) != CHOUSA_OK) {
		printf("not ok - store_opens: %s\n", err.msg);
		return NULL;
	}
	memset(&io, 0, sizeof(io));
	for (i = 0; files[i] != NULL; i++) {
		snprintf(path, sizeof(path), "demo/%s", files[i]);
		if (chousa_store_import(st, "auto", path, &io, &rep, &err) !=
		    CHOUSA_OK)
			printf("# import %s: %s\n", files[i], err.msg);
	}
	return st;
}

static const struct chousa_report *
one(struct chousa_ctx *ctx, const char *input)
{
	struct chousa_report *reps;
	struct chousa_err err;
	const char *in[1];

	in[0] = input;
	if (chousa_investigate(ctx, in, 1, &reps, &err) != CHOUSA_OK) {
		printf("# investigate %s: %s\n", input, err.msg);
		return NULL;
	}
	return &reps[0];
}

static int
conclusion_has(const struct chousa_report *r, const char *needle)
{
	size_t i;

	for (i = 0; r != NULL && i < r->n_conclusion; i++)
		if (strstr(r->conclusion[i], needle) != NULL)
			return 1;
	return 0;
}

static void
render(const struct chousa_report *r, const char *fmt, int defang,
    struct chousa_buf *out)
{
	struct chousa_render_opts ro = { .defang = defang };
	struct chousa_render rs;
	struct chousa_err err;

	chousa_buf_init(out, 0);
	chousa_render_begin(&rs, chousa_renderer_find(fmt), &ro, out, &err);
	chousa_render_item(&rs, r, &err);
	chousa_render_end(&rs, &err);
}

int
main(void)
{
	struct chousa_investigate_opts opts;
	struct chousa_store *st = demo_store();
	struct chousa_ctx *ctx;
	const struct chousa_report *r;
	struct chousa_err err;
	struct chousa_buf out;

	if (st == NULL)
		return 1;
	memset(&opts, 0, sizeof(opts));
	opts.offline = 1;
	T_INTEQ("ctx_new_offline", chousa_ctx_new(&ctx, st, NULL, &opts,
	    &err), CHOUSA_OK);
	T_OK("offline_has_no_http", chousa_ctx_http(ctx) == NULL);

	r = one(ctx, "www[.]dnautik[.]com");
	T_OK("worked_example_runs", r != NULL);
	if (r != NULL) {
		T_STREQ("worked_example_malicious",
		    chousa_verdict_name(r->verdict), "malicious");
		T_STREQ("worked_example_family", r->family ? r->family->id :
		    NULL, "win.emotet");
		T_OK("worked_example_sample", r->n_samples > 0 &&
		    strcmp(r->samples[0].sha256, "d7e61d7d1f31426d1c59eeab4e6"
		    "0fdd433b6889a548b94129e0ae34fb766a7cf") == 0);
		T_OK("worked_example_conclusion_names_emotet",
		    conclusion_has(r, "Emotet downloader document"));
		render(r, "text", 1, &out);
		T_OK("text_defangs", strstr(out.data, "www[.]dnautik[.]com") !=
		    NULL && strstr(out.data, "www.dnautik.com") == NULL);
		chousa_buf_release(&out);
		render(r, "json", 1, &out);
		T_OK("json_never_defangs", strstr(out.data,
		    "\"value\":\"www.dnautik.com\"") != NULL);
		chousa_buf_release(&out);
	}
	r = one(ctx, "162.243.103.246");
	T_OK("feodo_c2_malicious", r != NULL && r->verdict ==
	    CHOUSA_V_MALICIOUS);
	T_OK("feodo_c2_emotet", r != NULL && r->family != NULL &&
	    strcmp(r->family->id, "win.emotet") == 0);
	r = one(ctx, "www.google.com");
	T_OK("benign_not_malicious", r != NULL && r->verdict ==
	    CHOUSA_V_BENIGN);
	r = one(ctx, "nobody-knows-this.example.org");
	T_OK("nobody_unknown", r != NULL && r->verdict == CHOUSA_V_UNKNOWN);
	r = one(ctx, "not an indicator at all");
	T_OK("malformed_reported", r != NULL && r->parse_rc != CHOUSA_OK &&
	    r->parse_error != NULL);
	chousa_ctx_free(ctx);

	/* The budget bounds the walk, and the report says so. */
	opts.budget = 3;
	chousa_ctx_new(&ctx, st, NULL, &opts, &err);
	r = one(ctx, "www.dnautik.com");
	T_OK("budget_caps_lookups", r != NULL && r->lookups <= 3);
	T_OK("budget_noted", r != NULL && r->n_notes > 0 &&
	    strstr(r->notes[0], "budget") != NULL);
	chousa_ctx_free(ctx);
	opts.budget = 0;

	/* "local" names the group; online sources are then not asked. */
	opts.sources = "local";
	chousa_ctx_new(&ctx, st, NULL, &opts, &err);
	r = one(ctx, "www.dnautik.com");
	{
		size_t s, i, online = 0;

		for (s = 0; r != NULL && s < r->n_stages; s++)
			for (i = 0; i < r->stages[s].n_findings; i++)
				if (strncmp(r->stages[s].findings[i].source,
				    "local-", 6) != 0 && strcmp(
				    r->stages[s].findings[i].source,
				    "benign") != 0)
					online++;
		T_OK("local_group_asks_no_online_source", r != NULL &&
		    online == 0);
	}
	chousa_ctx_free(ctx);
	opts.sources = NULL;

	/* A batch keeps input order; one bad input spoils nothing. */
	chousa_ctx_new(&ctx, st, NULL, &opts, &err);
	{
		const char *in[3] = { "162.243.103.246", "%%%",
		    "www.google.com" };
		struct chousa_report *reps;

		T_INTEQ("batch_runs", chousa_investigate(ctx, in, 3, &reps,
		    &err), CHOUSA_OK);
		T_OK("batch_order", strcmp(reps[0].ind.value,
		    "162.243.103.246") == 0 && reps[1].parse_rc != CHOUSA_OK &&
		    strcmp(reps[2].ind.value, "www.google.com") == 0);
	}
	T_STREQ("status_names", chousa_status_name(CHOUSA_ST_SKIPPED),
	    "skipped");
	T_STREQ("verdict_never_clean", chousa_verdict_name(CHOUSA_V_UNKNOWN),
	    "unknown");
	T_OK("renderers_listed", chousa_renderer_find("text") != NULL &&
	    chousa_renderer_find("json") != NULL &&
	    chousa_renderer_find("md") != NULL &&
	    chousa_renderer_find("nope") == NULL);
	chousa_ctx_free(ctx);

	/* An unknown source name is refused. */
	opts.sources = "local-urlhaus,nosuchsource";
	T_INTEQ("unknown_source_refused", chousa_ctx_new(&ctx, st, NULL,
	    &opts, &err), CHOUSA_ENOTFOUND);

	/* Without a store every local source says error, not miss. */
	opts.sources = NULL;
	chousa_ctx_new(&ctx, NULL, NULL, &opts, &err);
	r = one(ctx, "www.dnautik.com");
	T_OK("no_store_is_error_not_clean", r != NULL && r->n_errors > 0 &&
	    r->n_misses == 0 && r->verdict == CHOUSA_V_UNKNOWN);
	chousa_ctx_free(ctx);
	chousa_store_close(st);
	unlink(dbpath);
	return T_DONE();
}
