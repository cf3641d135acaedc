/*
 * sasl.c -- base64 and SASL PLAIN (RFC 4616) decoding, IRC AUTHENTICATE
 * chunk accumulation.
 *
 * A client sends its SASL response base64-encoded in AUTHENTICATE lines
 * of at most 400 bytes; a line of exactly 400 bytes means more follow,
 * and "+" stands for an empty line. struct sasl_buf collects the lines,
 * then base64_decode() and sasl_plain_decode() take the result apart.
 */
#include <stdlib.h>
#include <string.h>

#include "sasl.h"
#include "utf8.h"
#include "xmalloc.h"

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * Overwrite n bytes at p with zeroes in a way the compiler may not drop
 * as a dead store, like explicit_bzero() but with no platform or
 * libcrypto dependency in this pure module.
 */
static void
sasl_wipe(void *p, size_t n)
{
	volatile unsigned char	*v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* Value of a base64 digit, or -1 for anything else (including '='). */
static int
base64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Decode inlen bytes of base64 (RFC 4648 section 4) into *out, which the
 * caller frees, and its length into *outlen. Strict: the input must be
 * padded to a multiple of four, '=' may only end the last group, the
 * bits padding leaves unused must be zero and nothing else (whitespace
 * included) is allowed. Empty input decodes to zero bytes. Returns 0, or
 * -1 with *out NULL and *outlen 0.
 */
int
base64_decode(const char *in, size_t inlen, unsigned char **out,
    size_t *outlen)
{
	unsigned char	*buf;
	size_t		 i, o;
	int		 v[4], k, last;

	*out = NULL;
	*outlen = 0;
	if (inlen % 4 != 0)
		return -1;

	buf = xmalloc(inlen / 4 * 3 + 1);
	for (i = 0, o = 0; i < inlen; i += 4) {
		last = (i + 4 == inlen);
		for (k = 0; k < 4; k++)
			v[k] = base64_value((unsigned char)in[i + k]);
		if (v[0] < 0 || v[1] < 0)
			goto fail;
		buf[o++] = (unsigned char)(v[0] << 2 | v[1] >> 4);

		if (v[2] < 0) {
			/* Only "xx==" may end the input. */
			if (!last || in[i + 2] != '=' || in[i + 3] != '=' ||
			    (v[1] & 0x0f) != 0)
				goto fail;
			break;
		}
		buf[o++] = (unsigned char)((v[1] & 0x0f) << 4 | v[2] >> 2);

		if (v[3] < 0) {
			if (!last || in[i + 3] != '=' || (v[2] & 0x03) != 0)
				goto fail;
			break;
		}
		buf[o++] = (unsigned char)((v[2] & 0x03) << 6 | v[3]);
	}
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	return 0;

fail:
	sasl_wipe(buf, inlen / 4 * 3 + 1);
	free(buf);
	return -1;
}

/* Encode len bytes as padded base64. The caller frees the result. */
char *
base64_encode(const unsigned char *in, size_t len)
{
	char		*out, *o;
	size_t		 i;
	unsigned long	 v;

	o = out = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned long)in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		*o++ = base64_alphabet[v >> 18 & 0x3f];
		*o++ = base64_alphabet[v >> 12 & 0x3f];
		*o++ = base64_alphabet[v >> 6 & 0x3f];
		*o++ = base64_alphabet[v & 0x3f];
	}
	if (i < len) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		*o++ = base64_alphabet[v >> 18 & 0x3f];
		*o++ = base64_alphabet[v >> 12 & 0x3f];
		*o++ = i + 1 < len ? base64_alphabet[v >> 6 & 0x3f] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

/* Is this PLAIN field acceptable: short enough and valid UTF-8? */
static int
sasl_plain_field_ok(const unsigned char *p, size_t len, int may_be_empty)
{
	if (len == 0)
		return may_be_empty;
	if (len > SASL_PLAIN_FIELD_MAX)
		return 0;
	return utf8_valid((const char *)p, len);
}

/*
 * Split a decoded SASL PLAIN message, "[authzid] NUL authcid NUL passwd"
 * (RFC 4616). There must be exactly two NULs; authcid and passwd must not
 * be empty; every field is at most SASL_PLAIN_FIELD_MAX bytes of valid
 * UTF-8. On success returns 0 and sets the three outputs to new strings
 * (authzid is "" when absent) which the caller frees, after wiping
 * *passwd with explicit_bzero() or OPENSSL_cleanse(). On failure returns
 * -1 with all three set to NULL. buf itself is not wiped here.
 */
