/*
 * investigate_conclude.c: the conclusion, a few plain sentences as an
 * analyst would write them: who lists the indicator and as what, which
 * sample ties it to a family and by which evidence, the most likely cause
 * of the traffic, and how sure.  Values are written raw; renderers defang
 * and escape them.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "investigate/investigate.h"

static const char *
article(const char *word)
{
	return word != NULL && strchr("AEIOUaeiou", word[0]) != NULL ?
	    "an" : "a";
}

/* A file type as a reader says it. */
static const char *
file_kind(const char *t)
{
	static const struct { const char *type, *kind; } kinds[] = {
		{ "doc", "Word document" }, { "docx", "Word document" },
		{ "docm", "Word document" }, { "rtf", "RTF document" },
		{ "xls", "Excel workbook" }, { "xlsx", "Excel workbook" },
		{ "xlsm", "Excel workbook" }, { "pdf", "PDF document" },
		{ "exe", "Windows executable" }, { "dll", "Windows DLL" },
		{ "js", "JavaScript file" }, { "vbs", "VBScript file" },
		{ "ps1", "PowerShell script" }, { "hta", "HTML application" },
		{ "lnk", "Windows shortcut" }, { "zip", "ZIP archive" },
		{ "iso", "disk image" }, { "elf", "Linux ELF binary" },
		{ "apk", "Android package" }, { "msi", "Windows installer" },
	};
	size_t i;

	for (i = 0; t != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcasecmp(t, kinds[i].type) == 0)
			return kinds[i].kind;
	return "file";
}

static int
is_document(const char *t)
{
	const char *k = file_kind(t);

	return strstr(k, "document") != NULL || strstr(k, "workbook") != NULL;
}

/* "d7e61d7d…766a7cf" */
static const char *
short_hash(struct chousa_arena *a, const char *h)
{
	size_t len = strlen(h);

	if (len <= 16)
		return h;
	return chousa_arena_printf(a, "%.8s\xe2\x80\xa6%s", h, h + len - 7);
}

/* How a listing describes the threat. */
static const char *
threat_phrase(const char *t)
{
	if (t == NULL)
		return NULL;
	if (strcmp(t, "malware_download") == 0 ||
	    strcmp(t, "payload_delivery") == 0)
		return "payload delivery";
	if (strcmp(t, "botnet_cc") == 0)
		return "botnet command-and-control (C2)";
	if (strcmp(t, "payload") == 0)
		return "payload";
	return NULL;
}

/* The best threat type among the hits about the input. */
static const char *
input_threat(const struct chousa_report *rep)
{
	const char *t = NULL;
	size_t s, i;

	for (s = 0; s < rep->n_stages; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++) {
			const struct chousa_finding *f =
			    &rep->stages[s].findings[i];

			if (f->status != CHOUSA_ST_HIT || f->depth != 0 ||
			    f->verdict < CHOUSA_V_SUSPICIOUS ||
			    threat_phrase(f->threat) == NULL)
				continue;
			/* C2 says more than delivery. */
			if (t == NULL || strcmp(f->threat, "botnet_cc") == 0)
				t = f->threat;
		}
	return t;
}

/* The finding that related the sample, for its evidence. */
static const struct chousa_finding *
relating_finding(const struct chousa_report *rep, const char *sha)
{
	size_t s, i, j;

	for (s = 0; s < rep->n_stages; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++) {
			const struct chousa_finding *f =
			    &rep->stages[s].findings[i];

			if (f->status != CHOUSA_ST_HIT)
				continue;
			for (j = 0; j < f->n_related; j++)
				if (f->related[j].value != NULL &&
				    strcasecmp(f->related[j].value, sha) == 0)
					return f;
		}
	return NULL;
}

/* The source that labelled the sample with a family. */
static const char *
labeller(const struct chousa_report *rep, const char *sha)
{
	size_t s, i;

	for (s = 0; s < rep->n_stages; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++) {
			const struct chousa_finding *f =
			    &rep->stages[s].findings[i];

			if (f->status == CHOUSA_ST_HIT && (f->family != NULL ||
			    f->n_labels > 0) &&
			    strcasecmp(f->subject, sha) == 0)
				return inv_source_title(f->source);
		}
	return NULL;
}

