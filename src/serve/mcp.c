/* mcp.c: the Model Context Protocol (filled in below). */
#include "serve/serve.h"

const struct route mcp_routes[] = {
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};

int
chousa_mcp_stdio(const char *db_path, const struct chousa_config *cfg,
    int allow_online, int in_fd, int out_fd, struct chousa_err *err)
{
	(void)db_path; (void)cfg; (void)allow_online; (void)in_fd;
	(void)out_fd;
	return chousa_errf(err, CHOUSA_EINVAL, "not yet");
}
