/*
 * mime-words.c -- charsets for display and for the articles the server
 * writes: RFC 2047 encoded words decoded (feeds, pages, hearthmod,
 * Helper, hearth.queue) and made (announcements, hearth.queue,
 * hearth.inbox); bodies in a declared charset and transfer encoding
 * turned into UTF-8 text.  The stored article is never changed: this
 * is only ever applied to a copy for showing.
 *
 * Conversion is glibc's iconv: any charset it knows (KOI8-R, KOI8-U,
 * windows-1251, ISO-8859-5, ISO-8859-1/15, CP866, ...).  The result is
 * always valid UTF-8; writers still clean control characters.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime-words.h"
#include "sasl.h"
#include "utf8.h"
#include "xmalloc.h"

/* A growing byte buffer, always NUL-terminated. */
struct sbuf {
	char	*p;
	size_t	 len, cap;
};

static void
sb_add(struct sbuf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2 + 64;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n > 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append N bytes that should be UTF-8; each byte that is not, U+FFFD. */
static void
sb_add_utf8(struct sbuf *b, const char *s, size_t n)
{
	size_t	i = 0, k, run = 0;

	/* Valid runs are copied whole: a body is mostly one run. */
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i += utf8_ascii_run(s + i, n - i);
		} else if ((k = utf8_char_len(s + i, n - i)) > 0) {
			i += k;
		} else {
			sb_add(b, s + run, i - run);
			sb_add(b, "\xef\xbf\xbd", 3);
			run = ++i;
		}
	}
	if (i > run)
		sb_add(b, s + run, i - run);
}

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

/* Is the charset name one that means UTF-8 text (or a subset)? */
static int
is_utf8_name(const char *cs)
{
	return strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "UTF8") == 0 ||
	    strcasecmp(cs, "US-ASCII") == 0 || strcasecmp(cs, "ASCII") == 0;
}

/*
 * A charset name iconv may be given: letters, digits and "-_.:", at
 * most 40 bytes (no "//" suffixes, no paths).
 */
static int
plain_charset_name(const char *cs)
{
	size_t	i;

	for (i = 0; cs[i] != '\0'; i++)
		if (!isalnum((unsigned char)cs[i]) && strchr("-_.:", cs[i]) ==
		    NULL)
			return 0;
	return i > 0 && i <= 40;
}

/*
 * Is CHARSET one of the Latin-1 family, which old newsreaders declare
 * by default whatever they send?  In those, a valid UTF-8 sequence is
 * almost never meant as two or three Latin-1 characters ("Ã©"), so it
 * is taken as UTF-8 (mislabelled text, or a UTF-8 quote in a Latin-1
 * post).  Cyrillic charsets are never guessed at.
 */
static int
is_latin1_family(const char *cs)
{
	static const char *const names[] = { "ISO-8859-1", "ISO8859-1",
	    "ISO_8859-1", "latin1", "ISO-8859-15", "ISO8859-15", "latin9",
	    "windows-1252", "cp1252", NULL };
	size_t	i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(cs, names[i]) == 0)
			return 1;
	return 0;
}

