/* web.c: the web page (filled in below). */
#include "serve/serve.h"

const struct route web_routes[] = {
	{ NULL, 0, 0, 0, 0, NULL, NULL }
};
