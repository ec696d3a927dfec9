/*
 * json_scan.h: a JSON field scanner for log lines (EVE, Zeek JSON).  It
 * builds no tree: it walks one object line once, keeping the path of
 * keys, and hands each scalar to a callback as a view into the line.
 */
#ifndef CHOUSA_SWEEP_JSON_SCAN_H
#define CHOUSA_SWEEP_JSON_SCAN_H

#include "chousa.h"
#include "sweep/rec.h"

/*
 * Called for every scalar value of a JSON object line: keys[0..depth-1]
 * is the path of object keys (an array element keeps its array's key),
 * val the raw string contents (still escaped when has_esc) or the number
 * or literal text.
 */
typedef void (*json_value_fn)(void *arg, const struct chousa_str *keys,
	    int depth, const char *val, size_t len, int is_string,
	    int has_esc);
/* Scan one line; 0 when it is a well-formed object, -1 otherwise. */
int	json_scan(const char *p, size_t len, json_value_fn fn, void *arg);
/* Unescape a JSON string into r's scratch; NULL when it does not fit. */
const char *json_unescape(struct rec *r, const char *p, size_t len,
	    size_t *out_len);

/* Whether key k is the literal lit. */
#define JSON_KEY(k, lit) ((k).len == sizeof(lit) - 1 && \
	memcmp((k).p, lit, sizeof(lit) - 1) == 0)

#endif /* CHOUSA_SWEEP_JSON_SCAN_H */
