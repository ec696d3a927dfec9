/*
 * test-budget.c: who pays for a run's online requests (src/serve/
 * budget.c), when every token that asked about an input has spent its
 * daily budget.  The reason the source is skipped for goes into the
 * answer to each job that asked: it names the token only when that is
 * the asker's own (one token asked, in one job or several); when the
 * jobs of several tokens were merged, it names none of them, as a
 * colleague's token name is often a person's e-mail address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chousa.h"
#include "serve/serve.h"
#include "t.h"

static char dir[256];
static const char *inputs[] = { "198.51.100.7" };

static void
job(struct invjob *j, const char *payer)
{
	memset(j, 0, sizeof(*j));
	j->inputs = inputs;
	j->n_inputs = 1;
	snprintf(j->payer, sizeof(j->payer), "%s", payer);
	j->payer_budget = 1;
}

/* The reason the source is skipped for jobs; "" when one paid. */
static const char *
skipped(struct chousa_store *st, struct invjob **jobs, size_t n,
    char *why, size_t size)
{
	struct budget b;
	int64_t retry_at = 0;
	int ticket = -1;

	why[0] = '\0';
	budget_init(&b, st, jobs, n);
	budget_inputs(&b, inputs, 1);
	if (b.payer.charge(b.payer.arg, 0, "virustotal", &ticket, why, size,
	    &retry_at))
		return "";
	return why;
}

static void
test_budget(void)
{
	struct chousa_err err = { 0 };
	struct chousa_store *st = NULL;
	struct invjob alice, alice_again, bob;
	struct invjob *jobs[3];
	int64_t now = (int64_t)time(NULL);
	char path[300], why[256];

	snprintf(path, sizeof(path), "%s/budget.db", dir);
	T_INTEQ("store_open", chousa_store_open(&st, path, 0, &err),
	    CHOUSA_OK);
	T_INTEQ("alice_spent", chousa_store_token_spend(st, "alice@example.org",
	    now, 1, &err), CHOUSA_OK);
	T_INTEQ("bob_spent", chousa_store_token_spend(st, "bob@example.org",
	    now, 1, &err), CHOUSA_OK);
	job(&alice, "alice@example.org");
	job(&alice_again, "alice@example.org");
	job(&bob, "bob@example.org");

	jobs[0] = &alice;
	T_STREQ("one_token_named", skipped(st, jobs, 1, why, sizeof(why)),
	    "quota (token 'alice@example.org' spent its daily budget of 1 "
	    "online request)");
	jobs[1] = &alice_again;
	T_STREQ("one_token_two_jobs_named", skipped(st, jobs, 2, why,
	    sizeof(why)), "quota (token 'alice@example.org' spent its daily "
	    "budget of 1 online request)");
	jobs[1] = &bob;
	T_STREQ("two_tokens_none_named", skipped(st, jobs, 2, why,
	    sizeof(why)), "quota (each token that asked has spent its daily "
	    "budget of online requests)");
	jobs[0] = &alice;
	jobs[1] = &alice_again;
	jobs[2] = &bob;
	T_OK("colleague_not_named_last", strstr(skipped(st, jobs, 3, why,
	    sizeof(why)), "@") == NULL);
	chousa_store_close(st);
}

int
main(void)
{
	char cmd[300];

	snprintf(dir, sizeof(dir), "%s/chousa-test-budget.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	test_budget();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", dir);
	return T_DONE();
}
