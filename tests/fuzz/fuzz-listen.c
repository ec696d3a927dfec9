/*
 * fuzz-listen.c: the team server's reading of its address, --listen and
 * [server] listen (parse_listen in src/serve/server.c), on any bytes.
 * Besides memory safety it checks that an address taken is IPv4 or IPv6
 * with its port as written, and that localhost is loopback, never looked
 * up.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/serve.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage sa;
	const struct sockaddr_in *v4 = (const void *)&sa;
	const struct sockaddr_in6 *v6 = (const void *)&sa;
	char s[256];
	const char *colon;
	socklen_t len;
	long port;

	if (size >= sizeof(s) || memchr(data, '\0', size) != NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!parse_listen(s, &sa, &len))
		return 0;
	colon = strrchr(s, ':');
	if (colon == NULL)
		abort();
	port = strtol(colon + 1, NULL, 10);
	if (sa.ss_family == AF_INET) {
		if (len != sizeof(*v4) || ntohs(v4->sin_port) != port)
			abort();
		if (strncasecmp(s, "localhost:", 10) == 0 &&
		    ntohl(v4->sin_addr.s_addr) != INADDR_LOOPBACK)
			abort();
	} else if (sa.ss_family == AF_INET6) {
		if (len != sizeof(*v6) || ntohs(v6->sin6_port) != port ||
		    s[0] != '[')
			abort();
	} else
		abort();
	return 0;
}
