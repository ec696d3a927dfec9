/*
 * client.c: `chousa --server URL` (or [server] url, CHOUSA_SERVER_URL):
 * investigate, lookup, extract, sources and sweep ask the team server
 * (chousa serve) instead of the local store and keys, import, update and
 * token (with --server only) act on the team's store, and export
 * (cli/client-export.c) writes the server's store here.  Each command's
 * options are read from the same table as locally and sent as the REST
 * API's; the server answers in the frame of cli=1 (src/serve/server.c):
 * the exit status, then the warnings and the output as the local command
 * would print them, in its order, written out unchanged.  The token is
 * [server] api_key or CHOUSA_SERVER_KEY, sent in the Authorization
 * header, never printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"

#define ANSWER_MAX	((size_t)256 << 20)
#define INPUT_MAX	((size_t)256 << 20)
#define REMOTE_MAX_INPUTS	1000


static struct chousa_config *client_cfg;

const char *
cli_server_url(int argc, char **argv)
{
	struct chousa_err err = { 0 };
	const char *u;
	int i;

	/* --server after the command is parsed later: look for it now. */
	for (i = 1; argv != NULL && i < argc && g_opt.server == NULL; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		/* Help is printed here, whatever the config holds. */
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return NULL;
		if (strcmp(argv[i], "--server") == 0 && i + 1 < argc)
			g_opt.server = argv[i + 1];
		else if (strncmp(argv[i], "--server=", 9) == 0)
			g_opt.server = argv[i] + 9;
	}
	if (g_opt.server != NULL)
		return g_opt.server;
	/*
	 * A config refused (others can read its keys) or unreadable is
	 * refused here, by every command alike: left local, a command
	 * would answer from this machine's store ("not in the store") what
	 * the config's [server] url meant the team's store to answer.
	 */
	if (client_cfg == NULL && chousa_config_load(&client_cfg, g_opt.config,
	    &err) != CHOUSA_OK)
		cli_die_err(&err);
	u = chousa_config_get(client_cfg, "server", "url");
	return u != NULL && *u != '\0' ? u : NULL;
}

/*
 * What a command that cannot ask a server does instead, when --server is
 * on its command line, or NULL: it is one that asks, or one that reads
 * nothing of a store (help, refang...) and so answers the same anywhere.
 * The others would silently use this machine's store and keys: a sweep's
 * "0 hits" from an empty local store read as the team's answer.
 */
