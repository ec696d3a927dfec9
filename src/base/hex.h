/*
 * hex.h: the value of one hexadecimal digit, for the decoders of %XX,
 * \xNN and \uXXXX escapes and of hex numbers.
 */
#ifndef CHOUSA_HEX_H
#define CHOUSA_HEX_H

/* 0..15 for 0-9, a-f, A-F; -1 for anything else, a negative char too. */
static inline int
chousa_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The byte two hexadecimal digits at p spell (0..255), or -1. */
static inline int
chousa_hex_byte(const char *p)
{
	int hi = chousa_hex_value((unsigned char)p[0]);
	int lo = hi < 0 ? -1 : chousa_hex_value((unsigned char)p[1]);

	return lo < 0 ? -1 : hi << 4 | lo;
}

#endif /* CHOUSA_HEX_H */
