/*
 * misp.c: a static MISP feed, the layout MISP's "Feeds" fetch by URL:
 * manifest.json (one entry per event), one <uuid>.json event per family
 * (and one for indicators of no known family), and hashes.csv (the MD5 of
 * each attribute value, each part of a composite one, and its event).
 * Attributes carry the family's galaxy tag, the TLP, the confidence and
 * sources as tags, the first and last sighting, and the description as
 * comment.  Every uuid is a version 5 uuid of what it names, so MISP
 * updates the same events and attributes on every pull.  Event files are
 * closed between writes: a store of many families keeps few open.
 */
#include <string.h>

#include "base/digest.h"
#include "base/mem.h"
#include "export/export.h"
#include "ioc/vocab.h"

/* chousa's namespace for MISP uuids (a fixed random uuid). */
static const unsigned char ns_misp[16] = { 0x3b, 0x1e, 0x7c, 0x52, 0x90,
    0x4d, 0x4f, 0x0a, 0xb6, 0x21, 0x5e, 0x8d, 0x0c, 0x73, 0xa9, 0x14 };

#define ORGC_UUID	"5e6c3a4f-1d2b-5c8e-9f70-2a4b6c8d0e1f"
/* An event's attributes are written out past this. */
#define EVENT_FLUSH	((size_t)16 << 10)

struct event {
	char			 uuid[37];
	char			*manifest;	/* its manifest.json entry */
	struct export_file	*f;
	struct chousa_jw	 w;		/* into f->buf, across parks */
};

struct misp {
	struct export_map	 families;	/* family id ("" none) */
	struct event		*events;	/* by the map's index */
	size_t			 cap_events;
	struct export_file	*hashes;
	struct export_file	*manifest;
	char			 date[11];
	struct chousa_buf	 tags;		/* scratch */
};

