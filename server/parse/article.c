/*
 * article.c -- parse and validate netnews articles (RFC 5536, RFC 5322).
 *
 * article_parse() does the structural work only: split the header block
 * into fields, unfold them, enforce the hard limits (NUL bytes, line
 * length, header count, UTF-8) and locate the body. article_validate()
 * then applies the rules for an article a reader POSTs (RFC 5536 §3.1)
 * or, stricter, for one a peer relays (IHAVE, TAKETHIS).
 * The rest are small syntax checkers that the NNTP handlers use directly.
 *
 * Everything here is byte-oriented and locale-independent: ctype.h is
 * avoided on purpose because its answers depend on setlocale().
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "article.h"
#include "utf8.h"
#include "xmalloc.h"

#define ART_WSP(c)	((c) == ' ' || (c) == '\t')
#define ART_DIGIT(c)	((c) >= '0' && (c) <= '9')
#define ART_ALPHA(c)	(((c) >= 'a' && (c) <= 'z') || \
			 ((c) >= 'A' && (c) <= 'Z'))
#define ART_LOWER(c)	(((c) >= 'A' && (c) <= 'Z') ? (c) - 'A' + 'a' : (c))

/*
 * Headers that may appear at most once in a posted article: those RFC 5322
 * §3.6 and RFC 5536 §3 limit to one occurrence and that a newsreader could
 * plausibly send.
 */
static const char *art_single_headers[] = {
	"From", "Subject", "Newsgroups", "Message-ID", "Date", "References",
	"Supersedes", "Sender", "Reply-To", "Followup-To", "Expires",
	"Control", "Distribution", "Approved", "Organization", "Path",
	"Xref", "Injection-Date", "Injection-Info", "MIME-Version",
	"Content-Type", "Content-Transfer-Encoding", NULL
};

static void	art_error(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/*
 * Write a formatted reason into err if the caller gave room for one.
 */
static void
art_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * ASCII case-insensitive string equality (strcasecmp without locale).
 */
static int
art_strcaseeq(const char *a, const char *b)
{
	while (*a != '\0' && ART_LOWER(*a) == ART_LOWER(*b)) {
		a++;
		b++;
	}
	return *a == '\0' && *b == '\0';
}

/*
 * As art_strcaseeq, but a is n bytes long and not NUL-terminated.
 */
static int
art_strncaseeq(const char *a, size_t n, const char *b)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (b[i] == '\0' || ART_LOWER(a[i]) != ART_LOWER(b[i]))
			return 0;
	}
	return b[n] == '\0';
}

/*
 * Return a pointer to the first non-WSP byte of s and store in *len the
 * length of s with leading and trailing WSP (and CR/LF) removed.
 */
static const char *
art_trim(const char *s, size_t *len)
{
	size_t	n;

	while (ART_WSP(*s) || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && (ART_WSP(s[n - 1]) || s[n - 1] == '\r' ||
	    s[n - 1] == '\n'))
		n--;
	*len = n;
	return s;
}

/*
 * Append the n bytes at s to the header value *v, which holds *vlen bytes
 * in a buffer of *vcap, keeping it NUL-terminated. The buffer at least
 * doubles when it grows, so a header folded over thousands of short lines
 * costs linear time, not quadratic.
 */
static void
art_append(char **v, size_t *vlen, size_t *vcap, const char *s, size_t n)
{
	if (*vlen + n + 1 > *vcap) {
		*vcap = *vcap * 2 > *vlen + n + 1 ? *vcap * 2 : *vlen + n + 1;
		*v = xrealloc(*v, *vcap);
	}
	memcpy(*v + *vlen, s, n);
	*vlen += n;
	(*v)[*vlen] = '\0';
}

/*
 * Finish the header just collected: drop the whitespace after the colon
 * (which, after unfolding, may include whitespace from continuation lines
 * when the first line was empty) and check the value is valid UTF-8.
 */
static int
art_finish_header(struct article_header *h, char *err, size_t errlen)
{
	size_t	skip = 0, len = strlen(h->value);

	while (ART_WSP(h->value[skip]))
		skip++;
	if (skip > 0) {
		memmove(h->value, h->value + skip, len - skip + 1);
		len -= skip;
	}
	if (!utf8_valid(h->value, len)) {
		art_error(err, errlen, "Header contains invalid UTF-8: %s",
		    h->name);
		return -1;
	}
	return 0;
}

