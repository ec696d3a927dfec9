/*
 * feodo.c: Feodo Tracker's C2 blocklists: the CSV (uncommented quoted
 * header, "# END n entries" footer, no final newline), the JSON list and
 * the recommended text list (one IPv4 per line).  Every entry is a botnet
 * C2; the port goes in its own column.
 */
#include <stdlib.h>
#include <string.h>

#include "store/import/import.h"
#include "base/mem.h"

enum { C_FIRST, C_IP, C_PORT, C_STATUS, C_LAST, C_MALWARE };

static const char *const columns[] = {
	"first_seen_utc", "dst_ip", "dst_port", "c2_status", "last_online",
	"malware", NULL
};

static int
feodo_probe(const char *p, size_t len)
{
	size_t n = len < 4096 ? len : 4096;

	if (imp_contains(p, n, "\"dst_ip\"") &&
	    imp_contains(p, n, "\"c2_status\""))
		return 100;
	if (imp_contains(p, n, "Feodo Tracker"))
		return 90;
	return 0;
}

static int
put(struct imp *imp, const char *ip, const char *port, const char *first,
    const char *last, const char *status, const char *malware, uint64_t line)
{
	struct imp_ind r;
	long pn = port != NULL ? strtol(port, NULL, 10) : 0;

	if (ip == NULL)
		return imp_reject(imp, line, "no IP address");
	memset(&r, 0, sizeof(r));
	r.value = ip;
	r.value_len = strlen(ip);
	r.types = CHOUSA_IOC_IPS;
	r.port = pn > 0 && pn < 65536 ? (unsigned)pn : 0;
	r.first_seen = imp_time(first);
	r.last_seen = imp_time(last);
	r.status = status;
	r.threat = "botnet_cc";
	r.family = malware;
	r.confidence = -1;
	r.reference = "https://feodotracker.abuse.ch/browse/host/";
	return imp_put_indicator(imp, &r, line);
}

static int
run_csv(struct imp *imp)
{
	struct csv c;
	int rc, eof = 0;

	snprintf(imp->rep->format, sizeof(imp->rep->format), "csv");
	csv_init(&c, columns, 3);
	for (;;) {
		rc = csv_next(imp, &c, &eof);
		if (rc != CHOUSA_OK || eof)
			return rc;
		if (c.nf == 1) {
			/* The recommended list: one address per line. */
			rc = put(imp, c.f[0], NULL, NULL, NULL, NULL, NULL,
			    c.line);
		} else
			rc = put(imp, csv_get(&c, C_IP), csv_get(&c, C_PORT),
			    csv_get(&c, C_FIRST), csv_get(&c, C_LAST),
			    csv_get(&c, C_STATUS), csv_get(&c, C_MALWARE),
			    c.line);
		if (rc != CHOUSA_OK)
			return rc;
	}
}

static int
json_record(struct imp *imp, const char *key, struct jnode *o)
{
	(void)key;
	return put(imp, jt_text(o, "ip_address"), jt_text(o, "port"),
	    jt_text(o, "first_seen"), jt_text(o, "last_online"),
	    jt_text(o, "status"), jt_text(o, "malware"), 0);
}

static int
feodo_run(struct imp *imp)
{
	const char *p;
	size_t len;
	int rc;

	rc = input_peek(imp->in, &p, &len, imp->err);
	if (rc != CHOUSA_OK)
		return rc;
	if (imp->shape != NULL)
		return json_records(imp, 1, json_record);
	rc = run_csv(imp);
	if (rc == CHOUSA_OK && imp_contains(p, len < 1024 ? len : 1024,
	    "(recommended)"))
		snprintf(imp->rep->format, sizeof(imp->rep->format), "text");
	return rc;
}

/* The JSON blocklist: [{"ip_address": ..., "port": ...}, ...]. */
static int
feodo_probe_json(const struct jshape *sh)
{
	return sh->root == J_ARR && shape_has(shape_obj(sh, "[]"),
	    "ip_address", -1) ? 95 : 0;
}

static const char *const feodo_aliases[] = { "feodotracker", NULL };

const struct importer importer_feodo = {
	.feed = {
		.name = "feodo",
		.aliases = feodo_aliases,
		.title = "Feodo Tracker",
		.local_source = "local-feodo",
		.url = "https://feodotracker.abuse.ch/downloads/"
		    "ipblocklist.csv",
		.file = "feodo.csv",
		.record_page = "https://feodotracker.abuse.ch/browse/host/%s/",
		.flags = CHOUSA_FEED_ABUSECH_KEY |
		    CHOUSA_FEED_PAGE_BY_VALUE,
		.local_types = CHOUSA_IOC_IPS,
	},
	.expects = "a Feodo Tracker blocklist (CSV, JSON or text)",
	.help = "CSV, JSON, recommended text list",
	.probe = feodo_probe,
	.run = feodo_run,
	.pipelined = 1,
	.probe_json = feodo_probe_json,
};
