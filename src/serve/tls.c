/*
 * tls.c: the team server's certificate, which can be replaced while it
 * serves.  Certificates are renewed every few months (ACME, every 60 days);
 * a restart for each would drop the connections and investigations in
 * flight.  So the daemon is not given the PEM text once but a GnuTLS
 * retrieve callback, which hands each new handshake the credentials in
 * force; tls_load() parses and checks a new pair, then puts it in force
 * for the handshakes that follow.  Connections already up keep theirs.
 *
 * A pair is checked before it is taken: the chain parses, the key
 * parses, and the key is the certificate's (their public key ids agree).
 * A bad pair on reload leaves the one in force.  A pair replaced is kept
 * until the server stops, since a handshake under way may still hold it:
 * a few kilobytes a renewal.
 *
 * GnuTLS's callback has no argument of ours, so the credentials in force
 * are this file's: one TLS server a process.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "base/dynlib.h"
#include "base/mem.h"
#include "serve/serve.h"

/* Certificates in one chain, the server's own first. */
#define TLS_MAX_CHAIN	16

struct tls_cred {
	gnutls_pcert_st	 pcert[TLS_MAX_CHAIN];
	unsigned	 n;
	gnutls_privkey_t key;
	int64_t		 not_after;	/* the server certificate's */
	struct tls_cred	*older;		/* replaced, kept to the end */
};

static pthread_mutex_t tls_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tls_cred *tls_current;
/*
 * How the messages name the pair's files (chousa_serve_tls_names): " in
 * 'FILE' (WHERE FROM)", or "" unnamed.  Set and read by the thread that
 * starts, checks and reloads, as the pair is.
 */
static char cert_name[4200], key_name[4200];

void
chousa_serve_tls_names(const char *cert, const char *key)
{
	snprintf(cert_name, sizeof(cert_name), "%s%s", cert != NULL ?
	    " in " : "", cert != NULL ? cert : "");
	snprintf(key_name, sizeof(key_name), "%s%s", key != NULL ? " in " :
	    "", key != NULL ? key : "");
}

static void
cred_free(struct tls_cred *c)
{
	unsigned i;

	for (i = 0; i < c->n; i++)
		gnutls_pcert_deinit(&c->pcert[i]);
	if (c->key != NULL)
		gnutls_privkey_deinit(c->key);
	mem_free(c);
}

/*
 * A pair that cannot be used is a file of the wrong format (exit 3, as a
 * missing file is), not a usage error.
 */
static int
gnutls_fail(struct chousa_err *err, const char *what, const char *name,
    int e)
{
	return chousa_errf(err, CHOUSA_EFORMAT, "%s%s: %s", what, name,
	    gnutls_strerror(e));
}

/* Whether key is the private half of the certificate's public key. */
static int
key_matches(struct tls_cred *c, struct chousa_err *err)
{
	unsigned char a[64], b[64];
	size_t na = sizeof(a), nb = sizeof(b);
	gnutls_pubkey_t pub;
	int e;

	e = gnutls_pubkey_init(&pub);
	if (e < 0)
		return gnutls_fail(err, "cannot check the TLS key",
		    key_name, e);
	e = gnutls_pubkey_import_privkey(pub, c->key, 0, 0);
	if (e >= 0)
		e = gnutls_pubkey_get_key_id(pub, 0, a, &na);
	gnutls_pubkey_deinit(pub);
	if (e >= 0)
		e = gnutls_pubkey_get_key_id(c->pcert[0].pubkey, 0, b, &nb);
	if (e < 0)
		return gnutls_fail(err, "cannot check the TLS key",
		    key_name, e);
	if (na != nb || memcmp(a, b, na) != 0)
		return chousa_errf(err, CHOUSA_EFORMAT, "the TLS key is not "
		    "the certificate's: the key%s belongs to another "
		    "certificate than the one%s", key_name, cert_name);
	return CHOUSA_OK;
}

static int64_t
not_after(const gnutls_datum_t *der)
{
	gnutls_x509_crt_t crt;
	time_t t = (time_t)-1;

	if (gnutls_x509_crt_init(&crt) < 0)
		return 0;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) >= 0)
		t = gnutls_x509_crt_get_expiration_time(crt);
	gnutls_x509_crt_deinit(crt);
	return t == (time_t)-1 ? 0 : (int64_t)t;
}

static int
cred_parse(struct tls_cred *c, const char *cert_pem, const char *key_pem,
    struct chousa_err *err)
{
	gnutls_datum_t d;
	const char *missing = dynlib_gnutls_missing();
	int e;

