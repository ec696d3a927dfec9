/*
 * peers.c: the server's open connections counted by client address, for
 * [server] max_per_ip.  The accepting thread counts a connection in as it
 * hands it over, an HTTP thread counts it out as it closes, so the limit
 * is the one in force at each accept, and a SIGHUP changes it (where
 * libmicrohttpd's own limit per address is fixed at its start).
 *
 * A table with open addressing and linear probing, keyed by the address
 * as 16 bytes (IPv4 as ::ffff:a.b.c.d, as the v4-mapped clients of a
 * dual-stack socket come), of the addresses with a connection open: it
 * holds at most [server] max_connections of them.  The hash starts from a
 * random seed, so that no client can choose addresses that pile up in one
 * run of the table.
 */
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "base/hash.h"
#include "base/mem.h"
#include "serve/serve.h"

#define PEERS_MIN	64	/* slots at first; a power of two */

struct peer {
	unsigned char	 addr[16];
	long		 open;		/* 0: a free slot */
};

struct peers {
	pthread_mutex_t	 lock;
	struct peer	*slots;
	size_t		 cap;		/* a power of two */
	size_t		 used;
	uint64_t	 seed;
};

int
peers_new(struct peers **out)
{
	struct peers *p = mem_alloc(sizeof(*p));

	*out = NULL;
	if (p == NULL)
		return CHOUSA_ENOMEM;
	memset(p, 0, sizeof(*p));
	p->slots = mem_alloc(PEERS_MIN * sizeof(*p->slots));
	if (p->slots == NULL) {
		mem_free(p);
		return CHOUSA_ENOMEM;
	}
	memset(p->slots, 0, PEERS_MIN * sizeof(*p->slots));
	p->cap = PEERS_MIN;
	if (getrandom(&p->seed, sizeof(p->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(p->seed))
		p->seed = CHOUSA_FNV64_INIT ^ (uint64_t)(uintptr_t)p;
	pthread_mutex_init(&p->lock, NULL);
	*out = p;
	return CHOUSA_OK;
}

void
peers_free(struct peers *p)
{
	if (p == NULL)
		return;
	pthread_mutex_destroy(&p->lock);
	mem_free(p->slots);
	mem_free(p);
}

/* sa's address as 16 bytes; 0 for one of no IP family (not counted). */
static int
peer_key(const struct sockaddr *sa, unsigned char key[16])
{
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;

	if (sa == NULL)
		return 0;
	if (sa->sa_family == AF_INET6) {
		memcpy(key, &v6->sin6_addr, 16);
		return 1;
	}
	if (sa->sa_family != AF_INET)
		return 0;
	memset(key, 0, 10);
	key[10] = key[11] = 0xff;
	memcpy(key + 12, &v4->sin_addr, 4);
	return 1;
}

/* The slot of key, or the free one where it would go. */
static size_t
peer_slot(const struct peers *p, const unsigned char key[16])
{
	size_t i = (size_t)chousa_fnv1a64(p->seed, key, 16) & (p->cap - 1);

	while (p->slots[i].open > 0 && memcmp(p->slots[i].addr, key, 16) != 0)
		i = (i + 1) & (p->cap - 1);
	return i;
}

/* Twice the slots, the addresses placed anew; -1 when out of memory. */
static int
peers_grow(struct peers *p)
{
	struct peer *old = p->slots;
	size_t n = p->cap, i;

	p->slots = mem_alloc(2 * n * sizeof(*p->slots));
	if (p->slots == NULL) {
		p->slots = old;
		return -1;
	}
	memset(p->slots, 0, 2 * n * sizeof(*p->slots));
	p->cap = 2 * n;
	for (i = 0; i < n; i++)
		if (old[i].open > 0)
			p->slots[peer_slot(p, old[i].addr)] = old[i];
	mem_free(old);
	return 0;
}

int
peers_enter(struct peers *p, const struct sockaddr *sa, long limit)
{
	unsigned char key[16];
	size_t i;
	int in = PEER_IN;

	if (p == NULL || !peer_key(sa, key))
		return PEER_IN;
	pthread_mutex_lock(&p->lock);
	i = peer_slot(p, key);
	if (p->slots[i].open == 0) {
		/*
		 * A new address: the table stays at most half full, so
		 * that a run of it stays short.  When it cannot grow, the
		 * connection is refused, but as what it is, not as one
		 * past the limit.
		 */
		if (2 * (p->used + 1) > p->cap) {
			if (peers_grow(p) != 0) {
				pthread_mutex_unlock(&p->lock);
				return PEER_NO_MEMORY;
			}
			i = peer_slot(p, key);
		}
		memcpy(p->slots[i].addr, key, 16);
		p->used++;
	}
	if (limit > 0 && p->slots[i].open >= limit)
		in = PEER_AT_LIMIT;
	else
		p->slots[i].open++;
	pthread_mutex_unlock(&p->lock);
	return in;
}

/*
 * Free slot i, and move back the entries after it that their own slot
 * would have placed at or before it (deletion from a linear probe, with
 * no marks left behind).
 */
static void
peer_remove(struct peers *p, size_t i)
{
	size_t j = i, home;

	p->slots[i].open = 0;
	p->used--;
	for (;;) {
		j = (j + 1) & (p->cap - 1);
		if (p->slots[j].open == 0)
			return;
		home = (size_t)chousa_fnv1a64(p->seed, p->slots[j].addr, 16) &
		    (p->cap - 1);
		/* Whether home lies cyclically in (i, j]: then it stays. */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		p->slots[i] = p->slots[j];
		p->slots[j].open = 0;
		i = j;
	}
}

void
peers_leave(struct peers *p, const struct sockaddr *sa)
{
	unsigned char key[16];
	size_t i;

	if (p == NULL || !peer_key(sa, key))
		return;
	pthread_mutex_lock(&p->lock);
	i = peer_slot(p, key);
	if (p->slots[i].open > 0 && --p->slots[i].open == 0)
		peer_remove(p, i);
	pthread_mutex_unlock(&p->lock);
}
