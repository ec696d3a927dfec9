/*
 * cmd-update.c: `chousa update [SOURCE...]`: update each feed asked for
 * through chousa_feed_update() (download, conditionally, and import) and
 * print how each ended.  A failed download or import leaves the previous
 * data in place.
 */
#include <string.h>

#include "cli.h"

static const struct cli_opt update_opts[] = {
	{ 0 }
};

/* Each step of an update gets a progress bar of its own. */
static void
show_step(void *arg, const struct chousa_feed *f, int step)
{
	struct cli_progress *prog = arg;

	if (step == CHOUSA_FEED_STEP_END)
		cli_progress_end(prog);
	else
		cli_progress_init(prog, f->name);
}

/* Whether the feed of r went in as a bundle of lists, list by list. */
static int
is_bundle(const struct chousa_feed_result *r)
{
	return r->bundle.lists + r->bundle.failed > 0;
}

/*
 * The JSON line of an update whose import went in (err NULL) or failed:
 * a bundle's is the one chousa import gives it, with its counts (its
 * import report is empty), and a bundle the store failed midway (a full
 * disk) counts the lists that went in before it.
 */
static void
print_result(const struct chousa_feed *f, const struct chousa_feed_result *r,
    int status, const struct chousa_err *err)
{
	struct chousa_buf b;

	if (!g_opt.json || !is_bundle(r)) {
		cli_print_import(f->name, r->path, err != NULL ? "failed" :
		    "imported", &r->rep, err);
		return;
	}
	chousa_buf_init(&b, 0);
	chousa_import_bundle_json(&b, f->name, r->path,
	    (f->flags & CHOUSA_FEED_FPLIST) ? "json" : "archive", &r->bundle,
	    status, err);
	cli_output(&b);
}

/* The summary of an update that went in. */
static void
print_updated(const struct chousa_feed *f, const struct chousa_feed_result *r)
{
	const struct chousa_bundle_report *bundle = &r->bundle;
	const struct chousa_import_report *rep = &r->rep;

	if (is_bundle(r)) {
		if (!g_opt.quiet)
			fprintf(stderr, "%s: updated (%u list%s): read %llu, "
			    "added %llu, rejected %llu, skipped %llu\n",
			    f->name, bundle->lists, bundle->lists == 1 ? "" :
			    "s", (unsigned long long)bundle->rows,
			    (unsigned long long)bundle->added,
			    (unsigned long long)bundle->rejected,
			    (unsigned long long)bundle->skipped);
		/* The others are in: a refused list is a warning. */
		if (bundle->failed > 0)
			cli_warn("%s: %u list%s refused by the importer "
			    "(first: %s)", f->name, bundle->failed,
			    bundle->failed == 1 ? "" : "s",
			    bundle->first_failure);
	} else if (!g_opt.quiet)
		fprintf(stderr, "%s: updated (%s): read %llu, added %llu, "
		    "updated %llu, rejected %llu\n", f->name, rep->format,
		    (unsigned long long)rep->rows_read,
		    (unsigned long long)rep->added,
		    (unsigned long long)rep->updated,
		    (unsigned long long)rep->rejected);
}

