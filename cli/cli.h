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

/*
 * Exit statuses: the library's enum chousa_exit (include/chousa/base.h),
 * which the server's frames carry too, by the short names cli/ uses.
 * cli_exit_statuses[] (cli/opt.c) says what each means; --help and the
 * man page print it, and a test holds the README's table to it.
 */
enum cli_exit {
	EXIT_CLEAN = CHOUSA_EXIT_CLEAN,
	EXIT_FOUND = CHOUSA_EXIT_FOUND,
	EXIT_USAGE = CHOUSA_EXIT_USAGE,
	EXIT_BADINPUT = CHOUSA_EXIT_BADINPUT,
	EXIT_SOURCE = CHOUSA_EXIT_SOURCE,
	EXIT_INTERNAL = CHOUSA_EXIT_INTERNAL,
	EXIT_BUSY = CHOUSA_EXIT_BUSY,
	EXIT_INTERRUPTED = CHOUSA_EXIT_INTERRUPTED
};

struct cli_exit_status {
	int		 status;
	const char	*meaning;	/* a sentence without its period */
};
/* The table, ending with a NULL meaning. */
extern const struct cli_exit_status cli_exit_statuses[];

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
	/*
	 * The subcommands (db's stats and check), NULL-ended, or NULL: the
	 * command parses them from here and completion offers them.
	 */
	const char *const	*verbs;
	/*
	 * More paragraphs, after description: C11 lets a compiler cap one
	 * string literal at 4095 bytes.  Or NULL.
	 */
	const char		*more;
};

/* The global options, set before a command runs (or by cli_getopt). */
struct cli_global {
	const char	*db;		/* --db or CHOUSA_DB, or NULL: default */
	const char	*config;	/* --config or CHOUSA_CONFIG, or NULL */
	int		 quiet;
	int		 verbose;	/* -v counted: -vv is 2 */
	int		 color;		/* -1 auto, 0 never, 1 always */
	int		 json;		/* --json, for a command without its own */
	int		 wait;		/* --wait seconds, -1: the default */
	const char	*server;	/* --server URL, or NULL */
};
extern struct cli_global g_opt;

/* Every command, in the order --help lists them. */
extern const struct cli_cmd *const cli_commands[];

/*
 * Parse the next option of cmd (global ones included and handled here, and
 * -h/--help, which prints and exits 0).  Returns the option id with *arg
 * set, or -1 at the end, with cli_optind the first operand.  A bad option
 * ("--fromat", "-format" for --format) prints a usage error, with the
 * option meant when it can tell, and exits EXIT_USAGE.  A --json given
 * before the command name comes back as the command's own --json.
 */
int	cli_getopt(const struct cli_cmd *cmd, int argc, char **argv,
	    const char **arg);
extern int cli_optind;
/*
 * Parse the global options before the command name (main.c); returns the
 * index of the command name, argc when there is none.  --help and
 * --version print and exit.
 */
int	cli_global_options(int argc, char **argv);
/* The global options' table, for completion; ends with { 0 }. */
extern const struct cli_opt cli_global_opts[];

/*
 * Help text as written, with the lists of the library's tables filled in:
 * @IMPORTERS@ (import's sources), @DOWNLOADS@ (update's) and @EXPORTDIRS@
 * (the export formats that write a directory) as "a, b, c";
 * @LOGFORMATS@ (sweep's), @REPORTFORMATS@ (investigate's) and
 * @EXPORTFORMATS@ (export's) as "a: what a is.  b: ..."; @TYPES@ (the
 * indicator types) as "a, b, c"; and @IMPORTER_HELP@, each importer with what it reads, as "a (x), b (y), or
 * c (z)".  Every reader of --help, man page and completion text calls it.
 * The result lives as long as the program.
 */
const char *cli_text(const char *text);
/* cmd's description and more, joined and filled in (cli_text). */
const char *cli_description(const struct cli_cmd *cmd);
/*
 * The words an option takes, for completion: those of the first list
 * text names, with the word its text explains itself ("auto") first,
 * appended to w space separated.  Returns 0 when text names no list.
 */
int	cli_text_words(const char *text, struct chousa_buf *w);
/*
 * The words option o takes, for completion: a global option's list of
 * words (--color's), else cli_text_words() of its help.
 */
int	cli_opt_words(const struct cli_opt *o, struct chousa_buf *w);
/* words (NULL-ended) appended to w, space separated. */
void	cli_add_words(struct chousa_buf *w, const char *const *words);
void	cli_help(const struct cli_cmd *cmd, FILE *fp);
void	cli_man(FILE *fp);
/* Roff-escape s for the man page: backslashes, dashes, leading dots. */
void	cli_roff(FILE *fp, const char *s);
/* The command named name, or NULL. */
const struct cli_cmd *cli_find_command(const char *name);
/* The commands' names, NULL-terminated; static. */
const char *const *cli_command_names(void);
/* The man page's configuration reference (cmd-config.c). */
void	cli_config_man(FILE *fp);

/*
 * A name that names nothing: "unknown WHAT 'word'", with the closest of
 * names (NULL-terminated) when one is close, as a usage error (exit 2).
 */
