/*
 * auth.c: who asks.  An API token is "chousa_" and 256 random bits in
 * base64url; the store keeps only its SHA-256, so each request hashes the
 * token it shows and looks the hash up (a unique index: microseconds), and
 * a revoked token is refused from the next request on.  The web page signs
 * in once with a token and then holds a session: a random id in an
 * HttpOnly, SameSite=Strict cookie, with a CSRF token for its forms
 * derived from it.  Sessions are kept in the store, by their id's hash, so
 * that a restart signs no one out.  Each token has a rate bucket (GCRA,
 * as the online sources do).
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <microhttpd.h>

#include "base/mem.h"
#include "base/sha256.h"
#include "serve/serve.h"

/* Live sessions the store holds, of every token. */
#define MAX_SESSIONS	4096
/*
 * Sessions one token holds at once: a new sign-in past it ends that
 * token's oldest, so a token signing in over and over fills no more than
 * this of the table, and never ends another token's session.
 */
#define SESSIONS_PER_TOKEN	16
#define SESSION_TTL	(8 * 3600)
#define RATE_SLOTS	1024
#define PEER_SIZE	64

struct rate_slot {
	int64_t		token_id;	/* 0: free */
	double		tat;		/* theoretical arrival time */
};

/* A client address's sign-in bucket. */
struct login_slot {
	char		peer[PEER_SIZE];	/* "": free */
	double		tat;
	int		refused;	/* refused since it last let one in */
};

struct auth {
	pthread_mutex_t		lock;
	double			interval;	/* seconds a request, 0: none */
	double			tau;
	struct rate_slot	rate[RATE_SLOTS];
	struct login_slot	login[RATE_SLOTS];
};

static const char *const role_names[] = {
	"none", "read", "investigate", "admin"
};

const char *
chousa_role_name(int role)
{
	return role >= 0 && role <= CHOUSA_ROLE_ADMIN ? role_names[role] :
	    "none";
}

int
chousa_role_parse(const char *s)
{
	int i;

	for (i = CHOUSA_ROLE_READ; s != NULL && i <= CHOUSA_ROLE_ADMIN; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return CHOUSA_ROLE_NONE;
}

int
auth_random(char *out, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
	    "rstuvwxyz0123456789-_";
	unsigned char raw[64];
	size_t i, got = 0;

	if (n > sizeof(raw))
		return -1;
	while (got < n) {
		ssize_t k = getrandom(raw + got, n - got, 0);

		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	/* 6 random bits per character: a token's 45 hold 270. */
	for (i = 0; i < n; i++)
		out[i] = b64[raw[i] & 63];
	out[n] = '\0';
	explicit_bzero(raw, sizeof(raw));
	return 0;
}

int
auth_secret_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* The hex SHA-256 of tag then text. */
static void
tagged_hash(const char *tag, const char *text, char hex[65])
{
	struct store_sha256 c;

	store_sha256_init_with(&c, 0);
	store_sha256_update(&c, tag, strlen(tag));
	store_sha256_update(&c, text, strlen(text));
	store_sha256_hex(&c, hex);
}

static void
token_hash(const char *token, char hex[65])
{
	tagged_hash("", token, hex);
}

/* "chousa_" and 45 base64url characters, nothing else. */
static int
token_well_formed(const char *t)
{
	size_t i;

	if (strncmp(t, "chousa_", 7) != 0 || strlen(t) != CHOUSA_TOKEN_SIZE)
		return 0;
	for (i = 7; t[i] != '\0'; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' &&
		    t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') ||
		    t[i] == '-' || t[i] == '_'))
			return 0;
	return 1;
}

static int
name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= TOKEN_NAME_MAX &&
	    strspn(name, TOKEN_NAME_CHARS) == n;
}

/* A new token's text, and the hex SHA-256 the store keeps of it. */
static int
token_new(char token[CHOUSA_TOKEN_SIZE + 1], char hex[65])
{
	memcpy(token, "chousa_", 7);
	if (auth_random(token + 7, CHOUSA_TOKEN_SIZE - 7) != 0)
		return -1;
	token_hash(token, hex);
	return 0;
}

int
chousa_token_rotate(struct chousa_store *st, const char *name,
    long lifetime, long grace, char out[CHOUSA_TOKEN_SIZE + 1],
    struct chousa_token_rotation *rot, struct chousa_err *err)
{
	char token[CHOUSA_TOKEN_SIZE + 1], hex[65];
	int rc;

	if (!name_ok(name))
		return chousa_errf(err, CHOUSA_EINVAL, "bad token name '%.100s': "
		    "use " TOKEN_NAME_RULE, name);
	if (token_new(token, hex) != 0)
		return chousa_errf(err, CHOUSA_EIO, "no random bytes");
	rc = chousa_store_token_rotate(st, name, hex, lifetime, grace, rot,
	    err);
	if (rc == CHOUSA_OK)
		memcpy(out, token, sizeof(token));
	explicit_bzero(token, sizeof(token));
	return rc;
}

void
chousa_token_rotated_text(struct chousa_buf *b, const char *name,
    const struct chousa_token_rotation *rot)
{
	char until[32], before[32];

	if (rot->expires_at != 0)
		chousa_time_format(rot->expires_at, until, sizeof(until));
	if (rot->before_until != 0)
		chousa_time_format(rot->before_until, before, sizeof(before));
	chousa_buf_addf(b, "token '%s' rotated (role %s%s%s); the one before "
	    "%s%s; the new one is shown only this once", name, rot->role,
	    rot->expires_at != 0 ? ", until " : "", rot->expires_at != 0 ?
	    until : "", rot->before_until != 0 ? "works until " :
	    "is revoked", rot->before_until != 0 ? before : "");
}

