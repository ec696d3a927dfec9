/*
 * chousa/export.h: writing the store's indicators into the native formats
 * of the engines that already see the traffic (Zeek intel, Suricata
 * datasets, Elastic ECS, Splunk lookups, ClickHouse dictionaries, DNS RPZ,
 * MISP feeds, STIX), each with the family, confidence, first and last
 * sighting, sources and an evidence link in that format's own fields.
 * Part of chousa.h.
 */
#ifndef CHOUSA_EXPORT_H
#define CHOUSA_EXPORT_H

/* ---- the rows an export reads (src/store/store_export.c) ---- */

/*
 * One indicator as the store knows it, every source's record of it merged:
 * the earliest first and latest last sighting, the highest known
 * confidence, "online" when any source says so, the family of the first
 * source (by name) that names one a catalogue knows (else the first raw
 * label), the first threat given, and the reference of the most confident
 * record.  Strings are borrowed for the callback only.
 */
struct chousa_export_row {
	int		 type;		/* enum chousa_ioc_type */
	const char	*value;		/* the normal form */
	unsigned	 port;		/* of an ip:port C2, else 0 */
	const char	*host;		/* a URL's host, else NULL */
	const char	*sources;	/* "feodo,threatfox": sorted, distinct */
	const char	*family;	/* Malpedia id, a raw label, or NULL */
	const char	*family_name;	/* the catalogue's name, or NULL */
	int		 confidence;	/* 0-100, -1 unknown */
	int64_t		 first_seen;	/* Unix seconds, 0 unknown */
	int64_t		 last_seen;
	const char	*status;	/* "online", "offline" or NULL */
	const char	*threat;	/* "botnet_cc", ... or NULL */
	const char	*reference;	/* an evidence link, or NULL */
	const char	*benign_list;	/* a known-benign list covering it */
};
typedef int (*chousa_export_row_fn)(void *arg,
	    const struct chousa_export_row *row);

/* What the store reads for an export. */
struct chousa_export_query {
	unsigned	 types;		/* CHOUSA_IOC_BIT mask, 0: every type */
	const char	*sources;	/* comma-separated names, NULL: all */
	int		 check_benign;	/* fill benign_list (costs probes) */
};

/*
 * Call fn once for every indicator of the query, in one read transaction,
 * in a stable order (the order the rows were first stored), so that two
 * exports of the same store are identical.  Memory does not grow with the
 * store: only indicators that several sources list are remembered, 16
 * bytes each.  A non-zero return from fn stops the walk and is returned.
 */
int	chousa_store_foreach_indicator(struct chousa_store *st,
	    const struct chousa_export_query *q, chousa_export_row_fn fn,
	    void *arg, struct chousa_err *err);

/*
 * When the store last changed: the end of its latest successful import
 * (Unix seconds), 0 for a store never imported into.  Exports stamp their
 * files with it (a zone's serial), so the same store gives the same bytes.
 */
int	chousa_store_changed_at(struct chousa_store *st, int64_t *out,
	    struct chousa_err *err);
/*
 * A number that grows with every successful import (the latest one's id),
 * 0 for a store never imported into: what a cache of the store's content
 * (the server's sweep matcher, an export's ETag) compares, since two
 * imports may end within the same second.
 */
int	chousa_store_generation(struct chousa_store *st, int64_t *out,
	    struct chousa_err *err);

/* ---- exporting ---- */

/* Why an indicator read from the store was left out of an export. */
enum chousa_export_why {
	CHOUSA_EXPORT_WHY_FAMILY = 0,	/* not of a --family */
	CHOUSA_EXPORT_WHY_CONFIDENCE,	/* below --min-confidence */
	CHOUSA_EXPORT_WHY_SINCE,	/* not seen since --since */
	CHOUSA_EXPORT_WHY_INACTIVE,	/* not seen within --active days */
	CHOUSA_EXPORT_WHY_BENIGN,	/* on a known-benign list */
	CHOUSA_EXPORT_WHY_TYPE,		/* a type the format has no place for */
	CHOUSA_EXPORT_WHY_VALUE,	/* a value the format cannot carry */
	CHOUSA_EXPORT_WHY_SCHEME,	/* a URL the engine cannot see in
					 * clear (https, not http) */
	CHOUSA_EXPORT_WHY_COUNT
};
/* "family", "confidence", ... for the summary. */
const char *chousa_export_why_name(int why);

