/*
 * cmd-extract.c: `chousa extract [FILE...|-]`: every indicator in free
 * text, defanged or not, as TSV or JSON lines.  Input is read in chunks
 * cut at line ends, so a file of any size streams in bounded memory; the
 * chunks of a batch are scanned by one thread each and written in order,
 * so the output is the same whatever the number of threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "cli.h"

enum { OPT_PUBLIC = 256, OPT_DEFANG, OPT_THREADS };

#define CHUNK		((size_t)4 << 20)	/* per thread per batch */
#define MAX_LINE	((size_t)16 << 20)	/* longest line kept whole */
#define MAX_THREADS	CLI_EXTRACT_MAX_THREADS
/*
 * A chunk's output past this is written before the chunk is done, once
 * the chunks before it are written: a line of millions of indicators
 * would otherwise be held whole (JSON lines are ~100 bytes each).
 */
#define FLUSH_AT	((size_t)4 << 20)

static const struct cli_opt extract_opts[] = {
	{ 'j', "json", NULL, "Print JSON lines with the keys type, value "
	    "(the normal form), raw (the text as written), offset (its byte "
	    "offset in the file), host_error (why the host is invalid, when "
	    "it is kept anyway) and file (when several files are read); a "
	    "key that does not apply is null.  docs/json.md gives each key's "
	    "type." },
	{ 't', "types", "LIST", "Report only these types, comma separated: "
	    "@TYPES@; ip means ipv4, ipv6 and cidr, hash every hash." },
	{ 'u', "unique", NULL, "Report each indicator once, the first time "
	    "its normal form is seen (across all files)." },
	{ OPT_PUBLIC, "public-only", NULL, "Leave out IP addresses and "
	    "networks that are not on the public internet (private, "
	    "loopback, CGNAT, link-local, documentation, multicast, "
	    "reserved).  By default they are reported, because an alert's "
	    "10.x source is part of the story." },
	{ OPT_DEFANG, "defang", NULL, "Print values defanged (hxxp, [.]), "
	    "safe to paste into a report or a chat." },
	{ OPT_THREADS, "threads", "N", "Scan with N threads (default: the "
	    "number of CPUs, at most 4).  The output does not depend on N." },
	{ 0 }
};

/*
 * One indicator printed into a chunk's output, for --unique: its line,
 * and its key (type byte, then the normal form) in the job's keys.
 */
struct rec {
	size_t		start, len;
	size_t		key, key_len;
};

/* A chunk of input and what its thread printed. */
struct job {
	struct chousa_extractor	*x;
	const char		*text;
	size_t			 len;
	uint64_t		 base;
	const char		*file;	/* several files, --json */
	const struct chousa_result_hooks *fmt;
	int			 defang, unique;
	struct chousa_buf	 out;
	struct chousa_buf	 keys;
	struct rec		*recs;
	size_t			 n_recs, cap_recs;
	struct chousa_err	 err;
	int			 rc;
	struct run		*run;
	int			 index;		/* in its batch */
};

static void flush_in_turn(struct job *j);

static int
on_ioc(void *arg, const struct chousa_indicator *ind)
{
	struct job *j = arg;
	struct chousa_buf *b = &j->out;
	struct chousa_buf d;
	size_t start = b->len;

	chousa_buf_init(&d, 0);
	if (j->defang)
		chousa_ioc_defang(&d, ind->value, ind->value_len);
	else {
		/* Borrow the value: no copy per indicator. */
		d.data = (char *)(uintptr_t)ind->value;
		d.len = ind->value_len;
	}
	j->fmt->extract(b, ind, d.data, d.len, j->file);
	if (j->defang)
		chousa_buf_release(&d);
	if (!j->unique) {
		if (b->len >= FLUSH_AT)
			flush_in_turn(j);
		return 0;
	}
	if (j->n_recs == j->cap_recs) {
		j->cap_recs = j->cap_recs ? j->cap_recs * 2 : 1024;
		j->recs = xrealloc(j->recs, j->cap_recs * sizeof(*j->recs));
	}
	j->recs[j->n_recs].key = j->keys.len;
	chousa_buf_addch(&j->keys, (char)ind->type);
	chousa_buf_add(&j->keys, ind->value, ind->value_len);
	j->recs[j->n_recs].key_len = j->keys.len - j->recs[j->n_recs].key;
	j->recs[j->n_recs].start = start;
	j->recs[j->n_recs].len = b->len - start;
	j->n_recs++;
	if (b->len >= FLUSH_AT)
		flush_in_turn(j);
	return 0;
}

struct run {
	struct job		 job[MAX_THREADS];
	int			 n_threads;
	int			 unique;
	struct chousa_set	 seen;	/* --unique: the keys written */
	/*
	 * The chunks of a batch write in order: the job whose index is turn
	 * writes, and passes the turn on when it is done.  A job that failed
	 * stops every later one writing (failed); the batch then dies.
	 */
	pthread_mutex_t		 lock;
	pthread_cond_t		 turn_cond;
	int			 turn;
	int			 failed;
};

static void emit(struct run *r, struct job *j);