static const char *
family_display(const struct chousa_report *rep, const char *id)
{
	size_t i;

	if (id == NULL)
		return NULL;
	if (rep->family != NULL) {
		if (strcmp(rep->family->id, id) == 0)
			return rep->family->name;
		for (i = 0; i < rep->family->n_votes; i++)
			if (strcmp(rep->family->votes[i].id, id) == 0)
				return rep->family->votes[i].name;
	}
	return id;
}

static const char *
sample_sentence(struct chousa_arena *a, const struct chousa_report *rep,
    const struct chousa_report_sample *smp)
{
	const struct chousa_finding *f = relating_finding(rep, smp->sha256);
	const char *who = labeller(rep, smp->sha256);
	const char *fam = family_display(rep, smp->family);
	const char *kind = file_kind(smp->file_type);
	const char *what, *evidence, *label;
	const char *target = smp->via != NULL && strcmp(smp->via,
	    rep->ind.value) != 0 ? chousa_arena_printf(a, "%s", smp->via) :
	    "it";

	switch (smp->rel) {
	case CHOUSA_REL_DELIVERED:
		what = chousa_arena_printf(a, "was delivered by %s", target);
		break;
	case CHOUSA_REL_C2:
		what = chousa_arena_printf(a, "uses %s as its C2 server",
		    target);
		break;
	case CHOUSA_REL_REFERRER:
		what = chousa_arena_printf(a, "refers to %s", target);
		break;
	case CHOUSA_REL_EMBEDDED:
		what = chousa_arena_printf(a, "embeds %s", target);
		break;
	case CHOUSA_REL_DROPPED:
		what = chousa_arena_printf(a, "is related to %s", target);
		break;
	default:
		what = chousa_arena_printf(a, "contacted %s%s", target,
		    f != NULL && strcmp(f->source, "local-reports") == 0 ?
		    " in a sandbox" : "");
		break;
	}
	if (f == NULL)
		evidence = "";
	else if (strcmp(f->source, "local-reports") == 0)
		evidence = chousa_arena_printf(a, " (imported %s)",
		    f->detail != NULL ? f->detail : "sandbox report");
	else
		evidence = chousa_arena_printf(a, " (%s)",
		    inv_source_title(f->source));
	label = fam != NULL ? chousa_arena_printf(a, ", %s: %s",
	    who != NULL ? who : "labelled", fam) : "";
	return chousa_arena_printf(a, "%s %s (sha256 %s%s) %s%s.",
	    strcmp(article(kind), "an") == 0 ? "An" : "A", kind,
	    short_hash(a, smp->sha256), label, what, evidence);
}

/* "It contacted a, b and 2 more (imported MISP report)." or NULL. */
static const char *
contacted(struct chousa_arena *a, const struct chousa_report *rep)
{
	struct chousa_buf b;
	const char *seen[3], *who = NULL, *out;
	size_t n = 0, more = 0, s, i, j, k;

	for (s = 0; s < rep->n_stages; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++) {
			const struct chousa_finding *f =
			    &rep->stages[s].findings[i];

			if (f->status != CHOUSA_ST_HIT || f->depth != 0 ||
			    !(CHOUSA_IOC_BIT(f->subject_type) &
			    CHOUSA_IOC_HASHES))
				continue;
			for (j = 0; j < f->n_related; j++) {
				const struct chousa_related *r = &f->related[j];

				if (r->value == NULL ||
				    (CHOUSA_IOC_BIT(r->type) &
				    CHOUSA_IOC_HASHES))
					continue;
				for (k = 0; k < n; k++)
					if (strcmp(seen[k], r->value) == 0)
						break;
				if (k < n)
					continue;
				if (n < 3) {
					seen[n++] = r->value;
					if (who == NULL)
						who = strcmp(f->source,
						    "local-reports") == 0 &&
						    f->detail != NULL ?
						    chousa_arena_printf(a,
						    "imported %s", f->detail) :
						    inv_source_title(f->source);
				} else
					more++;
			}
		}
	if (n == 0)
		return NULL;
	chousa_buf_init(&b, 4096);
	for (k = 0; k < n; k++)
		chousa_buf_addf(&b, "%s%s", k == 0 ? "" : k + 1 == n &&
		    more == 0 ? " and " : ", ", seen[k]);
	if (more > 0)
		chousa_buf_addf(&b, " and %zu more", more);
	out = chousa_arena_printf(a, "It contacted %s (%s).",
	    b.data != NULL ? b.data : "", who != NULL ? who : "a source");
	chousa_buf_release(&b);
	return out;
}

