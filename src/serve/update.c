/*
 * update.c: the feed updates, scheduled (--update-every) and asked for
 * (POST /api/v1/update, chousa --server URL update).  Each runs `chousa
 * update` as a child process on the server's store and config, its
 * output kept for whoever asked (the last run's, 1 MiB of each stream at
 * most): its import is one
 * SQLite transaction, so requests meanwhile read the store as it was
 * until the commit and never see half of a feed, and the update's memory
 * is given back when it ends.  The child dies with the server
 * (PR_SET_PDEATHSIG); a killed update leaves the store as it was and is
 * run again at the next start, because the time of the last good one is
 * written (to DB.last-update) only after the child succeeded.  A failed
 * update is retried after a back-off, never more often than every minute.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/tmp.h"
#include "serve/serve.h"

struct updater {
	struct server	*srv;
	pthread_t	 tid;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	pthread_cond_t	 ended;		/* a run ended */
	int		 stop;
	int		 kick;
	int		 running;
	pid_t		 child;
	int64_t		 last_ok;	/* Unix seconds, 0: never */
	int64_t		 last_try;
	int		 last_status;	/* the child's exit status */
	int		 failures;	/* in a row */
	long		 every;		/* the schedule, s; 0: when asked */
	uint64_t	 runs;		/* ended since the start */
	char		*out, *said;	/* the last run's stdout and stderr */
	char		 state_path[4096];
};

/* Output kept of a run, of each stream. */
#define REPORT_MAX	((size_t)1 << 20)