int
auth_allow_normal(const char *allow_from,
    char out[CHOUSA_TOKEN_ALLOW_MAX + 1], struct chousa_err *err)
{
	struct addr_ranges check;
	const char *p = allow_from, *end;
	size_t len = 0, n;

	out[0] = '\0';
	if (p == NULL || strspn(p, " \t") == strlen(p) ||
	    strcmp(p, "any") == 0)
		return CHOUSA_OK;
	memset(&check, 0, sizeof(check));
	if (addr_ranges_add(&check, p, "address range", err) != CHOUSA_OK)
		return CHOUSA_EINVAL;
	if (check.n == 0)
		return chousa_errf(err, CHOUSA_EINVAL, "no address in '%.60s' "
		    "(any address: 'any')", p);
	for (; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		p += strspn(p, " \t");
		end = p + strcspn(p, ",");
		for (n = (size_t)(end - p); n > 0 && (p[n - 1] == ' ' ||
		    p[n - 1] == '\t'); n--)
			;
		if (n == 0)
			continue;
		if (len + n + 1 > CHOUSA_TOKEN_ALLOW_MAX)
			return chousa_errf(err, CHOUSA_EINVAL, "the address "
			    "list is over %d bytes", CHOUSA_TOKEN_ALLOW_MAX);
		if (len > 0)
			out[len++] = ',';
		memcpy(out + len, p, n);
		out[len += n] = '\0';
	}
	return CHOUSA_OK;
}

int
chousa_token_set_allow(struct chousa_store *st, const char *name,
    const char *allow_from, struct chousa_err *err)
{
	char from[CHOUSA_TOKEN_ALLOW_MAX + 1];

	if (auth_allow_normal(allow_from, from, err) != CHOUSA_OK)
		return CHOUSA_EINVAL;
	return chousa_store_token_set_allow(st, name, from, err);
}

int
chousa_token_note_check(const char *note, struct chousa_err *err)
{
	return chousa_text_line_check("note", note, CHOUSA_TOKEN_NOTE_MAX, err);
}

int
chousa_token_set_note(struct chousa_store *st, const char *name,
    const char *note, struct chousa_err *err)
{
	if (chousa_token_note_check(note, err) != CHOUSA_OK)
		return CHOUSA_EINVAL;
	return chousa_store_token_set_note(st, name, note, err);
}

int
chousa_token_create(struct chousa_store *st, const char *name, int role,
    long lifetime, long online_budget, const char *allow_from,
    const char *note, char out[CHOUSA_TOKEN_SIZE + 1], int64_t *expires_at,
    struct chousa_err *err)
{
	char token[CHOUSA_TOKEN_SIZE + 1], hex[65];
	char from[CHOUSA_TOKEN_ALLOW_MAX + 1];
	int64_t id, until = lifetime > 0 ? (int64_t)time(NULL) + lifetime : 0;
	int rc;

	if (!name_ok(name))
		return chousa_errf(err, CHOUSA_EINVAL, "bad token name '%.100s': "
		    "use " TOKEN_NAME_RULE, name);
	if (role < CHOUSA_ROLE_READ || role > CHOUSA_ROLE_ADMIN)
		return chousa_errf(err, CHOUSA_EINVAL, "no such role");
	if (auth_allow_normal(allow_from, from, err) != CHOUSA_OK ||
	    chousa_token_note_check(note, err) != CHOUSA_OK)
		return CHOUSA_EINVAL;
	if (token_new(token, hex) != 0)
		return chousa_errf(err, CHOUSA_EIO, "no random bytes");
	rc = chousa_store_token_add(st, name, chousa_role_name(role), hex,
	    until, online_budget, from, note, &id, err);
	if (rc == CHOUSA_OK)
		memcpy(out, token, sizeof(token));
	if (rc == CHOUSA_OK && expires_at != NULL)
		*expires_at = until;
	explicit_bzero(token, sizeof(token));
	return rc;
}

static void
token_json(const void *arg, struct chousa_jw *w, size_t i)
{
	const struct chousa_token *tokens = arg;
	const struct chousa_token *t = &tokens[i];

	chousa_jw_kint(w, "id", t->id);
	chousa_jw_kstr(w, "name", t->name);
	chousa_jw_kstr(w, "role", t->role);
	chousa_jw_ktime(w, "created_at", t->created_at);
	chousa_jw_kbool(w, "revoked", t->revoked_at != 0);
	chousa_jw_key(w, "expires_at");
	if (t->expires_at != 0)
		chousa_jw_time(w, t->expires_at);
	else
		chousa_jw_null(w);
	chousa_jw_kstr(w, "state", chousa_token_state(t, (int64_t)time(NULL)));
	auth_budget_json(w, t->online_budget);
	chousa_jw_kint(w, "online_today", t->online_today);
	auth_allow_json(w, t->allow_from);
	chousa_jw_key(w, "last_used_at");
	if (t->last_used_at != 0)
		chousa_jw_time(w, t->last_used_at);
	else
		chousa_jw_null(w);
	chousa_jw_key(w, "last_used_from");
	if (t->last_used_at != 0 && t->last_used_from[0] != '\0')
		chousa_jw_str(w, t->last_used_from);
	else
		chousa_jw_null(w);
	auth_note_json(w, t->note);
	chousa_jw_kbool(w, "sso", t->by_proxy);
}

void
auth_note_json(struct chousa_jw *w, const char *note)
{
	chousa_jw_key(w, "note");
	if (note != NULL && note[0] != '\0')
		chousa_jw_str(w, note);
	else
		chousa_jw_null(w);
}

void
auth_last_use_text(const struct chousa_token *t, char *out, size_t size)
{
	char when[32];

	if (t->last_used_at == 0) {
		snprintf(out, size, "never");
		return;
	}
	chousa_time_format(t->last_used_at, when, sizeof(when));
	snprintf(out, size, "%s%s%s", when, t->last_used_from[0] != '\0' ?
	    " from " : "", t->last_used_from);
}

void
auth_allow_json(struct chousa_jw *w, const char *allow_from)
{
	chousa_jw_key(w, "allow_from");
	if (allow_from != NULL && allow_from[0] != '\0')
		chousa_jw_list(w, allow_from, ',');
	else
		chousa_jw_null(w);
}

