/*
 * cmd-update.c: `chousa update [SOURCE...]`: download each feed from its
 * official location (or the [feeds] <source>_url of the config), with the
 * abuse.ch Auth-Key and a conditional request, then import it.  A failed
 * download or import leaves the previous data in place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const struct cli_opt update_opts[] = {
	{ 0 }
};

static char *
feed_dir(void)
{
	const char *db = cli_db_path();
	const char *slash = strrchr(db, '/');
	size_t n = slash != NULL ? (size_t)(slash - db) : 1;
	char *dir = xmalloc(n + 16);

	if (slash != NULL)
		memcpy(dir, db, n);
	else
		dir[0] = '.';
	memcpy(dir + n, "/feeds", 7);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		cli_die(EXIT_BADINPUT, "cannot create '%s': %s", dir,
		    strerror(errno));
	return dir;
}

/* Download and import one feed; returns its exit status. */
static int
update_one(struct chousa_store *st, struct chousa_http *h,
    const struct chousa_config *cfg, const struct chousa_feed *f,
    const char *dir,
    int named)
{
	struct chousa_err err = { 0 };
	struct chousa_arena *a = NULL;
	struct chousa_http_req req;
	struct chousa_http_resp meta;
	struct chousa_import_report rep;
	struct chousa_bundle_report bundle;
	struct cli_progress prog;
	const char *url, *key, *etag = NULL, *lastmod = NULL;
	const char *headers[2] = { NULL, NULL };
	char keyname[64], *path, *hdr = NULL;
	int not_modified = 0, rc, status = EXIT_CLEAN;

	snprintf(keyname, sizeof(keyname), "%s_url", f->name);
	url = chousa_config_get(cfg, "feeds", keyname);
	if (url == NULL)
		url = f->url;
	if (url == NULL) {
		cli_warn("%s: no location; set [feeds] %s in the config",
		    f->name, keyname);
		return EXIT_USAGE;
	}
	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		cli_die_err(&err);
	path = chousa_arena_printf(a, "%s/%s", dir, f->file);
	if (path == NULL)
		cli_die(EXIT_INTERNAL, "out of memory");
	key = f->flags & CHOUSA_FEED_ABUSECH_KEY ? chousa_config_get(cfg,
	    "abusech", "auth_key") : NULL;
	/* The Hunting API answers nobody without a key. */
	if ((f->flags & CHOUSA_FEED_NEEDS_KEY) && (key == NULL ||
	    key[0] == '\0')) {
		if (named)
			cli_warn("%s: %s needs a key: set [abusech] auth_key",
			    f->name, f->title);
		else if (!g_opt.quiet)
			fprintf(stderr, "%s: skipped: %s needs [abusech] "
			    "auth_key\n", f->name, f->title);
		chousa_arena_free(a);
		return named ? EXIT_USAGE : EXIT_CLEAN;
	}
	memset(&req, 0, sizeof(req));
	req.method = f->post != NULL ? "POST" : "GET";
	req.url = url;
	if (f->post != NULL) {
		req.body = f->post;
		req.body_len = strlen(f->post);
	}
	if (key != NULL && key[0] != '\0') {
		hdr = chousa_arena_printf(a, "Auth-Key: %s", key);
		if (hdr == NULL)
			cli_die(EXIT_INTERNAL, "out of memory");
		headers[0] = hdr;
		req.headers = headers;
	}
	/* Conditional only when the last file is there to fall back on. */
	if (f->post == NULL && access(path, R_OK) == 0 &&
	    chousa_store_feed_state(st, a, f->name, &etag, &lastmod, &err) ==
	    CHOUSA_OK) {
		req.if_none_match = etag;
		req.if_modified_since = lastmod;
	}
	cli_progress_init(&prog, f->name);
	memset(&meta, 0, sizeof(meta));
	rc = chousa_http_download(h, &req, path, &not_modified, &meta,
	    cli_progress_update, &prog, &err);
	cli_progress_end(&prog);
	if (rc != CHOUSA_OK) {
		/* The URL may carry a key: name the feed, not the URL. */
		cli_warn("%s: %s (previous data kept)", f->name, err.msg);
		if (g_opt.json)
			cli_json_import(f->name, path, "failed", NULL, &err);
		status = EXIT_SOURCE;
		goto out;
	}
	if (not_modified) {
		/* Unchanged upstream is fresh: the check is dated. */
		if (chousa_store_set_feed_state(st, f->name, url, etag,
		    lastmod, &err) != CHOUSA_OK)
			cli_warn("%s: %s", f->name, err.msg);
		if (g_opt.json)
			cli_json_import(f->name, path, "not_modified", NULL,
			    NULL);
		if (!g_opt.quiet)
			fprintf(stderr, "%s: not modified since the last "
			    "update\n", f->name);
		goto out;
	}
	etag = meta.etag != NULL ? chousa_arena_strdup(a, meta.etag) : NULL;
	lastmod = meta.last_modified != NULL ?
	    chousa_arena_strdup(a, meta.last_modified) : NULL;
	{
		struct chousa_import_opts o;

		memset(&o, 0, sizeof(o));
		cli_progress_init(&prog, f->name);
		o.progress = cli_progress_update;
		o.progress_arg = &prog;
		rc = chousa_feed_import(st, f, path, &o, &rep, &bundle, &err);
		cli_progress_end(&prog);
	}
	if (g_opt.json)
		cli_json_import(f->name, path, rc == CHOUSA_OK ? "imported" :
		    "failed", &rep, rc == CHOUSA_OK ? NULL : &err);
	if (rc != CHOUSA_OK) {
		cli_warn("%s: %s (previous data kept)", f->name, err.msg);
		status = cli_exit_for_rc(rc) == EXIT_BADINPUT ? EXIT_SOURCE :
		    cli_exit_for_rc(rc);
		goto out;
	}
	if (chousa_store_set_feed_state(st, f->name, url, etag, lastmod,
	    &err) != CHOUSA_OK)
		cli_warn("%s: %s", f->name, err.msg);
	if (bundle.lists + bundle.failed > 0) {
		if (!g_opt.quiet)
			fprintf(stderr, "%s: updated (%u list%s): read %llu, "
			    "added %llu, rejected %llu, skipped %llu\n",
			    f->name, bundle.lists, bundle.lists == 1 ? "" : "s",
			    (unsigned long long)bundle.rows,
			    (unsigned long long)bundle.added,
			    (unsigned long long)bundle.rejected,
			    (unsigned long long)bundle.skipped);
		/* The others are in: a refused list is a warning. */
		if (bundle.failed > 0)
			cli_warn("%s: %u list%s refused by the importer "
			    "(first: %s)", f->name, bundle.failed, bundle.failed == 1 ?
			    "" : "s", bundle.first_failure);
	} else if (!g_opt.quiet)
		fprintf(stderr, "%s: updated (%s): read %llu, added %llu, "
		    "updated %llu, rejected %llu\n", f->name, rep.format,
		    (unsigned long long)rep.rows_read,
		    (unsigned long long)rep.added,
		    (unsigned long long)rep.updated,
		    (unsigned long long)rep.rejected);
out:
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
	const char *arg;
	char *dir;
	int i, k, status = EXIT_CLEAN, rc;

	while (cli_getopt(self, argc, argv, &arg) != -1)
		;
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
	dir = feed_dir();
	for (k = 0; feeds[k] != NULL; k++) {
		int wanted = cli_optind >= argc, named = 0;

		for (i = cli_optind; i < argc && !named; i++)
			named = strcmp(feeds[k]->name, argv[i]) == 0;
		if (!wanted && !named)
			continue;
		rc = update_one(st, h, cfg, feeds[k], dir, named);
		if (rc > status)
			status = rc;
	}
	free(dir);
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
	"The downloaded files are kept in a feeds/ directory beside the "
	"store.  "
	"A failed download or import leaves the previous data in place; the "
	"status is then 4.",
	update_opts, run_update,
	"chousa update\n"
	"chousa update urlhaus feodo\n"
	"CHOUSA_ABUSECH_AUTH_KEY=... chousa update threatfox"
};