static const char *
not_remote(const char *name)
{
	static const struct {
		const char *name, *instead;
	} local[] = {
		{ "mcp", "point the agent at the server's /mcp with a token, or "
		    "run chousa mcp without --server for this machine's store" },
		{ "db", NULL }, { "cache", NULL }, { "serve", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (strcmp(name, local[i].name) == 0)
			return local[i].instead != NULL ? local[i].instead :
			    "run it on the server's machine, without --server";
	return NULL;
}

void
cli_server_only_remote(const struct cli_cmd *cmd, int argc, char **argv)
{
	const char *instead = not_remote(cmd->name);
	int i, given = g_opt.server != NULL;

	for (i = 1; instead != NULL && !given && i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		given = strcmp(argv[i], "--server") == 0 ||
		    strncmp(argv[i], "--server=", 9) == 0;
	}
	if (instead != NULL && given)
		cli_usage_error(cmd, "--server: %s works on this machine's "
		    "store, not a server's; %s", cmd->name, instead);
}

/* ---- the exchange ---- */

static void
on_answer(void *arg, const struct chousa_http_resp *resp)
{
	struct remote_answer *a = arg;

	a->rc = resp->rc;
	a->timed_out = resp->timed_out;
	a->status = resp->status;
	snprintf(a->why, sizeof(a->why), "%s", resp->errmsg);
	if (resp->rc == CHOUSA_OK)
		chousa_buf_add(&a->body, resp->body.data, resp->body.len);
	if (resp->headers != NULL)
		a->headers = xstrdup(resp->headers);
}

void
remote_call(struct remote *rm, const char *method, const char *path,
    const char *lead, const struct chousa_http_req *sink,
    struct remote_answer *a)
{
	struct chousa_http_opts ho;
	struct chousa_http_req req;
	struct chousa_http *h;
	struct chousa_err err = { 0 };
	const char *hdrs[3], *key, *q;
	char *auth = NULL, *url, *ctype = NULL;
	int n_hdr = 0;
	size_t len;

	memset(&ho, 0, sizeof(ho));
	/* An answer handed on as it comes is as big as it is. */
	ho.max_body = sink != NULL && sink->write_body != NULL ?
	    (size_t)1 << 40 : ANSWER_MAX;
	/*
	 * The server answers when the command has run, and an online
	 * investigation takes its time: what ends a request is a silence
	 * of [server] timeout, not its length (a big sweep or export goes
	 * on as long as its bytes flow).
	 */
	ho.timeout_ms = 30L * 86400 * 1000;
	ho.stall_s = chousa_config_get_long(rm->cfg, "server", "timeout", 600);
	ho.connect_timeout_ms = chousa_config_get_long(rm->cfg, "http",
	    "connect_timeout", 10) * 1000;
	if (chousa_http_new(&h, &ho, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_http_use_config(h, rm->cfg);
	key = chousa_config_get(rm->cfg, "server", "api_key");
	if (key != NULL && *key != '\0') {
		auth = xmalloc(strlen(key) + 32);
		snprintf(auth, strlen(key) + 32, "Authorization: Bearer %s",
		    key);
		hdrs[n_hdr++] = auth;
	}
	if (rm->ctype != NULL) {
		ctype = xmalloc(strlen(rm->ctype) + 16);
		snprintf(ctype, strlen(rm->ctype) + 16, "Content-Type: %s",
		    rm->ctype);
		hdrs[n_hdr++] = ctype;
	}
	hdrs[n_hdr] = NULL;
	q = rm->q.data != NULL ? rm->q.data : "";
	if (*lead == '\0' && *q == '&')
		q++;
	rm->path = path;
	len = (size_t)rm->url_len + strlen(path) + strlen(lead) + strlen(q) +
	    8;
	url = xmalloc(len);
	snprintf(url, len, "%.*s%s?%s%s", rm->url_len, rm->url, path, lead, q);
	memset(&req, 0, sizeof(req));
	if (sink != NULL)
		req = *sink;
	req.method = method;
	req.url = url;
	req.headers = hdrs;
	if (strcmp(method, "POST") == 0 && rm->read_body != NULL) {
		req.read_body = rm->read_body;
		req.read_arg = rm->read_arg;
		req.body_size = rm->body_size;
	} else if (strcmp(method, "POST") == 0) {
		req.body = rm->body.data != NULL ? rm->body.data : "";
		req.body_len = rm->body.len;
	}
	memset(a, 0, sizeof(*a));
	chousa_buf_init(&a->body, ANSWER_MAX);
	a->rc = CHOUSA_EHTTP;
	if (chousa_http_submit(h, &req, on_answer, a, &err) != CHOUSA_OK ||
	    chousa_http_run(h, &err) != CHOUSA_OK)
		cli_die_err(&err);
	if (auth != NULL)
		explicit_bzero(auth, strlen(auth));
	free(auth);
	free(ctype);
	free(url);
	chousa_http_free(h);
	if (rm->progress != NULL)
		cli_progress_end(rm->progress);
	chousa_buf_release(&rm->q);
	chousa_buf_release(&rm->body);
}

void
remote_answer_release(struct remote_answer *a)
{
	chousa_buf_release(&a->body);
	free(a->headers);
	a->headers = NULL;
}

/*
 * The output of several answers joined as one command's: a JSON array's
 * "[" and "]\n" (chousa lookup --json) kept once, its items apart by ','
 * as they would be in one answer, whose first item has none; text is
 * written as it comes.
 */
static void
join_prepare(struct remote_join *j, const char *p, const char *end)
{
	size_t total = 0, len;
	const char *nl;

	/* How many bytes of output the frame holds: "[]\n" is no item. */
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		if (*p == 'O' && p + 2 < nl) {
			len = strtoul(p + 2, NULL, 10);
			if (len > (size_t)(end - nl - 1))
				break;
			total += len;
			nl += len;
		}
		p = nl + 1;
	}
	j->pos = 0;
	j->total = total;
	j->has_items = j->is_array && total > 3;
}

static void
join_write(struct remote_join *j, struct chousa_buf *out)
{
	struct chousa_buf piece = *out;
	size_t start = j->pos, end_at = j->pos + out->len;

	j->pos = end_at;
	if (!j->is_array) {
		cli_write(out);
		return;
	}
	/* Byte 0 is '[', the last two "]\n". */
	if (start == 0 && piece.len > 0 && !j->is_first) {
		if (j->has_items && j->items_before) {
			struct chousa_buf comma = { (char *)",", 1, 2, 2, 0 };

			cli_write(&comma);
		}
		piece.data++;
		piece.len--;
		start++;
	}
	if (!j->is_last && j->total >= 3 && end_at + 2 > j->total) {
		size_t keep = j->total - 2 > start ? j->total - 2 - start : 0;

		if (keep < piece.len)
			piece.len = keep;
	}
	if (piece.len > 0)
		cli_write(&piece);
	if (end_at == j->total && j->has_items)
		j->items_before = 1;
}

/* Whether an "O LEN" record of some output follows p in a frame 2. */
static int
output_follows(const char *p, const char *end)
{
	const char *nl;
	size_t len;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (*p == 'O' && p + 2 < nl) {
			len = strtoul(p + 2, NULL, 10);
			if (len > 0)
				return 1;
		}
		p = nl + 1;
	}
	return 0;
}

/*
 * Print a frame's records from p to end: in frame 1, the W and E lines, an
 * empty line and the output; in frame 2, W and E lines, S lines (said on
 * stderr as they are) and "O LEN" lines each followed by LEN bytes of
 * output, in order.  Output goes through
 * stdout's buffer as the local command's does, so that with 2>&1 the
 * warnings fall where they fall locally: each record is one write, and
 * the server makes the local command's last write before a warning a
 * record of its own, so a buffer filled exactly to its edge there is left
 * unflushed here too.
 */
static void
print_frame(int version, const char *p, const char *end,
    const struct remote *rm, struct remote_join *join)
{
	const char *url = rm->url;
	struct chousa_buf out;
	const char *nl;
	char *num_end;
	size_t len;

	memset(&out, 0, sizeof(out));
	if (join != NULL && version > 1)
		join_prepare(join, p, end);
	while (p < end && !(version == 1 && *p == '\n')) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if ((*p == 'W' || *p == 'E') && p + 2 <= nl) {
			if (rm->flush_before_closing && version > 1 &&
			    !output_follows(nl + 1, end))
				cli_flush();
			cli_warn("%.*s", (int)(nl - p - 2), p + 2);
		}
		else if (*p == 'S' && p + 2 <= nl) {
			/* Said as the local command says it. */
			cli_flush();
			fprintf(stderr, "%.*s\n", (int)(nl - p - 2), p + 2);
		}
		else if (version > 1 && *p == 'O' && p + 2 < nl) {
			len = strtoul(p + 2, &num_end, 10);
			if (nl == end || num_end != nl ||
			    len > (size_t)(end - nl - 1))
				cli_die(EXIT_SOURCE, "'%s' answered a cut or "
				    "unreadable frame", url);
			out.data = (char *)(uintptr_t)(nl + 1);
			out.len = len;
			if (join != NULL)
				join_write(join, &out);
			else
				cli_write(&out);
			nl += len;
		} else if (version > 1)
			cli_die(EXIT_SOURCE, "'%s' answered a frame this "
			    "chousa cannot read", url);
		p = nl + 1;
	}
	if (version == 1 && p < end) {
		out.data = (char *)(uintptr_t)(p + 1);
		out.len = (size_t)(end - p - 1);
		cli_write(&out);
	}
	/* Output that goes on in the next answer stays in the buffer, as
	 * the local command's would. */
	if (join == NULL || join->is_last)
		cli_flush();
}

/*
 * Whether the server answers HTTP when asked with scheme instead ("http"
 * or "https"): GET /api/v1/health, without the token, which is never
 * sent where the user did not point it.  A TLS certificate refused
 * counts as an answer: the server speaks TLS.
 */
static int
answers_with(const struct remote *rm, const char *scheme)
{
	struct chousa_http_opts ho;
	struct chousa_http_req req;
	struct remote_answer a;
	struct chousa_http *h;
	const char *rest = strstr(rm->url, "://");
	char url[4200];
	int answered;

	if (rest == NULL)
		return 0;
	rest += 3;
	snprintf(url, sizeof(url), "%s://%.*s/api/v1/health", scheme,
	    rm->url_len - (int)(rest - rm->url), rest);
	memset(&ho, 0, sizeof(ho));
	ho.timeout_ms = 5000;
	ho.connect_timeout_ms = 3000;
	ho.max_body = 65536;
	ho.insecure = 1;
	if (chousa_http_new(&h, &ho, NULL) != CHOUSA_OK)
		return 0;
	chousa_http_use_config(h, rm->cfg);
	memset(&req, 0, sizeof(req));
	req.method = "GET";
	req.url = url;
	memset(&a, 0, sizeof(a));
	chousa_buf_init(&a.body, 65536);
	a.rc = CHOUSA_EHTTP;
	answered = chousa_http_submit(h, &req, on_answer, &a, NULL) ==
	    CHOUSA_OK && chousa_http_run(h, NULL) == CHOUSA_OK &&
	    (a.rc == CHOUSA_OK || (strcmp(scheme, "https") == 0 &&
	    strstr(a.why, "certificate") != NULL));
	remote_answer_release(&a);
	chousa_http_free(h);
	return answered;
}

/*
 * The wrong scheme for the server: an https:// URL to a plain-HTTP server
 * fails in the TLS handshake (OpenSSL's "wrong version number", or the
 * connection closed, as the server reads the hello as a bad request), and
 * a TLS server given an http:// request closes without a word ("Empty
 * reply from server").  The words vary, so a failure that may be this
 * is checked by asking with the other scheme.  The hint, or "".
 */
static void
scheme_hint(const struct remote *rm, const char *why, char *hint,
    size_t hint_size)
{
	int https = strncasecmp(rm->url, "https://", 8) == 0;
	int http = strncasecmp(rm->url, "http://", 7) == 0;
	const char *rest = rm->url + (https ? 8 : 7);

	hint[0] = '\0';
	if (https && (strstr(why, "SSL") != NULL || strstr(why, "TLS") !=
	    NULL) && answers_with(rm, "http"))
		snprintf(hint, hint_size, " (the server answers plain HTTP, "
		    "not HTTPS: use http://%.*s)", rm->url_len - 8, rest);
	else if (http && (strstr(why, "Empty reply") != NULL ||
	    strstr(why, "Recv failure") != NULL ||
	    strstr(why, "reset by peer") != NULL) && answers_with(rm, "https"))
		snprintf(hint, hint_size, " (the server speaks HTTPS: use "
		    "https://%.*s)", rm->url_len - 7, rest);
}

/* Where a setting of the config came from, for a message: "in 'F'". */
static void
origin_words(const struct chousa_config *cfg, const char *section,
    const char *key, char *out, size_t size)
{
	struct chousa_config_origin o;

	memset(&o, 0, sizeof(o));
	if (chousa_config_get_origin(cfg, section, key, &o) == NULL)
		snprintf(out, size, "[%s] %s", section, key);
	else if (o.env[0] != '\0')
		snprintf(out, size, "%s", o.env);
	else if (o.file != NULL && o.line > 0)
		snprintf(out, size, "[%s] %s in '%s' line %zu", section, key,
		    o.file, o.line);
	else if (o.file != NULL)
		snprintf(out, size, "[%s] %s in '%s'", section, key, o.file);
	else
		snprintf(out, size, "[%s] %s", section, key);
}

/*
 * After the server's refusal of the token (401) or of what it may do
 * (403), what the user of the CLI can do about it.
 */
static void
token_hint(const struct remote *rm, long http_status)
{
	const char *key = chousa_config_get(rm->cfg, "server", "api_key");
	char where[4200];

	if (http_status == 403) {
		cli_warn("the token is refused this request on '%s' (its role "
		    "or the addresses it may come from): ask the server's "
		    "admin", rm->url);
		return;
	}
	if (key == NULL || *key == '\0') {
		cli_warn("no token was sent to '%s': set CHOUSA_SERVER_KEY or "
		    "[server] api_key in the config to the token the "
		    "server's admin gave you (chousa token create)", rm->url);
		return;
	}
	origin_words(rm->cfg, "server", "api_key", where, sizeof(where));
	cli_warn("the token of %s is refused by '%s': ask the server's "
	    "admin for a valid one", where, rm->url);
}

void
remote_unanswered(struct remote *rm, struct remote_answer *a)
{
	char hint[4200];

	if (a->timed_out == CHOUSA_HTTP_TIMEOUT_STALL)
		cli_die(EXIT_SOURCE, "the server '%s' answered nothing: %s "
		    "([server] timeout; raise it when the server has a long "
		    "online investigation to run)", rm->url, a->why);
	if (a->timed_out == CHOUSA_HTTP_TIMEOUT_CONNECT)
		cli_die(EXIT_SOURCE, "cannot reach the server '%s': %s "
		    "([http] connect_timeout)", rm->url, a->why);
	/* curl's words for a certificate it cannot trust. */
	if (strstr(a->why, "certificate") != NULL)
		cli_die(EXIT_SOURCE, "cannot reach the server '%s': %s (a "
		    "server certificate of an on-premises CA is trusted with "
		    "[http] ca_file = CA.pem in the config)", rm->url, a->why);
	scheme_hint(rm, a->why, hint, sizeof(hint));
	cli_die(EXIT_SOURCE, "cannot reach the server '%s': %s%s", rm->url,
	    a->why, hint);
}

int
remote_framed(struct remote *rm, struct remote_answer *a)
{
	return remote_framed_join(rm, a, NULL);
}

int
remote_framed_join(struct remote *rm, struct remote_answer *a,
    struct remote_join *join)
{
	const char *p, *end, *nl;
	int status, version, refused;
	long refused_status = a->status;

	if (a->rc != CHOUSA_OK)
		remote_unanswered(rm, a);
	/* "chousa/1 EXIT" or "chousa/2 EXIT", then the records. */
	p = a->body.data;
	end = p + a->body.len;
	if (a->body.len < 11 || (strncmp(p, "chousa/1 ", 9) != 0 &&
	    strncmp(p, "chousa/2 ", 9) != 0)) {
		/* A server of an older chousa lacks the newer routes. */
		if (a->status == 404 && rm->path != NULL)
			cli_die(EXIT_SOURCE, "'%s' has no %s (HTTP 404): a "
			    "chousa serve older than this chousa, or no chousa "
			    "server", rm->url, rm->path);
		cli_die(EXIT_SOURCE, "'%s' answered HTTP %ld, not as a chousa "
		    "server", rm->url, a->status);
	}
	version = p[7] - '0';
	status = (int)strtol(p + 9, NULL, 10);
	nl = memchr(p, '\n', (size_t)(end - p));
	if (join != NULL && version == 1 && join->is_first && join->is_last)
		join = NULL;
	if (join != NULL && version == 1)
		cli_die(EXIT_SOURCE, "'%s' answered in frame 1: ask it for at "
		    "most %d indicators a command", rm->url, REMOTE_MAX_INPUTS);
	refused = a->status == 401 || a->status == 403;
	print_frame(version, nl != NULL ? nl + 1 : end, end, rm, join);
	remote_answer_release(a);
	if (!refused)
		return status;
	token_hint(rm, refused_status);
	/* Not a failure to retry: the token must change first. */
	return EXIT_BADINPUT;
}

/* Send the request; print the warnings and output; return the status. */
static int
exchange(struct remote *rm, const char *method, const char *path)
{
	struct remote_answer a;

	/* A server that knows no frame 2 answers in frame 1. */
	remote_call(rm, method, path, REMOTE_FRAMED, NULL, &a);
	return remote_framed(rm, &a);
}

/* ---- building requests ---- */

/* The long name of option id in cmd's table ("format"), or "". */
const char *
remote_opt_name(const struct cli_cmd *cmd, int id)
{
	const struct cli_opt *o;

	for (o = cmd->opts; o != NULL && o->id != 0; o++)
		if (o->id == id)
			return o->name;
	return "";
}

void
remote_query(struct remote *rm, const char *key, const char *value)
{
	const unsigned char *s = (const unsigned char *)value;

	chousa_buf_addf(&rm->q, "&%s=", key);
	for (; *s != '\0'; s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || strchr("-_.~", *s) != NULL)
			chousa_buf_addch(&rm->q, *s);
		else
			chousa_buf_addf(&rm->q, "%%%02X", *s);
	}
}

