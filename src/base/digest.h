/*
 * digest.h: the small digests the exports need besides SHA-256: SHA-1 for
 * name-based UUIDs (RFC 9562 version 5, the deterministic ids of STIX and
 * MISP objects), MD5 for a MISP feed's hashes.csv, and base64 for
 * Suricata's string datasets.  None of them protects anything: they name
 * and encode.
 */
#ifndef CHOUSA_DIGEST_H
#define CHOUSA_DIGEST_H

#include <stddef.h>

/* "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" of SHA-1(ns || name), NUL ended:
 * the content ids of STIX and MISP objects, in exports and reports. */
void	digest_uuid5(char out[37], const unsigned char ns[16],
	    const char *name, size_t name_len);
/* use_libcrypto 0: the built-in SHA-1 only (tests compare the two). */
void	digest_uuid5_with(char out[37], const unsigned char ns[16],
	    const char *name, size_t name_len, int use_libcrypto);

/* The MD5 of p as 32 lower-case hex digits and a NUL. */
void	digest_md5_hex(char out[33], const void *p, size_t len);

/* Append the standard base64 (RFC 4648, with padding) of p to b. */
struct chousa_buf;
void	digest_base64(struct chousa_buf *b, const void *p, size_t len);

#endif /* CHOUSA_DIGEST_H */
