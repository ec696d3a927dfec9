/*
 * chousa/store.h: the local intel store, SQLite in WAL mode.  Feeds are
 * imported into it (one transaction per import), and the investigation and
 * the sweep read it.  The schema is in docs/schema.md.  Part of chousa.h.
 */
#ifndef CHOUSA_STORE_H
#define CHOUSA_STORE_H

struct chousa_store;

#define CHOUSA_STORE_READONLY	0x1u	/* never writes, never creates */
/*
 * Writes, but never creates: a store that is not there is an error, as it
 * is to a team server after its start, whose store deleted under it must
 * not come back empty.
 */
#define CHOUSA_STORE_NOCREATE	0x2u

/*
 * Open (and create, unless READONLY) the store at path, migrating an older
 * schema forward.  A file that is not a chousa store, or one from a newer
 * schema, is CHOUSA_EFORMAT and is left untouched.  Caller frees with
 * chousa_store_close().
 */
int	chousa_store_open(struct chousa_store **out, const char *path,
	    unsigned flags, struct chousa_err *err);
/*
 * How long chousa_store_open() waits for another process that holds the
 * store (an import) before a statement fails with CHOUSA_EBUSY.
 */
#define CHOUSA_STORE_WAIT_MS	10000
/* chousa_store_open() waiting up to wait_ms instead (0: fail at once). */
int	chousa_store_open_wait(struct chousa_store **out, const char *path,
	    unsigned flags, int wait_ms, struct chousa_err *err);
void	chousa_store_close(struct chousa_store *st);
/*
 * From now on, st's statements stop once *flag (set by another thread) is
 * nonzero: the one running fails with CHOUSA_EDB, so an import rolls back
 * whole.  NULL: never.
 */
void	chousa_store_stop_when(struct chousa_store *st, const int *flag);
/* The path it was opened with; borrowed. */
const char *chousa_store_path(const struct chousa_store *st);
/*
 * The schema st was at before this open migrated it (its caller says so:
 * older releases can no longer open it), or 0 when the open migrated
 * nothing, a new store included.
 */
int	chousa_store_migrated_from(const struct chousa_store *st);

/* ---- what the store holds ---- */

/* How a record matched a look-up. */
enum chousa_match {
	CHOUSA_MATCH_EXACT = 0,
	CHOUSA_MATCH_HOST,	/* a URL's host is listed */
	CHOUSA_MATCH_REGDOMAIN,	/* a URL's or domain's registrable domain */
	CHOUSA_MATCH_PARENT,	/* a parent domain is listed */
	CHOUSA_MATCH_CIDR,	/* the IP is inside a listed range */
	CHOUSA_MATCH_URL_HOST	/* an IP or domain is the host of listed URLs */
};
const char *chousa_match_name(int match);	/* "exact", "host", ... */

/* One feed record about an indicator. */
struct chousa_record {
	int		 match;		/* enum chousa_match */
	int		 type;		/* type of the stored indicator */
	const char	*value;		/* the stored indicator */
	const char	*source;	/* "urlhaus", "threatfox", ... */
	const char	*source_id;	/* the feed's record id, or NULL */
	int64_t		 first_seen;	/* Unix seconds, 0 unknown */
	int64_t		 last_seen;
	const char	*status;	/* "online", "offline", or NULL */
	const char	*threat;	/* "malware_download", "botnet_cc" */
	/*
	 * The Malpedia id when a catalogue knows the feed's family (or its
	 * tags name one), else the feed's value as it gave it: evidence,
	 * not yet a family (chousa_record_family()).
	 */
	const char	*family;
	const char	*tags;		/* comma-separated, or NULL */
	int		 confidence;	/* 0-100, -1 unknown */
	const char	*reference;	/* a link, or NULL */
	/*
	 * 1: the source only saw it (a MISP attribute not for IDS, a STIX
	 * observable): evidence to identify, never a listing that makes a
	 * verdict or a sweep hit.  0: listed.
	 */
	int		 is_observation;
};

/* A file sample. */
struct chousa_sample {
	const char	*sha256;
	const char	*md5;
	const char	*sha1;
	const char	*file_type;
	const char	*file_name;
	const char	*family;	/* Malpedia id, or the raw label */
	const char	*tags;
	int64_t		 first_seen;
	const char	*source;
};

/* Relation kinds, between an indicator and a sample or two samples. */
enum chousa_rel {
	CHOUSA_REL_DELIVERED = 1,	/* the URL delivered this payload */
	CHOUSA_REL_CONTACTED,		/* the sample contacted this host/URL */
	CHOUSA_REL_REFERRER,		/* the sample refers to this host/URL */
	CHOUSA_REL_DROPPED,		/* sample dropped sample */
	CHOUSA_REL_RESOLVES,		/* passive DNS: domain resolved to IP */
	CHOUSA_REL_C2,			/* the sample's C2 is this host */
	CHOUSA_REL_EMBEDDED,		/* the sample embeds this indicator */
	CHOUSA_REL_SERVED		/* the host served this URL */
};
const char *chousa_rel_name(int rel);	/* "delivered", "contacted", ... */

struct chousa_relation {
	int		 rel;		/* enum chousa_rel */
	int		 from_type;	/* indicator type of from */
	const char	*from;		/* URL, host or sample sha256 */
	int		 to_type;
	const char	*to;
	const char	*source;
	int64_t		 seen;
};

