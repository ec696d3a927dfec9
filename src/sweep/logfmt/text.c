/*
 * text.c: any other line format.  The indicator extractor finds what is
 * written on the line (defanged or not), and each indicator is looked up
 * by its type.  Nothing is known about the line's endpoints, only a
 * leading syslog or ISO time.  Private addresses are kept only when the
 * store lists some: otherwise they cannot hit and would cost a look-up.
 */
#include <string.h>

#include "chousa.h"
#include "base/mem.h"
#include "sweep/logfmt.h"
#include "sweep/logtime.h"

static int
text_probe(const char *p, size_t len)
{
	(void)p;
	return len > 0 ? 10 : 1;
}

static int
text_priv_new(void **priv, const struct lf_env *env)
{
	struct chousa_extract_opts xo;
	struct chousa_extractor *x;
	int rc;

	memset(&xo, 0, sizeof(xo));
	xo.types = CHOUSA_IOC_ALL;
	xo.keep_private = env->keep_private;
	rc = chousa_extractor_new(&x, &xo, NULL);
	if (rc == CHOUSA_OK)
		*priv = x;
	return rc;
}

static void
text_priv_free(void *priv)
{
	chousa_extractor_free(priv);
}

static int
found(void *arg, const struct chousa_indicator *ind)
{
	struct rec *r = arg;
	const char *v;
	struct obs *o;

	if (ind->value == NULL || r->n_obs >= REC_MAX_OBS)
		return 0;
	v = rec_scratch(r, ind->value, ind->value_len);
	if (v == NULL)
		return 0;
	o = rec_add(r, OBS_IND, v, ind->value_len, 0);
	if (o != NULL)
		o->type = (uint8_t)ind->type;
	return 0;
}

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int
text_parse(struct lf_state *st, const char *line, size_t len,
    struct rec *r, const char **why)
{
	if (len == 0)
		return LF_SKIP;
	if (st->priv == NULL) {
		*why = "no indicator extractor";
		return LF_MALFORMED;
	}
	if (len >= 15 && line[3] == ' ' && line[6] == ' ' && line[9] == ':' &&
	    memmem(months, sizeof(months) - 1, line, 3) != NULL) {
		r->time.p = line;
		r->time.len = 15;	/* no year: shown, never compared */
	} else if (len >= 19 && line[4] == '-' && line[7] == '-' &&
	    (line[10] == 'T' || line[10] == ' ')) {
		r->time.p = line;
		r->time.len = 19;
		r->time_fn = logtime_iso;
	}
	if (chousa_extract(st->priv, line, len, 0, found, r, NULL) !=
	    CHOUSA_OK) {
		*why = "the extractor failed on this line";
		return LF_MALFORMED;
	}
	return LF_RECORD;
}

const struct chousa_logfmt logfmt_text = {
	.name = "text",
	.summary = "any other lines, through the indicator extractor",
	.probe = text_probe,
	.parse = text_parse,
	.priv_new = text_priv_new,
	.priv_free = text_priv_free,
};