/*
 * Parse the len bytes at buf as an article: header fields, an empty line,
 * then the body. Lines may end in CRLF or a bare LF. buf is the article
 * after dot-unstuffing and without the terminating "." line; it need not
 * be NUL-terminated.
 *
 * On success fill *a and return 0; the caller frees it with
 * article_free(), and a->body points into buf (see struct article). An
 * article with no empty line is all headers and an empty body.
 *
 * On failure return -1, leave *a empty (safe to article_free) and write
 * the reason into err. Refused: NUL bytes anywhere, a physical header line
 * over ARTICLE_MAX_LINE bytes (excluding the line ending), more than
 * ARTICLE_MAX_HEADERS fields, a line without a colon, an empty or
 * non-printable field name, a continuation line before any field and a
 * field value that is not valid UTF-8. Semantic rules are left to
 * article_validate().
 */
int
article_parse(const char *buf, size_t len, struct article *a, char *err,
    size_t errlen)
{
	struct article_header	*h = NULL;
	const char		*line, *eol, *end, *colon, *p;
	size_t			 pos = 0, next, clen, cap = 0;
	size_t			 vlen = 0, vcap = 0;

	memset(a, 0, sizeof *a);
	if (len > 0 && memchr(buf, '\0', len) != NULL) {
		art_error(err, errlen, "Article contains NUL byte");
		return -1;
	}

	for (;;) {
		if (pos == len) {
			/* No empty line: the article is all header. */
			a->header_len = len;
			break;
		}
		line = buf + pos;
		if ((eol = memchr(line, '\n', len - pos)) == NULL) {
			end = buf + len;
			next = len;
		} else {
			end = eol;
			next = (size_t)(eol - buf) + 1;
		}
		if (end > line && end[-1] == '\r')
			end--;
		clen = (size_t)(end - line);

		if (clen == 0) {
			a->header_len = next;
			break;
		}
		if (clen > ARTICLE_MAX_LINE) {
			art_error(err, errlen, "Header line too long "
			    "(over %d bytes)", ARTICLE_MAX_LINE);
			goto fail;
		}

		if (ART_WSP(*line)) {
			/* Continuation: unfold by dropping the line break. */
			if (h == NULL) {
				art_error(err, errlen, "Continuation line "
				    "without preceding header");
				goto fail;
			}
			art_append(&h->value, &vlen, &vcap, line, clen);
			pos = next;
			continue;
		}

		if (h != NULL && art_finish_header(h, err, errlen) != 0)
			goto fail;
		if ((colon = memchr(line, ':', clen)) == NULL) {
			art_error(err, errlen, "Header line without colon");
			goto fail;
		}
		if (colon == line) {
			art_error(err, errlen, "Empty header name");
			goto fail;
		}
		for (p = line; p < colon; p++) {
			if ((unsigned char)*p <= ' ' ||
			    (unsigned char)*p >= 0x7f) {
				art_error(err, errlen,
				    "Invalid character in header name");
				goto fail;
			}
		}
		if (a->nhdrs == ARTICLE_MAX_HEADERS) {
			art_error(err, errlen, "Too many headers (over %d)",
			    ARTICLE_MAX_HEADERS);
			goto fail;
		}
		if (a->nhdrs == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			a->hdrs = xreallocarray(a->hdrs, cap, sizeof *a->hdrs);
		}
		h = &a->hdrs[a->nhdrs++];
		h->name = xstrndup(line, (size_t)(colon - line));
		vlen = (size_t)(end - colon - 1);
		vcap = vlen + 1;
		h->value = xstrndup(colon + 1, vlen);
		pos = next;
	}
	if (h != NULL && art_finish_header(h, err, errlen) != 0)
		goto fail;

	a->body = buf + a->header_len;
	a->body_len = len - a->header_len;
	/* p < end first: an empty body may be a null pointer. */
	for (p = a->body, end = a->body + a->body_len;
	    p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		a->lines++;
	if (a->body_len > 0 && a->body[a->body_len - 1] != '\n')
		a->lines++;	/* last line lacks its terminator */
	return 0;

fail:
	article_free(a);
	return -1;
}

/*
 * Free what article_parse() allocated and reset *a to empty. The input
 * buffer that a->body points into is the caller's and is not touched.
 */
void
article_free(struct article *a)
{
	size_t	i;

	for (i = 0; i < a->nhdrs; i++) {
		free(a->hdrs[i].name);
		free(a->hdrs[i].value);
	}
	free(a->hdrs);
	memset(a, 0, sizeof *a);
}

/*
 * Return the value of the first header called name (compared without
 * regard to case), or NULL if there is none. The string belongs to a.
 */
const char *
article_header_get(const struct article *a, const char *name)
{
	size_t	i;

	for (i = 0; i < a->nhdrs; i++) {
		if (art_strcaseeq(a->hdrs[i].name, name))
			return a->hdrs[i].value;
	}
	return NULL;
}

/*
 * Return how many headers are called name (compared without regard to
 * case).
 */
int
article_header_count(const struct article *a, const char *name)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < a->nhdrs; i++) {
		if (art_strcaseeq(a->hdrs[i].name, name))
			n++;
	}
	return n;
}

