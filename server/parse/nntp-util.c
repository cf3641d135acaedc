/*
 * nntp-util.c -- pure helpers of the NNTP service (see nntp-util.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "article.h"
#include "nntp-util.h"
#include "xmalloc.h"

#define U_DIGIT(c)	((c) >= '0' && (c) <= '9')

int
nntp_parse_number(const char *s, int64_t *out)
{
	int64_t	v = 0;
	int	d;

	if (*s == '\0' || strlen(s) > 19)
		return -1;
	for (; *s != '\0'; s++) {
		if (!U_DIGIT(*s))
			return -1;
		d = *s - '0';
		if (v > (INT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int
nntp_split_command(char *line, char **argv, int max,
    int (*rest)(const char *))
{
	char	*p = line;
	int	 argc = 0, last = -1;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (argc == max)
			return -1;
		argv[argc++] = p;
		if (argc == last + 1)
			break;		/* the rest of the line */
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (argc == 1) {
			if (*p != '\0')
				*p++ = '\0';
			if (rest == NULL || (last = rest(argv[0])) < 1)
				last = -1;
		}
	}
	return argc;
}

int
nntp_parse_range(const char *s, int64_t *lo, int64_t *hi)
{
	const char	*dash = strchr(s, '-');
	char		 first[24];
	size_t		 n;

	if (dash == NULL) {
		if (nntp_parse_number(s, lo) != 0)
			return -1;
		*hi = *lo;
		return 0;
	}
	n = (size_t)(dash - s);
	if (n == 0 || n >= sizeof first)
		return -1;
	memcpy(first, s, n);
	first[n] = '\0';
	if (nntp_parse_number(first, lo) != 0)
		return -1;
	if (dash[1] == '\0') {
		*hi = NNTP_NUM_MAX;
		return 0;
	}
	return nntp_parse_number(dash + 1, hi);
}

static int
digits(const char *s, size_t n)
{
	size_t	i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!U_DIGIT(s[i]))
			return 0;
	return 1;
}

static int
two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

int
nntp_parse_datetime(const char *date, const char *tm, time_t now,
    time_t *out)
{
	struct tm	t, nowtm;
	int		year, mon, day, hh, mm, ss, century;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
			    30, 31 };

	if (digits(date, 8)) {
		year = two(date) * 100 + two(date + 2);
		date += 4;
	} else if (digits(date, 6)) {
		gmtime_r(&now, &nowtm);
		century = (nowtm.tm_year + 1900) / 100 * 100;
		/* §7.3.2: this century unless that is a year still to
		 * come, then the previous one (never in the future). */
		year = century + two(date);
		if (year > nowtm.tm_year + 1900)
			year -= 100;
		date += 2;
	} else
		return -1;
	if (!digits(tm, 6))
		return -1;
	mon = two(date);
	day = two(date + 2);
	hh = two(tm);
	mm = two(tm + 2);
	ss = two(tm + 4);
	if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1] ||
	    hh > 23 || mm > 59 || ss > 60)
		return -1;
	memset(&t, 0, sizeof t);
	t.tm_year = year - 1900;
	t.tm_mon = mon - 1;
	t.tm_mday = day;
	t.tm_hour = hh;
	t.tm_min = mm;
	t.tm_sec = ss;
	*out = timegm(&t);
	return 0;
}

int
nntp_is_msgid(const char *s)
{
	return s[0] == '<' && msgid_valid(s);
}

char *
nntp_overview(const struct article *a, const char *msgid)
{
	static const char *const fields[] = { "Subject", "From", "Date",
	    "Message-ID", "References" };
	char		*parts[5], *out;
	const char	*v;
	size_t		 i, len = 0;

	for (i = 0; i < 5; i++) {
		v = article_header_get(a, fields[i]);
		if (v == NULL && i == 3)
			v = msgid;
		parts[i] = article_overview_field(v != NULL ? v : "");
		len += strlen(parts[i]) + 1;
	}
	out = xmalloc(len);
	out[0] = '\0';
	for (i = 0; i < 5; i++) {
		if (i > 0)
			strcat(out, "\t");
		strcat(out, parts[i]);
		free(parts[i]);
	}
	return out;
}

/* Make room for N more bytes after USED in *BUF. */
static void
ov_reserve(char **buf, size_t *cap, size_t used, size_t n)
{
	size_t	want = used + n + 1;

	if (want <= *cap)
		return;
	*cap = *cap * 2 > want ? *cap * 2 : want;
	*buf = xrealloc(*buf, *cap);
}

/*
 * Append the bytes S..S+N cleaned for overview use: TAB, CR and LF become
 * a space (RFC 3977 8.3.2).  SKIP_WSP: still dropping the whitespace that
 * starts the value.
 */