/* The sources that failed, as one sentence, or NULL. */
static const char *
failures(struct chousa_arena *a, const struct chousa_report *rep)
{
	struct chousa_buf b;
	const char *seen[16], *out;
	size_t n = 0, s, i, k;

	chousa_buf_init(&b, 4096);
	for (s = 0; s < rep->n_stages; s++)
		for (i = 0; i < rep->stages[s].n_findings; i++) {
			const struct chousa_finding *f =
			    &rep->stages[s].findings[i];

			if (f->status != CHOUSA_ST_ERROR)
				continue;
			for (k = 0; k < n; k++)
				if (strcmp(seen[k], f->source) == 0)
					break;
			if (k < n || n >= 16)
				continue;
			seen[n++] = f->source;
			chousa_buf_addf(&b, "%s%s (%s)", n > 1 ? ", " : "",
			    inv_source_title(f->source),
			    f->reason != NULL ? f->reason : "error");
		}
	if (n == 0) {
		chousa_buf_release(&b);
		return NULL;
	}
	out = chousa_arena_printf(a, "%s failed: %s; the picture may be "
	    "incomplete.", n == 1 ? "One source" : "Some sources",
	    b.data != NULL ? b.data : "");
	chousa_buf_release(&b);
	return out;
}

static const char *
confidence_word(const struct chousa_report *rep)
{
	int c;

	if (rep->family != NULL)
		c = rep->family->confidence;
	else if (rep->verdict == CHOUSA_V_MALICIOUS)
		c = 50;
	else
		c = 30;
	if (rep->verdict == CHOUSA_V_SUSPICIOUS && c > 60)
		c = 60;
	return c >= 75 ? "high" : c >= 50 ? "medium" : "low";
}

/* ---- the sentences, in the order an analyst says them ---- */

/* What the sentences of one conclusion share. */
struct facts {
	const char	*fam;		/* the family, "a or b" on a tie, or NULL */
	const char	*threat;	/* how the listings describe it, or NULL */
	const struct chousa_report_sample *top;	/* first related sample */
	int		 is_hash;
};

/* A sentence that may be missing: NULL adds nothing. */
static int
add_optional(struct chousa_ctx *ctx, struct inv_item *it, const char *s)
{
	return s != NULL ? inv_add_sentence(ctx, it, s) : CHOUSA_OK;
}

static void
gather_facts(struct chousa_arena *a, const struct chousa_report *rep,
    struct facts *fx)
{
	size_t i;

	fx->is_hash = (CHOUSA_IOC_BIT(rep->ind.type) & CHOUSA_IOC_HASHES) !=
	    0;
	fx->fam = rep->family != NULL ? rep->family->name : NULL;
	/* A tie names both: picking one would hide the conflict. */
	if (rep->family != NULL && rep->family->n_votes > 1 &&
	    rep->family->votes[0].weight <= rep->family->votes[1].weight)
		fx->fam = chousa_arena_printf(a, "%s or %s",
		    rep->family->votes[0].name, rep->family->votes[1].name);
	fx->threat = threat_phrase(input_threat(rep));
	fx->top = NULL;
	for (i = 0; i < rep->n_samples; i++)
		if (rep->samples[i].rel != 0) {
			fx->top = &rep->samples[i];
			break;
		}
}

/* " as family threat", or "" when neither is known. */
static const char *
as_what(struct chousa_arena *a, const struct facts *fx)
{
	const char *fam = fx->fam, *threat = fx->threat;

	return chousa_arena_printf(a, "%s%s%s", fam || threat ? " as " : "",
	    fam ? fam : "", threat ? chousa_arena_printf(a, "%s%s",
	    fam ? " " : "", threat) : "");
}