struct list {
	char	**v;
	size_t	  n, cap;
};

/* s[0, len) as it is. */
static void
list_add(struct list *l, const char *s, size_t len)
{
	char *d;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	d = xmalloc(len + 1);
	memcpy(d, s, len);
	l->v[l->n++] = d;
}

/* One input as the local commands take it: trimmed, '#' skipped. */
static void
push(void *l, const char *s, size_t len)
{
	if (cli_input_trim(&s, &len))
		list_add(l, s, len);
}

static void
push_file(struct list *l, const char *path)
{
	struct chousa_buf b;

	cli_read_file(path, &b, INPUT_MAX);
	cli_each_line(&b, push, l);
	chousa_buf_release(&b);
}

/* The member "indicators":[...] of the body. */
static void
json_inputs(struct remote *rm, const struct list *l)
{
	size_t i;

	/* investigate's triage table ranks and counts every input at once:
	 * its answers cannot be joined as lookup's are (docs/team.md). */
	if (l->n > REMOTE_MAX_INPUTS)
		cli_die(EXIT_BADINPUT, "%zu indicators: a server takes at most "
		    "%d a request (investigate them in lists of at most %d, "
		    "e.g. split -l %d)", l->n, REMOTE_MAX_INPUTS,
		    REMOTE_MAX_INPUTS, REMOTE_MAX_INPUTS);
	chousa_jw_key(&rm->w, "indicators");
	chousa_jw_array(&rm->w);
	for (i = 0; i < l->n; i++)
		chousa_jw_str(&rm->w, l->v[i]);
	chousa_jw_array_end(&rm->w);
}

