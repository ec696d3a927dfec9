/*
 * fuzz-pcap.c: captures, pcap and pcapng, through libpcap and the packet
 * decoder (link layers, IPv4/IPv6 extension headers, DNS names with
 * compression, HTTP requests, TLS ClientHello extensions).
 */
#define LOGFMT "pcap"
#include "fuzz-logfmt.h"
