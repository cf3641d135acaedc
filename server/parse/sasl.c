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

/*
 * SASLprep (RFC 4013) of a password, as far as this code base goes: the
 * mapping step (section 2.1) -- characters "commonly mapped to nothing"
 * (RFC 3454 table B.1: soft hyphen, joiners, variation selectors, the
 * byte order mark...) removed, non-ASCII spaces (table C.1.2) made
 * U+0020 -- but no NFKC normalisation (there are no Unicode tables
 * here).  Passwords are valid UTF-8 without control characters (see
 * account_password_acceptable()), and typed text in precomposed form
 * (ASCII, Cyrillic, most Latin letters with accents) is already NFKC,
 * so for those this is the whole of SASLprep.  Input that is not valid
 * UTF-8 is used as it is, as RFC 5802 section 5.1 allows when
 * preparation fails.  Returns a new string the caller wipes and frees.
 */
static int
prep_nothing(uint32_t cp)
{
	return cp == 0x00ad || cp == 0x034f || cp == 0x1806 ||
	    (cp >= 0x180b && cp <= 0x180d) || (cp >= 0x200b && cp <= 0x200d) ||
	    cp == 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp == 0xfeff;
}

static int
prep_space(uint32_t cp)
{
	return cp == 0x00a0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200b)
	    || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

char *
sasl_prep_password(const char *pw)
{
	size_t		 len = strlen(pw), i = 0, n, o = 0;
	uint32_t	 cp;
	char		*out;

	if (!utf8_valid(pw, len))
		return xstrdup(pw);
	out = xmalloc(len + 1);
	while (i < len) {
		n = utf8_decode(pw + i, len - i, &cp);
		if (n == 0) {
			sasl_wipe(out, len + 1);
			free(out);
			return xstrdup(pw);
		}
		if (prep_nothing(cp))
			;
		else if (prep_space(cp))
			out[o++] = ' ';
		else {
			memcpy(out + o, pw + i, n);
			o += n;
		}
		i += n;
	}
	out[o] = '\0';
	return out;
}

/*
 * SCRAM (RFC 5802 section 7) message parsing.  Attribute values are
 * "printable" (%x21-7E but ','), saslnames escape ',' and '=' as "=2C"
 * and "=3D".
 */

/* Decode the saslname P[0..N) into a new string, or NULL if malformed. */
static char *
scram_saslname(const char *p, size_t n)
{
	char	*out = xmalloc(n + 1), *o = out;
	size_t	 i;

	if (n == 0 || n > SCRAM_NAME_MAX)
		goto bad;
	for (i = 0; i < n; i++) {
		if (p[i] == '\0' || p[i] == ',')
			goto bad;
		if (p[i] != '=') {
			*o++ = p[i];
			continue;
		}
		if (i + 2 < n && p[i + 1] == '2' && p[i + 2] == 'C')
			*o++ = ',';
		else if (i + 2 < n && p[i + 1] == '3' && p[i + 2] == 'D')
			*o++ = '=';
		else
			goto bad;
		i += 2;
	}
	*o = '\0';
	if (!utf8_valid(out, (size_t)(o - out)))
		goto bad;
	return out;
bad:
	free(out);
	return NULL;
}

/* Is P[0..N) a non-empty run of "printable" (RFC 5802: no ',')? */
static int
scram_printable(const char *p, size_t n)
{
	size_t	i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e || p[i] == ',')
			return 0;
	return 1;
}

/*
 * The next attribute of the comma-separated MSG at *POS: its letter in
 * *ATTR and value in *VAL, *VLEN; *POS moves past it and its comma.
 * -1 at the end or for a malformed attribute ("x=" form).
 */
