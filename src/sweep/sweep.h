/*
 * sweep.h: what the sweep, the matcher and the log formats share inside
 * the library.  A log format turns one line into a record: a few views
 * into the line (time, endpoints) and a short list of observables, each a
 * value of a known kind in the role the log gives it.  The sweep looks
 * each observable up in the matcher.  Nothing here allocates per line.
 */
#ifndef CHOUSA_SWEEP_INTERNAL_H
#define CHOUSA_SWEEP_INTERNAL_H

#include "chousa.h"

/* ---- records ---- */

enum obs_kind {
	OBS_IP = 1,	/* an IPv4 or IPv6 address (text) */
	OBS_HOST,	/* a host: IP or domain, maybe with ":port" */
	OBS_DOMAIN,	/* a domain name */
	OBS_URL,	/* a whole URL */
	OBS_HASH,	/* md5, sha1 or sha256 in hex */
	OBS_URLPART,	/* host + port + path: rebuilt as http://host[:port]path */
	OBS_IND		/* an indicator from the extractor: type in .type */
};

/* Where the observable was: src means the record's src side was hit. */
#define OBS_F_SRC	0x1u	/* the value is the src endpoint */
#define OBS_F_DST	0x2u	/* the value is the dst endpoint */
#define OBS_F_URLHOST	0x4u	/* a host taken out of a URL */

struct obs {
	struct chousa_str	 v;		/* the value (host for URLPART) */
	struct chousa_str	 path;		/* URLPART: the request target */
	unsigned		 port;		/* URLPART: 0 when none given */
	uint8_t			 kind;		/* enum obs_kind */
	uint8_t			 flags;
	uint8_t			 type;		/* OBS_IND: chousa_ioc_type */
	uint8_t			 https;		/* URLPART: rebuild with https */
};

#define REC_MAX_OBS	48
#define REC_SCRATCH	(64 * 1024)

struct rec {
	struct chousa_str	 time;
	struct chousa_str	 src;
	struct chousa_str	 dst;
	int			 time_kind;	/* enum rec_time */
	size_t			 n_obs;
	struct obs		 obs[REC_MAX_OBS];
	/* Unescaped JSON strings and decoded names live here, per line. */
	size_t			 scratch_len;
	char			*scratch;	/* REC_SCRATCH bytes, per worker */
};

enum rec_time {
	REC_TIME_NONE = 0,
	REC_TIME_EPOCH,		/* 1704067200.123456 */
	REC_TIME_ISO,		/* 2024-01-01T00:00:00.123+0000 */
	REC_TIME_CLF,		/* 10/Oct/2000:13:55:36 -0700 */
	REC_TIME_BIND,		/* 25-Nov-2026 10:00:00.000 */
	REC_TIME_WINDNS,	/* 11/25/2026 10:00:00 AM */
	REC_TIME_SYSLOG		/* Jan  1 00:00:00 (no year) */
};

/* Add an observable; silently ignored when the record is full. */
static inline struct obs *
rec_add(struct rec *r, int kind, const char *p, size_t len, unsigned flags)
{
	struct obs *o;

	if (r->n_obs >= REC_MAX_OBS || len == 0)
		return NULL;
	o = &r->obs[r->n_obs++];
	o->v.p = p;
	o->v.len = len;
	o->path.p = NULL;
	o->path.len = 0;
	o->port = 0;
	o->kind = (uint8_t)kind;
	o->flags = (uint8_t)flags;
	o->type = 0;
	o->https = 0;
	return o;
}

/* Copy bytes to the record's scratch; NULL when it is full. */
char	*rec_scratch(struct rec *r, const char *p, size_t len);

/* Parse a record's time into Unix seconds; 0 when it cannot. */
int64_t	 rec_time_parse(const struct rec *r);

/* ---- log formats ---- */

/*
 * What a format keeps between lines (a Zeek #fields map, a JSON flavour).
 * It is plain data, copied to each worker thread and compared after a
 * chunk to see whether a header changed it.
 */