/* A malware family from Malpedia (or a label no catalogue knows). */
struct chousa_family {
	const char	*id;		/* "win.emotet" */
	const char	*name;		/* "Emotet" */
	const char	*aliases;	/* comma-separated */
	const char	*description;
	const char	*actors;	/* comma-separated */
	const char	*refs;		/* newline-separated URLs */
};

/* A known-benign list entry that covers an indicator. */
struct chousa_benign {
	const char	*list;		/* the warninglist's name */
	const char	*kind;		/* "cdn", "cloud", "top", "resolver" ... */
	const char	*entry;		/* the entry that matched */
};

/* ---- reading ---- */

/*
 * Every record that matches ind exactly or through its parts: a URL's host,
 * registrable domain and IP host, and the other URLs listed on its host
 * (URL_HOST); a domain's parents; an IP inside a listed CIDR; a host that
 * is the host of listed URLs.  Each record's reference is its own page at
 * the source (Feodo Tracker's with the address, ThreatFox's with the IOC
 * id).  Records come from the arena.  *n_out may be 0.
 */
int	chousa_store_lookup(struct chousa_store *st, struct chousa_arena *a,
	    const struct chousa_indicator *ind, struct chousa_record **out,
	    size_t *n_out, struct chousa_err *err);

/* A record listed on a host or inside a range, with what its feed adds. */
struct chousa_listing {
	/*
	 * rec.match says where it is: EXACT (the host or address itself),
	 * URL_HOST (a URL on the host or on an address of the range), CIDR
	 * (an address or a narrower range inside the range).
	 */
	struct chousa_record	 rec;
	unsigned		 port;		/* the feed's port, 0 unknown */
	const char		*external;	/* the reporter's own reference
						 * (ThreatFox), or NULL */
};

/* Ranges wider than this many addresses are read by a scan of the table. */
#define CHOUSA_LISTINGS_PROBE_MAX	65536

/*
 * What the store lists on a host or inside a range: for a domain, an IP,
 * a URL or an e-mail address, its host's own records and every URL listed
 * on that host; for a CIDR, the addresses, the URLs on them and the
 * narrower ranges inside it.  At most max listings, the most recently seen
 * first; *total counts them all.  Arrays and strings come from the arena;
 * *n_out may be 0.  Other types give nothing.
 */
int	chousa_store_listings(struct chousa_store *st, struct chousa_arena *a,
	    const struct chousa_indicator *ind, size_t max,
	    struct chousa_listing **out, size_t *n_out, uint64_t *total,
	    struct chousa_err *err);

/*
 * One consistent view of the store across many reads (one read
 * transaction): what is read between begin and end is the store as it was
 * at the first read, even while an import commits, and each look-up skips
 * taking the WAL read lock again, which is most of its cost.  For bulk
 * readers; keep it short, because a checkpoint cannot pass it.  Not
 * nested, and no writes to the same handle meanwhile.
 */
int	chousa_store_snapshot_begin(struct chousa_store *st,
	    struct chousa_err *err);
void	chousa_store_snapshot_end(struct chousa_store *st);
/*
 * A mark of the commits a read through st sees: inside a snapshot, the
 * store as the snapshot began at the latest; outside, the store now.
 * Every commit, through any connection of any process, moves the store's
 * mark (it is the first copy of the WAL-index header in the -shm file, the
 * WAL format's https://sqlite.org/walformat.html 2.2.1: mxFrame, the
 * salts, the checksum), so what was read under a mark still holds while
 * chousa_store_moved says 0.  0 when that cannot be told (a store not in
 * WAL mode).  Neither makes a system call.
 */
struct chousa_store_mark {
	unsigned char	 h[48];
};
int	chousa_store_mark(struct chousa_store *st, struct chousa_store_mark *m);
/* 1 when anything was committed since m was taken, or it cannot be told. */
int	chousa_store_moved(struct chousa_store *st,
	    const struct chousa_store_mark *m);
/*
 * 1 when the indicator data may have changed since m was taken: as
 * chousa_store_moved, except for the commits of bookkeeping only (a
 * token's use, a session, the online cache and quotas) this process made,
 * which leave what an offline answer reads as it was.
 */
int	chousa_store_data_moved(struct chousa_store *st,
	    const struct chousa_store_mark *m);
/*
 * Whether the open snapshot is behind the store: 1 when anything was
 * committed since it began (or that cannot be told, or none is open), 0
 * when reading on in it is the same as beginning a new one.
 */
int	chousa_store_snapshot_stale(struct chousa_store *st);
/*
 * A small answer (an int) a caller worked out from the store for key,
 * kept on the handle until any connection commits (the data version the
 * handle reads moves), unless chousa_store_data_moved says the commits
 * were this process's bookkeeping: chousa_lookup keeps each indicator's
 * verdict so.
 * get: 1 with *out when kept, else 0.  put: keeps it (a few thousand
 * keys at most; a newer key may take an older one's place).  With bytes
 * (an answer already written out, a few MiB in all per handle): bytes
 * gives them (NUL-terminated, len without it; valid until the next call on
 * the handle) and *value, or NULL when not kept.
 */
int	chousa_store_memo_get(struct chousa_store *st, const char *key,
	    int *out);
void	chousa_store_memo_put(struct chousa_store *st, const char *key,
	    int value);
const char *chousa_store_memo_bytes(struct chousa_store *st, const char *key,
	    int *value, size_t *len);
