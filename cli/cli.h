/*
 * cli.h: what the cli/ front end shares.  Each subcommand is one
 * cli/cmd-<verb>.c defining a struct cli_cmd: its option table is the one
 * text that makes --help, the man page and the getopt parser, so they
 * cannot drift apart (after curl's docs/cmdline-opts).
 */
#ifndef CHOUSA_CLI_H
#define CHOUSA_CLI_H

#include <stdio.h>

#include "chousa.h"

/* Exit statuses: one stable table, documented in the man page and README. */
enum cli_exit {
	EXIT_CLEAN = 0,		/* done, nothing malicious */
	EXIT_FOUND = 1,		/* done, something malicious or suspicious */
	EXIT_USAGE = 2,		/* usage error */
	EXIT_BADINPUT = 3,	/* bad input */
	EXIT_SOURCE = 4,	/* a network or source failure left no result */
	EXIT_INTERNAL = 5	/* internal error */
};

/* One option.  id is the short letter, or a number >= 256 for long only. */
struct cli_opt {
	int		 id;
	const char	*name;		/* long name, without "--" */
	const char	*arg;		/* "PATH" when it takes a value, or NULL */
	const char	*help;		/* sentences, for --help and the man page */
};

struct cli_cmd {
	const char		*name;
	const char		*summary;	/* one line */
	const char		*usage;		/* after "chousa NAME " */
	const char		*description;	/* paragraphs, "\n\n" apart */
	const struct cli_opt	*opts;		/* ends with { 0 } */
	int			(*run)(const struct cli_cmd *cmd, int argc,
				    char **argv);	/* returns an exit status */
	const char		*examples;	/* lines, or NULL */
};

/* The global options, set before a command runs (or by cli_getopt). */
struct cli_global {
	const char	*db;		/* --db or CHOUSA_DB, or NULL: default */
	const char	*config;	/* --config or CHOUSA_CONFIG, or NULL */
	int		 quiet;
	int		 verbose;
	int		 color;		/* -1 auto, 0 never, 1 always */
	const char	*server;	/* --server URL, or NULL */
};
extern struct cli_global g_opt;

/* Every command, in the order --help lists them. */
extern const struct cli_cmd *const cli_commands[];

/*
 * Parse the next option of cmd (global ones included and handled here, and
 * --help, which prints and exits 0).  Returns the option id with *arg set,
 * or -1 at the end, with *optind_out the first operand.  A bad option
 * prints a usage error and exits EXIT_USAGE.
 */
int	cli_getopt(const struct cli_cmd *cmd, int argc, char **argv,
	    const char **arg);
extern int cli_optind;

void	cli_help(const struct cli_cmd *cmd, FILE *fp);
void	cli_man(FILE *fp);

/* Diagnostics on stderr as "chousa: message".  die* exit with status. */
void	cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	cli_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void cli_die(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
_Noreturn void cli_usage_error(const struct cli_cmd *cmd, const char *fmt,
	    ...) __attribute__((format(printf, 2, 3)));
/* Exit status for a library rc (EPARSE -> 3, EHTTP -> 4, ENOMEM -> 5...). */
int	cli_exit_for_rc(int rc);
/* Print err's message and exit with the status its code maps to. */
_Noreturn void cli_die_err(const struct chousa_err *err);

/* Whether to colour fp: a TTY, NO_COLOR unset, or --color=always. */
int	cli_use_color(FILE *fp);

/* A progress bar on stderr when it is a TTY and -q is not given. */
struct cli_progress {
	const char	*label;
	int		 active;
	int		 last_permille;
	double		 last_time;
};
void	cli_progress_init(struct cli_progress *p, const char *label);
/* chousa_progress_fn-compatible; arg is the struct cli_progress. */
void	cli_progress_update(void *arg, uint64_t done, uint64_t total);
void	cli_progress_end(struct cli_progress *p);

/* The store path from --db, CHOUSA_DB or the default; static storage. */
const char *cli_db_path(void);
/*
 * Open the store (creating its directory when writing), or exit with a
 * one-line error and the right status.
 */
struct chousa_store *cli_open_store(unsigned flags);
/* Load the config from --config/CHOUSA_CONFIG/default, or exit. */
struct chousa_config *cli_load_config(void);

/*
 * The team server to ask (--server, [server] url, CHOUSA_SERVER_URL), or
 * NULL to work locally; and running cmd there (cli/client.c), which
 * returns the exit status the server says.
 */
const char *cli_server_url(int argc, char **argv);
int	cli_remote(const struct cli_cmd *cmd, int argc, char **argv);

/* Die-on-failure allocation; only cli/ may use these (tmux xmalloc). */
void	*xmalloc(size_t size);
void	*xrealloc(void *p, size_t size);
char	*xstrdup(const char *s);

/* Write a buffer to stdout, dying on a write error (EPIPE is quiet). */
void	cli_write(const struct chousa_buf *b);
void	cli_flush(void);

/* Read a whole file ("-" is stdin) up to max bytes; dies with status 3. */
void	cli_read_file(const char *path, struct chousa_buf *out, size_t max);

#endif /* CHOUSA_CLI_H */