/* 1. Who says what about it. */
static const char *
listing_sentence(struct chousa_arena *a, const struct inv_item *it,
    const struct facts *fx)
{
	const struct chousa_report *rep = it->rep;
	const char *v = rep->ind.value;

	if (rep->verdict == CHOUSA_V_BENIGN)
		return chousa_arena_printf(a, "%s is %s: traffic to it is "
		    "expected and is not by itself evidence of malware.", v,
		    rep->verdict_reason);
	if (rep->verdict == CHOUSA_V_UNKNOWN)
		return chousa_arena_printf(a, "No source knows %s, so the "
		    "verdict is unknown, which is not the same as clean (%d "
		    "look-up%s, %d skipped).", v, rep->lookups,
		    rep->lookups == 1 ? "" : "s", rep->n_skipped);
	if (rep->n_benign > 0 && it->listers != NULL &&
	    it->benign_lists != NULL && !it->hosts_listed &&
	    rep->verdict == CHOUSA_V_SUSPICIOUS)
		return chousa_arena_printf(a, "%s is on the known-benign list "
		    "%s, but %s list%s it%s%s. It is most likely shared "
		    "infrastructure, where a listing may concern another "
		    "tenant: suspicious, not malicious.", v, it->benign_lists,
		    it->listers, strstr(it->listers, " and ") != NULL ? "" :
		    "s", fx->fam != NULL ? " as " : "",
		    fx->fam != NULL ? fx->fam : "");
	if (fx->is_hash) {
		const struct chousa_report_sample *self =
		    rep->n_samples > 0 ? &rep->samples[0] : NULL;

		return chousa_arena_printf(a, "The file %s%s%s is %s%s.", v,
		    self != NULL && self->file_type != NULL ?
		    chousa_arena_printf(a, " (%s%s%s)",
		    file_kind(self->file_type), self->file_name ? ", " : "",
		    self->file_name ? self->file_name : "") : "", "",
		    rep->verdict_reason, fx->fam != NULL ?
		    chousa_arena_printf(a, " as %s", fx->fam) : "");
	}
	/* A range listed itself reads as any listed indicator, below. */
	if (it->hosts_listed || rep->match == CHOUSA_MATCH_URL_HOST ||
	    (rep->ind.type == CHOUSA_IOC_CIDR &&
	    rep->match != CHOUSA_MATCH_EXACT))
		return chousa_arena_printf(a, "%s %s.", v,
		    rep->verdict_reason);
	if (rep->ind.type == CHOUSA_IOC_EMAIL &&
	    rep->match != CHOUSA_MATCH_EXACT)
		return chousa_arena_printf(a, "%s itself is not listed, but "
		    "%s%s.", v, rep->verdict_reason, as_what(a, fx));
	if (rep->match == CHOUSA_MATCH_HOST &&
	    rep->verdict == CHOUSA_V_MALICIOUS)
		return chousa_arena_printf(a, "%s itself is not listed, but "
		    "its host %s is: %s%s.", v, rep->ind.host,
		    rep->verdict_reason, as_what(a, fx));
	/* "listed by X as C2, but it is a resolver": the caveat last. */
	if (it->reason_listed > 0 &&
	    it->reason_listed < strlen(rep->verdict_reason))
		return chousa_arena_printf(a, "%s is %.*s%s%s.", v,
		    (int)it->reason_listed, rep->verdict_reason,
		    as_what(a, fx), rep->verdict_reason + it->reason_listed);
	return chousa_arena_printf(a, "%s is %s%s.", v, rep->verdict_reason,
	    as_what(a, fx));
}

/* 2. What a file did, and the samples that tie it to a family. */
static int
add_samples(struct chousa_ctx *ctx, struct inv_item *it,
    const struct facts *fx)
{
	const struct chousa_report *rep = it->rep;
	struct chousa_arena *a = ctx->arena;
	size_t i, shown = 0, more;
	int rc;

	/* For a file: what it did, from reports and sandboxes. */
	if (fx->is_hash) {
		rc = add_optional(ctx, it, contacted(a, rep));
		if (rc != CHOUSA_OK)
			return rc;
	}
	for (i = 0; i < rep->n_samples && shown < 2; i++) {
		if (rep->samples[i].rel == 0)
			continue;
		rc = inv_add_sentence(ctx, it, sample_sentence(a, rep,
		    &rep->samples[i]));
		if (rc != CHOUSA_OK)
			return rc;
		shown++;
	}
	/* A file's first sample is the file itself. */
	if (shown == 0 || rep->n_samples <= shown + (fx->is_hash ? 1 : 0))
		return CHOUSA_OK;
	more = rep->n_samples - shown - (fx->is_hash ? 1 : 0);
	return inv_add_sentence(ctx, it, chousa_arena_printf(a, "%zu more "
	    "related sample%s are listed below.", more, more == 1 ? "" : "s"));
}