long
auth_budget(const struct server *s, const struct principal *p)
{
	return p->online_budget >= 0 ? p->online_budget :
	    LIVE(s->online_budget);
}

void
auth_budget_json(struct chousa_jw *w, long budget)
{
	chousa_jw_key(w, "online_budget");
	if (budget < 0)
		chousa_jw_null(w);
	else
		chousa_jw_int(w, budget);
}

void
chousa_token_list_json(struct chousa_buf *b, const struct chousa_token *t,
    size_t n)
{
	chousa_jw_rows_document(b, "tokens", n, token_json, t);
}

size_t
chousa_token_unused(struct chousa_token *t, size_t n, int64_t now,
    long seconds)
{
	size_t i, kept = 0;
	int64_t since = now - seconds;

	for (i = 0; i < n; i++)
		if (strcmp(chousa_token_state(&t[i], now), "valid") == 0 &&
		    t[i].created_at <= since && t[i].last_used_at <= since)
			t[kept++] = t[i];
	return kept;
}

static const char *const state_names[] = { "valid", "expired", "revoked",
	NULL };

int
chousa_token_states_parse(const char *s, unsigned *mask,
    struct chousa_err *err)
{
	size_t len, i;

	*mask = 0;
	while (s != NULL && *s != '\0') {
		s += strspn(s, " ,");
		len = strcspn(s, " ,");
		if (len == 0)
			break;
		for (i = 0; state_names[i] != NULL; i++)
			if (strlen(state_names[i]) == len &&
			    strncmp(s, state_names[i], len) == 0)
				break;
		if (state_names[i] == NULL)
			return chousa_errf(err, CHOUSA_EINVAL, "unknown token "
			    "state '%.*s' (valid, expired, revoked)",
			    (int)(len > 40 ? 40 : len), s);
		*mask |= 1u << i;
		s += len;
	}
	if (*mask == 0)
		return chousa_errf(err, CHOUSA_EINVAL, "no token state named "
		    "(valid, expired, revoked)");
	return CHOUSA_OK;
}

size_t
chousa_token_in_states(struct chousa_token *t, size_t n, int64_t now,
    unsigned mask)
{
	const char *st;
	size_t i, k, kept = 0;

	for (i = 0; i < n; i++) {
		st = chousa_token_state(&t[i], now);
		for (k = 0; state_names[k] != NULL; k++)
			if (strcmp(st, state_names[k]) == 0)
				break;
		if (state_names[k] != NULL && (mask & (1u << k)))
			t[kept++] = t[i];
	}
	return kept;
}

int
auth_token_current(const struct chousa_token *t, size_t n, size_t i,
    int64_t now, int bearer)
{
	size_t j;

	if (strcmp(chousa_token_state(&t[i], now), "valid") != 0 ||
	    (bearer && t[i].by_proxy))
		return 0;
	for (j = i + 1; j < n; j++)
		if (strcmp(t[j].name, t[i].name) == 0 &&
		    (!bearer || !t[j].by_proxy) &&
		    strcmp(chousa_token_state(&t[j], now), "valid") == 0)
			return 0;
	return 1;
}

/*
 * A note as the table prints it: as it is, since it was checked when
 * written, unless the store was written some other way.
 */
static const char *
note_shown(const char *note)
{
	if (note == NULL)
		return "-";
	return chousa_token_note_check(note, NULL) == CHOUSA_OK ? note :
	    "(not shown: not one line of plain text)";
}

/* The text table's columns; the last one, the note, is not padded. */
enum { C_ID, C_NAME, C_ROLE, C_CREATED, C_EXPIRES, C_STATE, C_FROM,
    C_ONLINE, C_USED, C_NOTE, N_COLUMNS };

static const char *const column_title[N_COLUMNS] = { "ID", "NAME", "ROLE",
    "CREATED", "EXPIRES", "STATE", "FROM", "ONLINE TODAY", "LAST USED",
    "NOTE" };

struct token_row {
	const char	*cell[N_COLUMNS];
	char		 id[24], created[32], expires[32], online[48], used[96];
};

static void
token_row(struct token_row *row, const struct chousa_token *t, size_t n,
    size_t i, int64_t now)
{
	memset(row, 0, sizeof(*row));
	snprintf(row->id, sizeof(row->id), "%lld", (long long)t[i].id);
	chousa_time_format(t[i].created_at, row->created,
	    sizeof(row->created));
	if (t[i].expires_at != 0)
		chousa_time_format(t[i].expires_at, row->expires,
		    sizeof(row->expires));
	else
		snprintf(row->expires, sizeof(row->expires), "never");
	/* Spent by the name: said once, on its current token. */
	if (!auth_token_current(t, n, i, now, 0))
		snprintf(row->online, sizeof(row->online), "-");
	else if (t[i].online_budget > 0)
		snprintf(row->online, sizeof(row->online), "%ld of %ld",
		    t[i].online_today, t[i].online_budget);
	else
		snprintf(row->online, sizeof(row->online), "%ld (%s)",
		    t[i].online_today, t[i].online_budget == 0 ?
		    "no limit" : "server's budget");
	auth_last_use_text(&t[i], row->used, sizeof(row->used));
	row->cell[C_ID] = row->id;
	row->cell[C_NAME] = t[i].name;
	row->cell[C_ROLE] = t[i].role;
	row->cell[C_CREATED] = row->created;
	row->cell[C_EXPIRES] = row->expires;
	row->cell[C_STATE] = chousa_token_state(&t[i], now);
	row->cell[C_FROM] = t[i].allow_from != NULL ? t[i].allow_from :
	    "any";
	row->cell[C_ONLINE] = row->online;
	row->cell[C_USED] = row->used;
	row->cell[C_NOTE] = note_shown(t[i].note);
}