/*
 * Check the n bytes at s form a newsgroup name: dot-separated components
 * of [a-zA-Z0-9+_-], none empty.
 */
static int
art_group_valid(const char *s, size_t n)
{
	size_t	i;
	char	c;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c == '.') {
			if (s[i + 1] == '.')
				return 0;	/* empty component */
		} else if (!ART_ALPHA(c) && !ART_DIGIT(c) && c != '+' &&
		    c != '_' && c != '-')
			return 0;
	}
	return 1;
}

/*
 * Return 1 if s is a valid newsgroup name (RFC 5536 §3.1.4, case folded):
 * [a-z0-9+_-]+(\.[a-z0-9+_-]+)*, else 0.
 */
int
newsgroup_name_valid(const char *s)
{
	return art_group_valid(s, strlen(s));
}

/*
 * Check a Newsgroups (or Followup-To) value: comma-separated group names.
 * Like INN, whitespace around the commas and at either end is tolerated,
 * but not inside a name, and no element may be empty.
 */
static int
art_groups_valid(const char *v)
{
	const char	*p = v, *start;

	for (;;) {
		while (ART_WSP(*p))
			p++;
		start = p;
		while (*p != '\0' && *p != ',' && !ART_WSP(*p))
			p++;
		if (!art_group_valid(start, (size_t)(p - start)))
			return 0;
		while (ART_WSP(*p))
			p++;
		if (*p == '\0')
			return 1;
		if (*p != ',')
			return 0;	/* whitespace inside a name */
		p++;
	}
}

/*
 * Return 1 if c may appear in an RFC 5322 atom (atext), else 0.
 */
static int
art_atext(unsigned char c)
{
	return ART_ALPHA(c) || ART_DIGIT(c) ||
	    (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/*
 * Check the n bytes at s are an RFC 5322 dot-atom-text: atoms of atext
 * joined by single dots.
 */
static int
art_dot_atom(const char *s, size_t n)
{
	size_t		i;
	unsigned char	c;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (s[i + 1] == '.')
				return 0;
		} else if (!art_atext(c))
			return 0;
	}
	return 1;
}

/*
 * Check the n bytes at s are a domain literal "[...]" whose contents are
 * printable ASCII other than "[", "]" and "\" (RFC 5322 dtext, and the
 * same as RFC 5536 no-fold-literal).
 */
static int
art_literal(const char *s, size_t n)
{
	size_t	i;

	if (n < 2 || s[0] != '[' || s[n - 1] != ']')
		return 0;
	for (i = 1; i < n - 1; i++) {
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == '[' || s[i] == ']' ||
		    s[i] == '\\')
			return 0;
	}
	return 1;
}

/*
 * Return 1 if s is a syntactically valid Message-ID (RFC 5536 §3.1.3),
 * else 0: "<" id-left "@" id-right ">", at most MSGID_MAX octets, only
 * printable US-ASCII, no whitespace. id-left is any run of printable
 * characters other than "<", ">" and "@" (RFC 3977 is that lenient, and
 * old software produces ids like "<a..b@host>"); id-right must be a strict
 * dot-atom-text or a "[...]" literal.
 */
int
msgid_valid(const char *s)
{
	size_t		 n = strlen(s), i;
	const char	*at = NULL;

	if (n < 5 || n > MSGID_MAX || s[0] != '<' || s[n - 1] != '>')
		return 0;
	for (i = 1; i < n - 1; i++) {
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == '<' || s[i] == '>')
			return 0;
		if (s[i] == '@' && at == NULL)
			at = s + i;
	}
	if (at == NULL || at == s + 1)
		return 0;

	/* Only a literal on the right may hold a second "@". */
	n = (size_t)(s + n - 1 - (at + 1));
	if (at[1] == '[')
		return art_literal(at + 1, n);
	return art_dot_atom(at + 1, n);
}

/*
 * Check the n bytes at s are an addr-spec: local-part "@" domain. The
 * local part is a dot-atom (dots treated leniently) or a quoted string;
 * the domain is a dot-separated host name (one label is enough) or a
 * literal. UTF-8 is allowed in both parts (RFC 6532).
 */