static int64_t
read_last_ok(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

/* Written to a temporary file and renamed: whole or not at all. */
static void
write_last_ok(const char *path, int64_t t)
{
	char tmp[4200], buf[32];
	int fd, n;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%lld\n", (long long)t);
	if (write(fd, buf, (size_t)n) == n && fsync(fd) == 0) {
		close(fd);
		rename(tmp, path);
		return;
	}
	close(fd);
	unlink(tmp);
}

/* What the child wrote to fd (from its start), NUL-ended, or NULL. */
static char *
read_back(int fd)
{
	char *buf;
	ssize_t n;
	size_t got = 0;

	if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0)
		return NULL;
	buf = mem_alloc(REPORT_MAX + 1);
	if (buf == NULL)
		return NULL;
	while (got < REPORT_MAX && (n = read(fd, buf + got, REPORT_MAX -
	    got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return buf;
}

/*
 * Run `chousa --db DB [--config CFG] --json update`, its stdout and
 * stderr into unlinked files read back afterwards; its exit status.
 */
static int
run_child(struct updater *u, char **out, char **said)
{
	const struct chousa_serve_opts *o = &u->srv->opts;
	const char *argv[8];
	pid_t pid, parent = getpid();
	int n = 0, status, fo, fe;

	*out = *said = NULL;
	argv[n++] = o->update_exe;
	argv[n++] = "--db";
	argv[n++] = u->srv->db_path;
	if (o->config_path != NULL) {
		argv[n++] = "--config";
		argv[n++] = o->config_path;
	}
	argv[n++] = "--json";
	argv[n++] = "update";
	argv[n] = NULL;
	fo = chousa_tmp_fd();
	fe = chousa_tmp_fd();
	pid = fork();
	if (pid < 0) {
		if (fo >= 0)
			close(fo);
		if (fe >= 0)
			close(fe);
		return -1;
	}
	if (pid == 0) {
		/* Ends with the server, whatever kills it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		if ((fo >= 0 && dup2(fo, STDOUT_FILENO) < 0) ||
		    (fe >= 0 && dup2(fe, STDERR_FILENO) < 0))
			_exit(127);
		execv(o->update_exe, (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	pthread_mutex_lock(&u->lock);
	u->child = pid;
	pthread_mutex_unlock(&u->lock);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	pthread_mutex_lock(&u->lock);
	u->child = 0;
	pthread_mutex_unlock(&u->lock);
	*out = read_back(fo);
	*said = read_back(fe);
	if (fo >= 0)
		close(fo);
	if (fe >= 0)
		close(fe);
	if (status == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
	    WTERMSIG(status);
}

/* The warnings of a run the server's log repeats, at most. */
#define LOG_RUN_LINES	20

/*
 * How a run ended, in the server's log, with the warnings it wrote (the
 * first LOG_RUN_LINES, and how many more): they went to no terminal.
 */
static void
log_run(struct updater *u, int status, const char *said, long retry)
{
	const char *p = said;
	char when[32];
	size_t len;
	int n = 0;

	while (p != NULL && *p != '\0') {
		len = strcspn(p, "\n");
		if (strncmp(p, "chousa: ", 8) == 0 && n++ < LOG_RUN_LINES)
			server_log(u->srv, "update: %.*s", (int)(len - 8), p + 8);
		p += len + (p[len] == '\n');
	}
	if (n > LOG_RUN_LINES)
		server_log(u->srv, "update: and %d more line%s (chousa db stats "
		    "lists the failed imports)", n - LOG_RUN_LINES,
		    n - LOG_RUN_LINES == 1 ? "" : "s");
	/* Last, below the feeds' reasons: what happens next. */
	chousa_time_format((int64_t)time(NULL) + retry, when, sizeof(when));
	if (status == 0)
		server_log(u->srv, "update: done");
	else if (retry > 0)
		server_log(u->srv, "update: failed (status %d); tried again in "
		    "%ld %s, at %s", status, retry < 60 ? retry : (retry + 59) /
		    60, retry < 60 ? (retry == 1 ? "second" : "seconds") :
		    retry < 120 ? "minute" : "minutes", when);
	else
		server_log(u->srv, "update: failed (status %d); run again when "
		    "asked (POST /api/v1/update, chousa --server URL update)",
		    status);
}

/*
 * Seconds from a failed try to the next: doubling from 2 minutes to 64,
 * never past the schedule's own period.
 */
static long
retry_delay(int failures, long every)
{
	long back = 60L << (failures > 6 ? 6 : failures);

	return back < every ? back : every;
}

static void *
updater_main(void *arg)
{
	struct updater *u = arg;
	struct timespec until;
	int64_t now, due;
	char *out, *said;
	long retry;
	int status;

	serve_name_thread("chousa-update");

	pthread_mutex_lock(&u->lock);
	while (!u->stop) {
		long every = u->every;	/* a SIGHUP may have changed it */

		now = (int64_t)time(NULL);
		if (u->failures > 0)
			due = u->last_try + retry_delay(u->failures, every);
		else
			due = u->last_ok + every;
		/* Without a schedule, only when asked. */
		if (!u->kick && every == 0) {
			pthread_cond_wait(&u->cond, &u->lock);
			continue;
		}
		if (!u->kick && due > now) {
			until.tv_sec = (time_t)due;
			until.tv_nsec = 0;
			pthread_cond_timedwait(&u->cond, &u->lock, &until);
			continue;
		}
		u->kick = 0;
		u->running = 1;
		u->last_try = now;
		pthread_mutex_unlock(&u->lock);
		server_log(u->srv, "update: started");
		status = run_child(u, &out, &said);
		pthread_mutex_lock(&u->lock);
		mem_free(u->out);
		mem_free(u->said);
		u->out = out;
		u->said = said;
		u->runs++;
		pthread_cond_broadcast(&u->ended);
		u->running = 0;
		u->last_status = status;
		if (status == 0) {
			u->failures = 0;
			u->last_ok = (int64_t)time(NULL);
			write_last_ok(u->state_path, u->last_ok);
		} else
			u->failures++;
		retry = status != 0 && u->every > 0 ? retry_delay(u->failures,
		    u->every) : 0;
		pthread_mutex_unlock(&u->lock);
		log_run(u, status, said, retry);
		pthread_mutex_lock(&u->lock);
	}
	pthread_mutex_unlock(&u->lock);
	return NULL;
}

int
updater_start(struct updater **out, struct server *s, struct chousa_err *err)
{
	struct updater *u;
	pthread_condattr_t ca;

	if (s->opts.update_exe == NULL)
		return chousa_errf(err, CHOUSA_EINVAL, "no program to run "
		    "updates with");
	u = mem_alloc(sizeof(*u));
	if (u == NULL)
		return chousa_errf(err, CHOUSA_ENOMEM, "out of memory");
	u->srv = s;
	u->every = s->opts.update_every;
	snprintf(u->state_path, sizeof(u->state_path), "%s.last-update",
	    s->db_path);
	u->last_ok = read_last_ok(u->state_path);
	pthread_mutex_init(&u->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_cond_init(&u->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&u->ended, NULL);
	if (pthread_create(&u->tid, NULL, updater_main, u) != 0) {
		pthread_cond_destroy(&u->cond);
		pthread_cond_destroy(&u->ended);
		pthread_mutex_destroy(&u->lock);
		mem_free(u);
		return chousa_errf(err, CHOUSA_ENOMEM, "cannot start a thread");
	}
	*out = u;
	return CHOUSA_OK;
}

void
updater_stop(struct updater *u)
{
	if (u == NULL)
		return;
	pthread_mutex_lock(&u->lock);
	u->stop = 1;
	/* A running update is rolled back by SQLite; the next start redoes it. */
	if (u->child > 0)
		kill(u->child, SIGTERM);
	pthread_cond_signal(&u->cond);
	pthread_mutex_unlock(&u->lock);
	pthread_join(u->tid, NULL);
	pthread_cond_destroy(&u->cond);
	pthread_cond_destroy(&u->ended);
	pthread_mutex_destroy(&u->lock);
	mem_free(u->out);
	mem_free(u->said);
	mem_free(u);
}

uint64_t
updater_ask(struct updater *u)
{
	uint64_t runs;

	pthread_mutex_lock(&u->lock);
	runs = u->runs;
	if (!u->running) {
		u->kick = 1;
		pthread_cond_signal(&u->cond);
	}
	pthread_mutex_unlock(&u->lock);
	return runs;
}

int
updater_wait(struct updater *u, uint64_t after, const int *stop,
    struct chousa_arena *a, struct update_report *rep)
{
	struct timespec ts;
	int ended;

	pthread_mutex_lock(&u->lock);
	while (u->runs <= after && !u->stop && !__atomic_load_n(stop,
	    __ATOMIC_RELAXED))
		pthread_cond_timedwait(&u->ended, &u->lock,
		    serve_deadline(&ts, 500));
	ended = u->runs > after;
	if (ended) {
		rep->status = u->last_status;
		rep->out = chousa_arena_strdup(a, u->out != NULL ? u->out : "");
		rep->said = chousa_arena_strdup(a, u->said != NULL ? u->said :
		    "");
	}
	pthread_mutex_unlock(&u->lock);
	return ended;
}

int
updater_kick(struct updater *u)
{
	int ok;

	pthread_mutex_lock(&u->lock);
	/* One asked for and not yet begun is as good as running. */
	ok = !u->running && !u->kick;
	if (ok) {
		u->kick = 1;
		pthread_cond_signal(&u->cond);
	}
	pthread_mutex_unlock(&u->lock);
	return ok;
}

void
updater_state(struct updater *u, struct update_state *out)
{
	pthread_mutex_lock(&u->lock);
	out->running = u->running || u->kick;
	out->last_ok = u->last_ok;
	out->last_try = u->last_try;
	out->last_status = u->last_status;
	out->failures = u->failures;
	out->every = u->every;
	pthread_mutex_unlock(&u->lock);
}

void
updater_set_every(struct updater *u, long every)
{
	pthread_mutex_lock(&u->lock);
	__atomic_store_n(&u->every, every, __ATOMIC_RELAXED);
	/* The wait under the old schedule ends, and the next is reckoned. */
	pthread_cond_broadcast(&u->cond);
	pthread_mutex_unlock(&u->lock);
}

void
updater_json(struct updater *u, struct chousa_jw *w)
{
	struct update_state st;

	updater_state(u, &st);
	chousa_jw_kbool(w, "scheduled", st.every > 0);
	chousa_jw_kint(w, "every", st.every);
	chousa_jw_kbool(w, "running", st.running);
	chousa_jw_kint(w, "last_ok", st.last_ok);
	chousa_jw_kint(w, "last_try", st.last_try);
	chousa_jw_kint(w, "last_status", st.last_status);
	chousa_jw_kint(w, "failures", st.failures);
}