void	chousa_store_memo_put_bytes(struct chousa_store *st, const char *key,
	    int value, const char *bytes, size_t len);

/* The sample with this md5, sha1 or sha256; CHOUSA_ENOTFOUND if none. */
int	chousa_store_sample(struct chousa_store *st, struct chousa_arena *a,
	    const char *hash, struct chousa_sample *out, struct chousa_err *err);

/* Relations with value at either end (sha256 for samples). */
int	chousa_store_relations(struct chousa_store *st, struct chousa_arena *a,
	    const char *value, struct chousa_relation **out, size_t *n_out,
	    struct chousa_err *err);

/*
 * The family a record names, read as investigate reads labels: its family
 * when that is a label (one token of letters, digits and ._-/:+!, or two
 * or three such words a catalogue knows), else the first of its tags a
 * catalogue knows.  The Malpedia id when the store's catalogue or chousa's
 * built-in aliases know it, *name (may be NULL) its name or NULL; else the
 * label's own word.  NULL when the record names none ("PIVY Variant
 * (<md5>)", markup, a generic word such as "malware").  Arena copies.
 */
const char *chousa_record_family(struct chousa_store *st,
	    struct chousa_arena *a, const struct chousa_record *r,
	    const char **name);

/*
 * The family a label names, through ids, names and aliases, ignoring case
 * and punctuation ("Heodo", "emotet", "win.emotet").  CHOUSA_ENOTFOUND when
 * no catalogue knows it.
 */
int	chousa_store_family(struct chousa_store *st, struct chousa_arena *a,
	    const char *label, struct chousa_family *out,
	    struct chousa_err *err);

/*
 * The known-benign entries that cover ind: an address's ranges, a host's
 * name and its parents up to the registrable domain (a URL's host), the
 * substrings a domain or URL holds, a hash itself.
 */
int	chousa_store_benign(struct chousa_store *st, struct chousa_arena *a,
	    const struct chousa_indicator *ind, struct chousa_benign **out,
	    size_t *n_out, struct chousa_err *err);

/*
 * Whether benign entry b names value itself (an address also as its /32
 * or /128), not a range or a parent that holds it.
 */
int	chousa_benign_names(const struct chousa_benign *b, const char *value);

/* What the benign lists make of an exact listing (chousa_benign_exact). */
enum {
	CHOUSA_BENIGN_STANDS,	/* malicious: rows 1 and 5 */
	CHOUSA_BENIGN_SAME,	/* a benign list names the value itself */
	CHOUSA_BENIGN_WIDE,	/* a public resolver or CDN address, < 3 */
	CHOUSA_BENIGN_RANGE,	/* an address in a benign range, 1 origin */
	CHOUSA_BENIGN_PLATFORM	/* a shared platform's own host name */
};

/*
 * What an exact listing of *value (of *type) names for the benign lists
 * to judge: itself, or for a root URL (http://host/: the path empty or
 * "/", no query) its whole host, whose type and name (host, the URL's)
 * replace *type and *value.  0 for any other URL: it names one resource,
 * which no benign list of its host clears (row 1).
 */
int	chousa_benign_subject(int *type, const char **value,
	    const char *host);

/*
 * docs/verdict-policy.md rows 1 to 5, for a value of type (a URL's host
 * in host, else NULL) that n_origins sources list exactly and that the
 * entries b (from chousa_store_benign, or the same look-up) cover:
 * whether the listing stands (malicious) or the value is only
 * suspicious, and why (*why: the entry, NULL for chousa's own lists).
 * A URL's listing stands, but a root URL is judged as its host
 * (chousa_benign_subject).  A domain stands unless a list names it
 * itself or it is a shared platform's own host (data_shared_host:
 * github.com, not evil-user.github.io), whatever covers its parents: a
 * tenant's subdomain is its own, also under a CDN's name.  An address or
 * range is also suspicious on a public resolver or in a CDN range with
 * fewer than three sources, and an address in another benign range with
 * only one.  The one judgement of investigate's verdicts (and so
 * lookup's) and export's known-benign filter.
 */
int	chousa_benign_exact(int type, const char *value, const char *host,
	    const struct chousa_benign *b, size_t n, size_t n_origins,
	    const struct chousa_benign **why);

/* One indicator row, for building matchers; strings borrowed for the call. */
struct chousa_store_row {
	int		 type;
	const char	*value;
	const char	*source;
	const char	*family;
	int64_t		 first_seen;
	int64_t		 last_seen;
};
typedef int (*chousa_store_row_fn)(void *arg,
	    const struct chousa_store_row *row);

/* Call fn for every indicator of the types in mask (0: all). */
int	chousa_store_foreach(struct chousa_store *st, unsigned types,
	    chousa_store_row_fn fn, void *arg, struct chousa_err *err);

/* Call fn for every known-benign entry (row.source = list name). */
int	chousa_store_foreach_benign(struct chousa_store *st,
	    chousa_store_row_fn fn, void *arg, struct chousa_err *err);

/* ---- importing ---- */

/* Progress: bytes read so far of total (0 when unknown). */
typedef void (*chousa_progress_fn)(void *arg, uint64_t done, uint64_t total);

