/*
 * admin-protocol.c -- word encoding of the admin socket protocol.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "admin-protocol.h"
#include "xmalloc.h"

static int
plain_byte(unsigned char ch)
{
	return isalnum(ch) || (ch != 0 && strchr("-._~:/#+@=,", ch) != NULL);
}

char *
admin_encode(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 n = strlen(s), i, j = 0;
	char			*out;

	out = xmalloc(n * 3 + 1);
	for (i = 0; i < n; i++) {
		unsigned char	ch = (unsigned char)s[i];

		if (plain_byte(ch))
			out[j++] = (char)ch;
		else {
			out[j++] = '%';
			out[j++] = hex[ch >> 4];
			out[j++] = hex[ch & 15];
		}
	}
	out[j] = '\0';
	return out;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
admin_decode(char *s)
{
	char	*r = s, *w = s;

	while (*r != '\0') {
		if (*r == '%') {
			int	hi, lo;

			if ((hi = hexval(r[1])) < 0 || (lo = hexval(r[2])) < 0)
				return -1;
			if (hi == 0 && lo == 0)
				return -1;
			*w++ = (char)(hi << 4 | lo);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return 0;
}

int
admin_split(char *line, char **words, int max)
{
	char	*p = line;
	int	 n = 0;

	while (*p != '\0') {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == max)
			return -1;
		words[n++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	for (int i = 0; i < n; i++)
		if (admin_decode(words[i]) != 0)
			return -1;
	return n;
}