static void
put_row(struct chousa_buf *b, const char *const *cell, const int *width)
{
	int c;

	for (c = 0; c < C_NOTE; c++)
		chousa_buf_addf(b, "%-*s ", width[c], cell[c]);
	chousa_buf_addf(b, "%s\n", cell[C_NOTE]);
}

/*
 * Each column as wide as its widest cell, so that the table is no wider
 * than what it holds.  Every padded cell is ASCII: names, roles, times,
 * addresses; only the note, which is last, may be wider per byte.
 */
void
chousa_token_list_text(struct chousa_buf *b, const struct chousa_token *t,
    size_t n, int64_t now)
{
	struct token_row row;
	int width[N_COLUMNS], c;
	size_t i;

	for (c = 0; c < N_COLUMNS; c++)
		width[c] = (int)strlen(column_title[c]);
	for (i = 0; i < n; i++) {
		token_row(&row, t, n, i, now);
		for (c = 0; c < N_COLUMNS; c++)
			if ((int)strlen(row.cell[c]) > width[c])
				width[c] = (int)strlen(row.cell[c]);
	}
	put_row(b, column_title, width);
	for (i = 0; i < n; i++) {
		token_row(&row, t, n, i, now);
		put_row(b, row.cell, width);
	}
}

void
chousa_token_created_text(struct chousa_buf *b, const char *name, int role,
    int64_t ends, const char *allow_from)
{
	struct chousa_err err = { 0 };
	char until[32], from[CHOUSA_TOKEN_ALLOW_MAX + 1];

	if (ends != 0)
		chousa_time_format(ends, until, sizeof(until));
	if (auth_allow_normal(allow_from, from, &err) != CHOUSA_OK)
		from[0] = '\0';
	chousa_buf_addf(b, "token '%s' (role %s%s%s%s%s) created; it is shown "
	    "only this once", name, chousa_role_name(role), ends != 0 ?
	    ", until " : "", ends != 0 ? until : "", from[0] != '\0' ?
	    ", from " : "", from);
}

void
chousa_token_ended_text(struct chousa_buf *b, const char *name,
    int readmitted)
{
	const char *p;

	chousa_buf_addch(b, '\'');
	/* A user the proxy signs in is named in lower case. */
	for (p = name; *p != '\0'; p++)
		chousa_buf_addch(b, readmitted && *p >= 'A' && *p <= 'Z' ?
		    (char)(*p + 32) : *p);
	chousa_buf_adds(b, readmitted ? "' readmitted: the proxy signs it in "
	    "again" : "' revoked: refused from its next request on");
}

/* ---- identifying a request ---- */

static const char *
bearer(struct sreq *r)
{
	const char *h = req_header(r, "Authorization");

	if (h == NULL)
		return NULL;
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return "";
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

const char auth_unreadable[] = "the token store cannot be read";

const char *
chousa_token_state(const struct chousa_token *t, int64_t now)
{
	if (t->revoked_at != 0)
		return "revoked";
	return t->expires_at != 0 && now >= t->expires_at ? "expired" :
	    "valid";
}

static int
expired(const struct principal *p)
{
	return p->expires_at != 0 && (int64_t)time(NULL) >= p->expires_at;
}

/*
 * who's allowed addresses parsed into ok; 0 for any address.  A list the
 * store holds was checked when written, so one that fails to parse now
 * allows nothing rather than everything.
 */
static int
from_ranges(const struct principal *who, struct addr_ranges *ok)
{
	struct chousa_err err = { 0 };

	memset(ok, 0, sizeof(*ok));
	if (who->allow_from[0] == '\0')
		return 0;
	if (addr_ranges_add(ok, who->allow_from, "address range", &err) !=
	    CHOUSA_OK)
		ok->n = 0;
	return 1;
}

/* Whether r comes from an address in ok; 0 and *refusal if not. */
static int
from_in(const struct sreq *r, const struct addr_ranges *ok,
    const char **refusal)
{
	if (r->peer != NULL && addr_ranges_has(ok, r->peer, strlen(r->peer)))
		return 1;
	*refusal = "token not allowed from this address";
	return 0;
}

/*
 * Whether r comes from an address who's token is allowed from (its own,
 * or the one a trusted proxy forwarded for); 0 and *refusal if not.
 */
static int
from_allowed(const struct sreq *r, const struct principal *who,
    const char **refusal)
{
	struct addr_ranges ok;

	return !from_ranges(who, &ok) || from_in(r, &ok, refusal);
}

/* Fill who from the token whose hash is hex; 0 and *refusal if none. */
static int
by_hash(struct server *s, struct sreq *r, const char *hex,
    struct principal *who, const char **refusal)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st = server_store(s, &err);
	struct chousa_token t;

	if (st == NULL) {
		*refusal = auth_unreadable;
		return 0;
	}
	if (chousa_store_token_find(st, r->a, hex, &t, &err) != CHOUSA_OK) {
		*refusal = err.code == CHOUSA_ENOTFOUND ? "unknown token" :
		    auth_unreadable;
		return 0;
	}
	snprintf(who->name, sizeof(who->name), "%s", t.name);
	who->token_id = t.id;
	who->expires_at = t.expires_at;
	who->online_budget = t.online_budget;
	snprintf(who->allow_from, sizeof(who->allow_from), "%s",
	    t.allow_from != NULL ? t.allow_from : "");
	if (t.revoked_at != 0) {
		*refusal = "revoked token";
		return 0;
	}
	if (expired(who)) {
		*refusal = "expired token";
		return 0;
	}
	if (!from_allowed(r, who, refusal))
		return 0;
	who->role = chousa_role_parse(t.role);
	return 1;
}

/*
 * The last token this thread let in, so that asking again (each request
 * of a keep-alive connection) costs no SHA-256 and no query.  Trusted only
 * for the same store handle while nothing was committed to the store since
 * it was read (chousa_store_moved: a token revoked by another process),
 * and for the same token generation (one revoked through this server).
 */