static void
list_free(struct list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/*
 * A server URL without its scheme (127.0.0.1:8080) is refused here, with
 * where it was given and the URL meant: the HTTP layer's own words name
 * neither.  Given as --server, a usage error; from the config or the
 * environment, a setting that cannot be used (exit 3).
 */
static void
url_check(const struct remote *rm)
{
	char where[4200];

	if (strncasecmp(rm->url, "http://", 7) == 0 ||
	    strncasecmp(rm->url, "https://", 8) == 0)
		return;
	if (strstr(rm->url, "://") != NULL) {
		if (g_opt.server != NULL)
			cli_die(EXIT_USAGE, "--server '%s': not an http or "
			    "https URL", rm->url);
		origin_words(rm->cfg, "server", "url", where, sizeof(where));
		cli_die(EXIT_BADINPUT, "%s '%s': not an http or https URL",
		    where, rm->url);
	}
	if (g_opt.server != NULL)
		cli_die(EXIT_USAGE, "--server '%s': not an http or https URL "
		    "(did you mean http://%.*s or https://%.*s?)", rm->url,
		    rm->url_len, rm->url, rm->url_len, rm->url);
	origin_words(rm->cfg, "server", "url", where, sizeof(where));
	cli_die(EXIT_BADINPUT, "%s '%s': not an http or https URL (did you "
	    "mean http://%.*s or https://%.*s?)", where, rm->url, rm->url_len,
	    rm->url, rm->url_len, rm->url);
}

void
remote_init(struct remote *rm)
{
	size_t n;

	memset(rm, 0, sizeof(*rm));
	rm->url = cli_server_url(0, NULL);
	rm->cfg = client_cfg != NULL ? client_cfg : cli_load_config();
	client_cfg = rm->cfg;
	n = strlen(rm->url);
	while (n > 0 && rm->url[n - 1] == '/')
		n--;
	if (n > 4096)
		cli_die(EXIT_USAGE, "the server URL is longer than 4096 "
		    "characters");
	rm->url_len = (int)n;
	url_check(rm);
	chousa_buf_init(&rm->q, 0);
	chousa_buf_init(&rm->body, INPUT_MAX + 4096);
	chousa_jw_init(&rm->w, &rm->body);
}

/* ---- the commands ---- */

static int
remote_lookup(const struct cli_cmd *self, int argc, char **argv)
{
	struct remote rm;
	struct remote_join join;
	struct list l = { NULL, 0, 0 };
	const char *arg;
	int c, json = 0, i, status;
	size_t first;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		json = 1;	/* --json is its only option */
	if (cli_optind >= argc)
		cli_usage_error(self, "name an indicator (or - for stdin)");
	remote_init(&rm);
	for (i = cli_optind; i < argc; i++)
		if (strcmp(argv[i], "-") == 0)
			push_file(&l, "-");
		else
			list_add(&l, argv[i], strlen(argv[i]));
	/*
	 * A server takes REMOTE_MAX_INPUTS a request: more are asked in
	 * pieces, their answers joined as the local command prints them
	 * (each indicator's block or array item is its own).
	 */
	/* Nothing to ask (an empty list, comments only): the local answer. */
	if (l.n == 0) {
		if (json)
			fputs("[]\n", stdout);
		cli_flush();
		list_free(&l);
		return EXIT_CLEAN;
	}
	memset(&join, 0, sizeof(join));
	join.is_array = json;
	status = EXIT_CLEAN;
	for (first = 0; first == 0 || first < l.n;
	    first += REMOTE_MAX_INPUTS) {
		struct list piece = { l.v + first, l.n - first, 0 };
		struct remote_answer a;

		if (piece.n > REMOTE_MAX_INPUTS)
			piece.n = REMOTE_MAX_INPUTS;
		if (first > 0)
			remote_init(&rm);
		chousa_jw_object(&rm.w);
		json_inputs(&rm, &piece);
		chousa_jw_kstr(&rm.w, "format", json ? "json" : "text");
		/* Coloured where the local command would colour it. */
		if (!json && cli_use_color(stdout))
			chousa_jw_kbool(&rm.w, "color", 1);
		chousa_jw_object_end(&rm.w);
		rm.ctype = "application/json";
		join.is_first = first == 0;
		join.is_last = first + piece.n >= l.n;
		remote_call(&rm, "POST", "/api/v1/lookup", REMOTE_FRAMED, NULL,
		    &a);
		status = chousa_lookup_status(status,
		    remote_framed_join(&rm, &a, &join));
	}
	list_free(&l);
	return status;
}

static int
remote_sources(const struct cli_cmd *self, int argc, char **argv)
{
	struct remote rm;
	const char *arg;
	int c, json = 0;

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1)
		if (strcmp(remote_opt_name(self, c), "check") == 0)
			cli_usage_error(self, "--check tests the keys where "
			    "they are: run it on the server");
		else
			json = 1;
	if (cli_optind < argc)
		cli_usage_error(self, "unexpected argument '%s'",
		    argv[cli_optind]);
	remote_init(&rm);
	remote_query(&rm, "format", json ? "json" : "text");
	return exchange(&rm, "GET", "/api/v1/sources");
}