/* Convert the LEN bytes at IN through CD, appending to B. */
static void
iconv_run(iconv_t cd, struct sbuf *b, const char *in, size_t len)
{
	char	 out[1024], *ip = (char *)(uintptr_t)in, *op;
	size_t	 il = len, ol, r;

	while (il > 0) {
		op = out;
		ol = sizeof out;
		r = iconv(cd, &ip, &il, &op, &ol);
		sb_add(b, out, (size_t)(op - out));
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		/* A byte the charset does not define, or a cut sequence. */
		sb_add(b, "\xef\xbf\xbd", 3);
		ip++;
		il--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	op = out;
	ol = sizeof out;
	iconv(cd, NULL, NULL, &op, &ol);
	sb_add(b, out, (size_t)(op - out));
}

/* Append LEN bytes in CHARSET to B as UTF-8; -1 for an unknown charset. */
static int
sb_add_converted(struct sbuf *b, const char *charset, const char *in,
    size_t len)
{
	iconv_t	 cd;
	size_t	 i = 0, k, n;
	int	 latin1;

	if (charset == NULL || is_utf8_name(charset)) {
		sb_add_utf8(b, in, len);
		return 0;
	}
	if (!plain_charset_name(charset) ||
	    (cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return -1;
	latin1 = is_latin1_family(charset);
	while (i < len) {
		k = len;
		if (latin1) {
			/* The run up to the next UTF-8 character: see above. */
			for (k = i; k < len; k++)
				if ((unsigned char)in[k] >= 0x80 &&
				    utf8_char_len(in + k, len - k) > 1)
					break;
			if (k == i) {
				n = utf8_char_len(in + i, len - i);
				sb_add(b, in + i, n);
				i += n;
				continue;
			}
		}
		iconv_run(cd, b, in + i, k - i);
		i = k;
	}
	iconv_close(cd);
	return 0;
}

char *
mime_to_utf8(const char *charset, const char *in, size_t len, size_t *outlen)
{
	struct sbuf	b = { NULL, 0, 0 };

	if (sb_add_converted(&b, charset, in, len) != 0) {
		free(b.p);
		return NULL;
	}
	if (b.p == NULL)
		sb_add(&b, "", 0);
	if (outlen != NULL)
		*outlen = b.len;
	return b.p;
}

/* Undo Q encoding (RFC 2047 section 4.2) of N bytes at S into OUT. */
static void
q_decode(const char *s, size_t n, struct sbuf *out)
{
	size_t		i;
	unsigned char	c;

	for (i = 0; i < n; i++) {
		if (s[i] == '_')
			c = ' ';
		else if (s[i] == '=' && i + 2 < n && hexv(s[i + 1]) >= 0 &&
		    hexv(s[i + 2]) >= 0) {
			c = (unsigned char)(hexv(s[i + 1]) << 4 |
			    hexv(s[i + 2]));
			i += 2;
		} else
			c = (unsigned char)s[i];
		sb_add(out, &c, 1);
	}
}

/* One encoded word, parsed. */
struct word {
	char	 charset[48];
	size_t	 used;		/* input bytes, "=?" to "?=" */
};

/*
 * Parse the word at S (starting "=?") and append its decoded bytes (in
 * its charset) to RAW; 0 on success, -1 when it is no word: a bad
 * encoding letter, bad base64, white space inside, an empty or
 * unusable charset.  An RFC 2231 language ("UTF-8*ru") is dropped.
 */
static int
parse_word(const char *s, struct word *w, struct sbuf *raw)
{
	const char	*cs = s + 2, *q1, *text, *end, *star;
	unsigned char	*dec;
	size_t		 n, dlen;

	if ((q1 = strchr(cs, '?')) == NULL || q1[1] == '\0' || q1[2] != '?')
		return -1;
	text = q1 + 3;
	if ((end = strstr(text, "?=")) == NULL)
		return -1;
	n = (size_t)(q1 - cs);
	if ((star = memchr(cs, '*', n)) != NULL)
		n = (size_t)(star - cs);
	if (n == 0 || n >= sizeof w->charset)
		return -1;
	memcpy(w->charset, cs, n);
	w->charset[n] = '\0';
	if (!plain_charset_name(w->charset))
		return -1;
	n = (size_t)(end - text);
	if (memchr(text, ' ', n) != NULL || memchr(text, '\t', n) != NULL)
		return -1;
	if (q1[1] == 'B' || q1[1] == 'b') {
		if (base64_decode(text, n, &dec, &dlen) != 0)
			return -1;
		sb_add(raw, dec, dlen);
		free(dec);
	} else if (q1[1] == 'Q' || q1[1] == 'q')
		q_decode(text, n, raw);
	else
		return -1;
	w->used = (size_t)(end + 2 - s);
	return 0;
}

/*
 * Convert the pending bytes of a run of words in CHARSET and append
 * them to OUT.  An unknown charset: the words as written (SRC, SRCLEN).
 */
static void
flush_run(struct sbuf *out, const char *charset, struct sbuf *raw,
    const char *src, size_t srclen)
{
	struct sbuf	conv = { NULL, 0, 0 };

	if (raw->len > 0 || srclen > 0) {
		if (sb_add_converted(&conv, charset, raw->p != NULL ? raw->p :
		    "", raw->len) == 0)
			sb_add(out, conv.p != NULL ? conv.p : "", conv.len);
		else
			sb_add_utf8(out, src, srclen);
	}
	free(conv.p);
	raw->len = 0;
}

char *
mime_words_decode(const char *in)
{
	struct sbuf	 out = { NULL, 0, 0 }, raw = { NULL, 0, 0 };
	struct word	 w;
	char		 runcs[48] = "";
	const char	*runsrc = NULL;
	size_t		 len = strlen(in), i = 0, j, k;
	int		 inrun = 0;

	sb_add(&out, "", 0);
	sb_add(&raw, "", 0);
	while (i < len) {
		if (in[i] == '=' && in[i + 1] == '?') {
			k = raw.len;
			if (parse_word(in + i, &w, &raw) == 0) {
				if (inrun && strcasecmp(w.charset, runcs) != 0) {
					/* A new charset: the run so far first. */
					struct sbuf	 mine = { NULL, 0, 0 };

					sb_add(&mine, raw.p + k, raw.len - k);
					raw.len = k;
					flush_run(&out, runcs, &raw, runsrc,
					    (size_t)(in + i - runsrc));
					sb_add(&raw, mine.p, mine.len);
					free(mine.p);
					inrun = 0;
				}
				if (!inrun) {
					runsrc = in + i;
					snprintf(runcs, sizeof runcs, "%s",
					    w.charset);
					inrun = 1;
				}
				i += w.used;
				/* White space between two words is not text. */
				for (j = i; j < len && (in[j] == ' ' ||
				    in[j] == '\t' || in[j] == '\r' ||
				    in[j] == '\n'); j++)
					;
				if (j > i && in[j] == '=' && in[j + 1] == '?') {
					struct sbuf	 probe = { NULL, 0, 0 };

					if (parse_word(in + j, &w, &probe) == 0)
						i = j;
					free(probe.p);
				}
				continue;
			}
			raw.len = k;
		}
		if (inrun) {
			flush_run(&out, runcs, &raw, runsrc,
			    (size_t)(in + i - runsrc));
			inrun = 0;
		}
		for (j = i + 1; j < len && in[j] != '='; j++)
			;
		sb_add_utf8(&out, in + i, j - i);
		i = j;
	}
	if (inrun)
		flush_run(&out, runcs, &raw, runsrc, (size_t)(in + len -
		    runsrc));
	free(raw.p);
	return out.p;
}

/*
 * Bytes of text per encoded word: base64 of 39 bytes is 52 characters,
 * so a word is 64, and "Subject: " and one word fit in 76.
 */
#define WORD_TEXT_MAX	39

/* The words for IN, separated by SEP (xmalloc'd). */
static char *
encode_words(const char *in, const char *sep)
{
	struct sbuf	 out = { NULL, 0, 0 };
	size_t		 len = strlen(in), i, n;
	char		*b64, *clean;
	int		 ascii = 1;

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
	sb_add(&out, "", 0);
	for (i = 0; i < len; i += n) {
		n = len - i > WORD_TEXT_MAX ? WORD_TEXT_MAX : len - i;
		/* Never split a UTF-8 sequence between two words. */
		while (n > 1 && i + n < len &&
		    ((unsigned char)clean[i + n] & 0xc0) == 0x80)
			n--;
		b64 = base64_encode((const unsigned char *)clean + i, n);
		if (i > 0)
			sb_add(&out, sep, strlen(sep));
		sb_add(&out, "=?UTF-8?B?", 10);
		sb_add(&out, b64, strlen(b64));
		sb_add(&out, "?=", 2);
		free(b64);
	}
	free(clean);
	return out.p;
}

char *
mime_words_encode(const char *in)
{
	return encode_words(in, " ");
}

char *
mime_header(const char *name, const char *value)
{
	char	*v = encode_words(value, "\r\n "), *h;
	size_t	 n = strlen(name) + strlen(v) + 5;

	h = xmalloc(n);
	snprintf(h, n, "%s: %s\r\n", name, v);
	free(v);
	return h;
}

char *
mime_content_charset(const char *ct)
{
	const char	*p = ct, *name, *val;
	size_t		 nlen, vlen;

	if (ct == NULL)
		return NULL;
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		name = p;
		while (*p != '\0' && *p != '=' && *p != ';' && *p != ' ' &&
		    *p != '\t')
			p++;
		nlen = (size_t)(p - name);
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=' || nlen != 7 || strncasecmp(name, "charset", 7)
		    != 0)
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"') {
			val = ++p;
			vlen = strcspn(p, "\"");
		} else {
			val = p;
			vlen = strcspn(p, "; \t(");
		}
		return vlen > 0 ? xstrndup(val, vlen) : NULL;
	}
	return NULL;
}