static int
art_addr_spec(const char *s, size_t n)
{
	const char	*at = NULL;
	size_t		 i, llen, dlen;
	unsigned char	 c;

	/* The last "@" splits: a quoted local part may contain one. */
	for (i = 0; i < n; i++) {
		if (s[i] == '@')
			at = s + i;
	}
	if (at == NULL)
		return 0;
	llen = (size_t)(at - s);
	dlen = n - llen - 1;
	if (llen == 0 || dlen == 0)
		return 0;

	if (s[0] == '"') {
		if (llen < 2 || s[llen - 1] != '"')
			return 0;
		for (i = 1; i < llen - 1; i++) {
			c = (unsigned char)s[i];
			if (c < 0x20 || c == 0x7f)
				return 0;
			if (c == '\\')
				i++;
		}
	} else {
		for (i = 0; i < llen; i++) {
			c = (unsigned char)s[i];
			if (c != '.' && !art_atext(c) && c < 0x80)
				return 0;
		}
	}

	if (at[1] == '[')
		return art_literal(at + 1, dlen);
	if (at[1] == '.' || s[n - 1] == '.')
		return 0;
	for (i = 1; i <= dlen; i++) {
		c = (unsigned char)at[i];
		if (c == '.') {
			if (at[i + 1] == '.')
				return 0;
		} else if (!ART_ALPHA(c) && !ART_DIGIT(c) && c != '-' &&
		    c != '_' && c < 0x80)
			return 0;
	}
	return 1;
}

/*
 * Return 1 if the n bytes at s contain whitespace outside a quoted string.
 */
static int
art_has_bare_wsp(const char *s, size_t n)
{
	size_t	i;
	int	quoted = 0;

	for (i = 0; i < n; i++) {
		if (quoted && s[i] == '\\')
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && ART_WSP(s[i]))
			return 1;
	}
	return 0;
}

/*
 * Check a From value holds a usable mailbox, in either the
 * "Name <user@example.com>" form or the "user@example.com (Name)" form.
 * Only the first mailbox of a list is examined.
 */
static int
art_from_valid(const char *v)
{
	const char	*p, *lt = NULL, *gt;
	char		*bare;
	size_t		 n = 0, blen;
	int		 depth = 0, quoted = 0, ok;

	/* Look for "<" outside quoted strings and comments. */
	for (p = v; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0' && (quoted || depth > 0))
			p++;
		else if (*p == '"' && depth == 0)
			quoted = !quoted;
		else if (*p == '(' && !quoted)
			depth++;
		else if (*p == ')' && !quoted && depth > 0)
			depth--;
		else if (*p == '<' && !quoted && depth == 0) {
			lt = p;
			break;
		}
	}
	if (lt != NULL) {
		if ((gt = strchr(lt + 1, '>')) == NULL)
			return 0;
		return art_addr_spec(lt + 1, (size_t)(gt - lt - 1));
	}

	/* No angle brackets: drop comments, stop at the first ",". */
	bare = xmalloc(strlen(v) + 1);
	depth = quoted = 0;
	for (p = v; *p != '\0'; p++) {
		if (depth > 0) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')')
				depth--;
			continue;
		}
		if (*p == '(' && !quoted) {
			depth++;
			continue;
		}
		if (*p == ',' && !quoted)
			break;
		if (*p == '"')
			quoted = !quoted;
		bare[n++] = *p;
	}
	bare[n] = '\0';
	p = art_trim(bare, &blen);
	ok = blen > 0 && !art_has_bare_wsp(p, blen) && art_addr_spec(p, blen);
	free(bare);
	return ok;
}

/*
 * Decide whether the body must be UTF-8, from the Content-Type header.
 * It must unless the article says otherwise: a non-text type (multipart
 * parts carry their own charsets; other types are binary) or a text type
 * with a charset other than UTF-8 or US-ASCII.
 */
static int
art_body_must_be_utf8(const struct article *a)
{
	const char	*ct, *p, *q, *name, *val;
	size_t		 nlen, vlen;

	if ((ct = article_header_get(a, "Content-Type")) == NULL)
		return 1;
	p = ct;
	while (ART_WSP(*p))
		p++;
	q = p + strcspn(p, "; \t(");
	if (q > p && !(q - p > 5 && art_strncaseeq(p, 5, "text/")))
		return 0;	/* a type is given and it is not text */

	/* Walk the ";"-separated parameters looking for charset. */
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (ART_WSP(*p))
			p++;
		name = p;
		while (*p != '\0' && *p != '=' && *p != ';' && !ART_WSP(*p))
			p++;
		nlen = (size_t)(p - name);
		while (ART_WSP(*p))
			p++;
		if (*p != '=' || !art_strncaseeq(name, nlen, "charset"))
			continue;
		p++;
		while (ART_WSP(*p))
			p++;
		if (*p == '"') {
			val = ++p;
			vlen = strcspn(p, "\"");
		} else {
			val = p;
			vlen = strcspn(p, "; \t(");
		}
		return art_strncaseeq(val, vlen, "utf-8") ||
		    art_strncaseeq(val, vlen, "utf8") ||
		    art_strncaseeq(val, vlen, "us-ascii") ||
		    art_strncaseeq(val, vlen, "ascii");
	}
	return 1;	/* text with no charset means US-ASCII */
}