/* Wait for the chunks before j to be written. */
static void
wait_turn(struct job *j)
{
	struct run *r = j->run;

	pthread_mutex_lock(&r->lock);
	while (r->turn != j->index)
		pthread_cond_wait(&r->turn_cond, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

/* j's output so far, written once the chunks before it are. */
static void
flush_in_turn(struct job *j)
{
	wait_turn(j);
	if (!j->run->failed)
		emit(j->run, j);
}

static void *
run_job(void *arg)
{
	struct job *j = arg;
	struct run *r = j->run;

	j->rc = chousa_extract(j->x, j->text, j->len, j->base, on_ioc, j,
	    &j->err);
	wait_turn(j);
	if (j->rc != CHOUSA_OK)
		r->failed = 1;
	if (!r->failed)
		emit(r, j);
	pthread_mutex_lock(&r->lock);
	r->turn++;
	pthread_cond_broadcast(&r->turn_cond);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Write a chunk's output, dropping what was seen with --unique. */
static void
emit(struct run *r, struct job *j)
{
	struct chousa_buf part;
	size_t i;
	int is_new;

	if (j->out.failed != CHOUSA_OK || j->keys.failed != CHOUSA_OK)
		cli_die(EXIT_INTERNAL, "out of memory for output");
	if (!r->unique) {
		cli_write(&j->out);
	} else {
		for (i = 0; i < j->n_recs; i++) {
			if (chousa_set_add(&r->seen, j->keys.data +
			    j->recs[i].key, j->recs[i].key_len, &is_new) !=
			    CHOUSA_OK)
				cli_die(EXIT_INTERNAL, "out of memory");
			if (!is_new)
				continue;
			part.data = j->out.data + j->recs[i].start;
			part.len = j->recs[i].len;
			cli_write(&part);
		}
	}
	chousa_buf_reset(&j->out);
	chousa_buf_reset(&j->keys);
	j->n_recs = 0;
}

/* Scan the n chunks set up in r->job, in threads, and write in order. */
static void
run_batch(struct run *r, int n)
{
	pthread_t tid[MAX_THREADS];
	int started[MAX_THREADS] = { 0 };
	int i;

	r->turn = 0;
	for (i = 0; i < n; i++) {
		r->job[i].run = r;
		r->job[i].index = i;
	}
	for (i = 1; i < n; i++)
		started[i] = pthread_create(&tid[i], NULL, run_job,
		    &r->job[i]) == 0;
	for (i = 0; i < n; i++)
		if (!started[i])
			run_job(&r->job[i]);
	for (i = 1; i < n; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	/* Each chunk has written itself, in order. */
	for (i = 0; i < n; i++)
		if (r->job[i].rc != CHOUSA_OK)
			cli_die_err(&r->job[i].err);
}

/*
 * Where the chunk starting at pos ends: after the first line end past
 * CHUNK bytes, else after the last line end, else (a line longer than the
 * buffer, or the end of the input) where the data ends.  pos means "wait
 * for more input".
 */
static size_t
chunk_end(const char *buf, size_t pos, size_t have, int eof)
{
	const char *nl;

	if (have - pos > CHUNK) {
		nl = memchr(buf + pos + CHUNK, '\n', have - pos - CHUNK);
		if (nl != NULL)
			return (size_t)(nl - buf) + 1;
	} else if (eof)
		return have;
	nl = memrchr(buf + pos, '\n', have - pos);
	if (nl != NULL)
		return (size_t)(nl - buf) + 1;
	return eof || pos == 0 ? have : pos;
}

/*
 * Stream one file: read up to n_threads chunks (each cut after a line
 * end), scan them together, repeat.
 */
static void
extract_file(struct run *r, const char *path, const char *label)
{
	char *buf;
	size_t cap, have = 0, pos, cut;
	uint64_t base = 0;
	ssize_t got;
	int fd = 0, eof = 0, n, i, is_reg;
	struct stat sb;

	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			cli_die(EXIT_BADINPUT, "cannot open '%s': %s", path,
			    strerror(errno));
	}
	is_reg = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
	/* Said as every command's reader says it (cli_read_file). */
	if (!is_reg && fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode))
		cli_die(EXIT_BADINPUT, "'%s' is a directory, not a file",
		    path);
	cap = CHUNK * (size_t)r->n_threads + MAX_LINE;
	buf = xmalloc(cap);
	while (!eof || have > 0) {
		/* Fill the buffer. */
		while (!eof && have < cap) {
			got = read(fd, buf + have, cap - have);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				cli_die(EXIT_BADINPUT, "cannot read '%s': %s",
				    path, strerror(errno));
			if (got == 0)
				eof = 1;
			have += (size_t)got;
			/* From a pipe, go on as soon as a line is whole, so
			 * that `tail -f log | chousa extract` streams. */
			if (!is_reg && got > 0 && memchr(buf + have -
			    (size_t)got, '\n', (size_t)got) != NULL)
				break;
		}
		/* Cut it into chunks on line ends. */
		pos = 0;
		for (n = 0; n < r->n_threads && pos < have; n++) {
			cut = chunk_end(buf, pos, have, eof);
			if (cut <= pos)
				break;
			r->job[n].text = buf + pos;
			r->job[n].len = cut - pos;
			r->job[n].base = base + pos;
			r->job[n].file = label;
			pos = cut;
		}
		if (n > 0)
			run_batch(r, n);
		for (i = 0; i < n; i++)
			r->job[i].text = NULL;
		memmove(buf, buf + pos, have - pos);
		have -= pos;
		base += pos;
	}
	free(buf);
	if (fd != 0)
		close(fd);
}

static int
default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 4 ? 4 : (int)n;
}

static int
run_extract(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_extract_opts xo = { 0, 0, 1 };
	const struct chousa_format *f;
	struct chousa_err err;
	struct run *r;
	const char *arg;
	int c, i, json = 0, defang = 0, threads = default_threads();

	if (cli_server_url(argc, argv) != NULL)
		return cli_remote(self, argc, argv);

	r = xmalloc(sizeof(*r));
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->turn_cond, NULL);
	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		switch (c) {
		case 'j':
			json = 1;
			break;
		case 't':
			if (chousa_ioc_types_parse(arg, &xo.types, &err) !=
			    CHOUSA_OK)
				cli_usage_error(self, "%s", err.msg);
			break;
		case 'u':
			r->unique = 1;
			break;
		case OPT_PUBLIC:
			xo.keep_private = 0;
			break;
		case OPT_DEFANG:
			defang = 1;
			break;
		case OPT_THREADS:
			threads = (int)cli_number_arg(self, "threads", arg, 1,
			    MAX_THREADS);
			break;
		}
	}
	if (chousa_format_get(json ? "json" : "text", CHOUSA_RESULT_EXTRACT,
	    &f, &err) != CHOUSA_OK)
		cli_die_err(&err);
	r->n_threads = threads;
	for (i = 0; i < threads; i++) {
		if (chousa_extractor_new(&r->job[i].x, &xo, &err) !=
		    CHOUSA_OK)
			cli_die_err(&err);
		r->job[i].fmt = f->results;
		r->job[i].defang = defang;
		r->job[i].unique = r->unique;
		chousa_buf_init(&r->job[i].out, 0);
		chousa_buf_init(&r->job[i].keys, 0);
	}
	if (cli_optind >= argc)
		extract_file(r, "-", NULL);
	for (i = cli_optind; i < argc; i++)
		extract_file(r, argv[i], argc - cli_optind > 1 ? argv[i] :
		    NULL);
	cli_flush();
	for (i = 0; i < threads; i++) {
		chousa_extractor_free(r->job[i].x);
		chousa_buf_release(&r->job[i].out);
		chousa_buf_release(&r->job[i].keys);
		free(r->job[i].recs);
	}
	chousa_set_free(&r->seen);
	pthread_cond_destroy(&r->turn_cond);
	pthread_mutex_destroy(&r->lock);
	free(r);
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_extract = {
	"extract", "Find every indicator in text, defanged or not",
	"[--json] [--types LIST] [--unique] [FILE...|-]",
	"Read FILEs (or standard input) and print every indicator in them: "
	"IPv4 and IPv6 addresses, CIDR networks, domains, URLs, email "
	"addresses (also user@[192.0.2.7]), MD5, SHA-1, SHA-256 and SHA-512 "
	"hashes and AS numbers (AS13335, AS 13335, ASN 13335).  Defanged forms "
	"are read too (hxxp, hxxp ://, [http]://, [.], (.), ].[, (dot), [:], "
	"[@], foo @ bar.com, \\., 47.]244.189.]73, 10.10.10.]]]10, and the "
	"full-width ．。：／＠ of Japanese text), as are indicators inside "
	"Markdown links, HTML and Japanese, Chinese or Korean prose without "
	"spaces: a domain such as 日本語.jp is found in 通信先は日本語.jpです "
	"(docs/indicators.md has the rules).  Each is printed as its normal "
	"form: lower-case host, punycode (UTS #46, as browsers convert), RFC "
	"5952 IPv6, WHATWG URL.\n\n"
	"A host is a domain only under a top-level domain of the public suffix "
	"list, so file names such as setup.exe or config.json are not "
	"reported; names under a suffix that is also a common file extension "
	"(.zip .mov .py .sh .md .rs .so .pm .ps .tf .ml) are reported only "
	"when defanged or in a URL or email.  A host with a label that is not "
	"valid IDNA or DNS syntax is reported as written, with "
	"\"invalid-host: REASON\" in a third column (host_error in JSON).  "
	"A hex string is a hash only as a whole token of 32, 40, 64 or 128 "
	"digits.  Private, loopback and other non-public addresses are "
	"reported unless --public-only is given.\n\n"
	"The output is TSV, type and value, one per line, in the order "
	"found; exit 0 whether or not anything was found.",
	extract_opts, run_extract,
	"chousa extract report.txt\n"
	"chousa extract --json --unique --types url,domain alert.eml\n"
	"pbpaste | chousa extract --types ip --public-only",
	NULL,
	NULL
};