struct chousa_import_opts {
	int			 strict;	/* a bad row fails the file */
	const char		*tag;		/* list: tag to add */
	const char		*family;	/* list: family to set */
	const char		*source_name;	/* list: source to record */
	/*
	 * The file's name to record and say instead of path (a team
	 * server's spooled upload, named as the client has it), or NULL.
	 */
	const char		*file_name;
	chousa_progress_fn	 progress;
	void			*progress_arg;
	/*
	 * 0: chousa decides (a second thread writes while the first reads,
	 * for big files of the row feeds); 1: one thread; 2: two always.
	 */
	int			 threads;
};

#define CHOUSA_IMPORT_MAX_REJECTS 10

/*
 * What one import did; the same row goes into the imports table.  Every
 * record read (an indicator, a list entry, a relation, a sample, a family)
 * is added, updated, unchanged or rejected: rows_read is their sum.
 * Records an importer leaves out by design (a MISP comment, a STIX pattern
 * on a file name) are not read: skipped counts them.
 */
struct chousa_import_report {
	char		source[32];	/* the importer that ran */
	char		format[32];	/* "csv", "json", "text", ... */
	char		sha256[65];	/* of the file as given */
	uint64_t	rows_read;
	uint64_t	added;
	uint64_t	updated;
	uint64_t	unchanged;	/* already stored as they are */
	uint64_t	rejected;
	uint64_t	skipped;
	char		skipped_kinds[96];	/* "file:name, comment" */
	/*
	 * When the file says its data was published ("# Last updated:
	 * 2021-12-20 00:03:32 UTC" in abuse.ch's files), Unix seconds; 0
	 * when it does not say.  A source's age counts from it.
	 */
	int64_t		published_at;
	/* What the file held when it held nothing to import, or "". */
	char		note[160];
	/* The import failed because the file is damaged (corrupt or cut
	 * short compressed data): the sender's fault, not the reader's. */
	int		damaged;
	size_t		n_rejects;	/* the first rejects, for the report */
	struct {
		uint64_t	line;		/* 0: not a line of text */
		char		where[96];	/* JSON: "objects[12]", or "" */
		char		msg[120];
	} rejects[CHOUSA_IMPORT_MAX_REJECTS];
};

/*
 * Record a failed import of source (file, why) that never reached an
 * importer, such as a feed whose download failed: chousa db stats lists
 * it with the imports that failed.  Nothing else is written.
 */
int	chousa_store_import_failed(struct chousa_store *st, const char *source,
	    const char *file, const char *why);
/*
 * Import one file (gzip and zip read directly) with the importer named
 * source, or "auto" to detect it from the content.  One transaction: on any
 * failure nothing is written.  A file of the wrong format is CHOUSA_EFORMAT
 * before anything is written; a file that cannot be read (a damaged gzip)
 * CHOUSA_EIO; the store that cannot be written (a full disk) CHOUSA_ESTORE,
 * whatever row it failed at, so that a caller tells the two apart.
 */
int	chousa_store_import(struct chousa_store *st, const char *source,
	    const char *path, const struct chousa_import_opts *opts,
	    struct chousa_import_report *rep, struct chousa_err *err);

/* What importing a bundle of lists did. */
struct chousa_bundle_report {
	unsigned	lists;		/* lists imported */
	unsigned	failed;		/* lists the importer refused */
	uint64_t	rows;		/* rows read over every list */
	uint64_t	added;
	uint64_t	rejected;	/* rows refused within lists */
	uint64_t	skipped;	/* entries of no kind a list holds */
	char		first_failure[200];	/* "name: why", or "" */
	int		damaged;	/* as chousa_import_report's */
};

/*
 * Import every lists/<name>/list.json of a MISP warninglists archive (the
 * repository's tar.gz, read through libarchive) with the warninglist
 * importer, one transaction per list, so a list it refuses is counted in
 * rep and the others still go in.  CHOUSA_EFORMAT when the archive holds
 * no list.json; CHOUSA_EIO, before any list, when its gzip is damaged.  A failure of the store's or the machine's (CHOUSA_ESTORE,
 * CHOUSA_EDB, CHOUSA_EBUSY, CHOUSA_ENOMEM) stops the walk and is returned:
 * the lists before it are in.
 */
int	chousa_store_import_warninglists(struct chousa_store *st,
	    const char *path, const struct chousa_import_opts *opts,
	    struct chousa_bundle_report *rep, struct chousa_err *err);

/*
 * What `chousa import` runs for one file, here and on a team server:
 * chousa_store_import, and when a warninglist source's file is no list
 * (or auto's is no format), the repository's archive of lists (*is_bundle
 * set to 1, bundle filled; an archive it is not either gives the first
 * import's error, an archive the store failed on the store's).
 */
int	chousa_store_import_file(struct chousa_store *st, const char *source,
	    const char *path, const struct chousa_import_opts *opts,
	    struct chousa_import_report *rep,
	    struct chousa_bundle_report *bundle, int *is_bundle,
	    struct chousa_err *err);

/*
 * abuse.ch's false-positive list (the Hunting API's get_fplist answer in
 * JSON: an object of entries keyed by removal id, or {"data": [...]},
 * each with entry_type and entry_value) as two known-benign lists, "abuse.ch
 * false positives (ip)" and "(domain)", through the warninglist importer.
 * Entries of other types are counted in rep->skipped.  A list the
 * importer refuses is counted in rep; the store's failure is returned.
 */