	if (missing != NULL)
		return chousa_errf(err, CHOUSA_EIO, "%s", missing);
	d.data = (unsigned char *)(uintptr_t)cert_pem;
	d.size = (unsigned)strlen(cert_pem);
	c->n = TLS_MAX_CHAIN;
	e = gnutls_pcert_list_import_x509_raw(c->pcert, &c->n, &d,
	    GNUTLS_X509_FMT_PEM, GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED);
	if (e < 0) {
		c->n = 0;
		return gnutls_fail(err, "cannot read the TLS certificate",
		    cert_name, e);
	}
	if (c->n == 0)
		return chousa_errf(err, CHOUSA_EFORMAT, "no certificate in the "
		    "TLS certificate file%s", cert_name);
	e = gnutls_privkey_init(&c->key);
	if (e < 0) {
		c->key = NULL;
		return gnutls_fail(err, "cannot read the TLS key", key_name, e);
	}
	d.data = (unsigned char *)(uintptr_t)key_pem;
	d.size = (unsigned)strlen(key_pem);
	e = gnutls_privkey_import_x509_raw(c->key, &d, GNUTLS_X509_FMT_PEM,
	    NULL, 0);
	if (e < 0)
		return chousa_errf(err, CHOUSA_EFORMAT, "cannot read the TLS "
		    "key%s: %s (an unencrypted PEM private key is needed)",
		    key_name, gnutls_strerror(e));
	c->not_after = not_after(&c->pcert[0].cert);
	return key_matches(c, err);
}

/* A new credential of the pair into *out, checked; a bad one is said. */
static int
cred_new(const char *cert_pem, const char *key_pem, struct tls_cred **out,
    struct chousa_err *err)
{
	struct tls_cred *c = mem_alloc(sizeof(*c));
	int rc;

	*out = NULL;
	if (c == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	rc = cred_parse(c, cert_pem, key_pem, err);
	if (rc != CHOUSA_OK) {
		cred_free(c);
		return rc;
	}
	*out = c;
	return CHOUSA_OK;
}

long long
tls_days_left(int64_t until, int64_t now)
{
	return (long long)((until - now + 43200) / 86400);
}

int
tls_check(const char *cert_pem, const char *key_pem, int64_t *expires,
    struct chousa_err *err)
{
	struct tls_cred *c;
	int rc = cred_new(cert_pem, key_pem, &c, err);

	if (rc != CHOUSA_OK)
		return rc;
	if (expires != NULL)
		*expires = c->not_after;
	cred_free(c);
	return CHOUSA_OK;
}

int
tls_load(const char *cert_pem, const char *key_pem, int64_t *expires,
    struct chousa_err *err)
{
	struct tls_cred *c;
	int rc = cred_new(cert_pem, key_pem, &c, err);

	if (rc != CHOUSA_OK)
		return rc;
	pthread_mutex_lock(&tls_lock);
	c->older = tls_current;
	tls_current = c;
	pthread_mutex_unlock(&tls_lock);
	if (expires != NULL)
		*expires = c->not_after;
	return CHOUSA_OK;
}

int64_t
tls_expires(void)
{
	int64_t t;

	pthread_mutex_lock(&tls_lock);
	t = tls_current != NULL ? tls_current->not_after : 0;
	pthread_mutex_unlock(&tls_lock);
	return t;
}

static int
tls_retrieve(gnutls_session_t session, const gnutls_datum_t *req_ca_dn,
    int n_req_ca_dn, const gnutls_pk_algorithm_t *pk_algos,
    int n_pk_algos, gnutls_pcert_st **pcert, unsigned int *n_pcert,
    gnutls_privkey_t *key)
{
	(void)session;
	(void)req_ca_dn;
	(void)n_req_ca_dn;
	(void)pk_algos;
	(void)n_pk_algos;
	pthread_mutex_lock(&tls_lock);
	if (tls_current == NULL) {
		pthread_mutex_unlock(&tls_lock);
		return -1;
	}
	*pcert = tls_current->pcert;
	*n_pcert = tls_current->n;
	*key = tls_current->key;
	pthread_mutex_unlock(&tls_lock);
	return 0;
}

void *
tls_callback(void)
{
	gnutls_certificate_retrieve_function2 *fn = tls_retrieve;

	return (void *)(uintptr_t)fn;
}

void
tls_unload(void)
{
	struct tls_cred *c, *older;

	pthread_mutex_lock(&tls_lock);
	c = tls_current;
	tls_current = NULL;
	pthread_mutex_unlock(&tls_lock);
	for (; c != NULL; c = older) {
		older = c->older;
		cred_free(c);
	}
}
