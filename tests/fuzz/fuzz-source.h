/*
 * fuzz-source.h: what every online source's fuzz target shares.  The
 * first byte of an input picks the answer kind (low 4 bits) and the
 * subject asked about (high 4 bits), so that the checks that compare
 * records with the subject (ThreatFox's ip:port, InQuest's keyword
 * matches, OTX's URL list) are fuzzed too.
 */
#ifndef CHOUSA_FUZZ_SOURCE_H
#define CHOUSA_FUZZ_SOURCE_H

#include <stdint.h>

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

#define FUZZ_KIND(b)	((b) & 15)

#endif /* CHOUSA_FUZZ_SOURCE_H */