int	chousa_store_import_fplist(struct chousa_store *st, const char *path,
	    const struct chousa_import_opts *opts,
	    struct chousa_bundle_report *rep, struct chousa_err *err);

#define CHOUSA_IMPORT_LABEL_MAX	200
/*
 * Whether label, an import's tag, family, source name or file name, is
 * 1 to CHOUSA_IMPORT_LABEL_MAX bytes of one line of plain text, as a
 * token's note is (chousa_text_line_check): it is kept in the store and
 * shown as it is.  CHOUSA_OK, else CHOUSA_EINVAL with err naming it what.
 */
int	chousa_import_label_check(const char *what, const char *label,
	    struct chousa_err *err);
/* The importers' names, NULL-terminated; borrowed. */
const char *const *chousa_importer_names(void);
/*
 * What the importer called name reads, from its table entry, for `import
 * --help` ("CSV and JSON exports"); NULL when no importer has the name.
 * Static.
 */
const char *chousa_importer_help(const char *name);

/* ---- feeds ---- */

/* What a feed is, for struct chousa_feed's flags. */
enum {
	CHOUSA_FEED_ABUSECH_KEY	= 1 << 0,	/* update sends the abuse.ch
						 * Auth-Key ([abusech] auth_key) */
	CHOUSA_FEED_NEEDS_KEY	= 1 << 1,	/* update skips it without that
						 * key */
	CHOUSA_FEED_DIRECTORY	= 1 << 2,	/* import reads a directory of
						 * it (a MISP feed) */
	CHOUSA_FEED_SOURCE_NAME	= 1 << 3,	/* import --source-name renames
						 * its records */
	CHOUSA_FEED_REFERENCE	= 1 << 4,	/* reference data (a catalogue,
						 * benign lists): fetched first,
						 * never historical */
	CHOUSA_FEED_WARNINGLISTS = 1 << 5,	/* the download may be the MISP
						 * warninglists archive */
	CHOUSA_FEED_FPLIST	= 1 << 6,	/* the download is abuse.ch's
						 * false-positive list */
	CHOUSA_FEED_ANY_TEXT	= 1 << 7,	/* its importer reads any text */
	CHOUSA_FEED_PAGE_BY_VALUE = 1 << 8,	/* record_page takes the value,
						 * not the record's id */
	CHOUSA_FEED_REFERENCE_ELSEWHERE = 1 << 9 /* a record's reference is
						 * where the reporter saw it,
						 * not its page */
};

/*
 * Everything about one feed, in one place: each importer carries one
 * (src/store/import/<name>.c), and a download with no importer of its own
 * (abusech-fp) is listed beside them in src/store/import/registry.c.
 * update, import, the local sources and their freshness read it; no code
 * compares a feed's name.  Static; borrowed.
 */
struct chousa_feed {
	const char		*name;		/* importer, update and store
						 * source name: "feodo" */
	const char *const	*aliases;	/* other source names its records
						 * carry ("feodotracker"),
						 * NULL-ended; or NULL */
	const char		*title;		/* "Feodo Tracker", or NULL */
	const char		*local_source;	/* the local source that answers
						 * for it: "local-feodo" */
	const char		*url;		/* official download location;
						 * NULL: update does not fetch it */
	const char		*file;		/* the download's name in feeds/ */
	const char		*post;		/* POST body, or NULL: GET */
	const char		*record_page;	/* a record's own page, "%s" its
						 * numeric id (or its value);
						 * or NULL */
	unsigned		 flags;		/* CHOUSA_FEED_* */
	const char		*url_help;	/* [feeds] <name>_url's help,
						 * or NULL: where update
						 * downloads title from */
	unsigned		 local_types;	/* CHOUSA_IOC_BIT mask: the
						 * descriptor makes its local
						 * source (local_source, then
						 * "local-<name>"), titled
						 * title, which answers these
						 * types with its listings;
						 * 0: that source is one of
						 * sources/local.c's */
	const char		*sample_page;	/* a sample's own page, "%s" its
						 * SHA-256, when its importer
						 * fills the sample table too:
						 * its local source then asks
						 * for the sample first; or
						 * NULL */
};

/*
 * Every feed, NULL-terminated: the importers in their order, then the
 * downloads without an importer.  Borrowed.
 */
const struct chousa_feed *const *chousa_feeds(void);

/*
 * The feeds chousa update downloads (those with a url), NULL-terminated,
 * in the order it fetches them: reference data first (the catalogue, so
 * labels map to ids as the feeds come in, and the benign lists), then the
 * others in table order.  Borrowed.
 */
const struct chousa_feed *const *chousa_feed_downloads(void);

/*
 * The settings the feed table owns, *n of them: each download's [feeds]
 * <name>_url, its help the descriptor's url_help or a sentence made from
 * its title.  A program that reads or shows the config hands them to
 * chousa_config_add_keys() as it starts; base names no feed.  Made once,
 * whichever thread asks first.  Borrowed.
 */
const struct chousa_config_key *chousa_feed_config_keys(size_t *n);

/*
 * The feed a store source name belongs to, by name or alias (any case);
 * NULL when no feed has it (a --source-name, say).
 */
const struct chousa_feed *chousa_feed_find(const char *name);

/*
 * The local source that answers for records of source name: its feed's,
 * or "local-lists" for any name no feed has.  Static.
 */
const char *chousa_feed_local_source(const char *name);

