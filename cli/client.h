/*
 * client.h: what the commands of `chousa --server URL` share (cli/client.c,
 * cli/client-export.c): a request being built, and its exchange with the
 * team server.
 */
#ifndef CHOUSA_CLI_CLIENT_H
#define CHOUSA_CLI_CLIENT_H

#include "cli.h"

struct remote {
	struct chousa_config	*cfg;
	const char		*url;	/* as given */
	int			 url_len;	/* without its trailing / */
	const char		*path;	/* of the last request sent */
	struct chousa_buf	 q;	/* the query string */
	struct chousa_buf	 body;
	struct chousa_jw	 w;	/* the JSON body, into body */
	const char		*ctype;
	/* Or a body read as it is sent (a log to sweep), of body_size. */
	long			(*read_body)(void *arg, char *buf, size_t n);
	void			*read_arg;
	int64_t			 body_size;
	struct cli_progress	*progress;	/* ended before the answer */
	/*
	 * The local command flushes its output before the warnings that
	 * close it (investigate's "left out" note): said so here too.
	 */
	int			 flush_before_closing;
};

/* How a request ended. */
struct remote_answer {
	int			 rc;	/* CHOUSA_OK: an HTTP answer came */
	char			 why[200];	/* when it did not */
	int			 timed_out;	/* enum chousa_http_timeout */
	long			 status;
	struct chousa_buf	 body;	/* unless handed to a write_body */
	char			*headers;	/* sink->keep_headers', or NULL */
};

void	remote_init(struct remote *rm);
/* &key=value, percent-encoded, onto the query. */
void	remote_query(struct remote *rm, const char *key, const char *value);
/* The long name of option id in cmd's table ("format"), or "". */
const char *remote_opt_name(const struct cli_cmd *cmd, int id);
/*
 * Send rm's request to path?lead&query with the token and wait for its
 * end.  sink, when given, sets write_body and keep_headers.  Exits on a
 * failure to send; a transport failure is a->rc.
 */
void	remote_call(struct remote *rm, const char *method, const char *path,
	    const char *lead, const struct chousa_http_req *sink,
	    struct remote_answer *a);
void	remote_answer_release(struct remote_answer *a);
/* The lead of a request answered in the CLI's frame (src/serve/server.c). */
#define REMOTE_FRAMED	"cli=1&frame=2"
/*
 * A request that got no answer (a->rc not CHOUSA_OK): said in one line
 * that names the server, and the setting when a time-out ended it; exit 4.
 */
_Noreturn void remote_unanswered(struct remote *rm, struct remote_answer *a);
/*
 * Print a's frame, its warnings and output as the local command would,
 * and return the exit status it carries; exits when there is none.
 */
int	remote_framed(struct remote *rm, struct remote_answer *a);

/* Answers in frame 2 joined as one command's output (remote_framed_join). */
struct remote_join {
	int	 is_array;	/* "[", items apart by ',', "]\n" */
	int	 is_first, is_last;	/* of the answers */
	int	 items_before;	/* an earlier answer wrote an item */
	/* Of the answer being printed: */
	size_t	 pos, total;	/* output bytes written, in all */
	int	 has_items;
};
/* remote_framed for one of several answers joined; join NULL is one. */
int	remote_framed_join(struct remote *rm, struct remote_answer *a,
	    struct remote_join *join);

/* chousa --server URL export (cli/client-export.c). */
int	remote_export(const struct cli_cmd *self, int argc, char **argv);

#endif