#define LF_MAX_COLS	128
struct lf_state {
	int		 kind;		/* format specific */
	char		 sep;		/* Zeek: field separator */
	char		 set_sep;	/* Zeek: set separator */
	uint16_t	 n_cols;
	uint8_t		 col_role[LF_MAX_COLS];	/* Zeek: role of each column */
	uint16_t	 last_col;	/* Zeek: last column worth reading */
	char		 empty[16];	/* Zeek: "(empty)" */
	char		 unset[8];	/* Zeek: "-" */
	void		*ext;		/* text: the extractor, not copied */
};

enum lf_result {
	LF_RECORD = 0,	/* rec holds a record */
	LF_SKIP,	/* a header, comment or blank line */
	LF_MALFORMED	/* counted and skipped */
};

#define LF_BINARY	0x1u	/* not line based (pcap) */

struct chousa_logfmt {
	const char	*name;
	unsigned	 flags;
	/* Score 0-100 for how well the first bytes fit this format. */
	int		(*probe)(const char *p, size_t len);
	/* Reset st for a new file. */
	void		(*init)(struct lf_state *st);
	/*
	 * Parse one line (no newline; may hold NULs).  Fills r (cleared by
	 * the caller) with views into line or r->scratch.  why (OUT) says
	 * what is wrong with a malformed line.
	 */
	int		(*parse)(struct lf_state *st, const char *line,
			    size_t len, struct rec *r, const char **why);
};

extern const struct chousa_logfmt *const logfmt_registry[];
const struct chousa_logfmt *logfmt_find(const char *name);

extern const struct chousa_logfmt logfmt_zeek, logfmt_zeek_json,
	logfmt_eve, logfmt_squid, logfmt_clf, logfmt_bind, logfmt_windns,
	logfmt_text, logfmt_pcap;

/* Zeek field roles, shared by the TSV and JSON readers. */
enum zeek_role {
	ZR_NONE = 0,
	ZR_TS, ZR_ORIG_H, ZR_RESP_H, ZR_RESP_P, ZR_QUERY, ZR_ANSWERS,
	ZR_HOST, ZR_URI, ZR_SERVER_NAME, ZR_MD5, ZR_SHA1, ZR_SHA256,
	ZR_TX_HOSTS, ZR_RX_HOSTS, ZR_SAN_DNS, ZR_SAN_IP, ZR_ROLE_COUNT
};
int	zeek_role(const char *name, size_t len);
/* Turn one Zeek value of a role into observables. */
void	zeek_value(struct rec *r, int role, const char *p, size_t len,
	    char set_sep);
/* After all values: combine host and uri into a URL observable. */
void	zeek_finish(struct rec *r, struct chousa_str host,
	    struct chousa_str uri);

/* ---- pcap (src/sweep/logfmt/pcap.c) ---- */

/*
 * Decode one packet of link type dlt into r: endpoints, DNS names and
 * answers, HTTP Host and target, TLS SNI.  text (OUT) receives the
 * printable addresses, at least 2 * 48 bytes.
 */
int	pcap_packet_parse(int dlt, const uint8_t *pkt, size_t caplen,
	    struct rec *r, char *addrbuf, size_t addrbuf_size);

/* ---- the JSON field scanner (src/sweep/sweep_json.c) ---- */

/*
 * Called for every scalar value of a JSON object line: keys[0..depth-1]
 * is the path of object keys (an array element keeps its array's key),
 * val the raw string contents (still escaped when has_esc) or the number
 * or literal text.
 */
typedef void (*json_value_fn)(void *arg, const struct chousa_str *keys,
	    int depth, const char *val, size_t len, int is_string,
	    int has_esc);
/* Scan one line; 0 when it is a well-formed object, -1 otherwise. */
int	json_scan(const char *p, size_t len, json_value_fn fn, void *arg);
/* Unescape a JSON string into r's scratch; NULL when it does not fit. */
const char *json_unescape(struct rec *r, const char *p, size_t len,
	    size_t *out_len);

/* ---- the matcher (src/sweep/matcher.c) ---- */

struct matcher_entry {
	uint64_t	 hash;		/* of the key, for the sets */
	const char	*value;		/* NUL-terminated, in the arena */
	const char	*sources;
	const char	*family;
	int64_t		 first_seen;
	int64_t		 last_seen;
	uint32_t	 value_len;
	uint8_t		 type;
};