/*
 * Check that value, trimmed, is a valid Message-ID.
 */
static int
art_msgid_header_valid(const char *value)
{
	const char	*p;
	char		*s;
	size_t		 n;
	int		 ok;

	p = art_trim(value, &n);
	s = xstrndup(p, n);
	ok = msgid_valid(s);
	free(s);
	return ok;
}

/*
 * Check that the n bytes at s are a path identity (RFC 5536 §3.1.5):
 * ( ALPHA / DIGIT ) *( ALPHA / DIGIT / "-" / "." / ":" / "_" ).
 */
static int
art_path_identity(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || (!ART_ALPHA(s[0]) && !ART_DIGIT(s[0])))
		return 0;
	for (i = 1; i < n; i++) {
		if (!ART_ALPHA(s[i]) && !ART_DIGIT(s[i]) && s[i] != '-' &&
		    s[i] != '.' && s[i] != ':' && s[i] != '_')
			return 0;
	}
	return 1;
}

/*
 * Check a Path value (RFC 5536 §3.1.5): elements separated by "!", with
 * folding whitespace allowed around each "!".  An element is a path
 * identity; after an identity may come a diagnostic, either an empty
 * element ("a!!b": the identity was verified) or "." keyword [ "."
 * identity ] (".SEEN.b.example", ".POSTED", ".MISMATCH.192.0.2.1").  The
 * last element, the tail entry, is a path identity: the RFC wants no
 * dots there ("not-for-mail"), but sites send host names too and every
 * server takes them.
 */
static int
art_path_valid(const char *v)
{
	const char	*p = v, *e, *q;
	size_t		 n, k;
	int		 after_identity = 0;

	for (;;) {
		while (ART_WSP(*p))
			p++;
		for (e = p; *e != '\0' && *e != '!' && !ART_WSP(*e); e++)
			;
		n = (size_t)(e - p);
		for (q = e; ART_WSP(*q); q++)
			;
		if (*q != '\0' && *q != '!')
			return 0;	/* whitespace inside an element */
		if (n == 0 || p[0] == '.') {
			/* A diagnostic: only after an identity, never last. */
			if (!after_identity || *q == '\0')
				return 0;
			if (n > 0) {
				for (k = 1; k < n && ART_ALPHA(p[k]); k++)
					;
				if (k == 1 || (k < n && (p[k] != '.' ||
				    !art_path_identity(p + k + 1,
				    n - k - 1))))
					return 0;
			}
			after_identity = 0;
		} else {
			if (!art_path_identity(p, n))
				return 0;
			after_identity = 1;
		}
		if (*q == '\0')
			return 1;
		p = q + 1;
	}
}

/*
 * Call FN on each path identity of the Path value V, left to right (not
 * the diagnostics, and not the tail entry, which names no site: RFC 5536
 * §3.1.5), with POSTED set for the one a ".POSTED" diagnostic follows
 * (the injecting site).  Stops when FN returns nonzero, and returns that.
 */
static int
path_each(const char *v, int (*fn)(const char *, size_t, int, void *),
    void *arg)
{
	const char	*p = v, *e, *q, *id = NULL;
	size_t		 n, idn = 0;
	int		 rc;

	for (;;) {
		while (ART_WSP(*p))
			p++;
		for (e = p; *e != '\0' && *e != '!' && !ART_WSP(*e); e++)
			;
		n = (size_t)(e - p);
		for (q = e; ART_WSP(*q); q++)
			;
		if (*q == '\0')
			break;		/* the tail entry */
		if (n > 0 && p[0] != '.') {
			if (id != NULL && (rc = fn(id, idn, 0, arg)) != 0)
				return rc;
			id = p;
			idn = n;
		} else if (id != NULL && n >= 7 &&
		    strncasecmp(p, ".POSTED", 7) == 0 && (n == 7 ||
		    p[7] == '.')) {
			if ((rc = fn(id, idn, 1, arg)) != 0)
				return rc;
			id = NULL;
		}
		if (*q != '!')
			break;
		p = q + 1;
	}
	return id != NULL ? fn(id, idn, 0, arg) : 0;
}