static int
misp_begin(struct export_run *r, struct chousa_err *err)
{
	struct misp *m = mem_alloc(sizeof(*m));
	char day[24];
	int rc;

	if (m == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	r->state = m;
	chousa_buf_init(&m->tags, 0);
	export_date(day, r->stamp);
	snprintf(m->date, sizeof(m->date), "%.10s", day);
	rc = export_open(r, "manifest.json", 1, &m->manifest, err);
	if (rc == CHOUSA_OK)
		rc = export_open(r, "hashes.csv", 1, &m->hashes, err);
	return rc;
}

/* The tag a family gets: Malpedia's galaxy when the catalogue knows it. */
static void
family_tag(struct chousa_buf *b, const char *family, const char *name)
{
	if (name != NULL)
		vocab_misp_galaxy(b, name);
	else
		export_cat(b, "chousa:family=\"", family, "\"", (char *)NULL);
}

/* The TLP's tag and the family's, as events and attributes begin. */
static void
tags_begin(struct export_run *r, struct chousa_jw *w,
    const struct export_item *it, struct chousa_buf *tmp)
{
	chousa_buf_reset(tmp);
	export_cat(tmp, "tlp:", r->tlp, (char *)NULL);
	chousa_jw_key(w, "Tag");
	chousa_jw_array(w);
	vocab_misp_tag(w, tmp->data);
	if (it->family != NULL) {
		chousa_buf_reset(tmp);
		family_tag(tmp, it->family, it->family_name);
		vocab_misp_tag(w, tmp->data);
	}
}

/*
 * The event's members up to its Tag array, in an open object: as the
 * event file has them, or as its manifest.json entry (no uuid, not the
 * publishing).
 */
static void
event_head(struct export_run *r, struct chousa_jw *w, const char *uuid,
    const struct export_item *it, struct chousa_buf *tmp, int manifest)
{
	struct misp *m = r->state;
	char stamp[24];

	snprintf(stamp, sizeof(stamp), "%lld", (long long)r->stamp);
	if (!manifest)
		chousa_jw_kstr(w, "uuid", uuid);
	chousa_buf_reset(tmp);
	if (it->family_name != NULL)
		chousa_buf_addf(tmp, "chousa: %s (%s)", it->family_name,
		    it->family);
	else if (it->family != NULL)
		chousa_buf_addf(tmp, "chousa: %s", it->family);
	else
		chousa_buf_adds(tmp, "chousa: indicators of no known family");
	chousa_jw_kstr(w, "info", tmp->data);
	chousa_jw_kstr(w, "date", m->date);
	chousa_jw_kstr(w, "timestamp", stamp);
	chousa_jw_kstr(w, "analysis", "2");
	chousa_jw_kstr(w, "threat_level_id", "2");
	if (!manifest) {
		chousa_jw_kbool(w, "published", 1);
		chousa_jw_kstr(w, "publish_timestamp", stamp);
		chousa_jw_kstr(w, "distribution", "3");
	}
	chousa_jw_key(w, "Orgc");
	chousa_jw_object(w);
	chousa_jw_kstr(w, "name", "chousa");
	chousa_jw_kstr(w, "uuid", ORGC_UUID);
	chousa_jw_object_end(w);
	tags_begin(r, w, it, tmp);
	chousa_jw_array_end(w);
}

static struct event *
event_find(struct export_run *r, const struct export_item *it,
    struct chousa_err *err, int *rc)
{
	struct misp *m = r->state;
	const char *key = it->family != NULL ? it->family : "";
	struct chousa_buf name;
	struct chousa_jw mw;
	struct event *e;
	size_t i;
	int added;

	*rc = export_map_find(&m->families, key, &i, &added, err);
	if (*rc != CHOUSA_OK)
		return NULL;
	if (!added)
		return &m->events[i];
	if (MEM_GROW(m->events, i, m->cap_events, 16, 0) != CHOUSA_OK) {
		*rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
		return NULL;
	}
	e = &m->events[i];
	memset(e, 0, sizeof(*e));
	chousa_buf_init(&name, 0);
	chousa_buf_addf(&name, "event:%s", key);
	digest_uuid5(e->uuid, ns_misp, name.data, name.len);
	chousa_buf_reset(&name);
	chousa_buf_addf(&name, "%s.json", e->uuid);
	*rc = export_open(r, name.data, 0, &e->f, err);
	chousa_buf_reset(&name);
	if (*rc == CHOUSA_OK) {
		chousa_jw_init(&mw, &name);
		chousa_jw_object(&mw);
		event_head(r, &mw, e->uuid, it, &m->tags, 1);
		chousa_jw_object_end(&mw);
		*rc = chousa_buf_rc(&name, "a MISP event", err);
	}
	if (*rc == CHOUSA_OK) {
		e->manifest = mem_strdup(name.data);
		if (e->manifest == NULL)
			*rc = chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	}
	chousa_buf_release(&name);
	if (*rc != CHOUSA_OK)
		return NULL;
	chousa_jw_init(&e->w, &e->f->buf);
	chousa_jw_object(&e->w);
	chousa_jw_key(&e->w, "Event");
	chousa_jw_object(&e->w);
	event_head(r, &e->w, e->uuid, it, &m->tags, 0);
	chousa_jw_key(&e->w, "Attribute");
	chousa_jw_array(&e->w);
	return e;
}

static int
hash_line(struct misp *m, const char *value, size_t len, const char *uuid,
    struct chousa_err *err)
{
	char md5[33];

	digest_md5_hex(md5, value, len);
	export_cat(&m->hashes->buf, md5, ",", uuid, "\n", (char *)NULL);
	return export_entry(m->hashes, err);
}

static int
misp_item(struct export_run *r, const struct export_item *it,
    struct chousa_err *err)
{
	struct misp *m = r->state;
	const struct chousa_export_row *row = it->row;
	const char *type, *category;
	struct chousa_jw *w;
	struct event *e;
	char uuid[37], port[16], stamp[24];
	int rc = CHOUSA_OK, composite;

	e = event_find(r, it, err, &rc);
	if (e == NULL)
		return rc;
	w = &e->w;
	/* The format's mask admits only types MISP has. */
	type = vocab_misp_type(row->type, row->port != 0, &category);
	composite = strchr(type, '|') != NULL;
	snprintf(port, sizeof(port), "%u", row->port);
	snprintf(stamp, sizeof(stamp), "%lld", (long long)(
	    row->last_seen > 0 ? row->last_seen : row->first_seen > 0 ?
	    row->first_seen : r->stamp));
	chousa_buf_reset(&m->tags);
	export_cat(&m->tags, "attribute:", type, ":", row->value, (char *)NULL);
	digest_uuid5(uuid, ns_misp, m->tags.data, m->tags.len);
	chousa_jw_newline(w);
	chousa_jw_object(w);
	chousa_jw_kstr(w, "uuid", uuid);
	chousa_jw_kstr(w, "type", type);
	chousa_jw_kstr(w, "category", category);
	chousa_buf_reset(&m->tags);
	export_cat(&m->tags, row->value, composite ? "|" : "",
	    composite ? port : "", (char *)NULL);
	chousa_jw_kstr(w, "value", m->tags.data);
	chousa_jw_kbool(w, "to_ids", 1);
	chousa_jw_kbool(w, "disable_correlation", 0);
	chousa_jw_kstr(w, "distribution", "5");
	chousa_buf_reset(&m->tags);
	export_cat(&m->tags, it->desc, it->reference != NULL ? "; evidence " :
	    "", it->reference != NULL ? it->reference : "", (char *)NULL);
	chousa_jw_kstr(w, "comment", m->tags.data);
	chousa_jw_kstr(w, "timestamp", stamp);
	export_jw_kv(w, "first_seen", it->first);
	/* MISP refuses a last sighting before the first. */
	if (row->last_seen >= row->first_seen)
		export_jw_kv(w, "last_seen", it->last);
	tags_begin(r, w, it, &m->tags);
	if (row->confidence >= 0) {
		chousa_buf_reset(&m->tags);
		chousa_buf_addf(&m->tags, "chousa:confidence=\"%d\"",
		    row->confidence);
		vocab_misp_tag(w, m->tags.data);
	}
	if (it->sources != NULL) {
		chousa_buf_reset(&m->tags);
		export_cat(&m->tags, "chousa:sources=\"", it->sources, "\"",
		    (char *)NULL);
		vocab_misp_tag(w, m->tags.data);
	}
	chousa_jw_array_end(w);
	chousa_jw_object_end(w);
	e->f->n++;
	rc = hash_line(m, row->value, strlen(row->value), e->uuid, err);
	if (rc == CHOUSA_OK && composite)
		rc = hash_line(m, port, strlen(port), e->uuid, err);
	if (rc == CHOUSA_OK && e->f->buf.len > EVENT_FLUSH)
		rc = export_park(e->f, err);
	return rc;
}

static int
misp_end(struct export_run *r, struct chousa_err *err)
{
	struct misp *m = r->state;
	struct chousa_buf *b = &m->manifest->buf;
	struct chousa_jw w;
	size_t i;
	int rc = CHOUSA_OK;

	chousa_jw_init(&w, b);
	chousa_jw_object(&w);
	for (i = 0; i < m->families.n && rc == CHOUSA_OK; i++) {
		struct event *e = &m->events[i];

		chousa_buf_addch(&e->f->buf, '\n');
		chousa_jw_array_end(&e->w);
		chousa_jw_object_end(&e->w);
		chousa_jw_object_end(&e->w);
		chousa_buf_addch(&e->f->buf, '\n');
		rc = export_park(e->f, err);
		chousa_jw_newline(&w);
		chousa_jw_key(&w, e->uuid);
		chousa_jw_raw(&w, e->manifest, strlen(e->manifest));
		m->manifest->n++;
	}
	chousa_buf_addch(b, '\n');
	chousa_jw_object_end(&w);
	chousa_buf_addch(b, '\n');
	return rc;
}

static void
misp_release(struct export_run *r)
{
	struct misp *m = r->state;
	size_t i;

	for (i = 0; i < m->families.n && i < m->cap_events; i++)
		mem_free(m->events[i].manifest);
	export_map_release(&m->families);
	mem_free(m->events);
	chousa_buf_release(&m->tags);
}

const struct export_format export_misp = {
	"misp-feed",
	"a static MISP feed: manifest.json, one event per family, "
	"hashes.csv",
	CHOUSA_IOC_IPS | CHOUSA_IOC_BIT(CHOUSA_IOC_CIDR) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_DOMAIN) | CHOUSA_IOC_BIT(CHOUSA_IOC_URL) |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_EMAIL) | CHOUSA_IOC_HASHES |
	    CHOUSA_IOC_BIT(CHOUSA_IOC_ASN),
	EXPORT_F_DIR, NULL,
	misp_begin, misp_item, misp_end, NULL, NULL, misp_release
};
