/*
 * budget.c: who pays for the online requests the server sends.  Each
 * token may cause so many a day (UTC): its own budget (chousa token
 * budget), else [server] online_budget.  An answer from the cache costs
 * nothing; a request is charged when a source is about to send it, and
 * given back when it failed before the service counted it.
 *
 * Jobs merged into one run share its requests (single flight).  A
 * request for an input is charged to the first job, in the order they
 * came, that asked about that input and whose token has budget left.  So
 * a token whose budget is spent still gets what another token paid for,
 * nothing is paid twice, and the tokens' counts add up to the requests
 * the services saw.  When every token that asked is out of budget, the
 * source is skipped for that input, saying until when, and whose budget
 * when one token asked (the others' names are not the asker's to see).
 *
 * The counts are written to the store as each request is charged
 * (token_usage, through the run's own handle, in its write group), so a
 * restart forgets nothing and chousa token list reads them.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "serve/serve.h"

/* Whether job j asked about s. */
static int
asks(const struct invjob *j, const char *s)
{
	size_t i;

	for (i = 0; i < j->n_inputs; i++)
		if (strcmp(j->inputs[i], s) == 0)
			return 1;
	return 0;
}

static int
charge(void *arg, size_t input, const char *source, int *ticket, char *why,
    size_t why_size, int64_t *retry_at)
{
	struct budget *b = arg;
	struct chousa_err err = { 0 };
	int64_t now = (int64_t)time(NULL);
	const struct invjob *out = NULL;
	const char *s = input < b->n_inputs ? b->inputs[input] : NULL;
	size_t i;
	long spent = -1;
	int others = 0;		/* another token than out's is out too */

	(void)source;
	for (i = 0; i < b->n_jobs; i++) {
		struct invjob *j = b->jobs[i];

		if (b->n_jobs > 1 && (s == NULL || !asks(j, s)))
			continue;
		/* No token (MCP over stdio): nobody counts. */
		if (j->payer[0] == '\0') {
			*ticket = -1;
			return 1;
		}
		if (j->payer_budget > 0) {
			if (chousa_store_token_spent(b->st, j->payer, now,
			    &spent, &err) != CHOUSA_OK)
				goto unreadable;
			if (spent >= j->payer_budget) {
				if (out == NULL)
					out = j;
				else if (strcmp(out->payer, j->payer) != 0)
					others = 1;
				continue;
			}
		}
		if (chousa_store_token_spend(b->st, j->payer, now, 1, &err) !=
		    CHOUSA_OK)
			goto unreadable;
		j->online_spent++;
		/* Told once a day a token: as this request reaches it. */
		if (j->srv != NULL && j->payer_budget > 0 &&
		    spent + 1 == j->payer_budget)
			server_log(j->srv, "token '%s' has spent its daily "
			    "budget of %ld online request%s: its "
			    "investigations skip the online sources until "
			    "midnight UTC", j->payer, j->payer_budget,
			    j->payer_budget == 1 ? "" : "s");
		*ticket = (int)i;
		return 1;
	}
	*retry_at = (now / 86400 + 1) * 86400;
	/*
	 * The reason is in the answer to every job that asked: a token's
	 * name and budget there only when they are its asker's own, never
	 * a colleague's (often a person's e-mail address).
	 */
	if (out != NULL && others)
		snprintf(why, why_size, "quota (each token that asked has "
		    "spent its daily budget of online requests)");
	else if (out != NULL)
		snprintf(why, why_size, "quota (token '%s' spent its daily "
		    "budget of %ld online request%s)", out->payer,
		    out->payer_budget, out->payer_budget == 1 ? "" : "s");
	else
		snprintf(why, why_size, "quota (no job asked about this "
		    "input)");
	return 0;
unreadable:
	*retry_at = 0;
	snprintf(why, why_size, "quota (the token's online requests cannot "
	    "be counted: %.120s)", err.msg);
	return 0;
}

static void
refund(void *arg, int ticket)
{
	struct budget *b = arg;
	struct invjob *j;

	if (ticket < 0 || (size_t)ticket >= b->n_jobs)
		return;
	j = b->jobs[ticket];
	if (chousa_store_token_spend(b->st, j->payer, (int64_t)time(NULL), -1,
	    NULL) == CHOUSA_OK && j->online_spent > 0)
		j->online_spent--;
}

void
budget_init(struct budget *b, struct chousa_store *st, struct invjob **jobs,
    size_t n_jobs)
{
	memset(b, 0, sizeof(*b));
	b->st = st;
	b->jobs = jobs;
	b->n_jobs = n_jobs;
	b->payer.charge = charge;
	b->payer.refund = refund;
	b->payer.arg = b;
}

void
budget_inputs(struct budget *b, const char *const *inputs, size_t n)
{
	b->inputs = inputs;
	b->n_inputs = n;
}