struct token_seen {
	const struct chousa_store *st;
	struct chousa_store_mark mark;
	unsigned long		 gen;
	char			 token[CHOUSA_TOKEN_SIZE + 1];
	char			 hex[65];
	struct principal	 who;
	int			 bound;	/* to the addresses in from */
	struct addr_ranges	 from;
};
static _Thread_local struct token_seen token_seen;
static unsigned long token_gen = 1;

void
auth_tokens_changed(void)
{
	__atomic_add_fetch(&token_gen, 1, __ATOMIC_RELEASE);
}

int
auth_token(struct server *s, struct sreq *r, const char *tok,
    struct principal *who, char hex[65], const char **refusal)
{
	struct token_seen *ts = &token_seen;
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	struct chousa_store_mark mark;
	unsigned long gen;
	int known;

	memset(who, 0, sizeof(*who));
	who->via = "bearer";
	if (!token_well_formed(tok)) {
		*refusal = "malformed token";
		return 0;
	}
	gen = __atomic_load_n(&token_gen, __ATOMIC_ACQUIRE);
	st = server_store(s, &err);
	if (ts->st == st && st != NULL && ts->gen == gen &&
	    !chousa_store_moved(st, &ts->mark) &&
	    auth_secret_eq(ts->token, tok)) {
		*who = ts->who;
		memcpy(hex, ts->hex, 65);
		if (expired(who)) {
			who->role = CHOUSA_ROLE_NONE;
			*refusal = "expired token";
			return 0;
		}
		if (ts->bound && !from_in(r, &ts->from, refusal)) {
			who->role = CHOUSA_ROLE_NONE;
			return 0;
		}
		uses_note(s->uses, who->token_id, hex, r->peer);
		return 1;
	}
	/* Marked before the query reads: a commit between moves it. */
	known = st != NULL && chousa_store_mark(st, &mark);
	token_hash(tok, hex);
	if (!by_hash(s, r, hex, who, refusal))
		return 0;
	if (known) {
		ts->st = st;
		ts->mark = mark;
		ts->gen = gen;
		memcpy(ts->token, tok, sizeof(ts->token));
		memcpy(ts->hex, hex, 65);
		ts->who = *who;
		ts->bound = from_ranges(who, &ts->from);
	}
	uses_note(s->uses, who->token_id, hex, r->peer);
	return 1;
}

/*
 * Over TLS the cookie is Secure, and its __Host- prefix has the browser
 * take it only Secure, for this host alone and path /: a sibling
 * subdomain or another port of the host cannot plant or overwrite it (a
 * sign-in as the attacker, a session fixed).  Over plain http a browser
 * refuses the prefix, so the name stays bare there; each scheme reads its
 * own name only.
 */
static const char *
cookie_name(struct sreq *r)
{
	return req_is_tls(r) ? "__Host-chousa_session" : "chousa_session";
}

/* The cookie r's browser sent for its session; NULL: none. */
static const char *
session_cookie_value(struct sreq *r)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
	    cookie_name(r));
}

const char *
auth_session_cookie(struct sreq *r, const struct session *sess)
{
	return chousa_arena_printf(r->a, "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Strict; Max-Age=%s%s", cookie_name(r),
	    sess != NULL ? sess->id : "", sess != NULL ? "28800" : "0",
	    req_is_tls(r) ? "; Secure" : "");
}

/* ---- users an authenticating proxy signed in ---- */

/* A note on the token made for such a user, which says where it came. */
#define PROXY_NOTE	"signed in by the proxy's %s header"

/* s in lower case (ASCII), in a; NULL when memory runs out. */
static const char *
lower_copy(struct chousa_arena *a, const char *s)
{
	char *low = chousa_arena_strdup(a, s), *p;

	for (p = low; p != NULL && *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return low;
}

const char *
auth_list_next(const char **p, size_t *len)
{
	const char *entry;

	if (*p == NULL)
		return NULL;
	*p += strspn(*p, " \t,");
	if (**p == '\0')
		return NULL;
	entry = *p;
	*len = strcspn(entry, ",");
	*p = entry + *len;
	while (*len > 0 && (entry[*len - 1] == ' ' ||
	    entry[*len - 1] == '\t'))
		(*len)--;
	return entry;
}

int
auth_listed(const char *list, const char *name)
{
	size_t n = strlen(name), len;
	const char *entry;

	while ((entry = auth_list_next(&list, &len)) != NULL)
		if (len == n && strncasecmp(entry, name, n) == 0)
			return 1;
	return 0;
}

int
auth_sees_token_names(const struct chousa_config *cfg,
    const struct principal *who)
{
	return who->role >= CHOUSA_ROLE_ADMIN || (who->via != NULL &&
	    strcmp(who->via, "bearer") == 0 &&
	    auth_listed(chousa_config_get(cfg, "server", "metrics_scrapers"),
	    who->name));
}

int
auth_group_role(const char *map, const char *groups, int *role,
    struct chousa_err *err)
{
	char entry[256];
	const char *p = map, *eq;
	size_t len;
	int r;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t,");
		len = strcspn(p, ",");
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0)
			break;
		if (len >= sizeof(entry))
			return chousa_errf(err, CHOUSA_EINVAL, "its entry "
			    "'%.40s...' is too long", p);
		memcpy(entry, p, len);
		entry[len] = '\0';
		eq = strrchr(entry, '=');
		r = eq != NULL ? chousa_role_parse(eq + 1) : CHOUSA_ROLE_NONE;
		if (eq == NULL || eq == entry || r == CHOUSA_ROLE_NONE)
			return chousa_errf(err, CHOUSA_EINVAL, "its entry "
			    "'%.80s' is not GROUP=ROLE with the role read, "
			    "investigate or admin", entry);
		entry[eq - entry] = '\0';
		if (groups != NULL && r > *role && auth_listed(groups, entry))
			*role = r;
		p = strchr(p, ',');
	}
	return CHOUSA_OK;
}