int	matcher_is_finished(const struct chousa_matcher *m);
const struct matcher_entry *matcher_ipv4(const struct chousa_matcher *m,
	    uint32_t ip, int *match);
const struct matcher_entry *matcher_ipv6(const struct chousa_matcher *m,
	    const uint8_t ip[16], int *match);
/* A lower-case domain without trailing dot; walks parents. */
const struct matcher_entry *matcher_domain(const struct chousa_matcher *m,
	    const char *d, size_t len, int *match);
/* A URL in its normal form. */
const struct matcher_entry *matcher_url(const struct chousa_matcher *m,
	    const char *u, size_t len);
/* A lower-case hex hash. */
const struct matcher_entry *matcher_hash(const struct chousa_matcher *m,
	    const char *h, size_t len);
int	matcher_has_urls(const struct chousa_matcher *m);
/* Whether any listed IPv4 address or range is private (RFC 1918). */
int	matcher_has_private(const struct chousa_matcher *m);
int	matcher_benign_domain(const struct chousa_matcher *m, const char *d,
	    size_t len);
int	matcher_benign_ip(const struct chousa_matcher *m, const uint8_t *ip,
	    int is_v6);

/* ---- the sweep's workers (src/sweep/sweep.c, src/sweep/sweep_match.c) ---- */

/* One hit kept until its chunk is emitted in line order. */
struct hitrow {
	uint64_t			 line;	/* within the chunk, 1-based */
	int64_t				 time;
	size_t				 time_off, time_len;
	size_t				 src_off, src_len;
	size_t				 dst_off, dst_len;
	size_t				 obs_off, obs_len;
	int				 match;
	const struct matcher_entry	*e;
};

#define HITS_MAX	((size_t)1 << 24)	/* per chunk */
#define BAD_KEEP	8

/* What every worker of one sweep shares, read-only. */
struct sweep_run {
	const struct chousa_matcher		*m;
	const struct chousa_logfmt		*fmt;
	const struct chousa_sweep_opts		*opts;
	size_t					 max_line;
};

enum { PROBE_NONE = 0, PROBE_V4, PROBE_V6, PROBE_DOMAIN };

/*
 * A per-worker cache of domain look-ups: logs name the same few thousand
 * hosts over and over, and a hit here saves the walk over the parents.
 */
#define DCACHE_SIZE	4096
#define DCACHE_KEY	54
struct dcache_slot {
	uint64_t			 h;
	const struct matcher_entry	*e;
	uint8_t				 len;	/* 0: empty */
	uint8_t				 match;
	char				 key[DCACHE_KEY];
};

/* One thread's state: its record, its hits, its counts. */
struct worker {
	const struct sweep_run		*run;
	struct lf_state			 st;
	struct lf_state			 start_st;
	struct rec			 rec;
	struct chousa_buf		 text;	/* the hits' strings */
	struct hitrow			*hits;
	size_t				 n_hits, cap_hits;
	uint64_t			 lines, records, malformed;
	uint64_t			 n_hit, hit_lines, benign, time_sup;
	uint64_t			 last_hit_line;
	struct {
		uint64_t	 line;
		const char	*why;
		size_t		 len;
		char		 text[160];
	}				 bad[BAD_KEEP];
	size_t				 n_bad;
	struct chousa_arena		*slow;	/* rare URL normalising */
	struct chousa_extractor		*ext;	/* text format */
	struct dcache_slot		*dcache;	/* DCACHE_SIZE */
	int				 rc;
	const char			*chunk;
	size_t				 chunk_len;
	/* Per record: entries already reported, the last host probed. */
	const struct matcher_entry	*seen[32];
	size_t				 n_seen;
	int				 probe_kind;
	uint8_t				 probe_addr[16];
	char				 probe_name[256];
	size_t				 probe_len;
	char				 url[8192 + 64];
	char				 raw[8192 + 64];
};

void	sweep_match_record(struct worker *w, const struct rec *r,
	    uint64_t line);
void	url_host(const char *u, size_t len, struct chousa_str *host);

/* Parse dotted IPv4 text; 0 on success. */
int	sweep_parse_ipv4(const char *p, size_t len, uint32_t *out);

#endif /* CHOUSA_SWEEP_INTERNAL_H */