int
sasl_plain_decode(const unsigned char *buf, size_t len, char **authzid,
    char **authcid, char **passwd)
{
	const unsigned char	*nul1, *nul2, *end = buf + len;
	size_t			 zlen, clen, plen;

	*authzid = *authcid = *passwd = NULL;
	if ((nul1 = memchr(buf, '\0', len)) == NULL)
		return -1;
	if ((nul2 = memchr(nul1 + 1, '\0', end - nul1 - 1)) == NULL)
		return -1;
	if (memchr(nul2 + 1, '\0', end - nul2 - 1) != NULL)
		return -1;

	zlen = nul1 - buf;
	clen = nul2 - nul1 - 1;
	plen = end - nul2 - 1;
	if (!sasl_plain_field_ok(buf, zlen, 1) ||
	    !sasl_plain_field_ok(nul1 + 1, clen, 0) ||
	    !sasl_plain_field_ok(nul2 + 1, plen, 0))
		return -1;

	*authzid = xstrndup((const char *)buf, zlen);
	*authcid = xstrndup((const char *)nul1 + 1, clen);
	*passwd = xstrndup((const char *)nul2 + 1, plen);
	return 0;
}

/* Start an empty accumulator. */
void
sasl_buf_init(struct sasl_buf *sb)
{
	memset(sb, 0, sizeof *sb);
	sb->state = SASL_BUF_MORE;
}

/* Is every byte of chunk a base64 digit or '='? */
static int
sasl_chunk_chars_ok(const char *chunk)
{
	for (; *chunk != '\0'; chunk++) {
		if (*chunk != '=' && base64_value((unsigned char)*chunk) < 0)
			return 0;
	}
	return 1;
}

/*
 * Add the parameter of one AUTHENTICATE line. A chunk of exactly
 * SASL_CHUNK_LEN bytes returns SASL_BUF_MORE; a shorter one, or "+",
 * ends the response with SASL_BUF_DONE. Past SASL_BUF_MAX bytes in all
 * the result is SASL_BUF_TOOLONG; an empty or over-long chunk, one with
 * a byte outside the base64 alphabet, or any chunk after the end gives
 * SASL_BUF_BAD. Once not MORE, the state sticks until sasl_buf_free().
 * The caller deals with "AUTHENTICATE *" (abort) itself.
 */
int
sasl_buf_add(struct sasl_buf *sb, const char *chunk)
{
	char	*nbuf;
	size_t	 n, ncap;

	if (sb->state != SASL_BUF_MORE)
		return sb->state == SASL_BUF_DONE ? SASL_BUF_BAD : sb->state;

	if (strcmp(chunk, "+") == 0)
		return sb->state = SASL_BUF_DONE;
	n = strlen(chunk);
	if (n == 0 || n > SASL_CHUNK_LEN || !sasl_chunk_chars_ok(chunk))
		return sb->state = SASL_BUF_BAD;
	if (sb->len + n > SASL_BUF_MAX)
		return sb->state = SASL_BUF_TOOLONG;

	if (sb->len + n + 1 > sb->cap) {
		/* Grow by hand so the old copy can be wiped. */
		ncap = sb->cap == 0 ? 512 : sb->cap;
		while (ncap < sb->len + n + 1)
			ncap *= 2;
		nbuf = xmalloc(ncap);
		if (sb->data != NULL) {
			memcpy(nbuf, sb->data, sb->len);
			sasl_wipe(sb->data, sb->cap);
			free(sb->data);
		}
		sb->data = nbuf;
		sb->cap = ncap;
	}
	memcpy(sb->data + sb->len, chunk, n);
	sb->len += n;
	sb->data[sb->len] = '\0';

	if (n == SASL_CHUNK_LEN)
		return SASL_BUF_MORE;
	return sb->state = SASL_BUF_DONE;
}

/*
 * Decode the collected response into *out (caller wipes and frees) and
 * *outlen. An empty response ("+") gives zero bytes. Returns 0, or -1 if
 * the response is not complete or not valid base64.
 */
int
sasl_buf_decode(struct sasl_buf *sb, unsigned char **out, size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (sb->state != SASL_BUF_DONE)
		return -1;
	return base64_decode(sb->data != NULL ? sb->data : "", sb->len, out,
	    outlen);
}

/* Wipe and free the collected data; sb is then as after sasl_buf_init. */
void
sasl_buf_free(struct sasl_buf *sb)
{
	if (sb->data != NULL) {
		sasl_wipe(sb->data, sb->cap);
		free(sb->data);
	}
	sasl_buf_init(sb);
}
