/*
 * registry.c: every importer, in the order `chousa import --help` lists
 * them.  Adding a format is one file under src/store/import/ and one line here.
 */
#include <stddef.h>

#include "store/import/import.h"
#include "base/mem.h"

extern const struct importer importer_urlhaus, importer_threatfox,
	importer_feodo, importer_malwarebazaar, importer_malpedia,
	importer_warninglist, importer_stix, importer_misp, importer_list;

const struct importer *const importers[] = {
	&importer_urlhaus,
	&importer_threatfox,
	&importer_feodo,
	&importer_malwarebazaar,
	&importer_malpedia,
	&importer_warninglist,
	&importer_stix,
	&importer_misp,
	&importer_list,
	NULL
};