_Noreturn void cli_unknown_name(const struct cli_cmd *cmd, const char *what,
	    const char *word, const char *const *names);
/*
 * The subcommand at cli_optind, which must be one of verbs
 * (NULL-terminated): else "name a subcommand: a or b" or the unknown name,
 * as a usage error.  Returns the entry of verbs.
 */
const char *cli_subcommand(const struct cli_cmd *cmd, int argc, char **argv,
	    const char *const *verbs);
/* The entry of verbs (NULL-ended) at cli_optind, or NULL: none or another. */
const char *cli_verb_find(int argc, char **argv, const char *const *verbs);
/* names (NULL-ended) onto b as "a, b or c". */
void	cli_names_add(struct chousa_buf *b, const char *const *names);
/*
 * No input was given and standard input is a terminal: print why and the
 * usage, exit 2.  cli_getopt() does it for the commands that read
 * standard input when given no operand; others call it themselves.
 */
_Noreturn void cli_no_input(const struct cli_cmd *cmd);

/* Diagnostics on stderr as "chousa: message".  die* exit with status. */
void	cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	cli_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void cli_die(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
_Noreturn void cli_usage_error(const struct cli_cmd *cmd, const char *fmt,
	    ...) __attribute__((format(printf, 2, 3)));
/* Print err's message (and for a busy store, --wait). */
void	cli_warn_err(const struct chousa_err *err);
/* cli_warn_err(), then exit with the status its code maps to. */
_Noreturn void cli_die_err(const struct chousa_err *err);

/* Whether to colour fp: a TTY, NO_COLOR unset, or --color=always. */
int	cli_use_color(FILE *fp);
/*
 * The width investigate's text wraps at: asked (--width) when >= 0; else
 * on a terminal COLUMNS, its size or 80; into a file or a pipe, COLUMNS
 * when set, else 0 (no wrapping), so that grep finds whole lines.
 */
int	cli_text_width(int asked);
/* Whether an operand of investigate --extract names a file, not text. */
int	cli_extract_is_file(const char *arg);
/* extract --threads: at most this many, here and with --server. */
#define CLI_EXTRACT_MAX_THREADS	16
/* arg as a number from lo to hi, else a usage error naming --name. */
long	cli_number_arg(const struct cli_cmd *self, const char *name,
	    const char *arg, long lo, long hi);
/*
 * investigate's options checked alike here and before a request to a
 * server (cli/cmd-investigate.c), each a usage error as the local
 * command's: --depth, --max-samples or --budget (name) in its range;
 * --at as a time; every name of --sources a source or a group;
 * --cache-only not with --offline or --refresh.
 */
long	cli_investigate_number(const struct cli_cmd *self, const char *name,
	    const char *arg);
int64_t	cli_investigate_at(const struct cli_cmd *self, const char *arg);
void	cli_investigate_check_sources(const struct cli_cmd *self,
	    const char *list);
void	cli_investigate_check_cache_only(const struct cli_cmd *self,
	    int cache_only, int offline, int refresh);

/*
 * A progress bar on stderr when it is a TTY and -q is not given: the
 * share done, the count, the rate and the time left.  done and total
 * count bytes, or the items named by unit after cli_progress_init().
 */
struct cli_progress {
	const char	*label;
	int		 active;
	int		 last_permille;
	double		 last_time;
	double		 start;		/* when the job began */
	const char	*unit;		/* NULL: bytes; else "indicators"... */
};
void	cli_progress_init(struct cli_progress *p, const char *label);
/* chousa_progress_fn-compatible; arg is the struct cli_progress. */
void	cli_progress_update(void *arg, uint64_t done, uint64_t total);
void	cli_progress_end(struct cli_progress *p);

/* The store path from --db, CHOUSA_DB or the default; static storage. */
const char *cli_db_path(void);
/* The audit log serve writes unless told otherwise: audit.log beside the
 * store (malloc'd). */
char	*cli_audit_default(void);
/*
 * Open the store (creating its directory when writing), or exit with a
 * one-line error and the right status.  A migration the open made is said
 * on stderr (cli_store_migrated).  Commands that only read pass
 * CHOUSA_STORE_READONLY, which reads an older schema as it is.
 */
struct chousa_store *cli_open_store(unsigned flags);
/* Say on stderr that opening st migrated it, if it did. */
void	cli_store_migrated(struct chousa_store *st);
/* mkdir -p, mode 0700, of the directory that holds path; or exit 3. */
void	cli_make_parent_dirs(const char *path);
/* How long to wait for a busy store: --wait, else the library's default. */
int	cli_store_wait_ms(void);
/*
 * Load the config from --config/CHOUSA_CONFIG/default, or exit; each
 * problem chousa_config_check() finds is a warning on stderr.
 */
struct chousa_config *cli_load_config(void);
/* The same, NULL with err when it cannot be read (chousa serve's SIGHUP). */
struct chousa_config *cli_try_load_config(struct chousa_err *err);
/*
 * Loaded without a word, or exit; cli_config_say() then says its problems
 * (serve: once its options are read, unless --check reports them itself).
 */
struct chousa_config *cli_load_config_unsaid(void);
void	cli_config_say(const struct chousa_config *c);
/*
 * After a source's "key refused ..." (reason), append to b the likely
 * cause: quotes, blanks or a comment in the key, a wrong length, a
 * variable over the file (chousa_config_key_problem()).
 */
void	cli_key_hint(struct chousa_buf *b, const struct chousa_config *cfg,
	    const char *source, const char *reason);

/*
 * Ctrl-C while a command writes to the store: the store's transaction is
 * never committed, so it stays as it was.  cli_open_store() arms this for
 * writing commands; the progress callback (called only while a file is
 * read, before anything commits) then ends the run with
 * "interrupted: the store is unchanged" and status 130.  A second Ctrl-C
 * ends it at once.
 */
void	cli_interrupt_arm(void);
/* Whether Ctrl-C was pressed since cli_interrupt_arm(). */
int	cli_interrupted(void);

/*
 * What an export wrote, each file and what was left out and why, on
 * stderr (cli/cmd-export.c; also after chousa --server URL export).
 */
void	cli_export_summary(const char *format,
	    const struct chousa_export_report *rep);

/*
 * The team server to ask (--server, [server] url, CHOUSA_SERVER_URL), or
 * NULL to work locally; and running cmd there (cli/client.c), which
 * returns the exit status the server says.
 */
const char *cli_server_url(int argc, char **argv);
int	cli_remote(const struct cli_cmd *cmd, int argc, char **argv);
/*
 * chousa --server URL import: each of the n files into the team's store
 * (an admin token's), said and ended as the local import would.
 */
int	cli_remote_import(const char *source, char **files, int n,
	    const struct chousa_import_opts *o);
/*
 * chousa --server URL update: the team server's update, run now (or the
 * one running) and awaited; said and ended as it was there.
 */
int	cli_remote_update(void);
/*
 * chousa --server URL token VERB: the team server's tokens (verb create,
 * budget, allow, note or revoke; budget -1: the server's default;
 * allow_from, note NULL: not given), printed and ended as the local
 * command would.
 */
int	cli_remote_token(const char *verb, const char *name, const char *role,
	    const char *expires, long budget, const char *allow_from,
	    const char *note);
/* The same for token list [--json] [--unused-for DURATION (NULL: all)]. */
int	cli_remote_token_list(int json, const char *unused_for,
	    const char *state);
/*
 * POST /api/v1/tokens/NAME/rotate: the new token, and what the server says
 * of it, as `chousa token rotate` prints them.
 */
int	cli_remote_token_rotate(const char *name, const char *expires,
	    const char *grace);
/*
 * A usage error when --server is given to a command that works on this
 * machine's store only (sweep, export, import, token...), which would
 * otherwise answer from the local store as if from the server's.
 */
void	cli_server_only_remote(const struct cli_cmd *cmd, int argc,
	    char **argv);

/* Die-on-failure allocation; only cli/ may use these (tmux xmalloc). */
void	*xmalloc(size_t size);
void	*xrealloc(void *p, size_t size);
char	*xstrdup(const char *s);

/* Write a buffer to stdout, dying on a write error (EPIPE is quiet). */
void	cli_write(const struct chousa_buf *b);
void	cli_flush(void);
/* A command's whole output: write b, flush, and release b. */
void	cli_output(struct chousa_buf *b);

/* Read a whole file ("-" is stdin) up to max bytes; dies with status 3. */
void	cli_read_file(const char *path, struct chousa_buf *out, size_t max);
/* The same, but 0, or the exit status with why it failed in why. */
int	cli_try_read_file(const char *path, struct chousa_buf *out, size_t max,
	    char *why, size_t why_size);
/* Call fn for each line of b, without its newline (a last one may lack it). */
typedef void (*cli_line_fn)(void *arg, const char *line, size_t len);
void	cli_each_line(const struct chousa_buf *b, cli_line_fn fn, void *arg);
/*
 * One input as investigate takes it, here or through a server: *s and
 * *len (IN/OUT) trimmed of blanks and line ends.  Returns 0 for what is
 * skipped, a blank line or a '#' comment.
 */
int	cli_input_trim(const char **s, size_t *len);

/*
 * investigate --extract leaves a text's private and loopback addresses
 * out: how many distinct ones text holds, and the warning that says so
 * (nothing for 0), here and through a server alike.
 */
size_t	cli_private_addresses(const char *text, size_t len);
void	cli_private_left_out(size_t n);

/*
 * --json for the commands whose result is text or lines on stderr: each
 * line appended to b since from made a JSON string (refang, defang).
 */
void	cli_json_lines(struct chousa_buf *b, size_t from);

/*
 * The result of one import or feed update (state "imported",
 * "not_modified", "failed" with err) on stdout, in a format that shows
 * imports (json); the others say it on stderr.
 */
void	cli_print_import(const char *source, const char *path,
	    const char *state, const struct chousa_import_report *rep,
	    const struct chousa_err *err);

#endif /* CHOUSA_CLI_H */
