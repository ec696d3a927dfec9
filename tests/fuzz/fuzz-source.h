/*
 * fuzz-source.h: the body shared by the online sources' fuzz targets.
 * Each fuzz-source-<name>.c defines SOURCE and includes this: the input
 * is an answer fed to that source's parse hook (struct chousa_source),
 * with no network.  The first byte picks the kind of answer (low 4 bits,
 * which the source takes modulo its count of kinds, named in its file)
 * and the subject asked about (high 4 bits), so that the checks that
 * compare records with the subject (ThreatFox's ip:port, InQuest's
 * keyword matches, OTX's URL list) are fuzzed too; the rest is the body.
 * Any input must end in a clean status.
 */
#include <stdint.h>
#include <stdlib.h>

#include "chousa.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
fuzz_subject(uint8_t b)
{
	static const char *const subjects[] = {
		NULL, "1.2.3.4", "example.com", "http://example.com/a.exe",
		"2001:db8::1",
		"275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f",
		"44d88612fea8a8f36de82e1278abb02f", "www.example.com"
	};

	return subjects[(b >> 4) % (sizeof(subjects) / sizeof(subjects[0]))];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct chousa_source *src = chousa_source_find(SOURCE);
	struct chousa_arena *a;
	struct chousa_finding f;

	/* A target whose source has no parser is a build mistake. */
	if (src == NULL || src->parse == NULL)
		abort();
	if (size < 1 || chousa_arena_new(&a, 64 << 20, NULL) != CHOUSA_OK)
		return 0;
	f = (struct chousa_finding){ 0 };
	src->parse(fuzz_subject(data[0]), (const char *)data + 1, size - 1,
	    data[0] & 15, a, &f);
	chousa_arena_free(a);
	return 0;
}
