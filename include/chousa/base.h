/*
 * chousa/base.h: errors, string views, growable buffers, arenas, escaping
 * for untrusted strings, and the INI config.  Part of chousa.h; do not
 * include on its own.
 */
#ifndef CHOUSA_BASE_H
#define CHOUSA_BASE_H

/* ---- errors ---- */

/* Return codes of every fallible function.  Append only, never renumber. */
enum chousa_rc {
	CHOUSA_OK = 0,
	CHOUSA_ENOMEM,		/* an allocation failed */
	CHOUSA_EINVAL,		/* a bad argument from the caller */
	CHOUSA_EPARSE,		/* input that does not parse */
	CHOUSA_EIO,		/* a read or write failed */
	CHOUSA_EHTTP,		/* a network or HTTP failure */
	CHOUSA_ELIMIT,		/* a documented cap was reached */
	CHOUSA_EDB,		/* the SQLite store failed */
	CHOUSA_ENOTFOUND,	/* nothing by that name */
	CHOUSA_EFORMAT,		/* a file of the wrong format */
	CHOUSA_EAUTH,		/* a key was refused */
	CHOUSA_EQUOTA,		/* a quota is spent */
	CHOUSA_ETIMEOUT,	/* a time-out */
	CHOUSA_EPERM,		/* unsafe permissions (config with keys) */
	CHOUSA_EINTERNAL,	/* a bug: an invariant did not hold */
	CHOUSA_EBUSY,		/* another process holds the store */
	CHOUSA_EEXIST,		/* the name is taken */
	CHOUSA_ESTORE		/* the store cannot be written: its disk is
				 * full, or its files are not this user's;
				 * never a fault of the input */
};

/*
 * Where a failing function puts its one-line message: room for a message
 * that names a long path or two (paths come early in it, so that one cut
 * short loses the advice, never the path).
 */
#define CHOUSA_ERR_MSG_SIZE	2048
struct chousa_err {
	int	code;
	char	msg[CHOUSA_ERR_MSG_SIZE];
};

/*
 * Fill err (when not NULL) with code and a printf-style message, and return
 * code, so that a caller can write `return chousa_errf(err, ...)`.  Messages
 * are lowercase, name the problem first, quote the subject, and end without
 * a period.
 */
int	chousa_errf(struct chousa_err *err, int code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* A short constant name for a code ("ENOMEM"). */
const char *chousa_rc_name(int code);

/*
 * What a run ends with: the status `chousa` exits with and the server's
 * CLI frame ("chousa/2 EXIT") carries, so a command run locally and one
 * run with --server end alike.  Published: never renumber.
 */
enum chousa_exit {
	CHOUSA_EXIT_CLEAN = 0,		/* done, nothing malicious */
	CHOUSA_EXIT_FOUND = 1,		/* done, something malicious or
					 * suspicious */
	CHOUSA_EXIT_USAGE = 2,		/* usage error */
	CHOUSA_EXIT_BADINPUT = 3,	/* bad input */
	CHOUSA_EXIT_SOURCE = 4,		/* a network or source failure left
					 * no result */
	CHOUSA_EXIT_INTERNAL = 5,	/* internal error */
	CHOUSA_EXIT_BUSY = 6,		/* the store stayed busy past --wait */
	CHOUSA_EXIT_INTERRUPTED = 130	/* Ctrl-C: 128 + SIGINT, as shells
					 * say */
};
/* The exit status a run that failed with code ends with. */
int	chousa_exit_for_rc(int code);

/* ---- string views and buffers ---- */

/* A borrowed view of bytes, not NUL-terminated. */
struct chousa_str {
	const char	*p;
	size_t		 len;
};

#define CHOUSA_STR(lit)	((struct chousa_str){ (lit), sizeof(lit) - 1 })

/*
 * A growable byte buffer.  data always has a NUL after len (and may hold
 * NULs inside).  It never grows past max (0 means 64 MiB); once an append
 * fails, failed is set and further appends do nothing, so a writer can
 * append freely and check once with chousa_buf_rc().
 */
struct chousa_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
	int	 failed;	/* CHOUSA_OK, CHOUSA_ENOMEM or CHOUSA_ELIMIT */
};

#define CHOUSA_BUF_DEFAULT_MAX	((size_t)64 << 20)

void	chousa_buf_init(struct chousa_buf *b, size_t max);
/*
 * A buffer over the caller's storage of size bytes: it never allocates, so
 * it works when memory is short (error messages); appends that do not fit
 * fail as over the cap.  Never release it.
 */
