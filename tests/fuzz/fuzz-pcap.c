/*
 * fuzz-pcap.c: captures, pcap and pcapng, through chousa's capture reader
 * (blocks, interfaces, time resolutions) and the packet decoder (link
 * layers, VLAN and MPLS stacks, tunnels, IPv4/IPv6 extension headers, DNS
 * names with compression, HTTP requests, TLS ClientHello extensions).
 */
#define LOGFMT "pcap"
#include "fuzz-logfmt.h"