static int
scram_attr(const char *msg, size_t len, size_t *pos, char *attr,
    const char **val, size_t *vlen)
{
	const char	*p = msg + *pos, *end = msg + len, *comma;

	if (*pos >= len || end - p < 2 || p[1] != '=' ||
	    !((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')))
		return -1;
	comma = memchr(p, ',', (size_t)(end - p));
	if (comma == NULL)
		comma = end;
	*attr = p[0];
	*val = p + 2;
	*vlen = (size_t)(comma - p - 2);
	*pos = (size_t)(comma - msg) + (comma < end ? 1 : 0);
	if (comma < end && *pos == len)
		return -1;	/* a trailing comma */
	return 0;
}

void
sasl_scram_first_free(struct scram_first *f)
{
	free(f->gs2);
	free(f->authzid);
	free(f->user);
	free(f->nonce);
	free(f->bare);
	memset(f, 0, sizeof *f);
}

int
sasl_scram_first(const unsigned char *buf, size_t len, struct scram_first *f)
{
	const char	*msg = (const char *)buf, *val, *c1, *c2;
	size_t		 pos, vlen;
	char		 attr;
	int		 rc = SCRAM_BAD;

	memset(f, 0, sizeof *f);
	if (len == 0 || memchr(msg, '\0', len) != NULL ||
	    !utf8_valid(msg, len))
		return SCRAM_BAD;
	/* gs2-header: cbind flag "," [ authzid ] "," */
	if ((c1 = memchr(msg, ',', len)) == NULL)
		return SCRAM_BAD;
	if ((c2 = memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - msg))) == NULL)
		return SCRAM_BAD;
	if (c1 - msg == 1 && (msg[0] == 'n' || msg[0] == 'y'))
		f->cbflag = msg[0];
	else if (c1 - msg > 2 && msg[0] == 'p' && msg[1] == '=') {
		f->cbflag = 'p';
		rc = SCRAM_CBIND;	/* channel binding: not offered */
		goto fail;
	} else
		goto fail;
	if (c2 > c1 + 1) {
		if (c2 - c1 < 4 || c1[1] != 'a' || c1[2] != '=' ||
		    (f->authzid = scram_saslname(c1 + 3,
		    (size_t)(c2 - c1 - 3))) == NULL)
			goto fail;
	}
	f->gs2 = xstrndup(msg, (size_t)(c2 + 1 - msg));
	f->bare = xstrndup(c2 + 1, len - (size_t)(c2 + 1 - msg));
	/* client-first-message-bare: [m=...,] n=user,r=nonce[,ext...] */
	msg = f->bare;
	len = strlen(f->bare);
	pos = 0;
	if (scram_attr(msg, len, &pos, &attr, &val, &vlen) != 0)
		goto fail;
	if (attr == 'm') {
		rc = SCRAM_EXTENSION;	/* a mandatory extension we lack */
		goto fail;
	}
	if (attr != 'n' || (f->user = scram_saslname(val, vlen)) == NULL)
		goto fail;
	if (scram_attr(msg, len, &pos, &attr, &val, &vlen) != 0 ||
	    attr != 'r' || vlen > SCRAM_NONCE_MAX ||
	    !scram_printable(val, vlen))
		goto fail;
	f->nonce = xstrndup(val, vlen);
	/* Optional extensions are ignored, but must be well-formed. */
	while (pos < len)
		if (scram_attr(msg, len, &pos, &attr, &val, &vlen) != 0)
			goto fail;
	return SCRAM_OK;
fail:
	sasl_scram_first_free(f);
	return rc;
}

void
sasl_scram_final_free(struct scram_final *f)
{
	free(f->cbind);
	free(f->nonce);
	free(f->without_proof);
	sasl_wipe(f->proof, sizeof f->proof);
	memset(f, 0, sizeof *f);
}

int
sasl_scram_final(const unsigned char *buf, size_t len, struct scram_final *f)
{
	const char	*msg = (const char *)buf, *val, *last;
	unsigned char	*proof;
	size_t		 pos = 0, vlen, plen;
	char		 attr;

	memset(f, 0, sizeof *f);
	if (len == 0 || memchr(msg, '\0', len) != NULL ||
	    !utf8_valid(msg, len))
		return SCRAM_BAD;
	/* channel-binding "," nonce ["," extensions] "," proof */
	if (scram_attr(msg, len, &pos, &attr, &val, &vlen) != 0 ||
	    attr != 'c' || vlen == 0)
		goto fail;
	f->cbind = xstrndup(val, vlen);
	if (scram_attr(msg, len, &pos, &attr, &val, &vlen) != 0 ||
	    attr != 'r' || !scram_printable(val, vlen))
		goto fail;
	f->nonce = xstrndup(val, vlen);
	for (;;) {
		last = msg + pos;
		if (scram_attr(msg, len, &pos, &attr, &val, &vlen) != 0)
			goto fail;
		if (attr == 'p' && pos == len)
			break;
	}
	if (last == msg)
		goto fail;
	f->without_proof = xstrndup(msg, (size_t)(last - 1 - msg));
	if (base64_decode(val, vlen, &proof, &plen) != 0)
		goto fail;
	if (plen != sizeof f->proof) {
		sasl_wipe(proof, plen);
		free(proof);
		goto fail;
	}
	memcpy(f->proof, proof, sizeof f->proof);
	free(proof);
	return SCRAM_OK;
fail:
	sasl_scram_final_free(f);
	return SCRAM_BAD;
}
