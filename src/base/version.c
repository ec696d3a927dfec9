/*
 * version.c: the versions of the libraries chousa runs with, asked here so
 * that the front end needs none of their headers.  curl_version() goes
 * through the run-time loading shim (src/base/dynlib-curl.c).
 */
#include <curl/curl.h>
#include <idn2.h>
#include <libpsl.h>
#include <sqlite3.h>

#include "chousa.h"

void
chousa_library_versions(struct chousa_library_versions *out)
{
	out->sqlite = sqlite3_libversion();
	out->curl = curl_version();
	out->libpsl = psl_get_version();
	out->libidn2 = idn2_check_version(NULL);
}
