/*
 * util.c: what every command shares: diagnostics, exit statuses, colour,
 * the progress bar, opening the store and config, reading input files and
 * writing output.  Only cli/ may print or exit.
 */
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void
vmsg(const char *fmt, va_list ap)
{
	char raw[2048], storage[4096];
	struct chousa_buf safe;
	int n;

	/*
	 * Messages quote input: strip escapes before they reach a TTY.  Stack
	 * storage only, so that "out of memory" can still be said.
	 */
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(raw))
		n = sizeof(raw) - 1;
	chousa_buf_init_fixed(&safe, storage, sizeof(storage));
	chousa_esc_text(&safe, raw, (size_t)n);
	fprintf(stderr, "chousa: %s\n", safe.data);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
cli_info(const char *fmt, ...)
{
	va_list ap;

	if (g_opt.quiet)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
cli_debug(const char *fmt, ...)
{
	va_list ap;

	if (g_opt.verbose == 0)
		return;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void
cli_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(status);
}

void
cli_usage_error(const struct cli_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	if (cmd != NULL)
		fprintf(stderr, "usage: chousa %s %s\n"
		    "Try 'chousa %s --help'.\n", cmd->name, cmd->usage,
		    cmd->name);
	else
		fprintf(stderr, "Try 'chousa --help'.\n");
	exit(EXIT_USAGE);
}

void
cli_warn_err(const struct chousa_err *err)
{
	if (err->code == CHOUSA_EBUSY)
		cli_warn("%s (chousa --wait SECONDS waits longer)", err->msg);
	else
		cli_warn("%s", err->msg[0] ? err->msg :
		    chousa_rc_name(err->code));
}

void
cli_die_err(const struct chousa_err *err)
{
	cli_warn_err(err);
	exit(chousa_exit_for_rc(err->code));
}

int
cli_use_color(FILE *fp)
{
	const char *nc = getenv("NO_COLOR");

	if (g_opt.color >= 0)
		return g_opt.color;
	if (nc != NULL && nc[0] != '\0')
		return 0;
	return isatty(fileno(fp));
}

/* ---- Ctrl-C ---- */

static volatile sig_atomic_t interrupted;
/* The first job a progress bar showed: its interruption changed nothing. */
static char first_label[256];

static void
on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

void
cli_interrupt_arm(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	/* The second Ctrl-C ends the run at once, as it always did. */
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

int
cli_interrupted(void)
{
	return interrupted;
}

/*
 * Called from a progress callback, which the library calls only while it
 * reads, before it commits: ending the process here leaves the open
 * transaction uncommitted, and SQLite takes the store back to the last
 * commit.  _exit: no stdio flush, no atexit, while a writer thread may
 * still be in SQLite.
 */
static _Noreturn void
stop_interrupted(const char *label)
{
	/* Over the progress bar, when there is one. */
	if (isatty(STDERR_FILENO))
		fputs("\r\033[K", stderr);
	if (first_label[0] == '\0' || strcmp(first_label, label) == 0)
		cli_warn("interrupted: the store is unchanged");
	else
		cli_warn("interrupted: nothing of %s was stored; what was "
		    "done before it stays, as reported above", label);
	_exit(EXIT_INTERRUPTED);
}

/* ---- progress ---- */

void
cli_progress_init(struct cli_progress *p, const char *label)
{
	if (first_label[0] == '\0')
		snprintf(first_label, sizeof(first_label), "%s", label);
	p->label = label;
	p->active = !g_opt.quiet && isatty(STDERR_FILENO);
	p->last_permille = -1;
	p->last_time = 0;
	p->start = chousa_monotonic();
	p->unit = NULL;
}

/* "512/30000 indicators" or "12.3/45.6 MB": n and total in the unit. */
static void
progress_amount(char *out, size_t size, const struct cli_progress *p,
    uint64_t n, uint64_t total)
{
	if (p->unit != NULL)
		snprintf(out, size, "%llu/%llu %s", (unsigned long long)n,
		    (unsigned long long)total, p->unit);
	else
		snprintf(out, size, "%.1f/%.1f MB", (double)n / 1e6,
		    (double)total / 1e6);
}

void
cli_progress_update(void *arg, uint64_t done, uint64_t total)
{
	struct cli_progress *p = arg;
	double t, rate, left;
	int permille, bars, i;
	char bar[41], amount[64], speed[32], eta[32];

	if (interrupted)
		stop_interrupted(p->label);
	if (!p->active)
		return;
	t = chousa_monotonic();
	if (t - p->last_time < 0.1 && done < total)
		return;
	p->last_time = t;
	rate = t > p->start ? (double)done / (t - p->start) : 0;
	if (p->unit != NULL)
		snprintf(speed, sizeof(speed), "%.0f/s", rate);
	else
		snprintf(speed, sizeof(speed), "%.1f MB/s", rate / 1e6);
	if (total == 0) {
		fprintf(stderr, "\r%s: %.1f MB, %s\033[K", p->label,
		    (double)done / 1e6, speed);
		return;
	}
	permille = (int)(done * 1000 / (total ? total : 1));
	if (permille > 1000)
		permille = 1000;
	bars = permille * 40 / 1000;
	for (i = 0; i < 40; i++)
		bar[i] = i < bars ? '#' : '.';
	bar[40] = '\0';
	progress_amount(amount, sizeof(amount), p, done, total);
	/* No time left until there is a rate to judge by. */
	left = rate > 0 && done > 0 ? (double)(total - (done < total ? done :
	    total)) / rate : -1;
	if (left < 0)
		snprintf(eta, sizeof(eta), "ETA --:--");
	else if (left >= 3600)
		snprintf(eta, sizeof(eta), "ETA %d:%02d:%02d", (int)left /
		    3600, (int)left / 60 % 60, (int)left % 60);
	else
		snprintf(eta, sizeof(eta), "ETA %d:%02d", (int)left / 60,
		    (int)left % 60);
	p->last_permille = permille;
	fprintf(stderr, "\r%s [%s] %3d%% %s, %s, %s\033[K", p->label, bar,
	    permille / 10, amount, speed, eta);
}

void
cli_progress_end(struct cli_progress *p)
{
	if (p->active && p->last_time > 0)
		fprintf(stderr, "\r\033[K");
}

/* ---- store and config ---- */

const char *
cli_db_path(void)
{
	static struct chousa_buf path;
	static int done;
	struct chousa_err err = { 0 };
	const char *env = getenv("CHOUSA_DB");

	if (g_opt.db != NULL)
		return g_opt.db;
	if (env != NULL && env[0] != '\0')
		return env;
	if (!done) {
		chousa_buf_init(&path, 4096);
		if (chousa_default_db_path(&path, &err) != CHOUSA_OK)
			cli_die_err(&err);
		done = 1;
	}
	return path.data;
}

char *
cli_audit_default(void)
{
	const char *db = cli_db_path();
	const char *slash = strrchr(db, '/');
	size_t n = slash != NULL ? (size_t)(slash - db) + 1 : 0;
	char *p = xmalloc(n + 10);

	memcpy(p, db, n);
	memcpy(p + n, "audit.log", 10);
	return p;
}

void
cli_key_hint(struct chousa_buf *b, const struct chousa_config *cfg,
    const char *source, const char *reason)
{
	char why[400];

	if (reason == NULL || strncmp(reason, "key refused", 11) != 0)
		return;
	if (chousa_config_key_problem(cfg, source, why, sizeof(why)) != NULL)
		chousa_buf_adds(b, "; likely cause: ");
	else
		snprintf(why, sizeof(why), "; the key looks well formed: check "
		    "it at the service (revoked, or for another of its "
		    "products?)");
	chousa_esc_text(b, why, strlen(why));
}

static void
config_warning(void *arg, const char *where, const char *message)
{
	(void)arg;
	cli_warn("%s: %s", where, message);
}

void
cli_config_say(const struct chousa_config *c)
{
	chousa_config_check(c, chousa_source_sections(), 0, config_warning,
	    NULL);
}

struct chousa_config *
cli_load_config_unsaid(void)
{
	struct chousa_err err = { 0 };
	struct chousa_config *c;

	if (chousa_config_load(&c, g_opt.config, &err) != CHOUSA_OK)
		cli_die_err(&err);
	return c;
}

struct chousa_config *
cli_load_config(void)
{
	struct chousa_config *c = cli_load_config_unsaid();

	cli_config_say(c);
	return c;
}

struct chousa_config *
cli_try_load_config(struct chousa_err *err)
{
	struct chousa_config *c;

	if (chousa_config_load(&c, g_opt.config, err) != CHOUSA_OK)
		return NULL;
	cli_config_say(c);
	return c;
}

/* ---- memory ---- */

void *
xmalloc(size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (p == NULL)
		cli_die(EXIT_INTERNAL, "out of memory");
	return p;
}

void *
xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (p == NULL)
		cli_die(EXIT_INTERNAL, "out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xmalloc(n);

	memcpy(d, s, n);
	return d;
}

/* ---- input and output ---- */

/*
 * The reader went away (chousa sweep ... | head): stop at once and end as
 * a program killed by SIGPIPE does, quietly, with status 141 to a shell.
 * Exiting 0 would tell a script "nothing malicious", which was not
 * established.
 */
static void
closed_pipe(void)
{
	signal(SIGPIPE, SIG_DFL);
	raise(SIGPIPE);
	_exit(128 + SIGPIPE);
}

void
cli_write(const struct chousa_buf *b)
{
	if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len) {
		if (errno == EPIPE)
			closed_pipe();
		cli_die(EXIT_INTERNAL, "cannot write output: %s",
		    strerror(errno));
	}
}

void
cli_flush(void)
{
	if (fflush(stdout) != 0) {
		if (errno == EPIPE)
			closed_pipe();
		cli_die(EXIT_INTERNAL, "cannot write output: %s",
		    strerror(errno));
	}
}

void
cli_output(struct chousa_buf *b)
{
	cli_write(b);
	cli_flush();
	chousa_buf_release(b);
}

void
cli_each_line(const struct chousa_buf *b, cli_line_fn fn, void *arg)
{
	const char *p = b->data, *end = b->data + b->len;

	if (b->len == 0)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		fn(arg, p, len);
		p += len + 1;
	}
}

