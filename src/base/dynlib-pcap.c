/*
 * libpcap, loaded on first use (see dynlib.h): the functions the sweep's
 * capture reader calls, under their own names.
 */
#include <stdio.h>

#include <pcap/pcap.h>

#include "base/dynlib.h"

#ifndef CHOUSA_SONAME_PCAP
#define CHOUSA_SONAME_PCAP "libpcap.so.0.8"
#endif

#define PCAP_FUNCS(X) \
	X(int, pcap_datalink, (pcap_t *p), (p), PCAP_ERROR) \
	X(int, pcap_next_ex, (pcap_t *p, struct pcap_pkthdr **h, \
	    const u_char **data), (p, h, data), PCAP_ERROR) \
	X(char *, pcap_geterr, (pcap_t *p), (p), (char *)"libpcap not loaded")

/* Forwarded by hand below. */
#define PCAP_BY_HAND(X) \
	X(pcap_t *, pcap_fopen_offline, (FILE *fp, char *errbuf), (), NULL) \
	X(void, pcap_close, (pcap_t *p), (), 0)

enum { PCAP_FUNCS(DYNLIB_ENUM) PCAP_BY_HAND(DYNLIB_ENUM) N_PCAP_SYMS };
static const char *const pcap_names[] = {
	PCAP_FUNCS(DYNLIB_NAME) PCAP_BY_HAND(DYNLIB_NAME)
};
static dynlib_fn pcap_syms[N_PCAP_SYMS];
static struct dynlib pcap_lib = {
	CHOUSA_SONAME_PCAP, pcap_names, pcap_syms, N_PCAP_SYMS, 0, ""
};

#define FORWARD(ret, name, params, args, fail) \
	DYNLIB_FORWARD(pcap_lib, ret, name, params, args, fail)
PCAP_FUNCS(FORWARD)

/* The one way in: it says in errbuf, as libpcap does, when it is missing. */
pcap_t *
pcap_fopen_offline(FILE *fp, char *errbuf)
{
	if (dynlib_load(&pcap_lib) != 0) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s",
		    dynlib_error(&pcap_lib));
		return NULL;
	}
	return DYNLIB_CALL(pcap_lib, pcap_t *, pcap_fopen_offline,
	    (FILE *, char *))(fp, errbuf);
}

DYNLIB_FORWARD_VOID(pcap_lib, pcap_close, (pcap_t *p), (p))