/* Undo quoted-printable (RFC 2045 section 6.7) into OUT. */
static void
qp_decode(const char *s, size_t n, struct sbuf *out)
{
	size_t		i, j;
	unsigned char	c;

	for (i = 0; i < n; i++) {
		if (s[i] != '=') {
			sb_add(out, s + i, 1);
			continue;
		}
		if (i + 2 < n && hexv(s[i + 1]) >= 0 &&
		    hexv(s[i + 2]) >= 0) {
			c = (unsigned char)(hexv(s[i + 1]) << 4 |
			    hexv(s[i + 2]));
			sb_add(out, &c, 1);
			i += 2;
			continue;
		}
		/* A soft line break: "=" then white space to the line end. */
		for (j = i + 1; j < n && (s[j] == ' ' || s[j] == '\t'); j++)
			;
		if (j < n && s[j] == '\r')
			j++;
		if (j < n && s[j] == '\n') {
			i = j;
			continue;
		}
		if (j >= n) {
			i = n;
			continue;
		}
		sb_add(out, "=", 1);
	}
}

/* Undo base64 with line breaks into OUT; -1 when it is not base64. */
static int
b64_body_decode(const char *s, size_t n, struct sbuf *out)
{
	char		*compact = xmalloc(n + 4);
	unsigned char	*dec;
	size_t		 i, m = 0, dlen;
	int		 rc;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			compact[m++] = s[i];
	rc = base64_decode(compact, m, &dec, &dlen);
	free(compact);
	if (rc != 0)
		return -1;
	sb_add(out, dec, dlen);
	free(dec);
	return 0;
}

char *
mime_body_utf8(const char *ctype, const char *cte, const char *body,
    size_t len, size_t *outlen)
{
	struct sbuf	 raw = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	char		*cs = mime_content_charset(ctype), *enc = NULL;
	const char	*p = body;
	size_t		 n = len;

	if (cte != NULL) {
		while (*cte == ' ' || *cte == '\t')
			cte++;
		enc = xstrndup(cte, strcspn(cte, " \t;("));
	}
	if (enc != NULL && strcasecmp(enc, "quoted-printable") == 0) {
		qp_decode(body, len, &raw);
		p = raw.p != NULL ? raw.p : "";
		n = raw.len;
	} else if (enc != NULL && strcasecmp(enc, "base64") == 0 &&
	    b64_body_decode(body, len, &raw) == 0) {
		p = raw.p != NULL ? raw.p : "";
		n = raw.len;
	}
	if (sb_add_converted(&out, cs, p, n) != 0)
		sb_add_utf8(&out, p, n);
	if (out.p == NULL)
		sb_add(&out, "", 0);
	free(raw.p);
	free(cs);
	free(enc);
	if (outlen != NULL)
		*outlen = out.len;
	return out.p;
}