/* Print how the update of f ended; returns its exit status. */
static int
report_one(const struct chousa_feed *f, const struct chousa_feed_result *r,
    int rc, const struct chousa_err *err, int named)
{
	char said[CHOUSA_BUNDLE_FAILED_TEXT];
	int status;

	switch (r->outcome) {
	case CHOUSA_FEED_NO_KEY:
		if (named)
			cli_warn("%s: %s needs a key: set [abusech] auth_key",
			    f->name, f->title);
		else if (!g_opt.quiet)
			fprintf(stderr, "%s: skipped: %s needs [abusech] "
			    "auth_key\n", f->name, f->title);
		return named ? EXIT_USAGE : EXIT_CLEAN;
	case CHOUSA_FEED_DOWNLOAD_FAILED:
		/* The URL may carry a key: name the feed, not the URL. */
		cli_warn("%s: %s (previous data kept)", f->name, err->msg);
		cli_print_import(f->name, r->path, "failed", NULL, err);
		/* The file beside the store unwritten is no source's fault. */
		return rc == CHOUSA_EIO ? chousa_exit_for_rc(rc) : EXIT_SOURCE;
	case CHOUSA_FEED_NOT_MODIFIED:
		if (r->state_err.code != CHOUSA_OK)
			cli_warn("%s: %s", f->name, r->state_err.msg);
		cli_print_import(f->name, r->path, "not_modified", NULL, NULL);
		if (!g_opt.quiet)
			fprintf(stderr, "%s: not modified since the last "
			    "update\n", f->name);
		return chousa_exit_for_rc(r->state_err.code);
	case CHOUSA_FEED_IMPORT_FAILED:
		/*
		 * A file that cannot be imported is the source's failure;
		 * the store's (a full disk) keeps its status, so that
		 * monitoring blames the disk, not the feed.
		 */
		status = chousa_exit_for_rc(rc);
		if (status == EXIT_BADINPUT && rc != CHOUSA_ESTORE)
			status = EXIT_SOURCE;
		print_result(f, r, status, err);
		/*
		 * A bundle commits list by list: those before the failure
		 * (a full disk stops the walk) are in, and saying nothing
		 * changed would be false.
		 */
		if (r->bundle.lists > 0)
			cli_warn("%s: %s", f->name,
			    chousa_import_bundle_failed_text(said, sizeof(said),
			    &r->bundle, "updated", err));
		else
			cli_warn("%s: %s (previous data kept)", f->name,
			    err->msg);
		return status;
	case CHOUSA_FEED_UPDATED:
		print_result(f, r, 0, NULL);
		if (r->state_err.code != CHOUSA_OK)
			cli_warn("%s: %s", f->name, r->state_err.msg);
		print_updated(f, r);
		/*
		 * The data is in, but unsaved state makes the next update
		 * download it all again (a full disk): a script must see it.
		 */
		return chousa_exit_for_rc(r->state_err.code);
	default:
		if (rc == CHOUSA_ENOMEM)
			cli_die(EXIT_INTERNAL, "out of memory");
		cli_warn("%s: %s", f->name, err->msg);
		return chousa_exit_for_rc(rc);
	}
}

/*
 * Download and import one feed; returns its exit status, and counts in
 * *n_tried and *n_unreached the feeds asked for and those not downloaded.
 */
static int
update_one(const struct chousa_feed_update_opts *common,
    const struct chousa_feed *f, int named, int *n_tried, int *n_unreached)
{
	struct chousa_feed_update_opts o = *common;
	struct chousa_err err = { 0 };
	struct chousa_arena *a = NULL;
	struct chousa_feed_result r;
	struct cli_progress prog;
	int rc, status;

	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		cli_die_err(&err);
	o.step = show_step;
	o.progress = cli_progress_update;
	o.progress_arg = &prog;
	rc = chousa_feed_update(&o, f, a, &r, &err);
	status = report_one(f, &r, rc, &err, named);
	if (r.outcome != CHOUSA_FEED_NO_KEY)
		(*n_tried)++;
	/* Not reached: the network's failure, not memory's or the disk's. */
	if (r.outcome == CHOUSA_FEED_DOWNLOAD_FAILED && (rc == CHOUSA_EHTTP ||
	    rc == CHOUSA_ETIMEOUT))
		(*n_unreached)++;
	chousa_arena_free(a);
	return status;
}