static int
remote_extract(const struct cli_cmd *self, int argc, char **argv)
{
	struct remote rm;
	const char *arg, *files[2] = { "-", NULL };
	const char *const *f = files;
	int c, status = EXIT_CLEAN, s;

	remote_init(&rm);
	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		const char *name = remote_opt_name(self, c);

		if (c == 'j')
			remote_query(&rm, "format", "json");
		else if (c == 't') {
			struct chousa_err err = { 0 };
			unsigned types;

			/* Refused as locally: a usage error. */
			if (chousa_ioc_types_parse(arg, &types, &err) !=
			    CHOUSA_OK)
				cli_usage_error(self, "%s", err.msg);
			remote_query(&rm, "types", arg);
		} else if (strcmp(name, "threads") == 0)
			(void)cli_number_arg(self, name, arg, 1,
			    CLI_EXTRACT_MAX_THREADS);
		else if (c == 'u')
			remote_query(&rm, "unique", "1");
		else if (strcmp(name, "public-only") == 0)
			remote_query(&rm, "public_only", "1");
		else if (strcmp(name, "defang") == 0)
			remote_query(&rm, "defang", "1");
	}
	if (strstr(rm.q.data != NULL ? rm.q.data : "", "format=json") == NULL)
		remote_query(&rm, "format", "tsv");
	if (argc - cli_optind > 1)
		cli_usage_error(self, "a server extracts from one FILE a "
		    "request: run one command per file");
	if (cli_optind < argc)
		f = (const char *const *)argv + cli_optind;
	for (; *f != NULL; f++) {
		struct chousa_buf b, q = rm.q;

		cli_read_file(*f, &b, INPUT_MAX);
		chousa_buf_add(&rm.body, b.data, b.len);
		chousa_buf_release(&b);
		rm.ctype = "text/plain; charset=utf-8";
		/* exchange() releases the query: keep a copy for the next. */
		chousa_buf_init(&rm.q, 0);
		chousa_buf_add(&rm.q, q.data, q.len);
		s = exchange(&rm, "POST", "/api/v1/extract");
		rm.q = q;
		if (s > status)
			status = s;
		chousa_buf_init(&rm.body, INPUT_MAX + 4096);
	}
	chousa_buf_release(&rm.q);
	return status;
}

/* What remote_investigate reads from its options besides the body. */
struct inv_args {
	const char	*file;		/* -f */
	const char	*output;	/* -o */
	const char	*format;
	int		 extract;
	int		 width;		/* --width, or -1 */
	const char	*not_a_file;	/* an --extract operand read as text */
};

/*
 * investigate's options: those the server reads go into rm's body as
 * members of the object open there; the others into x.
 */
static void
investigate_options(const struct cli_cmd *self, int argc, char **argv,
    struct remote *rm, struct inv_args *x)
{
	const char *arg, *sources = NULL;
	int c, offline = 0, refresh = 0, cache_only = 0;

	x->format = "text";
	x->width = -1;
	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		const char *name = remote_opt_name(self, c);