int
cli_input_trim(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = *len;

	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n' ||
	    p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	*s = p;
	*len = n;
	return n > 0 && *p != '#';
}

int
cli_try_read_file(const char *path, struct chousa_buf *out, size_t max,
    char *why, size_t why_size)
{
	FILE *fp = stdin;
	struct stat sb;
	char chunk[65536];
	size_t n;
	int rc = 0;

	chousa_buf_init(out, max);
	if (strcmp(path, "-") != 0) {
		fp = fopen(path, "r");
		if (fp == NULL) {
			snprintf(why, why_size, "cannot open '%s': %s", path,
			    strerror(errno));
			return EXIT_BADINPUT;
		}
		if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
			fclose(fp);
			snprintf(why, why_size, "'%s' is a directory, not a "
			    "file", path);
			return EXIT_BADINPUT;
		}
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		chousa_buf_add(out, chunk, n);
	if (ferror(fp)) {
		snprintf(why, why_size, "cannot read '%s': %s", path,
		    strerror(errno));
		rc = EXIT_BADINPUT;
	} else if (out->failed == CHOUSA_ELIMIT) {
		snprintf(why, why_size, "'%s' is over the limit of %zu bytes",
		    path, max);
		rc = EXIT_BADINPUT;
	} else if (out->failed != CHOUSA_OK) {
		snprintf(why, why_size, "out of memory reading '%s'", path);
		rc = EXIT_INTERNAL;
	}
	if (fp != stdin)
		fclose(fp);
	if (rc != 0)
		chousa_buf_release(out);
	return rc;
}