/*
 * Import path, a download of feed, as the feed asks: through its
 * importer into rep, or as a bundle of lists (the warninglists archive,
 * the false-positive list) into bundle.  Both are zeroed first.
 */
int	chousa_feed_import(struct chousa_store *st,
	    const struct chousa_feed *feed, const char *path,
	    const struct chousa_import_opts *opts,
	    struct chousa_import_report *rep,
	    struct chousa_bundle_report *bundle, struct chousa_err *err);

/* ---- maintenance ---- */

/* Rows of one source and type (or one benign list, type 0). */
struct chousa_stat_count {
	const char	*source;
	int		 type;
	uint64_t	 n;
};

/* The last successful import of one source. */
struct chousa_stat_import {
	const char	*source;
	const char	*file;
	const char	*sha256;
	int64_t		 finished_at;	/* Unix seconds */
	uint64_t	 rows_read;
	uint64_t	 added;
	uint64_t	 updated;
	uint64_t	 rejected;
};

/* A failed import, as recorded: nothing of it was written. */
struct chousa_stat_failure {
	const char	*source;
	const char	*file;
	int64_t		 finished_at;	/* Unix seconds */
	const char	*message;	/* the error it ended with, or NULL */
	int		 since_ok;	/* a later import of source succeeded */
};

/* At most this many failures are listed, the latest first. */
#define CHOUSA_STATS_MAX_FAILURES	20

/* What chousa_store_stats() reports; arrays and strings are arena. */
/* A backup chousa db backup made of the store, or failed to make. */
struct chousa_backup_record {
	int64_t		 at;		/* when it ended, Unix seconds; 0: none */
	const char	*file;		/* the backup's path */
	int64_t		 bytes;		/* its size; 0 when it failed */
	double		 seconds;	/* how long it took */
	int		 ok;		/* written and checked */
	const char	*message;	/* why it failed; NULL when ok */
};

struct chousa_store_stats {
	struct chousa_stat_count	*counts;
	size_t				 n_counts;
	struct chousa_stat_count	*benign;
	size_t				 n_benign;
	struct chousa_stat_import	*imports;
	size_t				 n_imports;
	uint64_t			 indicators;
	uint64_t			 samples;
	uint64_t			 relations;
	uint64_t			 families;
	uint64_t			 failed_imports;
	struct chousa_stat_failure	*failures;	/* the latest */
	size_t				 n_failures;
	uint64_t			 file_size;	/* database + WAL */
	int				 schema;
	struct chousa_backup_record	 backup_last;	/* good or not */
	struct chousa_backup_record	 backup_good;
};

/*
 * The store's schema version, and the one this build writes: an older
 * store is migrated by the first open for writing (after which older
 * builds refuse it), and read as it is by read-only ones.
 */
void	chousa_store_schema(struct chousa_store *st, int *version,
	    int *current);
/* Counts per source and type, last imports, size.  Scans the tables. */
int	chousa_store_stats(struct chousa_store *st, struct chousa_arena *a,
	    struct chousa_store_stats *out, struct chousa_err *err);
/*
 * PRAGMA integrity_check; CHOUSA_EDB with the first problem in err when
 * the file is damaged.
 */
int	chousa_store_check(struct chousa_store *st, struct chousa_err *err);
/*
 * Copy the store, as it is at one commit, to dest, a file that must not
 * exist (CHOUSA_EINVAL, also when dest is made while the copy is: it is
 * never overwritten), while others go on reading and writing it.  The
 * copy is made beside dest, only its owner may read it, it is checked
 * (PRAGMA quick_check) and synced, and only then named dest: dest is a
 * whole backup or nothing.  fn (may be NULL) hears the pages copied of
 * all.
 */
int	chousa_store_backup(struct chousa_store *st, const char *dest,
	    chousa_progress_fn fn, void *arg, struct chousa_err *err);

/* Note r in the store (the newest 100 are kept). */
int	chousa_store_backup_note(struct chousa_store *st,
	    const struct chousa_backup_record *r, struct chousa_err *err);
/*
 * The newest backup noted, good or not, into *last, and the newest good
 * one into *good (their at 0: none; strings in a).  A store older than
 * schema 9, opened read-only, has none.
 */
int	chousa_store_backup_last(struct chousa_store *st,
	    struct chousa_arena *a, struct chousa_backup_record *last,
	    struct chousa_backup_record *good, struct chousa_err *err);

/* What a restore did beyond the copy. */
struct chousa_store_restored {
	int		 schema;	/* the backup's, before its migration */
	size_t		 revoked_again;	/* tokens revoked since the backup */
	const char	**gone;		/* tokens made since, revoked */
	size_t		 n_gone;
};
/*
 * Put the backup at src in place of the store's content, in one write
 * transaction, while others go on reading it (a team server sees the old
 * store, then the restored one, never a mix).  src must be a chousa store
 * this build reads (CHOUSA_EFORMAT otherwise); it is migrated to this
 * build's schema and checked before anything changes.  Tokens revoked
 * since the backup stay revoked; those made since are kept revoked, so
 * that their IDs are never given again, and named in out (in a); a
 * single sign-on user's row made since is kept as it is.  The online
 * quotas and tokens' budgets spent keep the higher count of each day,
 * and the backups noted are the store's.  The store is left as it was
 * on any failure; CHOUSA_EBUSY when another writer held it past its
 * wait.  fn (may be NULL) hears the backup's pages read.
 */