static size_t
ov_put(char **buf, size_t *cap, size_t used, const char *s, size_t n,
    int *skip_wsp)
{
	size_t	i;

	ov_reserve(buf, cap, used, n);
	for (i = 0; i < n; i++) {
		if (*skip_wsp && (s[i] == ' ' || s[i] == '\t'))
			continue;
		*skip_wsp = 0;
		(*buf)[used++] = (s[i] == '\t' || s[i] == '\r' ||
		    s[i] == '\n') ? ' ' : s[i];
	}
	return used;
}

const char *
nntp_overview_header(const char *hdr, size_t len, const char *msgid,
    char **buf, size_t *cap)
{
	static const char *const fields[] = { "Subject", "From", "Date",
	    "Message-ID", "References" };
	static const size_t flen[] = { 7, 4, 4, 10, 10 };
	const char	*at[5] = { NULL, NULL, NULL, NULL, NULL };
	const char	*p = hdr, *end = hdr + len, *eol, *next, *colon;
	size_t		 i, used = 0, clen;
	int		 skip;

	/* Where each field's first line starts. */
	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		next = eol != NULL ? eol + 1 : end;
		clen = (size_t)((eol != NULL ? eol : end) - p);
		if (clen > 0 && p[clen - 1] == '\r')
			clen--;
		if (clen == 0)
			break;			/* the empty line */
		colon = memchr(p, ':', clen);
		for (i = 0; colon != NULL && i < 5; i++)
			if (at[i] == NULL && (size_t)(colon - p) == flen[i] &&
			    strncasecmp(p, fields[i], flen[i]) == 0)
				at[i] = colon + 1;
		p = next;
	}

	ov_reserve(buf, cap, 0, 0);
	for (i = 0; i < 5; i++) {
		if (i > 0) {
			ov_reserve(buf, cap, used, 1);
			(*buf)[used++] = '\t';
		}
		skip = 1;
		if (at[i] == NULL) {
			if (i == 3 && msgid != NULL)
				used = ov_put(buf, cap, used, msgid,
				    strlen(msgid), &skip);
			continue;
		}
		/* The first line after the colon, then its continuations. */
		for (p = at[i]; p < end; ) {
			eol = memchr(p, '\n', (size_t)(end - p));
			next = eol != NULL ? eol + 1 : end;
			clen = (size_t)((eol != NULL ? eol : end) - p);
			if (clen > 0 && p[clen - 1] == '\r')
				clen--;
			used = ov_put(buf, cap, used, p, clen, &skip);
			if (next >= end || (*next != ' ' && *next != '\t'))
				break;
			p = next;
		}
	}
	(*buf)[used] = '\0';
	return *buf;
}

static int
name_in(const char *name, size_t n, const char *const *list)
{
	size_t	i;

	for (i = 0; list[i] != NULL; i++)
		if (strlen(list[i]) == n && strncasecmp(list[i], name, n) == 0)
			return 1;
	return 0;
}

size_t
nntp_header_filter(const char *in, size_t len, char *out,
    const char *const *drop)
{
	const char	*p = in, *end = in + len, *eol, *colon;
	size_t		 o = 0, n;
	int		 skipping = 0;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		n = eol != NULL ? (size_t)(eol - p) + 1 : (size_t)(end - p);
		if (*p == ' ' || *p == '\t') {
			/* A continuation belongs to the field before. */
		} else if ((colon = memchr(p, ':', n)) != NULL)
			skipping = name_in(p, (size_t)(colon - p), drop);
		else
			skipping = 0;	/* the empty separator line */
		if (!skipping) {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	return o;
}

size_t
nntp_split_groups(const char *v, char ***out)
{
	char		**names = NULL;
	size_t		  n = 0, len;
	const char	 *p = v, *start;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
			p++;
		len = (size_t)(p - start);
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrndup(start, len);
	}
	*out = names;
	return n;
}

char *
nntp_header_field(const char *hdr, size_t len, const char *name)
{
	struct article	 a;
	const char	*v;
	char		*out = NULL;

	if (article_parse(hdr, len, &a, NULL, 0) != 0)
		return NULL;
	if ((v = article_header_get(&a, name)) != NULL)
		out = article_overview_field(v);
	article_free(&a);
	return out;
}

char *
nntp_first_msgid(const char *v)
{
	const char	*p, *e;
	char		*id;

	if ((p = strchr(v, '<')) == NULL || (e = strchr(p, '>')) == NULL)
		return NULL;
	id = xstrndup(p, (size_t)(e - p) + 1);
	if (!msgid_valid(id)) {
		free(id);
		return NULL;
	}
	return id;
}
