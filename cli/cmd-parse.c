/*
 * cmd-parse.c: `chousa parse INDICATOR`: refang, classify and normalise
 * one indicator and print what chousa makes of it, so that an analyst can
 * see why a value is or is not matched.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OPT_JSON = 256, OPT_TYPES };

static const struct cli_opt parse_opts[] = {
	{ OPT_JSON, "json", NULL, "Print one JSON object instead of "
	    "key: value lines." },
	{ OPT_TYPES, "types", "LIST", "Accept only these types, comma "
	    "separated: ipv4, ipv6, cidr, ip, domain, url, email, md5, sha1, "
	    "sha256, sha512, hash, asn." },
	{ 0 }
};

static const char *const flag_names[] = {
	"private", "loopback", "cgnat", "link-local", "documentation",
	"multicast", "reserved", NULL, "defanged", "idn", "ip-host", NULL
};

static void
add_flags(struct chousa_buf *b, unsigned flags, int json)
{
	int i, n = 0;

	for (i = 0; i < 11; i++) {
		if (flag_names[i] == NULL || !(flags & (1u << i)))
			continue;
		if (n++ > 0)
			chousa_buf_addch(b, ',');
		if (json)
			chousa_esc_json_str(b, flag_names[i]);
		else
			chousa_buf_adds(b, flag_names[i]);
	}
	if (n == 0 && !json)
		chousa_buf_addch(b, '-');
}

static void
kv(struct chousa_buf *b, const char *k, const char *v, int json, int *first)
{
	if (v == NULL)
		return;
	if (json) {
		chousa_buf_adds(b, *first ? "{" : ",");
		chousa_esc_json_str(b, k);
		chousa_buf_addch(b, ':');
		chousa_esc_json_str(b, v);
	} else {
		chousa_buf_addf(b, "%s: ", k);
		chousa_esc_text(b, v, strlen(v));
		chousa_buf_addch(b, '\n');
	}
	*first = 0;
}

static int
run_parse(const struct cli_cmd *self, int argc, char **argv)
{
	struct chousa_arena *a;
	struct chousa_indicator ind;
	struct chousa_err err;
	struct chousa_buf b;
	const char *arg, *in;
	unsigned types = 0;
	int c, json = 0, first = 1, rc;
	char num[16];

	while ((c = cli_getopt(self, argc, argv, &arg)) != -1) {
		if (c == OPT_JSON)
			json = 1;
		else if (c == OPT_TYPES &&
		    chousa_ioc_types_parse(arg, &types, &err) != CHOUSA_OK)
			cli_usage_error(self, "%s", err.msg);
	}
	if (cli_optind + 1 != argc)
		cli_usage_error(self, "give exactly one indicator");
	in = argv[cli_optind];
	if (chousa_arena_new(&a, 0, &err) != CHOUSA_OK)
		cli_die_err(&err);
	rc = chousa_ioc_parse(a, in, strlen(in), types, &ind, &err);
	if (rc != CHOUSA_OK) {
		chousa_arena_free(a);
		cli_die_err(&err);
	}
	chousa_buf_init(&b, 0);
	kv(&b, "type", chousa_ioc_type_name(ind.type), json, &first);
	kv(&b, "value", ind.value, json, &first);
	kv(&b, "display", ind.display, json, &first);
	if (ind.host != NULL && ind.type != CHOUSA_IOC_DOMAIN &&
	    ind.type != CHOUSA_IOC_IPV4 && ind.type != CHOUSA_IOC_IPV6) {
		kv(&b, "host", ind.host, json, &first);
		kv(&b, "host_type", chousa_ioc_type_name(ind.host_type), json,
		    &first);
	}
	kv(&b, "regdomain", ind.regdomain, json, &first);
	if (ind.port != 0) {
		snprintf(num, sizeof(num), "%u", ind.port);
		kv(&b, "port", num, json, &first);
	}
	kv(&b, "path", ind.path, json, &first);
	if (ind.type == CHOUSA_IOC_CIDR) {
		snprintf(num, sizeof(num), "%d", ind.prefix);
		kv(&b, "prefix", num, json, &first);
	}
	if (json) {
		chousa_buf_adds(&b, ",\"flags\":[");
		add_flags(&b, ind.flags, 1);
		chousa_buf_adds(&b, "]}\n");
	} else {
		chousa_buf_adds(&b, "flags: ");
		add_flags(&b, ind.flags, 0);
		chousa_buf_addch(&b, '\n');
	}
	cli_write(&b);
	cli_flush();
	chousa_buf_release(&b);
	chousa_arena_free(a);
	return EXIT_CLEAN;
}

const struct cli_cmd cmd_parse = {
	"parse", "Classify and normalise one indicator", "[--json] INDICATOR",
	"Refang INDICATOR (hxxp, [.], full-width forms...), decide its type "
	"(ipv4, ipv6, cidr, domain, url, email, md5, sha1, sha256, sha512, "
	"asn) and print its normal form, its Unicode display form, its host, "
	"registrable domain (public suffix list), port, path and flags "
	"(private, loopback, cgnat, link-local, documentation, multicast, "
	"reserved, defanged, idn, ip-host) as key: value lines.\n\n"
	"A host is a domain only under a known public suffix, so setup.exe "
	"is not one.  Text that is no indicator exits 3 with a message "
	"saying why.",
	parse_opts, run_parse,
	"chousa parse 'hxxps://www[.]Example[.]co[.]uk:443/a/../b'\n"
	"chousa parse --json 2001:DB8:0:0:0:0:0:1"
};