int	chousa_store_restore(struct chousa_store *st, const char *src,
	    struct chousa_arena *a, struct chousa_store_restored *out,
	    chousa_progress_fn fn, void *arg, struct chousa_err *err);

/* How recent one feed's data is (the imports and feed_state tables). */
struct chousa_feed_age {
	const char	*source;	/* as imported: "urlhaus", "feodo" */
	int64_t		 updated_at;	/* its last successful import, or a
					 * later download that found it
					 * unchanged; Unix seconds */
	uint64_t	 rows;		/* rows its last import read */
	int		 downloaded;	/* that import came through `chousa
					 * update`, from upstream */
};

/* Every feed the store imported, one entry per source, in the arena. */
int	chousa_store_feed_ages(struct chousa_store *st, struct chousa_arena *a,
	    struct chousa_feed_age **out, size_t *n_out,
	    struct chousa_err *err);
/* The newest first or last seen date among a source's rows, 0 none. */
int	chousa_store_source_newest(struct chousa_store *st,
	    const char *source, int64_t *out, struct chousa_err *err);
/*
 * Whether the store holds a family catalogue and known-benign entries:
 * 1 or 0 each, without counting the tables.
 */
int	chousa_store_reference(struct chousa_store *st, uint64_t *families,
	    uint64_t *benign, struct chousa_err *err);

/*
 * The conditional-request state of a feed download (`chousa update`):
 * the ETag and Last-Modified of the last download, arena strings or NULL.
 */
int	chousa_store_feed_state(struct chousa_store *st,
	    struct chousa_arena *a, const char *source, const char **etag,
	    const char **last_modified, struct chousa_err *err);
int	chousa_store_set_feed_state(struct chousa_store *st,
	    const char *source, const char *url, const char *etag,
	    const char *last_modified, struct chousa_err *err);

/* ---- the team server's API tokens (src/store/store_tokens.c) ---- */

/* The room for an address as text (INET6_ADDRSTRLEN). */
#define CHOUSA_TOKEN_FROM_MAX	46

/*
 * A token as the store keeps it: never the token, only its SHA-256 (hex).
 * role is "read", "investigate" or "admin" (src/serve/ says what each may
 * do).  Strings are arena.
 */
struct chousa_token {
	int64_t		 id;
	const char	*name;
	const char	*role;
	int64_t		 created_at;
	int64_t		 revoked_at;	/* 0: not revoked */
	int64_t		 expires_at;	/* 0: never */
	/*
	 * Online requests its name may cause a day (UTC): 0 no limit, -1
	 * the server's default ([server] online_budget).
	 */
	long		 online_budget;
	long		 online_today;	/* spent today by its name (list) */
	/*
	 * The addresses it is accepted from: a comma-separated list of
	 * addresses and CIDR ranges, or NULL for any.
	 */
	const char	*allow_from;
	/*
	 * When chousa serve last let it in (Unix seconds, 0: never, to
	 * within a minute while a server runs) and from which address ("").
	 */
	int64_t		 last_used_at;
	char		 last_used_from[CHOUSA_TOKEN_FROM_MAX];
	const char	*note;		/* whose it is, what for; NULL: none */
	/*
	 * The row of a user a single sign-on proxy signs in (its hash
	 * chousa_store_token_proxy_hash's), not a token anyone holds; said
	 * by chousa_store_token_list only.
	 */
	int		 by_proxy;
};

/* The longest note kept, in bytes. */
#define CHOUSA_TOKEN_NOTE_MAX	200

/* The longest allow_from list kept, in bytes. */
#define CHOUSA_TOKEN_ALLOW_MAX	400

/*
 * Add a token under name with role, by the hex SHA-256 of its text,
 * valid until expires_at (Unix seconds, 0: no end), accepted from
 * allow_from (NULL: any address; checked by the caller).  CHOUSA_EINVAL
 * when name already has a valid token (neither revoked nor expired), not
 * counting the row of a user a single sign-on proxy names (whose hash is
 * chousa_store_token_proxy_hash's): the two stand beside each other.
 * OUT: *id.
 */
int	chousa_store_token_add(struct chousa_store *st, const char *name,
	    const char *role, const char *hash_hex, int64_t expires_at,
	    long online_budget, const char *allow_from, const char *note,
	    int64_t *id, struct chousa_err *err);
/*
 * The hash of the token row of a user a single sign-on proxy names, in
 * any case: not the hash of any token's text ("chousa_"...), so no bearer
 * token stands for the user, and a rotation leaves the row alone.
 */
void	chousa_store_token_proxy_hash(const char *name, char hex[65]);
/*
 * Let a user a single sign-on proxy names in again after a revocation:
 * its row valid again (a bearer token revoked stays so, as it may have
 * leaked; this row has no secret).  CHOUSA_ENOTFOUND when name has no
 * such revoked row.
 */
int	chousa_store_token_readmit(struct chousa_store *st, const char *name,
	    struct chousa_err *err);
/*
 * Set the role of the valid token whose hash is hash_hex (a user a single
 * sign-on proxy names, whose role the config gives); CHOUSA_ENOTFOUND
 * when there is none.
 */
int	chousa_store_token_set_role(struct chousa_store *st,
	    const char *hash_hex, const char *role, struct chousa_err *err);
/*
 * Set the note of name's valid token (NULL or "": none; checked by the
 * caller); CHOUSA_ENOTFOUND when it has none.
 */