/* Shared infrastructure and sandbox contacts, said once, before a cause. */
static int
add_infrastructure(struct chousa_ctx *ctx, struct inv_item *it)
{
	const struct chousa_report *rep = it->rep;
	struct chousa_arena *a = ctx->arena;
	int rc;

	if (it->shared != NULL && rep->verdict == CHOUSA_V_MALICIOUS &&
	    rep->ind.type == CHOUSA_IOC_URL) {
		rc = inv_add_sentence(ctx, it, chousa_arena_printf(a, "Its "
		    "host is shared: %s; the listing concerns this URL, not "
		    "the host.", it->shared));
		if (rc != CHOUSA_OK)
			return rc;
	}
	if (it->contacted_only && rep->verdict == CHOUSA_V_UNKNOWN)
		return inv_add_sentence(ctx, it, chousa_arena_printf(a,
		    "Samples contacted it in a sandbox; samples contact many "
		    "hosts (check-IP services, search engines, CDNs), so this "
		    "is identification evidence only, never a verdict%s.",
		    rep->family != NULL ? chousa_arena_printf(a, " (family "
		    "%s, confidence %s)", rep->family->name,
		    rep->family->confidence >= 50 ? "medium" : "low") : ""));
	return CHOUSA_OK;
}

/*
 * 3. The most likely cause of the traffic, for a malicious or suspicious
 * indicator, or NULL.  Reasons to doubt the listing come before the
 * causes a listing suggests.
 */
static const char *
cause_sentence(struct chousa_arena *a, const struct inv_item *it,
    const struct facts *fx)
{
	const struct chousa_report *rep = it->rep;
	const char *f = fx->fam != NULL ? fx->fam : "unidentified";
	const char *how = rep->verdict == CHOUSA_V_MALICIOUS ? "Most likely" :
	    "Possibly";
	const char *threat = input_threat(rep);
	int addr = rep->ind.type == CHOUSA_IOC_IPV4 ||
	    rep->ind.type == CHOUSA_IOC_IPV6;

	if (rep->verdict != CHOUSA_V_MALICIOUS &&
	    rep->verdict != CHOUSA_V_SUSPICIOUS)
		return NULL;
	if (rep->ind.type == CHOUSA_IOC_EMAIL &&
	    rep->match != CHOUSA_MATCH_EXACT)
		return chousa_arena_printf(a, "Possibly the message came from "
		    "%s infrastructure (a compromised site's mail) or spoofs "
		    "its domain: treat its links and attachments as hostile.",
		    f);
	if (rep->ind.type == CHOUSA_IOC_CIDR && rep->match ==
	    CHOUSA_MATCH_EXACT)
		return chousa_arena_printf(a, "%s a host here talked to %s "
		    "infrastructure in this listed range: check which "
		    "addresses the traffic was for.", how, fx->fam != NULL ?
		    f : "malicious");
	if (rep->ind.type == CHOUSA_IOC_CIDR)
		return "Possibly a host here talked to one of the listed "
		    "indicators in this range: check which addresses the "
		    "traffic was for.";
	if (it->usage_tor)
		return "It is a Tor exit node: reports against it concern the "
		    "traffic of Tor users, not malware on it; judge the "
		    "connection by what went through it.";
	if (it->hosts_listed)
		return "Traffic to it is most likely legitimate: it hosts "
		    "content others published. Look at the full URLs a host "
		    "here fetched before acting on it.";
	if (it->shared != NULL && addr && rep->verdict != CHOUSA_V_MALICIOUS)
		return chousa_arena_printf(a, "Many unrelated hosts share this "
		    "address (%s), so a listing is weak evidence that a host "
		    "here is infected: check which names the traffic was "
		    "for.", it->shared);
	if (it->usage_hosting && rep->verdict != CHOUSA_V_MALICIOUS)
		return "It belongs to a hosting provider: reports against it "
		    "may concern any of its tenants.";
	if (rep->n_benign > 0 && rep->ind.type != CHOUSA_IOC_URL)
		return "Traffic to it is most likely legitimate: look at what "
		    "else the host did before acting on the listing.";
	if (fx->is_hash)
		return fx->fam != NULL ? chousa_arena_printf(a, "%s this file "
		    "is %s %s sample.", how, article(f), f) : NULL;
	if (threat != NULL && strcmp(threat, "botnet_cc") == 0)
		return chousa_arena_printf(a, "%s a host here is infected with "
		    "%s malware and talks to its C2 server.", how, f);
	if (fx->top != NULL && is_document(fx->top->file_type))
		return chousa_arena_printf(a, "%s %s %s downloader document "
		    "was opened.", how, article(f), f);
	if (fx->top != NULL)
		return chousa_arena_printf(a, "%s %s %s sample ran on a host "
		    "here.", how, article(f), f);
	if (fx->threat != NULL)
		return chousa_arena_printf(a, "%s a host here downloaded %s %s "
		    "payload from it.", how, article(f), f);
	if (fx->fam != NULL)
		return chousa_arena_printf(a, "%s the traffic comes from %s "
		    "malware.", how, fx->fam);
	return chousa_arena_printf(a, "%s the traffic comes from malware; no "
	    "source names its family.", how);
}