		if (c == 'f')
			x->file = arg;
		else if (c == 'o')
			x->output = arg;
		else if (strcmp(name, "extract") == 0)
			x->extract = 1;
		else if (strcmp(name, "format") == 0)
			x->format = arg;
		else if (strcmp(name, "json") == 0)
			x->format = "json";
		else if (strcmp(name, "width") == 0)
			x->width = (int)cli_number_arg(self, name, arg, 0,
			    1000);
		else if (strcmp(name, "tlp") == 0) {
			if (chousa_tlp_level(arg) == NULL)
				cli_usage_error(self, "--tlp: unknown level "
				    "'%s' (clear, green, amber, amber+strict "
				    "or red)", arg);
			chousa_jw_kstr(&rm->w, "tlp", arg);
		} else if (strcmp(name, "brief") == 0 ||
		    strcmp(name, "all") == 0 ||
		    strcmp(name, "exhaustive") == 0)
			chousa_jw_kbool(&rm->w, name, 1);
		else if (strcmp(name, "offline") == 0)
			offline = 1;
		else if (strcmp(name, "refresh") == 0)
			refresh = 1;
		else if (strcmp(name, "cache-only") == 0)
			cache_only = 1;
		else if (strcmp(name, "no-defang") == 0)
			chousa_jw_kbool(&rm->w, "no_defang", 1);
		else if (strcmp(name, "depth") == 0 ||
		    strcmp(name, "max-samples") == 0 ||
		    strcmp(name, "budget") == 0) {
			long v = cli_investigate_number(self, name, arg);

			chousa_jw_kint(&rm->w, name[0] == 'd' ? "depth" :
			    name[0] == 'm' ? "max_samples" : "budget", v);
		} else if (strcmp(name, "at") == 0) {
			(void)cli_investigate_at(self, arg);
			chousa_jw_kstr(&rm->w, name, arg);
		} else if (strcmp(name, "sources") == 0)
			sources = arg;
	}
	/* Refused here as locally, before a request: the server's own
	 * words for these name its JSON members, not the options. */
	cli_investigate_check_cache_only(self, cache_only, offline, refresh);
	if (offline)
		chousa_jw_kbool(&rm->w, "offline", 1);
	if (refresh)
		chousa_jw_kbool(&rm->w, "refresh", 1);
	if (cache_only)
		chousa_jw_kbool(&rm->w, "cache_only", 1);
	if (chousa_renderer_find(x->format) == NULL)
		cli_usage_error(self, "unknown format '%s'", x->format);
	if (sources != NULL) {
		cli_investigate_check_sources(self, sources);
		chousa_jw_kstr(&rm->w, "sources", sources);
	}
}

/* The whole of a file (or '-', stdin) onto text. */
static void
add_file_text(struct chousa_buf *text, const char *path)
{
	struct chousa_buf b;

	cli_read_file(path, &b, INPUT_MAX);
	chousa_buf_add(text, b.data, b.len);
	chousa_buf_release(&b);
}

/*
 * The inputs, read as the local command reads them: with --extract, the
 * text to extract from; else the indicators, one a line.
 */
static void
investigate_inputs(struct inv_args *x, int argc, char **argv,
    struct list *l, struct chousa_buf *text)
{
	int i;

	if (x->file != NULL) {
		if (x->extract)
			add_file_text(text, x->file);
		else
			push_file(l, x->file);
	}
	for (i = cli_optind; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0 && !x->extract)
			push_file(l, "-");
		else if (strcmp(argv[i], "-") == 0 ||
		    (x->extract && cli_extract_is_file(argv[i])))
			add_file_text(text, argv[i]);
		else if (x->extract) {
			if (strpbrk(argv[i], " \t\n") == NULL)
				x->not_a_file = argv[i];
			chousa_buf_adds(text, argv[i]);
			chousa_buf_addch(text, '\n');
		} else
			push(l, argv[i], strlen(argv[i]));
	}
	if (x->file == NULL && cli_optind >= argc) {
		if (x->extract)
			add_file_text(text, "-");
		else
			push_file(l, "-");
	}
}

static int
count_input(void *arg, const struct chousa_indicator *ind, int context,
    const char *field)
{
	(void)ind;
	(void)context;
	(void)field;
	(*(size_t *)arg)++;
	return 0;
}

/* How many inputs investigate --extract takes from text, left out too. */
static size_t
text_inputs(const struct chousa_buf *text)
{
	struct chousa_err err = { 0 };
	size_t n = 0;

	if (chousa_triage_extract(text->data, text->len, count_input, &n,
	    &err) != CHOUSA_OK)
		cli_die_err(&err);
	return n;
}

/*
 * The rest of the request's JSON object, after the options: the inputs
 * and the rendering the local command would use here.
 */
static void
investigate_body(struct remote *rm, const struct inv_args *x,
    const struct list *l, const struct chousa_buf *text)
{
	int width;

	if (x->extract) {
		/* A text without one, said as locally, without a request. */
		size_t n = text_inputs(text);

		if (n == 0)
			cli_private_left_out(cli_private_addresses(text->data,
			    text->len));
		if (n == 0 && x->not_a_file != NULL)
			cli_die(EXIT_BADINPUT, "no indicator to investigate: "
			    "there is no file '%s', so it was read as text",
			    x->not_a_file);
		if (n == 0)
			cli_die(EXIT_BADINPUT, "no indicator to investigate");
		chousa_jw_kstr(&rm->w, "text", text->data != NULL ?
		    text->data : "");
	} else if (l->n == 0)
		cli_die(EXIT_BADINPUT, "no indicator to investigate");
	else
		json_inputs(rm, l);
	chousa_jw_kstr(&rm->w, "format", x->format);
	if (x->output == NULL && strcmp(x->format, "text") == 0 &&
	    cli_use_color(stdout))
		chousa_jw_kbool(&rm->w, "color", 1);
	/* Wrapped where the local command would wrap, for this terminal. */
	width = x->output == NULL ? cli_text_width(x->width) : x->width > 0 ?
	    x->width : 0;
	if (width > 0)
		chousa_jw_kint(&rm->w, "width", width);
	/* -v: each source's finding listed, as locally. */
	if (g_opt.verbose)
		chousa_jw_kbool(&rm->w, "verbose", 1);
	chousa_jw_object_end(&rm->w);
}

