/*
 * export.h: what the export formats share (src/export/).  The core
 * (export.c) reads the store, applies the filters, prepares each indicator
 * once (score, dates, a one-line description) and hands it to the format;
 * the format writes its files through export_open() and friends, which
 * write under temporary names and rename everything at the end.  Adding a
 * format is one file here and one line in registry.c.  Never exported.
 */
#ifndef CHOUSA_EXPORT_INTERNAL_H
#define CHOUSA_EXPORT_INTERNAL_H

#include <stdio.h>

#include "chousa.h"

/* One file of an export (out.c). */
struct export_file {
	char			 name[CHOUSA_EXPORT_NAME_MAX];	/* as the summary shows it */
	char			*path;		/* where it ends up; NULL: stdout */
	char			*tmp;		/* written meanwhile */
	FILE			*fp;
	struct chousa_buf	 buf;		/* what the format appended */
	uint64_t		 n;		/* entries, counted by the format */
	uint64_t		 bytes;
	int			 listed;	/* in the summary */
};

struct export_run;

/* An indicator, prepared once for every format. */
struct export_item {
	const struct chousa_export_row	*row;
	int		 score;		/* confidence, or 50 when unknown */
	char		 first[24];	/* "2020-11-27T12:34:56Z", or "" */
	char		 last[24];
	const char	*desc;		/* one line, no control characters */
	const char	*family;	/* row->family made printable, or NULL */
	const char	*family_name;	/* likewise */
	const char	*reference;	/* likewise */
	const char	*threat;	/* likewise */
	const char	*sources;	/* likewise */
};

#define EXPORT_F_DIR	0x1u	/* writes a directory */
#define EXPORT_F_DELTA	0x2u	/* takes --delta */
#define EXPORT_F_SPLIT	0x4u	/* one file per type into a directory */
#define EXPORT_F_DEPLOY	0x8u	/* its files name their directory
				 * (--deploy-dir) */

struct export_format {
	const char	*name;		/* "zeek-intel": --format */
	const char	*summary;	/* one line, for --help */
	unsigned	 types;		/* the types it has a place for */
	unsigned	 flags;		/* EXPORT_F_* */
	const char	*file;		/* a one-file format's name in a dir */
	/* Open the files.  May be NULL. */
	int		(*begin)(struct export_run *r, struct chousa_err *err);
	/*
	 * Write one indicator.  A value the format cannot carry is not
	 * written: the format calls export_refuse() and returns CHOUSA_OK.
	 */
	int		(*item)(struct export_run *r, const struct export_item *it,
			    struct chousa_err *err);
	/* Write what waits for the counts.  May be NULL. */
	int		(*end)(struct export_run *r, struct chousa_err *err);
	/* --delta: an indicator new or changed since the state, and one
	 * gone (its type and value as the state recorded them). */
	int		(*added)(struct export_run *r,
			    const struct export_item *it,
			    struct chousa_err *err);
	int		(*removed)(struct export_run *r, int type,
			    const char *value, struct chousa_err *err);
	/* Free what the format's state holds; the core frees the state
	 * itself (r->state, from mem_alloc).  May be NULL. */
	void		(*release)(struct export_run *r);
};

/* The format called name, or NULL (registry.c). */
const struct export_format *export_format_find(const char *name);

struct export_run {
	const struct export_format	*fmt;
	const struct chousa_export_opts	*opts;
	struct chousa_store		*st;
	struct chousa_export_report	*rep;
	int64_t				 now;
	int64_t				 stamp;		/* the store's change */
	const char			*tlp;		/* "clear", ... */
	char				*dir;		/* the output directory */
	const char			*deploy;	/* where the engine reads
							 * it (opts.deploy_dir or
							 * dir) */
	const char			*file;		/* one file; NULL: stdout */
	int				 refused;	/* by export_refuse: the
							 * reason + 1, or 0 */
	void				*state;		/* the format's own */
	struct export_file		**files;
	size_t				 n_files;
	size_t				 files_cap;
	struct chousa_buf		 line;		/* scratch for formats */
};

/* ---- files (out.c) ---- */

/*
 * A file of the export: name is relative to the output directory, or
 * NULL for a one-file format's single output (a file, or stdout).
 * listed: shown in the summary.  The file belongs to the run.
 */
int	export_open(struct export_run *r, const char *name, int listed,
	    struct export_file **out, struct chousa_err *err);
/* After appending one entry to f->buf: count it, write when it is big. */
int	export_entry(struct export_file *f, struct chousa_err *err);
/* Bytes as they come, no entry counted (a file received whole). */
int	export_write(struct export_file *f, const void *p, size_t n,
	    struct chousa_err *err);
/* Write what f->buf holds (also for headers and footers). */
int	export_flush(struct export_file *f, struct chousa_err *err);
/*
 * Write what f->buf holds and close the file until more comes (a format
 * with a file per family keeps few descriptors open).
 */
int	export_park(struct export_file *f, struct chousa_err *err);
/* Write, sync and rename every file into place; or remove them all. */
int	export_commit(struct export_run *r, struct chousa_err *err);
void	export_discard(struct export_run *r);
/* A temporary file in path's directory, renamed to path by commit. */
int	export_open_path(struct export_run *r, const char *path,
	    struct export_file **out, struct chousa_err *err);

/*
 * Where r's files go, by r->opts->out: r->dir and r->file (a directory's
 * files, one file, or stdout when both are NULL), r->deploy; a directory
 * a format needs is created (export.c).  chousa_export_receive_begin()
 * places a server's export by the same rule.
 */
int	export_place(struct export_run *r, struct chousa_arena *a,
	    struct chousa_err *err);

/* ---- helpers for formats (export.c) ---- */

/* The item was not written: its value does not fit the format. */
void	export_refuse(struct export_run *r);
/* Likewise, for the reason why (CHOUSA_EXPORT_WHY_*). */
void	export_refuse_why(struct export_run *r, int why);
/* "2020-11-27T12:34:56Z" of t (> 0) into out (24 bytes), else "". */
void	export_date(char *out, int64_t t);
/* The TLP as upper-case marking ("CLEAR", "AMBER+STRICT"). */
const char *export_tlp_upper(const struct export_run *r);
/* A stable 64-bit key of an indicator (its type and value). */
uint64_t export_key(int type, const char *value);
/*
 * Append each string up to a NULL: the hot paths' printf without the
 * format parsing (which took most of a JSON export's time).
 */
void	export_cat(struct chousa_buf *b, ...);
/* 16 lower-case hex digits of v and a NUL. */
void	export_hex64(char out[17], uint64_t v);
/* The member key: value, when value is not NULL or empty. */
void	export_jw_kv(struct chousa_jw *w, const char *key, const char *value);
/* Whether value is a host name an engine compares: LDH labels, dots. */
int	export_is_hostname(const char *value);

/*
 * Names to dense indexes, in the order first met (a MISP event or a STIX
 * malware object per family): a format keeps its own array by index.
 */
struct export_map {
	char	**keys;
	size_t	  n;
	size_t	  cap;
	size_t	 *slots;	/* index + 1, 0 empty */
	size_t	  n_slots;	/* a power of two */
};
/* The index of key, adding it (*added = 1) when new. */
int	export_map_find(struct export_map *m, const char *key, size_t *index,
	    int *added, struct chousa_err *err);
void	export_map_release(struct export_map *m);

#endif /* CHOUSA_EXPORT_INTERNAL_H */
