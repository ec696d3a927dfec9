/*
 * test-digest.c: the digests exports name and encode with (src/base/
 * digest.c): version 5 UUIDs (RFC 9562's DNS namespace example and the
 * STIX namespace), MD5 across the padding boundaries (RFC 1321's empty
 * string), base64 with every padding (RFC 4648 section 10); the expected
 * values come from Python's uuid, hashlib and base64.
 */
#include <string.h>

#include "chousa.h"
#include "base/digest.h"
#include "t.h"

static const unsigned char ns_dns[16] = { 0x6b, 0xa7, 0xb8, 0x10, 0x9d,
    0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
static const unsigned char ns_stix[16] = { 0x00, 0xab, 0xed, 0xb4, 0xaa,
    0x42, 0x58, 0x1e, 0x8e, 0x1c, 0x9c, 0x6b, 0x1e, 0x5f, 0x5a, 0x4b };

static void
test_uuid5(void)
{
	char out[37], name[101];
	size_t len;

	digest_uuid5(out, ns_dns, "www.example.com", 15);
	T_STREQ("uuid5_dns_example", out,
	    "2ed6657d-e927-568b-95e1-2665a8aea6a2");
	memset(name, 'x', 100);
	digest_uuid5(out, ns_stix, name, 100);
	T_STREQ("uuid5_two_blocks", out,
	    "2d8a4653-ccce-5dc2-adb1-c26ee7540330");
	digest_uuid5_with(out, ns_dns, "www.example.com", 15, 0);
	T_STREQ("uuid5_builtin_dns_example", out,
	    "2ed6657d-e927-568b-95e1-2665a8aea6a2");
	digest_uuid5_with(out, ns_stix, name, 100, 0);
	T_STREQ("uuid5_builtin_two_blocks", out,
	    "2d8a4653-ccce-5dc2-adb1-c26ee7540330");
	for (len = 0; len <= 100; len++) {
		char other[37];

		digest_uuid5_with(out, ns_stix, name, len, 1);
		digest_uuid5_with(other, ns_stix, name, len, 0);
		if (strcmp(out, other) != 0)
			break;
	}
	T_INTEQ("uuid5_libcrypto_agrees_every_length", len, 101);
}

static void
test_md5(void)
{
	char out[33], a[200];

	memset(a, 'a', sizeof(a));
	digest_md5_hex(out, "", 0);
	T_STREQ("md5_empty", out, "d41d8cd98f00b204e9800998ecf8427e");
	digest_md5_hex(out, a, 55);
	T_STREQ("md5_55_one_block", out, "ef1772b6dff9a122358552954ad0df65");
	digest_md5_hex(out, a, 56);
	T_STREQ("md5_56_two_blocks", out, "3b0c8ac703f828b04c6c197006d17218");
	digest_md5_hex(out, a, 200);
	T_STREQ("md5_200", out, "887f30b43b2867f4a9accceee7d16e6c");
}

static void
test_base64(void)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob" };
	static const char *const want[] = { "", "Zg==", "Zm8=", "Zm9v",
	    "Zm9vYg==" };
	struct chousa_buf b;
	size_t i;

	chousa_buf_init(&b, 0);
	for (i = 0; i < 5; i++) {
		chousa_buf_reset(&b);
		digest_base64(&b, in[i], strlen(in[i]));
		T_STREQ("base64_rfc4648", b.data, want[i]);
	}
	chousa_buf_reset(&b);
	digest_base64(&b, "\xff\xfe\x00", 3);
	T_STREQ("base64_binary", b.data, "//4A");
	chousa_buf_release(&b);
}

int
main(void)
{
	test_uuid5();
	test_md5();
	test_base64();
	return T_DONE();
}