static int
path_has_cb(const char *id, size_t n, int posted, void *arg)
{
	const char	*want = arg;

	(void)posted;
	return strlen(want) == n && strncasecmp(id, want, n) == 0;
}

int
article_path_has(const char *path, const char *identity)
{
	return path != NULL && path_each(path, path_has_cb,
	    (void *)(uintptr_t)identity) != 0;
}

struct path_injector {
	char	*buf;
	size_t	 len;
};

static int
path_injector_cb(const char *id, size_t n, int posted, void *arg)
{
	struct path_injector	*pi = arg;

	if (!posted)
		return 0;
	snprintf(pi->buf, pi->len, "%.*s", (int)n, id);
	return 1;
}

int
article_path_injector(const char *path, char *buf, size_t len)
{
	struct path_injector	pi = { buf, len };

	if (len > 0)
		buf[0] = '\0';
	return path != NULL && path_each(path, path_injector_cb, &pi) != 0 ?
	    0 : -1;
}

/*
 * Apply the rules for an article (RFC 5536 §3, with the usual server
 * leniency), for one a reader posts and, with ARTICLE_TRANSIT, for one a
 * peer relays: From, Subject and Newsgroups present and non-empty, and
 * for transit also Message-ID, Date and Path (the six of RFC 5536
 * §3.1); no duplicates of single-instance headers; header values valid
 * UTF-8 without control characters other than TAB (RFC 2047 encoded
 * words are plain ASCII, so they pass); Newsgroups and Followup-To
 * well-formed; Message-ID and Supersedes valid message-ids; From holding
 * an address; Date parseable; Path well-formed (§3.1.5); the body valid
 * UTF-8 unless Content-Type declares another charset or a non-text type.
 *
 * Return 0 if the article is acceptable, or -1 with the first problem
 * found written into err.
 */
int
article_validate(const struct article *a, int flags, char *err,
    size_t errlen)
{
	static const char	*required[] = { "From", "Subject", "Newsgroups",
				    NULL };
	static const char	*transit[] = { "From", "Subject", "Newsgroups",
				    "Message-ID", "Date", "Path", NULL };
	const char		**need = (flags & ARTICLE_TRANSIT) ? transit :
				    required;
	const struct article_header *h;
	const char		*v, *p;
	size_t			 i, n;

	for (i = 0; need[i] != NULL; i++) {
		if ((v = article_header_get(a, need[i])) == NULL) {
			art_error(err, errlen, "Missing required header: %s",
			    need[i]);
			return -1;
		}
		art_trim(v, &n);
		if (n == 0) {
			art_error(err, errlen, "Empty header: %s", need[i]);
			return -1;
		}
	}
	for (i = 0; art_single_headers[i] != NULL; i++) {
		if (article_header_count(a, art_single_headers[i]) > 1) {
			art_error(err, errlen, "Duplicate header: %s",
			    art_single_headers[i]);
			return -1;
		}
	}

	for (i = 0; i < a->nhdrs; i++) {
		h = &a->hdrs[i];
		if (!utf8_valid(h->value, strlen(h->value))) {
			art_error(err, errlen,
			    "Header contains invalid UTF-8: %s", h->name);
			return -1;
		}
		for (p = h->value; *p != '\0'; p++) {
			if (((unsigned char)*p < 0x20 && *p != '\t') ||
			    *p == 0x7f) {
				art_error(err, errlen, "Header contains "
				    "control character: %s", h->name);
				return -1;
			}
		}
	}

	if (!art_groups_valid(article_header_get(a, "Newsgroups"))) {
		art_error(err, errlen, "Newsgroups syntax invalid");
		return -1;
	}
	/* Followup-To may instead be the word "poster" (RFC 5536 §3.2.6). */
	if ((v = article_header_get(a, "Followup-To")) != NULL) {
		p = art_trim(v, &n);
		if (!art_strncaseeq(p, n, "poster") && !art_groups_valid(v)) {
			art_error(err, errlen, "Followup-To syntax invalid");
			return -1;
		}
	}
	if ((v = article_header_get(a, "Message-ID")) != NULL &&
	    !art_msgid_header_valid(v)) {
		art_error(err, errlen, "Message-ID syntax invalid");
		return -1;
	}
	if ((v = article_header_get(a, "Supersedes")) != NULL &&
	    !art_msgid_header_valid(v)) {
		art_error(err, errlen, "Supersedes syntax invalid");
		return -1;
	}
	if (!art_from_valid(article_header_get(a, "From"))) {
		art_error(err, errlen, "From header has no valid address");
		return -1;
	}
	if ((v = article_header_get(a, "Date")) != NULL &&
	    article_parse_date(v) == (time_t)-1) {
		art_error(err, errlen, "Date header unparseable");
		return -1;
	}
	if ((v = article_header_get(a, "Path")) != NULL &&
	    !art_path_valid(v)) {
		art_error(err, errlen, "Path syntax invalid");
		return -1;
	}
	if (art_body_must_be_utf8(a) &&
	    (a->body_len > 0 && !utf8_valid(a->body, a->body_len))) {
		art_error(err, errlen, "Body contains invalid UTF-8");
		return -1;
	}
	return 0;
}

