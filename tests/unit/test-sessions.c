/*
 * test-sessions.c: the web sessions of the team server (src/serve/auth.c).
 * A token signing in over and over ends its own oldest sessions past its
 * cap, never another token's; a table full of other tokens' live
 * sessions refuses a new one rather than end one; and a client address's
 * sign-ins are rate-limited, with only the first refusal of a flood
 * marked for the audit.
 */
#include <stdio.h>
#include <string.h>

#include "chousa.h"
#include "serve/serve.h"
#include "t.h"

#define TABLE		4096
#define PER_TOKEN	16

static void
principal_of(struct principal *p, int i, char hex[65])
{
	memset(p, 0, sizeof(*p));
	p->role = CHOUSA_ROLE_READ;
	p->token_id = i + 1;
	p->via = "session";
	snprintf(p->name, sizeof(p->name), "user%d", i);
	snprintf(hex, 65, "%064d", i + 1);
}

static void
test_sessions(void)
{
	struct chousa_err err = { 0 };
	struct auth *a;
	struct principal p;
	struct session s, first, other;
	char hex[65];
	int i, rc = 0, n_ok = 0;

	T_INTEQ("auth_new", auth_new(&a, 600, 10, &err), CHOUSA_OK);
	principal_of(&p, 9999, hex);
	T_INTEQ("victim_signs_in", auth_session_new(a, &p, hex, &other), 0);
	/* One token over and over: its own first session goes, no other. */
	principal_of(&p, 0, hex);
	T_INTEQ("first", auth_session_new(a, &p, hex, &first), 0);
	for (i = 0; i < 5000; i++)
		if (auth_session_new(a, &p, hex, &s) == 0)
			n_ok++;
	T_INTEQ("one_token_signs_in_as_often_as_it_likes", n_ok, 5000);
	T_OK("its_oldest_ended", !auth_session_find(a, first.id, &s));
	T_OK("its_latest_kept", auth_session_find(a, s.id, &first));
	T_OK("another_tokens_session_kept",
	    auth_session_find(a, other.id, &s));
	/* Other tokens fill the table (16 taken, and the victim's 1). */
	n_ok = 0;
	for (i = 1; i < TABLE; i++) {
		principal_of(&p, i, hex);
		rc = auth_session_new(a, &p, hex, &s);
		if (rc != 0)
			break;
		n_ok++;
	}
	T_INTEQ("table_fills_to_its_size", n_ok, TABLE - PER_TOKEN - 1);
	T_INTEQ("full_table_refuses", rc, AUTH_SESSIONS_FULL);
	T_OK("full_table_ended_no_session",
	    auth_session_find(a, other.id, &s));
	/* A token with sessions still signs in: its own oldest goes. */
	principal_of(&p, 0, hex);
	T_INTEQ("token_at_its_cap_signs_in_on_a_full_table",
	    auth_session_new(a, &p, hex, &s), 0);
	auth_session_end(a, other.id);
	principal_of(&p, 5000, hex);
	T_INTEQ("an_ended_session_frees_a_place",
	    auth_session_new(a, &p, hex, &s), 0);
	auth_free(a);
}

static void
test_login_rate(void)
{
	struct chousa_err err = { 0 };
	struct auth *a;
	long retry = 0;
	int i, first, n_in = 0, n_first = 0;

	T_INTEQ("auth_new_rate", auth_new(&a, 60, 5, &err), CHOUSA_OK);
	for (i = 0; i < 50; i++) {
		if (auth_login_take(a, "192.0.2.7", &retry, &first))
			n_in++;
		else
			n_first += first;
	}
	T_INTEQ("burst_let_in", n_in, 5);
	T_INTEQ("one_refusal_of_the_flood_audited", n_first, 1);
	T_OK("retry_after_said", retry >= 1);
	T_OK("another_address_let_in",
	    auth_login_take(a, "192.0.2.8", &retry, &first));
	auth_set_rate(a, 0, 1);
	T_OK("no_rate_lets_in", auth_login_take(a, "192.0.2.7", &retry,
	    &first));
	auth_free(a);
}

int
main(void)
{
	test_sessions();
	test_login_rate();
	return T_DONE();
}