int
auth_user_role_check(const char *value, struct chousa_err *err)
{
	if (strcmp(value, "none") != 0 && strcmp(value, "read") != 0 &&
	    strcmp(value, "investigate") != 0)
		return chousa_errf(err, CHOUSA_EINVAL, "none, read or "
		    "investigate (admins are named in proxy_admins, or by "
		    "group in proxy_group_roles)");
	return CHOUSA_OK;
}

int
auth_group_roles_check(const char *value, struct chousa_err *err)
{
	int none = CHOUSA_ROLE_NONE;

	return auth_group_role(value, NULL, &none, err);
}

int
auth_proxy_role(const struct chousa_config *cfg, const char *user,
    const char *groups)
{
	const char *v = chousa_config_get(cfg, "server", "proxy_user_role");
	struct chousa_err err = { 0 };
	int role;

	if (auth_listed(chousa_config_get(cfg, "server", "proxy_admins"),
	    user))
		return CHOUSA_ROLE_ADMIN;
	role = v == NULL ? CHOUSA_ROLE_READ : chousa_role_parse(v);
	if (groups != NULL)
		(void)auth_group_role(chousa_config_get(cfg, "server",
		    "proxy_group_roles"), groups, &role, &err);
	return role;
}

/* The user's token row, made on first sight; 0 and *refusal if none. */
static int
proxy_user_row(struct server *s, struct sreq *r, const char *user,
    const char *header, const char *hex, int role, const char **refusal)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	char note[CHOUSA_TOKEN_NOTE_MAX + 1];
	int64_t id;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if (by_hash(s, r, hex, &r->who, refusal))
			return 1;
		if (*refusal == NULL || strcmp(*refusal, "unknown token") != 0)
			return 0;
		st = server_store_write(s, &err);
		snprintf(note, sizeof(note), PROXY_NOTE, header);
		/* A request beside this one may make it first: found then. */
		if (st == NULL || chousa_store_token_add(st, user,
		    chousa_role_name(role),
		    hex, 0, -1, NULL, note, &id, &err) != CHOUSA_OK)
			continue;
		/* A name of name_ok's characters: nothing to escape. */
		server_log(s, "web: %s, signed in by the proxy for the first "
		    "time, has a token of its own now (id %lld: chousa token "
		    "list)", user, (long long)id);
	}
	if (by_hash(s, r, hex, &r->who, refusal))
		return 1;
	if (*refusal == NULL || strcmp(*refusal, "unknown token") == 0)
		*refusal = auth_unreadable;
	return 0;
}

/*
 * A browser that an authenticating proxy among [server] trusted_proxies
 * signed in, named in the header [server] proxy_user_header names: its
 * token row, a session (the one its cookie holds, when that is this
 * user's) for the forms' CSRF token, and the role the config gives it now.
 * 0 when r is no such request: then a session or the sign-in form.
 */
static int
proxy_user(struct server *s, struct sreq *r, const char **refusal)
{
	const char *header = chousa_config_get(r->cfg_ref->cfg, "server",
	    "proxy_user_header");
	struct chousa_err err = { 0 };
	struct chousa_store *st;
	const char *user, *sid, *cookie, *groups;
	char hex[65];
	int known, role;

	/* No user named (an empty value too): a session or the form. */
	/* Repeated, the header names two users: refused as no name. */
	if (header == NULL || *header == '\0' || !r->by_proxy ||
	    (user = req_header_list(r, header)) == NULL || *user == '\0')
		return 0;
	r->who.via = "proxy";
	if (!name_ok(user)) {
		*refusal = "the proxy named a user chousa cannot take ("
		    TOKEN_NAME_RULE ")";
		return 1;
	}
	/* One user in any case: an e-mail address's, as the IdP spells it. */
	if ((user = lower_copy(r->a, user)) == NULL) {
		*refusal = "out of memory";
		return 1;
	}
	chousa_store_token_proxy_hash(user, hex);
	sid = session_cookie_value(r);
	known = sid != NULL && auth_session_find(s, sid, &r->sess) == 1;
	/* Another user's session (the browser's user changed): ended. */
	if (known && strcmp(r->sess.token_hash, hex) != 0) {
		if (r->method != M_HEAD)
			auth_session_end(s, sid);
		known = 0;
	}
	groups = chousa_config_get(r->cfg_ref->cfg, "server",
	    "proxy_groups_header");
	role = auth_proxy_role(r->cfg_ref->cfg, user, groups != NULL &&
	    *groups != '\0' ? req_header_list(r, groups) : NULL);
	if (role == CHOUSA_ROLE_NONE) {
		*refusal = "the proxy signed this user in, but none of its "
		    "groups has a role here ([server] proxy_group_roles): ask "
		    "the server's admin";
		return 1;
	}
	if (!proxy_user_row(s, r, user, header, hex, role, refusal)) {
		if (*refusal != NULL && strcmp(*refusal, "revoked token") == 0)
			*refusal = "your access to chousa was revoked: ask the "
			    "server's admin";
		else if (*refusal != NULL && strcmp(*refusal, "token not "
		    "allowed from this address") == 0)
			*refusal = "your access to chousa is not allowed from "
			    "this address: ask the server's admin";
		r->who.role = CHOUSA_ROLE_NONE;
		return 1;
	}
	/* The row says the role in force, for token list (a reload). */
	if (role != r->who.role && (st = server_store_write(s, &err)) != NULL)
		(void)chousa_store_token_set_role(st, hex,
		    chousa_role_name(role), &err);
	r->who.role = role;
	r->who.via = "proxy";
	/*
	 * A HEAD (a monitor, a link's prefetch) sends no page: it makes no
	 * session, which would sweep the store's and end the user's oldest
	 * past its cap.  It is answered as the user, without one.
	 */
	if (!known && r->method == M_HEAD) {
		uses_note(s->uses, r->who.token_id, hex, r->peer);
		return 1;
	}
	if (!known) {
		int rc = auth_session_new(s, &r->who, hex, &r->sess);

		if (rc != 0 || (cookie = auth_session_cookie(r, &r->sess)) ==
		    NULL) {
			*refusal = rc == AUTH_SESSIONS_FULL ? auth_sessions_full :
			    rc == AUTH_SESSIONS_STORE ? auth_sessions_unkept :
			    rc == AUTH_SESSIONS_NOROOM ? auth_sessions_noroom :
			    "no random bytes for a session";
			r->who.role = CHOUSA_ROLE_NONE;
			return 1;
		}
		req_header_add(r, "Set-Cookie", cookie);
	}
	r->has_session = 1;
	uses_note(s->uses, r->who.token_id, hex, r->peer);
	return 1;
}