void	chousa_buf_init_fixed(struct chousa_buf *b, char *storage, size_t size);
void	chousa_buf_release(struct chousa_buf *b);
void	chousa_buf_reset(struct chousa_buf *b);	/* len = 0, keeps memory */
/*
 * Where to write n more bytes at the end of b, with room for the NUL after
 * them (the caller then adds n to len and writes that NUL), or NULL once b
 * has failed.
 */
char	*chousa_buf_room(struct chousa_buf *b, size_t n);
void	chousa_buf_add(struct chousa_buf *b, const void *p, size_t len);
void	chousa_buf_adds(struct chousa_buf *b, const char *s);
void	chousa_buf_addch(struct chousa_buf *b, int c);
void	chousa_buf_addf(struct chousa_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	chousa_buf_vaddf(struct chousa_buf *b, const char *fmt, va_list ap);
/* Returns failed as an rc, with a message naming what was being built. */
int	chousa_buf_rc(const struct chousa_buf *b, const char *what,
	    struct chousa_err *err);

/* ---- arenas ---- */

/*
 * One arena per unit of work (a lookup, an investigation, a report).  What
 * comes from it is freed all at once by chousa_arena_free(); no single
 * object is ever freed.  max caps the total (0 means 256 MiB).
 */
struct chousa_arena;

int	chousa_arena_new(struct chousa_arena **out, size_t max,
	    struct chousa_err *err);
void	chousa_arena_free(struct chousa_arena *a);
/* Returns zeroed memory, or NULL when out of memory or over max. */
void	*chousa_arena_alloc(struct chousa_arena *a, size_t size);
/* Copies len bytes and adds a NUL; NULL on failure. */
char	*chousa_arena_strndup(struct chousa_arena *a, const char *s, size_t len);
char	*chousa_arena_strdup(struct chousa_arena *a, const char *s);
char	*chousa_arena_printf(struct chousa_arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
size_t	 chousa_arena_used(const struct chousa_arena *a);
/*
 * Room for one more element after the n of arr (cap allocated, doubled
 * when full, 8 at first): arr itself while there is room, else a copy in
 * a larger block; NULL when memory runs out, arr and *cap then unchanged.
 */
void	*chousa_arena_grow(struct chousa_arena *a, void *arr, size_t n,
	    size_t *cap, size_t size);

/* ---- escaping untrusted strings (src/base/esc.c) ---- */

/*
 * Every string that comes from a feed, an API or a log is untrusted.  These
 * append it to b made safe for one kind of output.  All of them replace
 * invalid UTF-8 with U+FFFD, so their output is always valid UTF-8.
 */
/* Terminal text: drops C0/C1 controls and escape sequences, keeps \t. */
void	chousa_esc_text(struct chousa_buf *b, const char *s, size_t len);
/* One line of it: as chousa_esc_text, with line ends and tabs as spaces. */
void	chousa_esc_line(struct chousa_buf *b, const char *s, size_t len);
/* The inside of a JSON string (no quotes added). */
void	chousa_esc_json(struct chousa_buf *b, const char *s, size_t len);
/* A JSON string with its quotes; NULL s writes null. */
void	chousa_esc_json_str(struct chousa_buf *b, const char *s);
/* HTML text or attribute value: & < > " ' escaped, controls dropped. */
void	chousa_esc_html(struct chousa_buf *b, const char *s, size_t len);
/*
 * HTML text of an indicator (a URL, a domain, defanged or not) that a
 * narrow screen may wrap: as chousa_esc_html, with a <wbr> after each run
 * of . / ? & = ] @ : that a letter or digit follows, so that a line
 * breaks between its labels and path segments and never inside one.
 * Text only, not an attribute value.
 */
void	chousa_esc_html_breakable(struct chousa_buf *b, const char *s,
	    size_t len);
/*
 * Markdown inline text, escaped only where markup could start (\ ` * [ ] <
 * > & | ~ and _ at a word's edge), so that it reads as written; newlines
 * become spaces.  Line starts (#, -, 1.) are the caller's to guard.
 */
void	chousa_esc_md(struct chousa_buf *b, const char *s, size_t len);
/* One CSV cell, quoted; a cell starting with = + - @ \t \r gets a ' first. */
void	chousa_esc_csv(struct chousa_buf *b, const char *s, size_t len);
/*
 * A STIX pattern's string literal: s in single quotes, each ' and \
 * escaped with a backslash (STIX 2.1 patterning), the bytes otherwise as they
 * are (the bundle's JSON escaping comes after).
 */
void	chousa_esc_stix(struct chousa_buf *b, const char *s);
/*
 * Whether s (NULL: empty) is one line of plain text for people, shown as
 * it is in a terminal's table or a page (a token's note, an import's
 * labels): at most max bytes of UTF-8 without C0 or C1 controls, DEL,
 * line or paragraph separators (U+2028, U+2029) or bidirectional
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069), which would make
 * it read otherwise than it is.  CHOUSA_OK, else CHOUSA_EINVAL with err
 * naming it what and saying why.
 */
int	chousa_text_line_check(const char *what, const char *s, size_t max,
	    struct chousa_err *err);
/* Length of the longest valid UTF-8 prefix of s. */
size_t	chousa_utf8_valid_prefix(const char *s, size_t len);

/* ---- the JSON writer (src/base/jw.c) ---- */

/*
 * The one JSON writer every JSON document goes through (reports, sweep
 * hits, look-ups, listings; docs/json.md).  Writes JSON values into b:
 * objects and arrays nest and the commas between members come by
 * themselves; a key is followed by exactly one value (which may be an
 * object or array).  Strings go through
 * chousa_esc_json, so invalid UTF-8 becomes U+FFFD.  Several values
 * written at the top level are separate documents: nothing goes between
 * them (JSON lines add their own newline).  Up to 32 levels deep.
 *
 *	struct chousa_jw w;
 *	chousa_jw_init(&w, &b);
 *	chousa_jw_object(&w);
 *	chousa_jw_kstr(&w, "indicator", value);
 *	chousa_jw_key(&w, "sources");
 *	chousa_jw_list(&w, "urlhaus,threatfox", ',');
 *	chousa_jw_object_end(&w);
 */
struct chousa_jw {
	struct chousa_buf	*b;
	unsigned		 depth;
	uint32_t		 used;		/* bit d-1: level d has a
						 * member already */
	int			 after_key;
	int			 spaced;	/* set after init: ", " and
						 * ": " as Python's json.dumps
						 * writes, for request bodies
						 * that must stay as they were
						 * (they key the online cache) */
};

void	chousa_jw_init(struct chousa_jw *w, struct chousa_buf *b);
void	chousa_jw_object(struct chousa_jw *w);
void	chousa_jw_object_end(struct chousa_jw *w);
void	chousa_jw_array(struct chousa_jw *w);
void	chousa_jw_array_end(struct chousa_jw *w);
/* A member's key: one of our names, plain ASCII, written as it is. */
void	chousa_jw_key(struct chousa_jw *w, const char *key);
/* A string; NULL writes null. */
void	chousa_jw_str(struct chousa_jw *w, const char *s);
/* len bytes of s as a string (NUL bytes included, escaped). */
void	chousa_jw_strn(struct chousa_jw *w, const char *s, size_t len);
/* As chousa_jw_strn, but null when s is NULL or empty. */
void	chousa_jw_strn_or_null(struct chousa_jw *w, const char *s,
	    size_t len);
void	chousa_jw_int(struct chousa_jw *w, int64_t v);
void	chousa_jw_uint(struct chousa_jw *w, uint64_t v);
/* v with exactly decimals digits after the point; NaN writes null. */
void	chousa_jw_double(struct chousa_jw *w, double v, int decimals);
void	chousa_jw_bool(struct chousa_jw *w, int v);
void	chousa_jw_null(struct chousa_jw *w);
/* Unix seconds as "YYYY-MM-DDTHH:MM:SSZ"; 0 or less (unknown) is null. */
void	chousa_jw_time(struct chousa_jw *w, int64_t t);
/*
 * A list written as text ("a,b,c" with delim ',') as an array of
 * strings; empty items are left out, and NULL is the empty array.
 */
void	chousa_jw_list(struct chousa_jw *w, const char *s, char delim);
/*
 * A newline before the next member, after its comma: one member a line.
 * A member must follow (a newline before a closing bracket is written
 * into b directly).
 */
void	chousa_jw_newline(struct chousa_jw *w);
/*
 * len bytes of json as one value, as they are: a document this writer
 * made earlier (the CLI's --json output inside an MCP result) or a
 * constant of ours.  Never text from outside, which goes through
 * chousa_jw_str.
 */
void	chousa_jw_raw(struct chousa_jw *w, const char *json, size_t len);
/* A key and its value in one call. */
void	chousa_jw_kstr(struct chousa_jw *w, const char *key, const char *s);
void	chousa_jw_kint(struct chousa_jw *w, const char *key, int64_t v);
void	chousa_jw_kuint(struct chousa_jw *w, const char *key, uint64_t v);
void	chousa_jw_kbool(struct chousa_jw *w, const char *key, int v);
void	chousa_jw_ktime(struct chousa_jw *w, const char *key, int64_t t);
/* v when has is true, else null (unknown, or meaningless here). */
void	chousa_jw_kint_if(struct chousa_jw *w, const char *key, int64_t v,
	    int has);
void	chousa_jw_kbool_if(struct chousa_jw *w, const char *key, int v,
	    int has);

/*
 * Writes row i of arg (a listing's rows, a table's) into an object that
 * chousa_jw_krows opened for it: its members only.
 */
typedef void (*chousa_jw_row_fn)(const void *arg, struct chousa_jw *w,
	    size_t i);
/*
 * key and an array of n objects, the members of object i written by
 * fn(arg, w, i): the {"tokens": [{...}, ...]} of every listing.
 */
void	chousa_jw_krows(struct chousa_jw *w, const char *key, size_t n,
	    chousa_jw_row_fn fn, const void *arg);
/*
 * A whole document of the one member chousa_jw_krows writes, and a
 * newline: {"tokens": [...]}, {"sources": [...]}.
 */
void	chousa_jw_rows_document(struct chousa_buf *b, const char *key,
	    size_t n, chousa_jw_row_fn fn, const void *arg);

/* ---- the INI config (src/base/config.c) ---- */

/*
 * The user's config, an INI file: [section] lines and key = value lines,
 * '#' and ';' comment lines.  A value may be quoted ("..." or '...'), and a
 * '#' or ';' after a space ends an unquoted value, as INI users expect.
 * Sections are the online sources' names ("virustotal"), "abusech",
 * "feeds" and "http"; chousa_config_keys() lists every setting.
 * Environment variables CHOUSA_<SECTION>_<KEY> (upper case) override the
 * file.
 */
struct chousa_config;

/*
 * Read path (NULL: $CHOUSA_CONFIG, else $XDG_CONFIG_HOME/chousa/config,
 * else ~/.config/chousa/config).  A missing file at the default path is an
 * empty config; a missing file named explicitly is CHOUSA_EIO.  A file that
 * holds an api_key and can be read by group or others is CHOUSA_EPERM, with
 * the chmod that fixes it in the message.  Caller frees with
 * chousa_config_free().
 */
int	chousa_config_load(struct chousa_config **out, const char *path,
	    struct chousa_err *err);
/* Parse text already in memory (tests, fuzzing); name is for messages. */
int	chousa_config_parse(struct chousa_config **out, const char *text,
	    size_t len, const char *name, struct chousa_err *err);
void	chousa_config_free(struct chousa_config *c);
/* The value, env first; borrowed; NULL when unset. */
const char *chousa_config_get(const struct chousa_config *c,
	    const char *section, const char *key);
/*
 * Integer value, or def when unset, not a whole number (for a size: not
 * as chousa_config_parse_size() reads one), or outside the range
 * chousa_config_keys() gives the key (chousa_config_check() says which).
 */
long	chousa_config_get_long(const struct chousa_config *c,
	    const char *section, const char *key, long def);
/*
 * The one rule for yes and no: yes, true, on and 1 are 1; no, false, off
 * and 0 are 0, in any case.  Anything else, or unset, is def.
 */
int	chousa_config_get_bool(const struct chousa_config *c,
	    const char *section, const char *key, int def);
/* The same rule on a value: CHOUSA_OK with *out set, else CHOUSA_EPARSE. */
int	chousa_config_parse_bool(const char *value, int *out);
/*
 * The one rule for a size in bytes, in the config (CHOUSA_CFG_SIZE) and on
 * the command line (serve --audit-max): a whole number of bytes, or one
 * followed by k (or K), M or G for KiB, MiB or GiB ("64M").  CHOUSA_OK with
 * *out set; CHOUSA_EPARSE for anything else (blanks, a sign, another
 * unit), CHOUSA_ELIMIT past what a long holds.
 */
int	chousa_config_parse_size(const char *value, long *out);
/* The path that was read, or NULL; borrowed. */
const char *chousa_config_path(const struct chousa_config *c);

/* Where the value chousa_config_get() returns comes from. */
struct chousa_config_origin {
	char		 env[96];	/* the variable that set it, or "" */
	const char	*file;		/* or the file, borrowed; NULL */
	size_t		 line;		/* and its line; 0 for a credential */
	int		 credential;	/* file is a credential (see below) */
};
/*
 * The value as chousa_config_get() returns it, and into *out where it came
 * from; NULL (with env "" and file NULL) when unset.
 */
const char *chousa_config_get_origin(const struct chousa_config *c,
	    const char *section, const char *key,
	    struct chousa_config_origin *out);

/* What a setting holds. */
enum chousa_config_type {
	CHOUSA_CFG_TEXT = 1,	/* free text */
	CHOUSA_CFG_SECRET,	/* a key: never printed whole */
	CHOUSA_CFG_URL,		/* http:// or https:// */
	CHOUSA_CFG_PATH,	/* a file that must be readable */
	CHOUSA_CFG_BOOL,	/* chousa_config_parse_bool() */
	CHOUSA_CFG_NUMBER,	/* a whole number from min to max */
	CHOUSA_CFG_LIST,	/* comma-separated names */
	CHOUSA_CFG_SIZE		/* bytes, chousa_config_parse_size(), from
				 * min to max */
};

/* The section name of the settings every online source's section takes. */
#define CHOUSA_CONFIG_SOURCE	"SOURCE"

/*
 * One setting chousa reads.  This table is the only list: the config check,
 * `chousa config`, its template and the man page's reference are made from
 * it.
 */
struct chousa_config_key {
	const char	*section;	/* "http", or CHOUSA_CONFIG_SOURCE */
	const char	*key;		/* "timeout" */
	int		 type;		/* enum chousa_config_type */
	long		 min, max;	/* NUMBER, SIZE: the range allowed */
	const char	*def;		/* the default as text, or NULL: none,
					 * or for SOURCE rows the source's own */
	const char	*help;		/* sentences, for the man page */
	const char	*word;		/* NUMBER, SIZE: a word it takes besides
					 * a number ("none"), or NULL; its
					 * reader makes sense of it, as
					 * chousa_config_get_long() gives def */
};
/* Every setting, sections in a fixed order; ends with a NULL section. */
const struct chousa_config_key *chousa_config_keys(void);
/*
 * Add n settings a module above base owns to the table, each after the
 * last row of its section (else at the end): base cannot list the feeds'
 * [feeds] <name>_url without knowing the feeds, so the program adds
 * chousa_feed_config_keys() as it starts.  The rows and their strings are
 * borrowed for the program's life.  Call it once, before any thread starts
 * and any config is read or checked: the table is not written after that,
 * so readers need no lock.  CHOUSA_ELIMIT when the table is full, else
 * CHOUSA_OK.
 */
int	chousa_config_add_keys(const struct chousa_config_key *rows,
	    size_t n);
/*
 * The check of a setting's values by the module that reads them, past
 * what its type says (a role, an address): CHOUSA_OK when the module
 * takes value, else CHOUSA_EINVAL with why in err, words that follow
 * "key 'value': " ("none, read or investigate").
 */
typedef int (*chousa_config_value_fn)(const char *value,
	    struct chousa_err *err);
/* That check of [section] key, and what the module does with a refusal. */
struct chousa_config_value_check {
	const char		*section, *key;
	chousa_config_value_fn	 fn;
	const char		*refusal;	/* "chousa serve will not start
						 * with it, ..." */
};
/*
 * Add n checks of values for chousa_config_check() to make: the config's
 * check, and every command's warnings, then refuse what the module that
 * reads a setting refuses, by the module's own code (base cannot call
 * it: chousa_serve_config_checks() gives the server's).  Borrowed for the
 * program's life; call it as chousa_config_add_keys(), once, before any
 * thread.  CHOUSA_ELIMIT when there is no room, else CHOUSA_OK.
 */
int	chousa_config_add_checks(const struct chousa_config_value_check *rows,
	    size_t n);
/*
 * The check of [section] key that refuses v (why in err), or NULL when
 * none does or there is none.
 */
const struct chousa_config_value_check *chousa_config_value_refused(
	    const char *section, const char *key, const char *v,
	    struct chousa_err *err);
/*
 * Whether k is a setting of chousa serve itself: [server], but for url
 * and api_key, which the clients read.  Read once at the server's start.
 */
int	chousa_config_key_is_serve(const struct chousa_config_key *k);
/*
 * The row for section and key: the section's own, else for a section in
 * sources (NULL-terminated, or NULL) the SOURCE row; NULL when none.
 */
const struct chousa_config_key *chousa_config_key_find(const char *section,
	    const char *key, const char *const *sources);

/*
 * One problem found in the config: where ("/path/config:3" or "CHOUSA_X
 * in the environment") and what, with the closest known name when a name
 * is unknown.  Secret values are never quoted.
 */
typedef void (*chousa_config_issue_fn)(void *arg, const char *where,
	    const char *message);

/* What chousa_config_check() also looks at, or leaves. */
#define CHOUSA_CONFIG_CHECK_ENV_NAMES	0x1u	/* unknown CHOUSA_* variables */
#define CHOUSA_CONFIG_CHECK_NO_OWNERS	0x2u	/* not the checks of
						 * chousa_config_add_checks():
						 * the caller makes them */

/*
 * Check every setting of the file and the environment against
 * chousa_config_keys(): unknown sections and keys (with "did you mean"),
 * values not of their type or range (and what is used instead), quotes
 * never closed or text after them, a key set twice, keys with blanks,
 * quotes or a wrong length, and values the module that reads them
 * refuses (chousa_config_add_checks()).  sources are the names of the
 * source sections, NULL-terminated.  Calls fn for each problem and
 * returns how many there were.
 */
size_t	chousa_config_check(const struct chousa_config *c,
	    const char *const *sources, unsigned flags,
	    chousa_config_issue_fn fn, void *arg);

/*
 * Why a service may refuse the key of section (its api_key, or [abusech]
 * auth_key): quotes, blanks or a comment in it, a length the service never
 * issues, an environment variable that overrides the file.  Writes one
 * sentence into buf and returns buf, or returns NULL when nothing looks
 * wrong.
 */
const char *chousa_config_key_problem(const struct chousa_config *c,
	    const char *section, char *buf, size_t size);

/* ---- versions ---- */

/*
 * The versions of the libraries chousa runs with (`chousa version`): static
 * strings, never NULL.  curl's is a sentence saying so when libcurl cannot
 * be loaded.
 */
struct chousa_library_versions {
	const char	*sqlite, *curl, *libpsl, *libidn2;
};
void	chousa_library_versions(struct chousa_library_versions *out);

/* ---- names ---- */

/*
 * The name of names (NULL-terminated) closest to word, ignoring case, when
 * it is close enough to be a slip of the keyboard ("investiagte",
 * "jsno", "virustotl"); else NULL.  Borrowed from names.
 */
const char *chousa_suggest(const char *word, const char *const *names);

/* ---- paths and time ---- */

/*
 * $XDG_DATA_HOME/chousa/chousa.db, else ~/.local/share/chousa/chousa.db,
 * written into b.  CHOUSA_DB is the caller's business (cli/).
 */
int	chousa_default_db_path(struct chousa_buf *b, struct chousa_err *err);

/*
 * Parse a time as feeds and users write it: "2024-03-13 18:49:10",
 * "... UTC", "2024-03-13T18:49:10Z", "+00:00" offsets, a date alone,
 * RFC 1123 ("Wed, 16 Oct 2019 16:55:16 GMT") or Unix seconds.  Returns
 * CHOUSA_EPARSE when it is none of these.
 */
int	chousa_time_parse(const char *s, size_t len, int64_t *out);
/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
void	chousa_time_format(int64_t t, char *out, size_t out_size);
/* The UTC day of Unix time t, "YYYY-MM-DD" (11 bytes at out). */
void	chousa_time_day(int64_t t, char out[11]);
/*
 * A duration as users write it: "90s", "30m", "6h", "1d".  -1 when it is
 * none of these, not above 0, or past 100 years; a bare number too, as
 * its unit is never obvious (--update-every 5 was 5 seconds).
 */
long	chousa_duration_parse(const char *s);
/* The same, where no time at all ("0", "0s", "0h"...) is 0. */
long	chousa_duration_parse_or_zero(const char *s);
/* Seconds on the monotonic clock: for durations and deadlines, not dates. */
double	chousa_monotonic(void);
/*
 * SOURCE_DATE_EPOCH, the reproducible-builds convention for one fixed
 * stamp, into *out: 1 when it is set to a time, else 0.
 */
int	chousa_source_date_epoch(int64_t *out);
/*
 * The time a document is stamped with: fixed when not 0, else
 * SOURCE_DATE_EPOCH when set (the same bytes on every run), else now.
 * Only for stamps: ages and freshness are always against the clock.
 */
int64_t	chousa_stamp_time(int64_t fixed);

#endif /* CHOUSA_BASE_H */
