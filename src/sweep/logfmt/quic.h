/*
 * quic.h: the TLS ClientHello of a QUIC client Initial packet, for the
 * packet decoder (packet.c).
 */
#ifndef CHOUSA_SWEEP_LOGFMT_QUIC_H
#define CHOUSA_SWEEP_LOGFMT_QUIC_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decrypt the QUIC Initial packet at p (a UDP payload) and put the start
 * of its TLS handshake stream in out (cap bytes): the handshake messages
 * from offset 0, as far as this packet carries them.  Returns their
 * length; 0 when p is not a client Initial of QUIC version 1 or 2, does
 * not decrypt, or libcrypto is not installed.
 */
size_t	quic_client_hello(const uint8_t *p, size_t len, uint8_t *out,
	    size_t cap);

#endif /* CHOUSA_SWEEP_LOGFMT_QUIC_H */