int
auth_web_session(struct server *s, struct sreq *r)
{
	const char *sid = session_cookie_value(r);
	const char *refusal = NULL;
	struct principal who;

	if (sid == NULL || auth_session_find(s, sid, &r->sess) != 1)
		return 0;
	/* A proxy's user is who the proxy names now: not looked up here. */
	if (strcmp(r->sess.who.via, "proxy") == 0)
		return 0;
	if (!by_hash(s, r, r->sess.token_hash, &who, &refusal))
		return 0;
	r->who = who;
	r->who.via = "session";
	r->has_session = 1;
	return 1;
}

void
auth_identify(struct server *s, struct sreq *r, const char **refusal)
{
	const char *tok = bearer(r), *sid;
	char hex[65];

	memset(&r->who, 0, sizeof(r->who));
	r->who.via = "none";
	*refusal = NULL;
	if (tok == NULL && r->route != NULL && (r->route->flags & ROUTE_WEB)) {
		if (proxy_user(s, r, refusal))
			return;
		sid = session_cookie_value(r);
		/*
		 * Said on the page a form was sent from (a page's POST is
		 * answered, not sent to the sign-in form): a person reads it,
		 * not an API client.
		 */
		if (sid == NULL) {
			*refusal = "you are not signed in (a session lasts 8 "
			    "hours): sign in again";
			return;
		}
		switch (auth_session_find(s, sid, &r->sess)) {
		case 1:
			break;
		case 0:
			*refusal = "your session has ended (a session lasts 8 "
			    "hours, and signing out ends it): sign in again";
			return;
		default:
			*refusal = auth_unreadable;
			return;
		}
		/* The proxy no longer names its user (or is passed by). */
		if (strcmp(r->sess.who.via, "proxy") == 0) {
			if (r->method != M_HEAD)
				auth_session_end(s, sid);
			*refusal = "session of a user the proxy signed in, "
			    "without the proxy's word for it";
			return;
		}
		/* The token behind it may have been revoked since. */
		if (!by_hash(s, r, r->sess.token_hash, &r->who, refusal)) {
			/* Not for the store's fault: a session kept. */
			if (*refusal != auth_unreadable && r->method != M_HEAD)
				auth_session_end(s, sid);
			r->who.role = CHOUSA_ROLE_NONE;
			return;
		}
		r->has_session = 1;
		r->who.via = "session";
		uses_note(s->uses, r->who.token_id, r->sess.token_hash,
		    r->peer);
		return;
	}
	if (tok == NULL)
		return;
	if (!auth_token(s, r, tok, &r->who, hex, refusal))
		r->who.role = CHOUSA_ROLE_NONE;
}

/* ---- rate limits ---- */

int
auth_new(struct auth **out, long rate_per_min, long burst,
    struct chousa_err *err)
{
	struct auth *a = mem_alloc(sizeof(*a));