int	chousa_store_token_set_note(struct chousa_store *st,
	    const char *name, const char *note, struct chousa_err *err);
/*
 * Set the addresses name's valid token is accepted from (NULL: any);
 * CHOUSA_ENOTFOUND when it has none.
 */
int	chousa_store_token_set_allow(struct chousa_store *st,
	    const char *name, const char *allow_from, struct chousa_err *err);
/*
 * Set the online budget (as struct chousa_token's) of name's valid token;
 * CHOUSA_ENOTFOUND when it has none.
 */
int	chousa_store_token_set_budget(struct chousa_store *st,
	    const char *name, long online_budget, struct chousa_err *err);
/*
 * Online requests name spent on the day (UTC) of now, and adding n to
 * them (n < 0 gives back).  Kept by name, day by day, in the store.
 */
int	chousa_store_token_spent(struct chousa_store *st, const char *name,
	    int64_t now, long *spent, struct chousa_err *err);
int	chousa_store_token_spend(struct chousa_store *st, const char *name,
	    int64_t now, long n, struct chousa_err *err);
/* The token with this hash, revoked or not; CHOUSA_ENOTFOUND if none. */
int	chousa_store_token_find(struct chousa_store *st, struct chousa_arena *a,
	    const char *hash_hex, struct chousa_token *out,
	    struct chousa_err *err);
/*
 * A rotation (chousa_store_token_rotate): the new token, and until when the
 * ones it replaced work.
 */
struct chousa_token_rotation {
	int64_t		 id;		/* the new token's */
	char		 role[16];	/* the replaced token's, and the new */
	int64_t		 expires_at;	/* the new token's end; 0: never */
	long		 online_budget;	/* as struct chousa_token's */
	char		 allow_from[CHOUSA_TOKEN_ALLOW_MAX + 1]; /* as the
					 * replaced token's; "": any */
	char		 note[CHOUSA_TOKEN_NOTE_MAX + 1]; /* the same */
	int64_t		 before_until;	/* the replaced one's end; 0: revoked */
};

/*
 * Rotate name's token, in one transaction: add a token by the hex SHA-256
 * of its text, with the role, budget, allowed addresses and note of name's
 * newest valid token,
 * valid for lifetime seconds (0: as long as that token was made for, or
 * with no end if it had none); name's valid tokens before it then work
 * for grace seconds more (no longer than they would have), or are revoked
 * at once when grace is 0.  CHOUSA_ENOTFOUND when name has no valid token.
 */
int	chousa_store_token_rotate(struct chousa_store *st, const char *name,
	    const char *hash_hex, long lifetime, long grace,
	    struct chousa_token_rotation *out, struct chousa_err *err);
/* Revoke name's tokens not revoked yet; CHOUSA_ENOTFOUND when none. */
int	chousa_store_token_revoke(struct chousa_store *st, const char *name,
	    struct chousa_err *err);
/*
 * A token chousa serve let in: its id and the hex SHA-256 it was let in
 * by, when, from which address.
 */
struct chousa_token_use {
	int64_t		 id;
	char		 hash[65];
	int64_t		 at;
	char		 from[CHOUSA_TOKEN_FROM_MAX];
};
/*
 * Record n uses in one transaction, each only over an older one (another
 * server on the same store may have written a later), and only on the
 * row of both its id and its hash: a restore since may have given the id
 * to another token.
 */
int	chousa_store_token_used(struct chousa_store *st,
	    const struct chousa_token_use *uses, size_t n,
	    struct chousa_err *err);
/* Every token, oldest first, with what each spent today; *out is arena. */
int	chousa_store_token_list(struct chousa_store *st, struct chousa_arena *a,
	    struct chousa_token **out, size_t *n_out, struct chousa_err *err);

/*
 * A web session of chousa serve (table sessions, schema 11), kept in the
 * store so that a restart signs no browser out.  The store keeps the
 * SHA-256 of its id (id_hash below), never the id a browser's cookie
 * holds, so a copy of the store signs no one in.
 */
struct chousa_session {
	char		 token_hash[65];	/* the token row it signed in
						 * by: re-checked on each use */
	int		 by_proxy;	/* signed in by a single sign-on
					 * proxy's user, not a token */
	int64_t		 created_at;
	int64_t		 expires_at;	/* live while now < expires_at */
};
/*
 * Add the session whose id hashes to id_hash, in one transaction that
 * first deletes the expired ones.  When its token holds per_token live
 * sessions already, that token's oldest ends; else, when max live
 * sessions are held in all, none is added and CHOUSA_ELIMIT says so:
 * another token's session is never ended for it.
 */
int	chousa_store_session_add(struct chousa_store *st, const char *id_hash,
	    const struct chousa_session *s, size_t per_token, size_t max,
	    struct chousa_err *err);
/*
 * The session whose id hashes to id_hash, live at now, into *out;
 * CHOUSA_ENOTFOUND when there is none (ended, expired, or a store older
 * than schema 11 opened read-only).
 */
int	chousa_store_session_find(struct chousa_store *st, const char *id_hash,
	    int64_t now, struct chousa_session *out, struct chousa_err *err);
/* End the session whose id hashes to id_hash; CHOUSA_OK if there is none. */
int	chousa_store_session_end(struct chousa_store *st, const char *id_hash,
	    struct chousa_err *err);

#endif /* CHOUSA_STORE_H */
