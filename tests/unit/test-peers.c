/*
 * test-peers.c: the team server's connections counted by address
 * (src/serve/peers.c), for [server] max_per_ip: the limit, IPv4 and its
 * v4-mapped IPv6 form as one address, and a long random run of
 * connections opening and closing over thousands of addresses (the table
 * grows, and slots freed in the middle of a probe run move back) checked
 * against a plain count.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chousa.h"
#include "serve/serve.h"
#include "t.h"

#define ADDRS	3000

static struct sockaddr_in
v4(const char *text)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	inet_pton(AF_INET, text, &a.sin_addr);
	return a;
}

static struct sockaddr_in6
v6(const char *text)
{
	struct sockaddr_in6 a;

	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	inet_pton(AF_INET6, text, &a.sin6_addr);
	return a;
}

/* Address i of the random run: IPv4 for even i, IPv6 for odd. */
static struct sockaddr_storage
nth(int i)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (i % 2 == 0) {
		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(0x0a000000u + (unsigned)i);
	} else {
		a6->sin6_family = AF_INET6;
		a6->sin6_addr.s6_addr[0] = 0x20;
		a6->sin6_addr.s6_addr[1] = 0x01;
		a6->sin6_addr.s6_addr[14] = (unsigned char)(i >> 8);
		a6->sin6_addr.s6_addr[15] = (unsigned char)i;
	}
	return ss;
}

static void
test_limit(void)
{
	struct peers *p;
	struct sockaddr_in a = v4("192.0.2.7"), b = v4("192.0.2.8");
	struct sockaddr_in6 mapped = v6("::ffff:192.0.2.7");
	struct sockaddr_un_like { sa_family_t f; char path[20]; } u;

	T_INTEQ("peers_new", peers_new(&p), CHOUSA_OK);
	T_OK("first_in", peers_enter(p, (struct sockaddr *)&a, 2) == PEER_IN);
	T_OK("second_in", peers_enter(p, (struct sockaddr *)&a, 2) ==
	    PEER_IN);
	T_OK("third_refused", peers_enter(p, (struct sockaddr *)&a, 2) ==
	    PEER_AT_LIMIT);
	T_OK("mapped_is_the_same_address",
	    peers_enter(p, (struct sockaddr *)&mapped, 2) == PEER_AT_LIMIT);
	T_OK("other_address_in", peers_enter(p, (struct sockaddr *)&b, 2) ==
	    PEER_IN);
	T_OK("no_limit_lets_in", peers_enter(p, (struct sockaddr *)&a, 0) ==
	    PEER_IN);
	/* 3 open now: two leave, then one more fits under 2. */
	peers_leave(p, (struct sockaddr *)&a);
	peers_leave(p, (struct sockaddr *)&mapped);
	T_OK("in_again_after_leaving", peers_enter(p, (struct sockaddr *)&a,
	    2) == PEER_IN);
	T_OK("then_full_again", peers_enter(p, (struct sockaddr *)&a, 2) ==
	    PEER_AT_LIMIT);
	/* A raised limit lets in at once. */
	T_OK("raised_limit", peers_enter(p, (struct sockaddr *)&a, 3) ==
	    PEER_IN);
	memset(&u, 0, sizeof(u));
	u.f = AF_UNIX;
	T_OK("no_ip_family_never_counted",
	    peers_enter(p, (struct sockaddr *)&u, 1) == PEER_IN &&
	    peers_enter(p, (struct sockaddr *)&u, 1) == PEER_IN);
	peers_leave(p, (struct sockaddr *)&u);
	T_OK("null_address_let_in", peers_enter(p, NULL, 1) == PEER_IN);
	peers_leave(p, NULL);
	peers_free(p);
	T_OK("null_table_lets_in", peers_enter(NULL,
	    (struct sockaddr *)&a, 1) == PEER_IN);
	peers_leave(NULL, (struct sockaddr *)&a);
}

static void
test_random_run(void)
{
	static int open[ADDRS];
	struct sockaddr_storage ss;
	struct peers *p;
	long steps = 400000, k, wrong = 0, limit = 3;
	int i, in, want;

	srand(18);
	memset(open, 0, sizeof(open));
	T_INTEQ("peers_new_run", peers_new(&p), CHOUSA_OK);
	for (k = 0; k < steps; k++) {
		/* Most addresses few connections, a few many. */
		i = rand() % 8 == 0 ? rand() % 16 : rand() % ADDRS;
		ss = nth(i);
		if (rand() % 2 == 0 || open[i] == 0) {
			in = peers_enter(p, (struct sockaddr *)&ss, limit) ==
			    PEER_IN;
			want = open[i] < limit;
			if (in != want)
				wrong++;
			if (in)
				open[i]++;
		} else {
			peers_leave(p, (struct sockaddr *)&ss);
			open[i]--;
		}
	}
	T_INTEQ("random_run_matches_a_plain_count", wrong, 0);
	/* Every address closed: each is then let in to the limit again. */
	for (i = 0; i < ADDRS; i++) {
		ss = nth(i);
		while (open[i] > 0) {
			peers_leave(p, (struct sockaddr *)&ss);
			open[i]--;
		}
	}
	for (i = 0, wrong = 0; i < ADDRS; i++) {
		ss = nth(i);
		for (k = 0; k < limit; k++)
			if (peers_enter(p, (struct sockaddr *)&ss, limit) !=
			    PEER_IN)
				wrong++;
		if (peers_enter(p, (struct sockaddr *)&ss, limit) !=
		    PEER_AT_LIMIT)
			wrong++;
	}
	T_INTEQ("all_closed_then_each_to_the_limit", wrong, 0);
	peers_free(p);
}

/*
 * With every allocation after the table's own failing (a CHOUSA_INJECT
 * build, CHOUSA_FAIL_ALLOC=3: tests/cli/test-robust-inject.sh), the table
 * cannot grow past its first slots: a new address is then refused as out
 * of memory, never as one past the limit, while the addresses it holds
 * still come and go.
 */
static void
test_no_memory(void)
{
	struct sockaddr_storage ss;
	struct peers *p;
	int i, in = PEER_IN, first_new = -1;

	T_INTEQ("peers_new_no_memory", peers_new(&p), CHOUSA_OK);
	for (i = 0; i < ADDRS && in == PEER_IN; i++) {
		ss = nth(i);
		in = peers_enter(p, (struct sockaddr *)&ss, 1);
		if (in != PEER_IN)
			first_new = i;
	}
	T_INTEQ("new_address_refused_as_no_memory", in, PEER_NO_MEMORY);
	T_OK("refused_when_half_full", first_new > 0);
	ss = nth(0);
	T_INTEQ("held_address_still_at_its_limit",
	    peers_enter(p, (struct sockaddr *)&ss, 1), PEER_AT_LIMIT);
	T_INTEQ("held_address_with_room_let_in",
	    peers_enter(p, (struct sockaddr *)&ss, 2), PEER_IN);
	peers_leave(p, (struct sockaddr *)&ss);
	peers_leave(p, (struct sockaddr *)&ss);
	ss = nth(first_new);
	T_INTEQ("a_freed_slot_takes_a_new_address",
	    peers_enter(p, (struct sockaddr *)&ss, 1), PEER_IN);
	peers_free(p);
}

int
main(void)
{
	if (getenv("CHOUSA_TEST_INJECT") != NULL) {
		test_no_memory();
		return T_DONE();
	}
	test_limit();
	test_random_run();
	return T_DONE();
}