void
cli_read_file(const char *path, struct chousa_buf *out, size_t max)
{
	char why[PATH_MAX + 128];
	int rc = cli_try_read_file(path, out, max, why, sizeof(why));

	if (rc != 0)
		cli_die(rc, "%s", why);
}

/* ---- JSON for the commands that print text ---- */

static void
json_line(void *arg, const char *line, size_t len)
{
	struct chousa_jw *w = arg;

	chousa_jw_strn(w, line, len);
	chousa_buf_addch(w->b, '\n');
}

void
cli_json_lines(struct chousa_buf *b, size_t from)
{
	struct chousa_buf lines;
	struct chousa_jw w;

	if (b->len <= from)
		return;
	chousa_buf_init(&lines, 0);
	chousa_buf_add(&lines, b->data + from, b->len - from);
	b->len = from;
	b->data[from] = '\0';
	chousa_jw_init(&w, b);
	cli_each_line(&lines, json_line, &w);
	chousa_buf_release(&lines);
}

/* ---- one file's or one feed's import ---- */

void
cli_print_import(const char *source, const char *path, const char *state,
    const struct chousa_import_report *rep, const struct chousa_err *err)
{
	const struct chousa_format *f = chousa_format_find(g_opt.json ?
	    "json" : "text");
	struct chousa_buf b;

	if (!chousa_format_shows(f, CHOUSA_RESULT_IMPORT))
		return;
	chousa_buf_init(&b, 0);
	f->results->import(&b, source, path, state, rep, err != NULL ?
	    chousa_exit_for_rc(err->code) : 0, err != NULL ? err->msg : NULL);
	cli_output(&b);
}

/* ---- private addresses in a text ---- */

static int
count_ip(void *arg, const struct chousa_indicator *ind)
{
	(void)ind;
	(*(size_t *)arg)++;
	return 0;
}

/* The distinct addresses of text, private ones too when keep_private. */
static size_t
count_ips(const char *text, size_t len, int keep_private)
{
	struct chousa_extract_opts xo = { CHOUSA_IOC_BIT(CHOUSA_IOC_IPV4) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_IPV6), 1, keep_private };
	struct chousa_extractor *x;
	struct chousa_err err = { 0 };
	size_t n = 0;

	if (chousa_extractor_new(&x, &xo, &err) != CHOUSA_OK ||
	    chousa_extract(x, text != NULL ? text : "", text != NULL ? len : 0,
	    0, count_ip, &n, &err) != CHOUSA_OK)
		cli_die_err(&err);
	chousa_extractor_free(x);
	return n;
}

size_t
cli_private_addresses(const char *text, size_t len)
{
	return count_ips(text, len, 1) - count_ips(text, len, 0);
}

void
cli_private_left_out(size_t n)
{
	if (n > 0)
		cli_warn("%zu indicator%s left out (private addresses): name "
		    "one as an operand, without --extract, to investigate it",
		    n, n == 1 ? "" : "s");
}