	if (a == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	pthread_mutex_init(&a->lock, NULL);
	auth_set_rate(a, rate_per_min, burst);
	*out = a;
	return CHOUSA_OK;
}

void
auth_set_rate(struct auth *a, long rate_per_min, long burst)
{
	double interval = rate_per_min > 0 ? 60.0 / (double)rate_per_min : 0;

	double now = chousa_monotonic();
	size_t i;

	if (burst < 1)
		burst = 1;
	pthread_mutex_lock(&a->lock);
	/*
	 * Each bucket's debt (how far its arrival time runs ahead of now)
	 * is requests times the old interval: rescaled to the new one, the
	 * new rate holds at once and a limit raised never lengthens a wait.
	 * With no limit before or after, the buckets start afresh (a slot
	 * keeps its token, so that the probe chains stay whole).
	 */
	for (i = 0; i < RATE_SLOTS; i++) {
		struct rate_slot *s = &a->rate[i];

		if (s->token_id == 0)
			continue;
		if (a->interval <= 0 || interval <= 0 || s->tat <= now)
			s->tat = 0;
		else
			s->tat = now + (s->tat - now) * interval / a->interval;
	}
	/* Read unlocked by auth_rate_take to skip the lock when 0. */
	__atomic_store(&a->interval, &interval, __ATOMIC_RELAXED);
	a->tau = (double)(burst - 1) * interval;
	pthread_mutex_unlock(&a->lock);
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	pthread_mutex_destroy(&a->lock);
	mem_free(a);
}

int
auth_rate_take(struct auth *a, const struct principal *p, long *retry_after)
{
	struct rate_slot *slot = NULL;
	double now = chousa_monotonic();
	size_t i, h;
	int ok = 1;

	double interval;

	__atomic_load(&a->interval, &interval, __ATOMIC_RELAXED);
	if (interval <= 0 || p->token_id == 0)
		return 1;
	pthread_mutex_lock(&a->lock);
	if (a->interval <= 0) {		/* lifted meanwhile */
		pthread_mutex_unlock(&a->lock);
		return 1;
	}
	h = (size_t)p->token_id % RATE_SLOTS;
	for (i = 0; i < RATE_SLOTS; i++) {
		struct rate_slot *s = &a->rate[(h + i) % RATE_SLOTS];

		if (s->token_id == p->token_id || s->token_id == 0) {
			slot = s;
			break;
		}
	}
	if (slot == NULL)
		slot = &a->rate[h];	/* full: share a slot, stricter */
	if (slot->token_id != p->token_id) {
		slot->token_id = p->token_id;
		slot->tat = now;
	}
	if (slot->tat - a->tau > now) {
		ok = 0;
		*retry_after = (long)(slot->tat - a->tau - now) + 1;
	} else
		slot->tat = (slot->tat > now ? slot->tat : now) + a->interval;
	pthread_mutex_unlock(&a->lock);
	return ok;
}

/*
 * The sign-in bucket of a client address: as a token's (the same rate and
 * burst), so that a flood of sign-ins from one address is refused rather
 * than fill the session table or guess at tokens.
 */
int
auth_login_take(struct auth *a, const char *peer, long *retry_after,
    int *first_refusal)
{
	struct login_slot *slot = NULL;
	double now = chousa_monotonic();
	size_t i, h = 5381;
	const unsigned char *p;
	int ok = 1;

	*first_refusal = 0;
	if (peer == NULL)
		peer = "";
	for (p = (const unsigned char *)peer; *p != '\0'; p++)
		h = h * 33 + *p;
	pthread_mutex_lock(&a->lock);
	if (a->interval <= 0) {
		pthread_mutex_unlock(&a->lock);
		return 1;
	}
	h %= RATE_SLOTS;
	for (i = 0; i < RATE_SLOTS; i++) {
		struct login_slot *s = &a->login[(h + i) % RATE_SLOTS];

		if (s->peer[0] == '\0' || strncmp(s->peer, peer,
		    PEER_SIZE - 1) == 0) {
			slot = s;
			break;
		}
	}
	if (slot == NULL)
		slot = &a->login[h];	/* full: share a slot, stricter */
	if (strncmp(slot->peer, peer, PEER_SIZE - 1) != 0 ||
	    slot->peer[0] == '\0') {
		snprintf(slot->peer, sizeof(slot->peer), "%s",
		    peer[0] != '\0' ? peer : "?");
		slot->tat = now;
		slot->refused = 0;
	}
	if (slot->tat - a->tau > now) {
		ok = 0;
		*retry_after = (long)(slot->tat - a->tau - now) + 1;
		*first_refusal = slot->refused++ == 0;
	} else {
		slot->tat = (slot->tat > now ? slot->tat : now) + a->interval;
		slot->refused = 0;
	}
	pthread_mutex_unlock(&a->lock);
	return ok;
}

/* ---- sessions ---- */

/*
 * The session whose cookie value is id, as its request sees it: the id,
 * the CSRF token derived from it (a hash, so that the page's token gives
 * no way to the cookie), and what the store keeps of it.
 */
static void
session_fill(struct session *out, const char *id,
    const struct chousa_session *row)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", id);
	tagged_hash("chousa-csrf:", id, out->csrf);
	snprintf(out->token_hash, sizeof(out->token_hash), "%s",
	    row->token_hash);
	/* A proxy's user keeps its session only while the proxy names it. */
	out->who.via = row->by_proxy ? "proxy" : "session";
	out->expires = row->expires_at;
}

/* What the store keeps of the session id: its hash, never the id. */
static void
session_key(const char *id, char hex[65])
{
	tagged_hash("chousa-session:", id, hex);
}

int
auth_session_new(struct server *s, const struct principal *p,
    const char *token_hash, struct session *out)
{
	struct chousa_err err = { 0 };
	struct chousa_session row;
	struct chousa_store *st;
	char id[SESSION_ID_SIZE + 1], key[65];
	int rc;

	if (auth_random(id, SESSION_ID_SIZE) != 0)
		return -1;
	memset(&row, 0, sizeof(row));
	snprintf(row.token_hash, sizeof(row.token_hash), "%s", token_hash);
	row.by_proxy = p->via != NULL && strcmp(p->via, "proxy") == 0;
	row.created_at = (int64_t)time(NULL);
	row.expires_at = row.created_at + SESSION_TTL;
	session_key(id, key);
	st = server_store_write(s, &err);
	rc = st == NULL ? CHOUSA_EDB : chousa_store_session_add(st, key, &row,
	    SESSIONS_PER_TOKEN, MAX_SESSIONS, &err);
	if (rc == CHOUSA_OK)
		session_fill(out, id, &row);
	else if (rc != CHOUSA_ELIMIT)
		server_log(s, "web: a session could not be kept: %s", err.msg);
	explicit_bzero(id, sizeof(id));
	if (rc == CHOUSA_OK)
		return 0;
	return rc == CHOUSA_ELIMIT ? AUTH_SESSIONS_FULL : rc == CHOUSA_ESTORE ?
	    AUTH_SESSIONS_NOROOM : AUTH_SESSIONS_STORE;
}

const char auth_sessions_full[] = "the server holds as many sessions as it "
    "can: try again later, or ask its admin";
const char auth_sessions_unkept[] = "the server cannot keep a session in "
    "its store now: try again later, or ask its admin";
/* The store's path is not for every role to read: the log names it. */
const char auth_sessions_noroom[] = "the server cannot keep a session: "
    "its store cannot be written (a full disk, or files not the server's "
    "user's): ask its admin";

int
auth_session_find(struct server *s, const char *id, struct session *out)
{
	struct chousa_err err = { 0 };
	struct chousa_session row;
	struct chousa_store *st;
	char key[65];
	int rc;

	if (strlen(id) != SESSION_ID_SIZE)
		return 0;
	if ((st = server_store(s, &err)) == NULL)
		return -1;
	session_key(id, key);
	rc = chousa_store_session_find(st, key, (int64_t)time(NULL), &row,
	    &err);
	if (rc == CHOUSA_ENOTFOUND)
		return 0;
	if (rc != CHOUSA_OK)
		return -1;
	session_fill(out, id, &row);
	return 1;
}

void
auth_session_end(struct server *s, const char *id)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st = server_store_write(s, &err);
	char key[65];

	session_key(id, key);
	if (st == NULL || chousa_store_session_end(st, key, &err) !=
	    CHOUSA_OK)
		server_log(s, "web: a session could not be ended: %s",
		    err.msg);
}