static int
remote_investigate(const struct cli_cmd *self, int argc, char **argv)
{
	struct remote rm;
	struct list l = { NULL, 0, 0 };
	struct inv_args x = { NULL, NULL, NULL, 0, -1, NULL };
	struct chousa_buf text;
	int status;

	remote_init(&rm);
	chousa_buf_init(&text, INPUT_MAX);
	chousa_jw_object(&rm.w);
	investigate_options(self, argc, argv, &rm, &x);
	investigate_inputs(&x, argc, argv, &l, &text);
	investigate_body(&rm, &x, &l, &text);
	chousa_buf_release(&text);
	rm.ctype = "application/json";
	rm.flush_before_closing = 1;
	if (x.output != NULL && freopen(x.output, "w", stdout) == NULL)
		cli_die(EXIT_BADINPUT, "cannot write the report to '%s': %s",
		    x.output, strerror(errno));
	status = exchange(&rm, "POST", "/api/v1/investigate");
	list_free(&l);
	return status;
}

/* A log being uploaded: read as it is sent, with a progress bar. */
struct log_upload {
	int			fd;
	uint64_t		done;
	uint64_t		total;	/* 0: unknown */
	struct cli_progress	prog;
};

static long
read_log(void *arg, char *buf, size_t n)
{
	struct log_upload *u = arg;
	ssize_t k;

	do
		k = read(u->fd, buf, n);
	while (k < 0 && errno == EINTR);
	if (k > 0) {
		u->done += (uint64_t)k;
		cli_progress_update(&u->prog, u->done, u->total);
	}
	return k < 0 ? -1 : (long)k;
}

/*
 * A log that cannot be opened, said as the local sweep says it: no
 * request, and the empty sweep's output (its --json summary line, with
 * the file unreadable) and summary, exit 3.
 */
static int
sweep_unreadable(const char *format, const char *path, int as_of_log_time)
{
	const struct chousa_format *f;
	struct chousa_sweep_summary sum;
	struct chousa_err err = { 0 };
	struct chousa_buf b;
	int saved = errno;

	if (chousa_format_get(format, CHOUSA_RESULT_SWEEP, &f, &err) !=
	    CHOUSA_OK)
		cli_die_err(&err);
	memset(&sum, 0, sizeof(sum));
	sum.files = 1;
	sum.unreadable = 1;
	sum.as_of_log_time = as_of_log_time;
	chousa_buf_init(&b, 0);
	if (f->results->sweep_begin != NULL)
		f->results->sweep_begin(&b);
	cli_warn("cannot open '%s': %s", path, strerror(saved));
	cli_write(&b);
	chousa_buf_reset(&b);
	if (f->results->sweep_summary != NULL)
		f->results->sweep_summary(&b, &sum);
	cli_write(&b);
	cli_flush();
	chousa_buf_reset(&b);
	if (!g_opt.quiet) {
		chousa_sweep_summary_text(&b, &sum);
		fputs(b.data != NULL ? b.data : "", stderr);
	}
	chousa_buf_release(&b);
	return EXIT_BADINPUT;
}

/*
 * sweep's options, as the server's sweep takes them in its query; a log
 * is one request, streamed as it is read, never held whole.
 */
static int
remote_sweep(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_err err = { 0 };
	struct log_upload up;
	struct remote rm;
	struct stat sb;
	const char *arg, *format = "text", *path;
	int c, status, as_of_log_time = 0;

	remote_init(&rm);
	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		const char *name = remote_opt_name(self, c);

		if (strcmp(name, "format") == 0)
			remote_query(&rm, "log_format", arg);
		else if (strcmp(name, "json") == 0 || strcmp(name, "csv") == 0)
			format = name;
		else if (strcmp(name, "investigate") == 0 ||
		    strcmp(name, "offline") == 0)
			cli_usage_error(self, "--%s does not run on a server: "
			    "sweep with --json and investigate the hits' "
			    "indicators with chousa --server URL investigate",
			    name);
		else if (strcmp(name, "internal") == 0) {
			if (chousa_sweep_check_internal(arg, &err) !=
			    CHOUSA_OK)
				cli_usage_error(self, "%s", err.msg);
			remote_query(&rm, "internal", arg);
		} else if (strcmp(name, "window") == 0 ||
		    strcmp(name, "max-line") == 0) {
			(void)cli_number_arg(self, name, arg, 0,
			    name[0] == 'w' ? 36500 : LONG_MAX);
			remote_query(&rm, name[0] == 'w' ? "window" : "max_line", arg);
		} else if (strcmp(name, "as-of-log-time") == 0) {
			remote_query(&rm, "as_of_log_time", "1");
			as_of_log_time = 1;
		} else if (strcmp(name, "no-benign-filter") == 0)
			remote_query(&rm, "no_benign_filter", "1");
		/* --threads: the server sweeps as it sees fit. */
	}
	if (argc - cli_optind != 1)
		cli_usage_error(self, "with --server, one FILE (or - for "
		    "stdin) a run: cat a.log b.log | chousa --server URL "
		    "sweep -");
	path = argv[cli_optind];
	memset(&up, 0, sizeof(up));
	up.fd = strcmp(path, "-") == 0 ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (up.fd < 0) {
		chousa_buf_release(&rm.q);
		chousa_buf_release(&rm.body);
		return sweep_unreadable(format, path, as_of_log_time);
	}
	rm.body_size = fstat(up.fd, &sb) == 0 && S_ISREG(sb.st_mode) ?
	    (int64_t)sb.st_size : -1;
	up.total = rm.body_size > 0 ? (uint64_t)rm.body_size : 0;
	remote_query(&rm, "format", format);
	remote_query(&rm, "name", path);
	if (g_opt.quiet)
		remote_query(&rm, "quiet", "1");
	rm.ctype = "application/octet-stream";
	rm.read_body = read_log;
	rm.read_arg = &up;
	rm.progress = &up.prog;
	cli_progress_init(&up.prog, path);
	status = exchange(&rm, "POST", "/api/v1/sweep");
	if (up.fd != 0)
		close(up.fd);
	return status;
}

/*
 * import, its options read by cmd-import.c: each file a request, streamed
 * as it is read, into the team's store; said and ended as locally.
 */