/* The rules for an article a reader posts: article_validate(a, 0). */
int
article_validate_post(const struct article *a, char *err, size_t errlen)
{
	return article_validate(a, 0, err, errlen);
}

/*
 * Skip folding whitespace and (possibly nested) comments in a date. An
 * unterminated comment runs to the end of the string.
 */
static const char *
art_skip_cfws(const char *p)
{
	int	depth;

	for (;;) {
		while (ART_WSP(*p) || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		depth = 0;
		while (*p != '\0') {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')' && --depth == 0) {
				p++;
				break;
			}
			p++;
		}
	}
}

/*
 * Read between min and max decimal digits at *pp into *val and advance
 * *pp. Return 0 on success, -1 if the digit count is out of range.
 */
static int
art_number(const char **pp, int min, int max, int *val)
{
	const char	*p = *pp;
	int		 n = 0, v = 0;

	while (ART_DIGIT(*p)) {
		if (++n > max)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	if (n < min)
		return -1;
	*val = v;
	*pp = p;
	return 0;
}

/*
 * Read a run of letters at *pp into w (lower-cased, NUL-terminated) and
 * advance *pp. Return the length, or 0 if there is no word or it does not
 * fit.
 */
static size_t
art_word(const char **pp, char *w, size_t wsize)
{
	const char	*p = *pp;
	size_t		 n = 0;

	while (ART_ALPHA(*p)) {
		if (n + 1 >= wsize)
			return 0;
		w[n++] = ART_LOWER(*p);
		p++;
	}
	w[n] = '\0';
	*pp = p;
	return n;
}

/*
 * Return the index in names (a NULL-terminated list of full lower-case
 * names) of word w, given either in full or as its first three letters;
 * -1 if it is none of them.
 */
static int
art_name_index(const char *w, const char **names)
{
	int	i;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(w, names[i]) == 0 ||
		    (strlen(w) == 3 && strncmp(w, names[i], 3) == 0))
			return i;
	}
	return -1;
}

/*
 * Return the offset from UTC in minutes of the alphabetic zone w (lower
 * case), or -1 if unknown (no valid zone is exactly -1 minute). RFC 5322
 * §4.3 says military single letters are to be taken as -0000.
 */
static int
art_zone_offset(const char *w)
{
	static const struct {
		const char	*name;
		int		 minutes;
	} zones[] = {
		{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 },
		{ "est", -300 }, { "edt", -240 }, { "cst", -360 },
		{ "cdt", -300 }, { "mst", -420 }, { "mdt", -360 },
		{ "pst", -480 }, { "pdt", -420 },
	};
	size_t	i;

	for (i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		if (strcmp(w, zones[i].name) == 0)
			return zones[i].minutes;
	}
	if (strlen(w) == 1 && w[0] != 'j')
		return 0;
	return -1;
}

/*
 * Number of leap years in 1..y (for y >= 0).
 */
static int64_t
art_leaps(int64_t y)
{
	return y / 4 - y / 100 + y / 400;
}

/*
 * Parse an RFC 5322 §3.3 date-time, accepting the obsolete forms of
 * §4.3 and the common deviations:
 *
 *	[day-of-week [","]] day month year hour ":" min [":" sec] [zone]
 *
 * Day and month names may be abbreviated or full, in any case; a two-digit
 * year is 19xx from 50 and 20xx below, a three-digit one adds 1900; the
 * zone is +hhmm/-hhmm, a named US zone, UT/UTC/GMT or a military letter,
 * and is taken as UTC when absent. Comments in parentheses are ignored.
 * The day of the week, if given, is not checked against the date.
 *
 * Return the time as seconds since the epoch, or (time_t)-1 if s cannot be
 * parsed or names an impossible date (Feb 30, 25:00, ...).
 */
