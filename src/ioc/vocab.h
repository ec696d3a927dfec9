/*
 * vocab.h: the words of the intel exchange formats, MISP and STIX 2.1,
 * for an indicator type.  The static exports (src/export) and the
 * investigation reports (src/investigate/render) both write MISP and
 * STIX; they take their attribute types, categories, observable types
 * and patterns from here so that a consumer sees one vocabulary.
 */
#ifndef CHOUSA_VOCAB_H
#define CHOUSA_VOCAB_H

#include "chousa.h"

/*
 * MISP's attribute type for an indicator type ("ip-dst|port" for an
 * address when has_port), or NULL when MISP has none.  OUT: *category,
 * the type's default category in MISP's describeTypes.json
 * (sane_defaults), so MISP accepts the pair.  Both static strings.
 */
const char *vocab_misp_type(int type, int has_port, const char **category);

/* The indicator type of a hex hash by its length (SHA-256 otherwise). */
int	vocab_hash_type(const char *hex);

/* A MISP Tag object, {"name": name}, into w. */
void	vocab_misp_tag(struct chousa_jw *w, const char *name);

/* Append Malpedia's galaxy cluster tag of a family, for vocab_misp_tag. */
void	vocab_misp_galaxy(struct chousa_buf *b, const char *family);

/*
 * The STIX 2.1 cyber-observable type of an indicator ("ipv4-addr",
 * "file" for hashes), or NULL when it has none; a CIDR is an address
 * object of its family, so value is read.  Static string.
 */
const char *vocab_stix_sco(int type, const char *value);

/* The STIX hashing-algorithm name of a hex hash by its length ("SHA-256"). */
const char *vocab_stix_hash(const char *hex);

/*
 * Append the STIX pattern of an indicator ("[url:value = '...']"), the
 * value escaped (STIX 2.1 9.2).  Hash names are always quoted
 * (file:hashes.'MD5'): legal for every name and required for the
 * hyphenated ones, so one rule serves all.  An ASN compares the number.
 * Nothing is appended for a type vocab_stix_sco does not know.
 */
void	vocab_stix_pattern(struct chousa_buf *b, int type, const char *value);

#endif /* CHOUSA_VOCAB_H */