int
cli_remote_import(const char *source, char **files, int n,
    const struct chousa_import_opts *o)
{
	struct log_upload up;
	struct remote rm;
	struct stat sb;
	int i, rc, status = EXIT_CLEAN;

	for (i = 0; i < n; i++) {
		remote_init(&rm);
		remote_query(&rm, "source", source);
		remote_query(&rm, "name", files[i]);
		remote_query(&rm, "format", g_opt.json ? "json" : "text");
		if (o->strict)
			remote_query(&rm, "strict", "1");
		if (o->tag != NULL)
			remote_query(&rm, "tag", o->tag);
		if (o->family != NULL)
			remote_query(&rm, "family", o->family);
		if (o->source_name != NULL)
			remote_query(&rm, "source_name", o->source_name);
		if (g_opt.verbose)
			remote_query(&rm, "verbose", "1");
		if (g_opt.quiet)
			remote_query(&rm, "quiet", "1");
		memset(&up, 0, sizeof(up));
		up.fd = strcmp(files[i], "-") == 0 ? 0 : open(files[i],
		    O_RDONLY | O_CLOEXEC);
		if (up.fd < 0)
			cli_die(EXIT_BADINPUT, "cannot open '%s': %s",
			    files[i], strerror(errno));
		rm.body_size = fstat(up.fd, &sb) == 0 && S_ISREG(sb.st_mode) ?
		    (int64_t)sb.st_size : -1;
		up.total = rm.body_size > 0 ? (uint64_t)rm.body_size : 0;
		rm.ctype = "application/octet-stream";
		rm.read_body = read_log;
		rm.read_arg = &up;
		rm.progress = &up.prog;
		cli_progress_init(&up.prog, files[i]);
		rc = exchange(&rm, "POST", "/api/v1/import");
		if (up.fd != 0)
			close(up.fd);
		if (rc > status)
			status = rc;
	}
	return status;
}

int
cli_remote_update(void)
{
	struct remote rm;

	remote_init(&rm);
	remote_query(&rm, "wait", "1");
	remote_query(&rm, "format", g_opt.json ? "json" : "text");
	if (g_opt.quiet)
		remote_query(&rm, "quiet", "1");
	return exchange(&rm, "POST", "/api/v1/update");
}

/* "/api/v1/tokens/NAME", the name as one segment of the path. */
static void
token_path(struct chousa_buf *path, const char *name)
{
	const unsigned char *p;

	chousa_buf_adds(path, "/api/v1/tokens/");
	for (p = (const unsigned char *)name; *p != '\0'; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			chousa_buf_addch(path, (char)*p);
		else
			chousa_buf_addf(path, "%%%02X", *p);
}

int
cli_remote_token_rotate(const char *name, const char *expires,
    const char *grace)
{
	struct remote rm;
	struct chousa_buf path;
	int status;

	remote_init(&rm);
	chousa_buf_init(&path, 0);
	token_path(&path, name);
	chousa_buf_adds(&path, "/rotate");
	if (g_opt.quiet)
		remote_query(&rm, "quiet", "1");
	chousa_jw_object(&rm.w);
	chousa_jw_kstr(&rm.w, "grace", grace);
	if (expires != NULL)
		chousa_jw_kstr(&rm.w, "expires", expires);
	chousa_jw_object_end(&rm.w);
	rm.ctype = "application/json";
	status = exchange(&rm, "POST", path.data);
	chousa_buf_release(&path);
	return status;
}

int
cli_remote_token_list(int json, const char *unused_for, const char *state)
{
	struct remote rm;

	remote_init(&rm);
	remote_query(&rm, "format", json ? "json" : "text");
	if (unused_for != NULL)
		remote_query(&rm, "unused_for", unused_for);
	if (state != NULL)
		remote_query(&rm, "state", state);
	return exchange(&rm, "GET", "/api/v1/tokens");
}

int
cli_remote_token(const char *verb, const char *name, const char *role,
    const char *expires, long budget, const char *allow_from,
    const char *note)
{
	struct remote rm;
	struct chousa_buf path;
	int status;

	remote_init(&rm);
	chousa_buf_init(&path, 0);
	if (strcmp(verb, "budget") == 0 || strcmp(verb, "allow") == 0 ||
	    strcmp(verb, "note") == 0 || strcmp(verb, "revoke") == 0)
		token_path(&path, name);
	else if (strcmp(verb, "readmit") == 0) {
		token_path(&path, name);
		chousa_buf_adds(&path, "/readmit");
	} else
		chousa_buf_adds(&path, "/api/v1/tokens");
	if (g_opt.quiet)
		remote_query(&rm, "quiet", "1");
	if (strcmp(verb, "revoke") == 0)
		status = exchange(&rm, "DELETE", path.data);
	else {
		chousa_jw_object(&rm.w);
		if (strcmp(verb, "create") == 0) {
			chousa_jw_kstr(&rm.w, "name", name);
			chousa_jw_kstr(&rm.w, "role", role);
			if (expires != NULL)
				chousa_jw_kstr(&rm.w, "expires", expires);
		}
		if (allow_from != NULL)
			chousa_jw_kstr(&rm.w, "allow_from", allow_from);
		if (note != NULL)
			chousa_jw_kstr(&rm.w, "note", note);
		if (strcmp(verb, "create") == 0 ||
		    strcmp(verb, "budget") == 0) {
			chousa_jw_key(&rm.w, "online_budget");
			if (budget >= 0)
				chousa_jw_int(&rm.w, budget);
			else
				chousa_jw_null(&rm.w);
		}
		chousa_jw_object_end(&rm.w);
		rm.ctype = "application/json";
		status = exchange(&rm, "POST", path.data);
	}
	chousa_buf_release(&path);
	return status;
}

int
cli_remote(const struct cli_cmd *cmd, int argc, char **argv)
{
	if (strcmp(cmd->name, "lookup") == 0)
		return remote_lookup(cmd, argc, argv);
	if (strcmp(cmd->name, "extract") == 0)
		return remote_extract(cmd, argc, argv);
	if (strcmp(cmd->name, "sources") == 0)
		return remote_sources(cmd, argc, argv);
	if (strcmp(cmd->name, "investigate") == 0)
		return remote_investigate(cmd, argc, argv);
	if (strcmp(cmd->name, "sweep") == 0)
		return remote_sweep(cmd, argc, argv);
	if (strcmp(cmd->name, "export") == 0)
		return remote_export(cmd, argc, argv);
	cli_usage_error(cmd, "this command does not run on a server");
}