static int
run_update(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_http_opts hopts;
	struct chousa_err err = { 0 };
	struct chousa_config *cfg;
	struct chousa_store *st;
	struct chousa_http *h;
	const struct chousa_feed *const *feeds = chousa_feed_downloads();
	struct chousa_feed_update_opts o;
	struct chousa_buf dir;
	const char *arg;
	int i, k, status = EXIT_CLEAN, rc, n_tried = 0, n_unreached = 0;

	while (cli_getopt(self, argc, argv, &arg) != -1)
		;
	/* The team server's feeds, only when --server asks it. */
	if (cli_server_url(argc, argv) != NULL && g_opt.server != NULL) {
		if (cli_optind < argc)
			cli_usage_error(self, "with --server, the server updates "
			    "every feed its config names: name none");
		return cli_remote_update();
	}
	for (i = cli_optind; i < argc; i++) {
		const char *names[32];

		for (k = 0; feeds[k] != NULL; k++)
			if (strcmp(feeds[k]->name, argv[i]) == 0)
				break;
		if (feeds[k] == NULL) {
			for (k = 0; k < 31 && feeds[k] != NULL; k++)
				names[k] = feeds[k]->name;
			names[k] = NULL;
			cli_unknown_name(self, "source", argv[i], names);
		}
	}
	cfg = cli_load_config();
	memset(&hopts, 0, sizeof(hopts));
	hopts.timeout_ms = chousa_config_get_long(cfg, "feeds", "timeout",
	    600) * 1000;
	hopts.connect_timeout_ms = 15000;
	hopts.max_body = (size_t)4 << 30;
	if (chousa_http_new(&h, &hopts, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_http_use_config(h, cfg);
	if (chousa_http_insecure(cfg))
		cli_warn("warning: TLS verification is off");
	st = cli_open_store(0);
	chousa_buf_init(&dir, 0);
	if (chousa_feed_dir(cli_db_path(), &dir, &err) != CHOUSA_OK)
		cli_die_err(&err);
	memset(&o, 0, sizeof(o));
	o.cfg = cfg;
	o.store = st;
	o.http = h;
	o.dir = dir.data;
	for (k = 0; feeds[k] != NULL; k++) {
		int wanted = cli_optind >= argc, named = 0;

		for (i = cli_optind; i < argc && !named; i++)
			named = strcmp(feeds[k]->name, argv[i]) == 0;
		if (!wanted && !named)
			continue;
		rc = update_one(&o, feeds[k], named, &n_tried, &n_unreached);
		if (rc > status)
			status = rc;
	}
	/* Offline or behind a proxy, every feed fails alike: say what helps. */
	if (n_tried > 0 && n_unreached == n_tried)
		cli_warn("no feed could be downloaded: check the network and "
		    "HTTPS_PROXY, name mirrors in [feeds] ('chousa update "
		    "--help' says how), or load files fetched elsewhere with "
		    "'chousa import'");
	chousa_buf_release(&dir);
	chousa_store_close(st);
	chousa_http_free(h);
	chousa_config_free(cfg);
	return status;
}

const struct cli_cmd cmd_update = {
	"update", "Download the open feeds and import them",
	"[SOURCE...]",
	"Download each SOURCE (default: all of @DOWNLOADS@) and import it "
	"into the store.  warninglist is the MISP warninglists repository "
	"archive (every lists/*/list.json in it: CDNs, cloud ranges, public "
	"resolvers, popular domains, shared platforms), so a new store knows "
	"what is benign; abusech-fp is abuse.ch's false-positive list, fetched "
	"only with an [abusech] auth_key.  Each feed comes from its official "
	"location unless the config names another ([feeds] urlhaus_url = ..., "
	"threatfox_url, feodo_url, malwarebazaar_url, malpedia_url, "
	"warninglist_url (an archive or one list.json), abusech-fp_url), so a "
	"mirror or a local server can stand in.  The abuse.ch Auth-Key "
	"([abusech] auth_key) is sent to abuse.ch feeds.  "
	"Requests are conditional (ETag, If-Modified-Since): an unchanged feed "
	"is not downloaded again.  HTTPS_PROXY is honoured; [feeds] timeout "
	"sets the time-out in seconds (default 600).\n\n"
	"With --server URL (and an admin token), the team server runs the "
	"update on its store, now or, when one runs already, that one, and "
	"this prints what it printed there and ends with its status.\n\n"
	"The downloaded files are kept in a feeds/ directory beside the "
	"store.  "
	"A failed download or import leaves the previous data in place; the "
	"status is then 4, unless this machine failed, not the feed: a "
	"download or an import its disk cannot take (a full disk) says so and "
	"ends with 3, as chousa import does.  The warninglists archive goes "
	"in list by list: when the store fails midway, the lists before are "
	"in (the message says how many) and the rest keep their previous "
	"data.  When the time of the check cannot be saved (a "
	"full disk), the next update downloads the feed again: that is said "
	"and the status is 3.",
	update_opts, run_update,
	"chousa update\n"
	"chousa update urlhaus feodo\n"
	"CHOUSA_ABUSECH_AUTH_KEY=... chousa update threatfox",
	NULL,
	NULL
};
