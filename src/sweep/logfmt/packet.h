/*
 * packet.h: decoding one captured packet (src/sweep/logfmt/packet.c), for
 * the capture reader (pcap.c).  Link types are the LINKTYPE_* values the
 * capture file formats write, not libpcap's DLT_* ones.
 */
#ifndef CHOUSA_SWEEP_LOGFMT_PACKET_H
#define CHOUSA_SWEEP_LOGFMT_PACKET_H

#include "sweep/rec.h"

/* Whether packets of this link type can be decoded. */
int	packet_decodable(int linktype);
/* "link type 189 (USB_LINUX)" into buf (size bytes); buf. */
const char *packet_link_name(int linktype, char *buf, size_t size);
/*
 * Decode one packet into r (cleared by the caller), its views into p or
 * r's scratch.  The innermost IP layer gives the record's two ends, the
 * client first; every tunnel's addresses are observables too.
 */
void	packet_decode(struct rec *r, int linktype, const uint8_t *p,
	    size_t len);

#endif /* CHOUSA_SWEEP_LOGFMT_PACKET_H */