time_t
article_parse_date(const char *s)
{
	static const char	*days[] = { "monday", "tuesday", "wednesday",
				    "thursday", "friday", "saturday", "sunday",
				    NULL };
	static const char	*months[] = { "january", "february", "march",
				    "april", "may", "june", "july", "august",
				    "september", "october", "november",
				    "december", NULL };
	static const int	 mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	static const int	 cumdays[] = { 0, 31, 59, 90, 120, 151, 181,
				    212, 243, 273, 304, 334 };
	const char		*p = s, *start;
	char			 w[16];
	int			 day, mon, year, hour, min, sec = 0, zone = 0;
	int			 leap, sign, zh, zm;
	int64_t			 t;

	p = art_skip_cfws(p);
	if (ART_ALPHA(*p)) {
		if (art_word(&p, w, sizeof w) == 0 ||
		    art_name_index(w, days) < 0)
			return (time_t)-1;
		p = art_skip_cfws(p);
		if (*p == ',')
			p = art_skip_cfws(p + 1);
	}

	if (art_number(&p, 1, 2, &day) != 0)
		return (time_t)-1;
	p = art_skip_cfws(p);
	if (art_word(&p, w, sizeof w) == 0 ||
	    (mon = art_name_index(w, months)) < 0)
		return (time_t)-1;
	p = art_skip_cfws(p);
	start = p;
	if (art_number(&p, 2, 4, &year) != 0)
		return (time_t)-1;
	if (p - start == 2)
		year += year < 50 ? 2000 : 1900;
	else if (p - start == 3)
		year += 1900;
	if (year < 1900)
		return (time_t)-1;

	p = art_skip_cfws(p);
	if (art_number(&p, 1, 2, &hour) != 0 || *p++ != ':' ||
	    art_number(&p, 2, 2, &min) != 0)
		return (time_t)-1;
	if (*p == ':') {
		p++;
		if (art_number(&p, 2, 2, &sec) != 0)
			return (time_t)-1;
	}
	if (hour > 23 || min > 59 || sec > 60)
		return (time_t)-1;

	p = art_skip_cfws(p);
	if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		start = p;
		if (art_number(&p, 4, 4, &zh) != 0)
			return (time_t)-1;
		zm = zh % 100;
		zh /= 100;
		if (zm > 59)
			return (time_t)-1;
		zone = sign * (zh * 60 + zm);
	} else if (ART_ALPHA(*p)) {
		if (art_word(&p, w, sizeof w) == 0 ||
		    (zone = art_zone_offset(w)) == -1)
			return (time_t)-1;
	}
	p = art_skip_cfws(p);
	if (*p != '\0')
		return (time_t)-1;

	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day < 1 || day > mdays[mon] + (mon == 1 && leap))
		return (time_t)-1;

	t = 365 * ((int64_t)year - 1970) + art_leaps(year - 1) -
	    art_leaps(1969);
	t += cumdays[mon] + (mon > 1 && leap) + day - 1;
	t = t * 86400 + hour * 3600 + min * 60 + sec - (int64_t)zone * 60;
	if ((int64_t)(time_t)t != t)
		return (time_t)-1;
	return (time_t)t;
}

/*
 * Return a copy of a header value fit for an overview line (RFC 3977
 * §8.3.2): CRLF pairs removed (undoing any folding left in the value),
 * then each remaining CR, LF and TAB replaced by a single space. The
 * caller frees the result.
 */
char *
article_overview_field(const char *value)
{
	char	*out = xmalloc(strlen(value) + 1), *o = out;

	for (; *value != '\0'; value++) {
		if (value[0] == '\r' && value[1] == '\n') {
			value++;
			continue;
		}
		if (*value == '\r' || *value == '\n' || *value == '\t')
			*o++ = ' ';
		else
			*o++ = *value;
	}
	*o = '\0';
	return out;
}

int
article_first_reference(const char *hdr, size_t len, char *buf, size_t len2)
{
	const char	*p = hdr, *end = hdr + len, *lt;
	size_t		 n;

	while (p < end) {
		/* P starts a line: is it the References field? */
		if ((size_t)(end - p) > 11 &&
		    strncasecmp(p, "references:", 11) == 0) {
			lt = NULL;
			for (p += 11; p < end; p++) {
				if (*p == '\n' && (p + 1 >= end ||
				    (p[1] != ' ' && p[1] != '\t')))
					return 0;	/* the field ended */
				if (*p == '<' && lt == NULL)
					lt = p;
				else if (*p == '>' && lt != NULL)
					break;
				else if (lt != NULL && (*p == ' ' ||
				    *p == '\t' || *p == '\r' || *p == '\n'))
					lt = NULL;	/* not one id */
			}
			if (p >= end || lt == NULL)
				return 0;
			n = (size_t)(p - lt) + 1;
			if (n >= len2)
				return 0;
			memcpy(buf, lt, n);
			buf[n] = '\0';
			return 1;
		}
		if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
		p++;
	}
	return 0;
}
