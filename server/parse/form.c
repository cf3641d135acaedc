/*
 * form.c -- urlencoded form bodies and cookies (see form.h).  Pure: no
 * I/O; unit-tested in tests/unit/test_form.c.
 */
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "utf8.h"
#include "xmalloc.h"

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

/*
 * Decode S (LEN bytes) into OUT: '+' is a space, %XX a byte.  Returns
 * the decoded length, or -1 for a malformed escape, a NUL or bytes that
 * are not UTF-8.
 */
static long
decode(const char *s, size_t len, char *out)
{
	size_t	i, n = 0;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		char	ch = s[i];

		if (ch == '+')
			ch = ' ';
		else if (ch == '%') {
			if (i + 2 >= len)
				return -1;
			if ((hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0)
				return -1;
			ch = (char)(hi << 4 | lo);
			i += 2;
		}
		if (ch == '\0')
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	if (!utf8_valid(out, n))
		return -1;
	return (long)n;
}

int
form_parse(const char *body, size_t len, struct form *f)
{
	const char	*p = body, *end = body + len, *amp, *eq;
	char		*o;
	long		 n;

	memset(f, 0, sizeof *f);
	if (len > FORM_MAX_BODY)
		return -1;
	/* Decoding never lengthens: one buffer holds every string. */
	f->buf = o = xmalloc(len * 2 + 2 * FORM_MAX_FIELDS + 2);
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp == p) {
			/* "a=1&&b=2": an empty pair is skipped. */
			p = amp + 1;
			continue;
		}
		if (f->n == FORM_MAX_FIELDS)
			goto bad;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL)
			eq = amp;	/* "name" alone: an empty value */
		if (eq == p || eq - p > FORM_MAX_NAME * 3)
			goto bad;
		if ((n = decode(p, (size_t)(eq - p), o)) <= 0 ||
		    n > FORM_MAX_NAME)
			goto bad;
		f->f[f->n].name = o;
		o += n + 1;
		if (eq == amp)
			n = 0, *o = '\0';
		else if ((n = decode(eq + 1, (size_t)(amp - eq - 1), o)) < 0)
			goto bad;
		f->f[f->n].value = o;
		f->f[f->n].value_len = (size_t)n;
		o += n + 1;
		f->n++;
		p = amp + 1;
	}
	return 0;
bad:
	form_free(f);
	return -1;
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			return f->f[i].value;
	return NULL;
}

size_t
form_count(const struct form *f, const char *name)
{
	size_t	i, n = 0;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			n++;
	return n;
}

void
form_free(struct form *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}

int
form_cookie(const char *header, const char *name, char *out, size_t size)
{
	const char	*p = header, *semi, *eq, *v, *ve;
	size_t		 nl = strlen(name);
	int		 found = 0;

	if (header == NULL || size == 0)
		return -1;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		semi = strchr(p, ';');
		if (semi == NULL)
			semi = p + strlen(p);
		eq = memchr(p, '=', (size_t)(semi - p));
		if (eq != NULL && (size_t)(eq - p) == nl &&
		    memcmp(p, name, nl) == 0) {
			v = eq + 1;
			ve = semi;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			/* RFC 6265: a value may be in double quotes. */
			if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
				v++;
				ve--;
			}
			if (found++ > 0 || ve == v || (size_t)(ve - v) >= size)
				return -1;
			memcpy(out, v, (size_t)(ve - v));
			out[ve - v] = '\0';
		}
		if (*semi == '\0')
			break;
		p = semi + 1;
	}
	return found == 1 ? 0 : -1;
}