/* 4a. Sources that name different families. */
static int
add_disagreement(struct chousa_ctx *ctx, struct inv_item *it)
{
	const struct chousa_report_family *fm = it->rep->family;
	struct chousa_buf b;
	const char *t;
	size_t i, j;

	if (fm == NULL || fm->n_votes <= 1)
		return CHOUSA_OK;
	chousa_buf_init(&b, 4096);
	for (i = 0; i < fm->n_votes && i < 4; i++) {
		const struct chousa_family_vote *fv = &fm->votes[i];

		chousa_buf_addf(&b, "%s%s (", i ? ", " : "", fv->name);
		for (j = 0; j < fv->n_sources; j++)
			chousa_buf_addf(&b, "%s%s", j ? ", " : "",
			    inv_source_title(fv->sources[j]));
		chousa_buf_adds(&b, ")");
	}
	if (fm->votes[0].weight > fm->votes[1].weight)
		t = chousa_arena_printf(ctx->arena, "Sources disagree on the "
		    "family: %s; %s has the most support.",
		    b.data ? b.data : "", fm->name);
	else
		t = chousa_arena_printf(ctx->arena, "Sources disagree on the "
		    "family with equal support: %s; treat the family as "
		    "unsettled.", b.data ? b.data : "");
	chousa_buf_release(&b);
	return inv_add_sentence(ctx, it, t);
}

/* 4. Disagreement and caveats: the family's, the time's, the sources'. */
static int
add_caveats(struct chousa_ctx *ctx, struct inv_item *it)
{
	const struct chousa_report *rep = it->rep;
	struct chousa_arena *a = ctx->arena;
	size_t i;
	int rc;

	rc = add_disagreement(ctx, it);
	for (i = 0; rc == CHOUSA_OK && rep->family != NULL &&
	    i < rep->family->n_caveats; i++)
		rc = inv_add_sentence(ctx, it, chousa_arena_printf(a, "The "
		    "family is less certain because %s.",
		    rep->family->caveats[i]));
	if (rc == CHOUSA_OK)
		rc = add_optional(ctx, it, rep->at.text);
	if (rc == CHOUSA_OK)
		rc = add_optional(ctx, it, failures(a, rep));
	return rc;
}

int
inv_conclude(struct chousa_ctx *ctx, struct inv_item *it)
{
	struct chousa_report *rep = it->rep;
	struct chousa_arena *a = ctx->arena;
	struct facts fx;
	int rc;

	gather_facts(a, rep, &fx);
	rc = inv_add_sentence(ctx, it, listing_sentence(a, it, &fx));
	if (rc == CHOUSA_OK)
		rc = add_samples(ctx, it, &fx);
	if (rc == CHOUSA_OK)
		rc = add_infrastructure(ctx, it);
	if (rc == CHOUSA_OK)
		rc = add_optional(ctx, it, cause_sentence(a, it, &fx));
	if (rc == CHOUSA_OK)
		rc = add_caveats(ctx, it);
	/* 5. How sure. */
	if (rc == CHOUSA_OK && rep->verdict != CHOUSA_V_UNKNOWN &&
	    rep->verdict != CHOUSA_V_BENIGN)
		rc = inv_add_sentence(ctx, it, chousa_arena_printf(a,
		    "Confidence: %s.", confidence_word(rep)));
	return rc;
}
