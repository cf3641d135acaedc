/*
 * mime-words.c -- decode RFC 2047 encoded words in header values for
 * display (feeds, pages), and encode UTF-8 text for headers the server
 * writes itself (the notices of hearth.inbox).
 *
 * "=?charset?Q|B?text?=" in UTF-8, US-ASCII or ISO-8859-1 is decoded
 * (Latin-1 converted to UTF-8); other charsets and malformed words stay
 * as they are.  White space between two encoded words is dropped
 * (RFC 2047 §6.2).  The result may hold any bytes: writers clean it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime-words.h"
#include "sasl.h"
#include "xmalloc.h"

static int
hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Append LEN bytes of CHARSET text to OUT (UTF-8). */
static void
put_text(char **out, size_t *o, const unsigned char *p, size_t len,
    int latin1)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (latin1 && p[i] >= 0x80) {
			(*out)[(*o)++] = (char)(0xc0 | p[i] >> 6);
			(*out)[(*o)++] = (char)(0x80 | (p[i] & 0x3f));
		} else
			(*out)[(*o)++] = (char)p[i];
	}
}

/*
 * Decode the word at S (starting "=?"); on success append it to OUT and
 * return the number of input bytes used, else 0.
 */
static size_t
decode_word(const char *s, char **out, size_t *o)
{
	const char	*cs, *q1, *q2, *end;
	unsigned char	*buf = NULL, *dec;
	size_t		 n, i, dlen = 0;
	int		 latin1, b64;

	cs = s + 2;
	if ((q1 = strchr(cs, '?')) == NULL || q1[1] == '\0' || q1[2] != '?')
		return 0;
	if ((end = strstr(q1 + 3, "?=")) == NULL)
		return 0;
	q2 = q1 + 3;
	n = (size_t)(q1 - cs);
	if (n == 5 && strncasecmp(cs, "UTF-8", 5) == 0)
		latin1 = 0;
	else if ((n == 8 && strncasecmp(cs, "US-ASCII", 8) == 0))
		latin1 = 0;
	else if ((n == 10 && strncasecmp(cs, "ISO-8859-1", 10) == 0) ||
	    (n == 12 && strncasecmp(cs, "WINDOWS-1252", 12) == 0))
		latin1 = 1;
	else
		return 0;
	if (q1[1] == 'B' || q1[1] == 'b')
		b64 = 1;
	else if (q1[1] == 'Q' || q1[1] == 'q')
		b64 = 0;
	else
		return 0;
	n = (size_t)(end - q2);
	if (b64) {
		if (base64_decode(q2, n, &dec, &dlen) != 0)
			return 0;
		buf = dec;
	} else {
		buf = xmalloc(n + 1);
		for (i = 0; i < n; i++) {
			if (q2[i] == '_')
				buf[dlen++] = ' ';
			else if (q2[i] == '=' && i + 2 < n &&
			    hexv(q2[i + 1]) >= 0 && hexv(q2[i + 2]) >= 0) {
				buf[dlen++] = (unsigned char)(hexv(q2[i + 1]) <<
				    4 | hexv(q2[i + 2]));
				i += 2;
			} else
				buf[dlen++] = (unsigned char)q2[i];
		}
	}
	put_text(out, o, buf, dlen, latin1);
	free(buf);
	return (size_t)(end + 2 - s);
}

char *
mime_words_decode(const char *in)
{
	size_t	 len = strlen(in), i = 0, o = 0, used, j;
	char	*out = xmalloc(len * 2 + 1);
	int	 last_was_word = 0;

	while (i < len) {
		if (in[i] == '=' && in[i + 1] == '?' &&
		    (used = decode_word(in + i, &out, &o)) > 0) {
			i += used;
			last_was_word = 1;
			continue;
		}
		if (last_was_word && (in[i] == ' ' || in[i] == '\t')) {
			/* Space between two encoded words is not text. */
			for (j = i; j < len && (in[j] == ' ' || in[j] == '\t');
			    j++)
				;
			if (j + 1 < len && in[j] == '=' && in[j + 1] == '?') {
				i = j;
				continue;
			}
		}
		last_was_word = 0;
		out[o++] = in[i++];
	}
	out[o] = '\0';
	return out;
}

/* Bytes of text per encoded word: 4/3 of 45 is 60, plus 12 is 72. */
#define WORD_TEXT_MAX	45

char *
mime_words_encode(const char *in)
{
	size_t	 len = strlen(in), i, o = 0, n, cap;
	char	*out, *b64, *clean;
	int	 ascii = 1;

	/* Control characters cannot stay in a header line. */
	clean = xstrdup(in);
	for (i = 0; i < len; i++) {
		if ((unsigned char)clean[i] < 0x20 || clean[i] == 0x7f)
			clean[i] = ' ';
		else if ((unsigned char)clean[i] >= 0x80)
			ascii = 0;
	}
	/* "=?" in plain text would read as the start of a word. */
	if (ascii && strstr(clean, "=?") == NULL)
		return clean;
	cap = (len / WORD_TEXT_MAX + 1) * 80 + 1;
	out = xmalloc(cap);
	for (i = 0; i < len; i += n) {
		n = len - i > WORD_TEXT_MAX ? WORD_TEXT_MAX : len - i;
		/* Never split a UTF-8 sequence between two words. */
		while (n > 1 && i + n < len &&
		    ((unsigned char)clean[i + n] & 0xc0) == 0x80)
			n--;
		b64 = base64_encode((const unsigned char *)clean + i, n);
		o += (size_t)snprintf(out + o, cap - o, "%s=?UTF-8?B?%s?=",
		    i > 0 ? " " : "", b64);
		free(b64);
	}
	out[o] = '\0';
	free(clean);
	return out;
}
