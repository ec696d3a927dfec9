/*
 * ranges.h: a short list of address ranges ("10.0.0.0/8, 2001:db8::/32,
 * 192.0.2.7") and whether an address falls in one: the sweep's internal
 * ranges, the server's trusted proxies.  IPv4 is kept mapped into
 * ::ffff:0:0/96, so one comparison serves both families.
 */
#ifndef CHOUSA_RANGES_H
#define CHOUSA_RANGES_H

#include <stddef.h>
#include <stdint.h>

#include "chousa.h"

#define ADDR_RANGES_MAX	64

struct addr_ranges {
	size_t		 n;
	struct {
		uint8_t	 lo[16], hi[16];
	}		 r[ADDR_RANGES_MAX];
};

/*
 * Add each range of the comma-separated list (NULL: none).  A bad entry
 * is CHOUSA_EINVAL, said as "bad WHAT 'entry'"; so is a list past the room
 * left, said as "more than N WHATs".
 */
int	addr_ranges_add(struct addr_ranges *s, const char *list,
	    const char *what, struct chousa_err *err);
/*
 * Whether the text is an address inside one of the ranges ("[::1]" and a
 * zone "%eth0" read as the address).
 */
int	addr_ranges_has(const struct addr_ranges *s, const char *p,
	    size_t len);

/*
 * The address in p as inet_ntop writes it (IPv6 compressed, lower case)
 * into out (ADDR_TEXT_MAX bytes); it may be "[v6]", or have a ":port" as
 * X-Forwarded-For's entries sometimes do.  0 on success, -1 when p is no
 * address.
 */
#define ADDR_TEXT_MAX	46
int	addr_text(const char *p, size_t len, char *out);
/*
 * A socket address's host as text into out (ADDR_TEXT_MAX bytes), an IPv4
 * client of a dual-stack socket (::ffff:a.b.c.d) as a.b.c.d, and its port
 * into *port unless port is NULL.  -1 for a family other than IPv4, IPv6.
 */
struct sockaddr;
int	sockaddr_text(const struct sockaddr *sa, char *out, int *port);
/*
 * The client a trusted proxy forwarded for, from its X-Forwarded-For
 * (every header of it joined with commas): walking from the end (the
 * address the proxy itself saw), the first that is not a trusted proxy
 * too, into client.  What a client wrote before that is not believed.  An
 * entry that is no address ends the walk at the hop that wrote it.  0
 * when there is an address to take, -1 when there is none.
 */
int	addr_forwarded_client(const struct addr_ranges *trusted,
	    const char *xff, size_t len, char *client);

#endif
