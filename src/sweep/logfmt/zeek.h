/*
 * zeek.h: what Zeek's TSV (zeek.c) and JSON (zeek_json.c) readers share:
 * the role of each field name, and how a value of a role becomes
 * observables.  Only the reading differs between the two.
 */
#ifndef CHOUSA_SWEEP_LOGFMT_ZEEK_H
#define CHOUSA_SWEEP_LOGFMT_ZEEK_H

#include "sweep/rec.h"

enum zeek_role {
	ZR_NONE = 0,
	ZR_TS,
	ZR_ORIG_H,	/* the flow's client end */
	ZR_RESP_H,	/* the flow's server end */
	ZR_SRC,		/* notice src: the client end when id is unset */
	ZR_DST,		/* notice dst */
	ZR_CLIENT_ADDR,	/* dhcp: the client end */
	ZR_SERVER_ADDR,	/* dhcp: the server end */
	ZR_ADDR,	/* any other address (by #types or name) */
	ZR_QUERY, ZR_ANSWERS, ZR_HOST, ZR_URI, ZR_SERVER_NAME,
	ZR_MD5, ZR_SHA1, ZR_SHA256,
	ZR_TX_HOSTS, ZR_RX_HOSTS, ZR_SAN_DNS, ZR_SAN_IP,
	ZR_INTEL,	/* intel seen.indicator */
	ZR_INTEL_TYPE,	/* intel seen.indicator_type */
	ZR_ROLE_COUNT
};

/* The values a record keeps until all its fields are read. */
struct zeek_fields {
	struct chousa_str	 host, uri;
	struct chousa_str	 intel, intel_type;
};

/* The role of a field name ("id.orig_h"); ZR_NONE for any other. */
int	zeek_role(const char *name, size_t len);
/* Whether a field name looks like an address ("*_h", "*_addr", "*_ip"). */
int	zeek_addr_name(const char *name, size_t len);
/*
 * Turn one value of a role into observables.  From TSV, set_sep
 * (set_sep_len bytes) splits sets and values are \xNN-escaped; from JSON
 * set_sep is NULL and set_sep_len 0.  Host, uri and the intel fields are
 * kept in f for zeek_finish.
 */
void	zeek_value(struct rec *r, struct zeek_fields *f, int role,
	    const char *p, size_t len, const char *set_sep,
	    size_t set_sep_len);
/* After all values: the URL of host and uri, the intel indicator. */
void	zeek_finish(struct rec *r, const struct zeek_fields *f);

#endif /* CHOUSA_SWEEP_LOGFMT_ZEEK_H */