struct chousa_export_opts {
	const char	*format;	/* a name of chousa_export_formats() */
	/*
	 * Where to write: a directory (created when missing) for the
	 * formats that write several files, a file or a directory for the
	 * others; NULL or "-" writes a one-file format to stdout.
	 */
	const char	*out;
	unsigned	 types;		/* CHOUSA_IOC_BIT mask, 0: every type */
	const char	*sources;	/* comma-separated, NULL: every source */
	const char	*families;	/* comma-separated labels, NULL: all */
	int		 min_confidence;	/* -1: no minimum */
	int64_t		 since;		/* seen on or after, 0: no limit */
	int		 active_days;	/* 0: no limit */
	const char	*tlp;		/* clear (default), green, amber,
					 * amber+strict, red */
	int		 include_benign;
	/*
	 * A state file: the export also writes what changed since the run
	 * that wrote the state (added and removed), in the forms the engine
	 * takes live, and then updates the state.  NULL: no delta.
	 */
	const char	*delta_state;
	int		 zeek_notice;	/* zeek-intel: meta.do_notice T */
	/*
	 * Where the engine will read the files, when not where they are
	 * written: the directory suricata.yaml and the ClickHouse statements
	 * name.  An absolute path of letters, digits and / . _ - (it goes
	 * into YAML and SQL as is).  NULL: the output directory.
	 */
	const char	*deploy_dir;
	/*
	 * The export's clock (--active counts back from it) and stamp (a
	 * zone's serial, a feed's timestamps): 0 for now and for the store's
	 * last change.  Tests fix both for byte-exact files.
	 */
	int64_t		 now;
	int64_t		 stamp;
};

#define CHOUSA_EXPORT_MAX_FILES	32
#define CHOUSA_EXPORT_NAME_MAX	4096	/* a path, with its NUL */

/* What an export wrote, and what it left out and why. */
struct chousa_export_report {
	uint64_t	 n_read;	/* indicators read from the store */
	uint64_t	 n_written;	/* written to at least one file */
	uint64_t	 left_out[CHOUSA_EXPORT_WHY_COUNT];
	/* By type: [why][type], for the summary's detail. */
	uint64_t	 left_out_type[CHOUSA_EXPORT_WHY_COUNT]
			    [CHOUSA_IOC_TYPE_COUNT];
	int		 delta;		/* a --delta run */
	uint64_t	 n_added;	/* new or changed since the state */
	uint64_t	 n_removed;	/* in the state, gone now */
	size_t		 n_files;
	struct chousa_export_file {
		/* As the summary shows it: relative to out, or the whole
		 * path of the one file named by out. */
		char		name[CHOUSA_EXPORT_NAME_MAX];
		uint64_t	n;		/* entries (lines, records) */
		uint64_t	bytes;
	} files[CHOUSA_EXPORT_MAX_FILES];
};

/*
 * Run one export.  Each file is written under a temporary name in its
 * directory and renamed into place only when every file of the export is
 * complete, so an engine never reads half a file or a mix of two runs; on
 * failure nothing is renamed and the temporary files are removed.  The
 * output depends only on the store and opts: the same store gives the
 * same bytes.  rep may be NULL.  CHOUSA_EINVAL for options the format
 * cannot take (with the reason), CHOUSA_EIO when a file cannot be written.
 */
int	chousa_export(struct chousa_store *st,
	    const struct chousa_export_opts *opts,
	    struct chousa_export_report *rep, struct chousa_err *err);

/*
 * An export made by a team server (GET /api/v1/export), written here as
 * chousa_export() would write it to path (opts.out: a directory, a file,
 * or stdout for NULL or "-"), by the same rule and with the same care:
 * every file under a temporary name, renamed only when all are complete.
 *
 * begin places the output (creating a directory a format needs) and says
 * whether to ask for the answer as a tar (archive=tar: the files of a
 * directory) or as one file's bytes.  receive_deploy_dir is the absolute
 * path of the output directory when the format's files name it (suricata,
 * clickhouse: ask with deploy_dir= set to it unless the user gave one),
 * else NULL.  Hand the answer's body to chousa_export_receive_write
 * (a chousa_http_req.write_body) as it comes, then end: with ok = 1 the
 * files are unpacked and renamed into place, and rep (may be NULL) gets
 * their names and sizes; with ok = 0, or when a write failed, nothing is
 * renamed and every temporary file is removed.  A tar member that is not
 * a plain file name of one directory refuses the whole answer
 * (CHOUSA_EPARSE).
 */
struct chousa_export_receipt;
int	chousa_export_receive_begin(struct chousa_export_receipt **out,
	    const char *format, const char *path, int *want_tar,
	    struct chousa_err *err);
const char *chousa_export_receive_deploy_dir(
	    const struct chousa_export_receipt *rx);
long	chousa_export_receive_write(void *rx, const char *p, size_t n);
int	chousa_export_receive_end(struct chousa_export_receipt *rx, int ok,
	    struct chousa_export_report *rep, struct chousa_err *err);

/* The format names, NULL-terminated, and a one-line summary of each. */
const char *const *chousa_export_formats(void);
const char *chousa_export_format_summary(const char *name);
/* Whether the format writes a directory (else one file). */
int	chousa_export_format_is_dir(const char *name);

#endif /* CHOUSA_EXPORT_H */
