/*
 * safety.c -- the crisis-phrase safety net.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "safety.h"
#include "utf8.h"
#include "xmalloc.h"

struct phrase {
	char	*folded;	/* " want to die " */
	char	*label;		/* "en:want to die" */
};

struct safety {
	struct phrase	*p;
	size_t		 n;
};

static uint32_t
fold_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	/* Latin-1 capitals, except the multiplication sign. */
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 32;
	/* Cyrillic: А-Я, Ѐ-Џ; ё/Ё read as е. */
	if (cp >= 0x410 && cp <= 0x42f)
		return cp + 32;
	if (cp == 0x401 || cp == 0x451)
		return 0x435;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 80;
	return cp;
}

/* Letters and digits keep words; everything else separates them. */
static int
word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return isalnum((int)cp);
	/* Non-ASCII: general punctuation and spaces separate; the rest
	 * (letters of any script) belong to words. */
	if (cp == 0xa0 || (cp >= 0x2000 && cp <= 0x206f) || cp == 0x3000 ||
	    cp == 0xab || cp == 0xbb || cp == 0xbf || cp == 0xa1)
		return 0;
	return 1;
}

static size_t
put_cp(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

char *
safety_fold(const char *s, size_t len)
{
	char		*out = xmalloc(len * 2 + 3);
	size_t		 i = 0, o = 0, n;
	uint32_t	 cp;

	out[o++] = ' ';
	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			/* Invalid byte: a separator, never a match. */
			i++;
			cp = ' ';
		} else
			i += n;
		if (!word_cp(cp)) {
			if (out[o - 1] != ' ')
				out[o++] = ' ';
			continue;
		}
		o += put_cp(out + o, fold_cp(cp));
	}
	if (out[o - 1] != ' ')
		out[o++] = ' ';
	out[o] = '\0';
	return out;
}

struct safety *
safety_empty(void)
{
	return xcalloc(1, sizeof(struct safety));
}

struct safety *
safety_load(const char *file, char *err, size_t errlen)
{
	FILE		*f;
	struct safety	*sf;
	char		*line = NULL, *p, *lang, *ph;
	size_t		 cap = 0;
	ssize_t		 len;
	int		 lineno = 0;

	if ((f = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return NULL;
	}
	sf = safety_empty();
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || (p[0] == '#' && (p[1] == '\0' ||
		    isspace((unsigned char)p[1]))))
			continue;
		lang = p;
		while (*p != '\0' && !isspace((unsigned char)*p))
			p++;
		if (*p == '\0') {
			snprintf(err, errlen, "%s:%d: expected LANG PHRASE",
			    file, lineno);
			goto fail;
		}
		*p++ = '\0';
		while (isspace((unsigned char)*p))
			p++;
		ph = p;
		if (!utf8_valid(ph, strlen(ph)) || strlen(lang) > 8) {
			snprintf(err, errlen, "%s:%d: phrase is not UTF-8 or "
			    "language code too long", file, lineno);
			goto fail;
		}
		sf->p = xreallocarray(sf->p, sf->n + 1, sizeof *sf->p);
		sf->p[sf->n].folded = safety_fold(ph, strlen(ph));
		if (strcmp(sf->p[sf->n].folded, " ") == 0) {
			free(sf->p[sf->n].folded);
			snprintf(err, errlen, "%s:%d: phrase has no words",
			    file, lineno);
			goto fail;
		}
		xasprintf(&sf->p[sf->n].label, "%s:%s", lang, ph);
		sf->n++;
	}
	free(line);
	fclose(f);
	return sf;
fail:
	free(line);
	fclose(f);
	safety_free(sf);
	return NULL;
}

void
safety_free(struct safety *sf)
{
	size_t	i;

	if (sf == NULL)
		return;
	for (i = 0; i < sf->n; i++) {
		free(sf->p[i].folded);
		free(sf->p[i].label);
	}
	free(sf->p);
	free(sf);
}

size_t
safety_count(const struct safety *sf)
{
	return sf->n;
}

const char *
safety_match(const struct safety *sf, const char *text, size_t len)
{
	char		*folded;
	const char	*hit = NULL;
	size_t		 i;

	if (sf == NULL || sf->n == 0)
		return NULL;
	folded = safety_fold(text, len);
	for (i = 0; i < sf->n && hit == NULL; i++)
		if (strstr(folded, sf->p[i].folded) != NULL)
			hit = sf->p[i].label;
	free(folded);
	return hit;
}

static int
is_scheme_char(int ch)
{
	return isalnum(ch) || ch == '+' || ch == '-' || ch == '.';
}

/* One word (no spaces): a link, an e-mail address, or neither. */
static void
count_word(const char *w, size_t n, int *links, int *emails)
{
	const char	*at, *dot;
	size_t		 i;

	/* Leading and trailing punctuation: <url>, (mail), "x", end. */
	while (n > 0 && strchr("<([{\"'", *w) != NULL) {
		w++;
		n--;
	}
	while (n > 0 && strchr(">)]}\"',.;:!?", w[n - 1]) != NULL)
		n--;
	if (n == 0)
		return;
	if (n > 7 && strncasecmp(w, "mailto:", 7) == 0) {
		(*emails)++;
		return;
	}
	for (i = 0; i < n && is_scheme_char((unsigned char)w[i]); i++)
		;
	if (i > 0 && i + 3 < n && isalpha((unsigned char)w[0]) &&
	    strncmp(w + i, "://", 3) == 0) {
		(*links)++;
		return;
	}
	if (n > 4 && strncasecmp(w, "www.", 4) == 0) {
		(*links)++;
		return;
	}
	at = memchr(w, '@', n);
	if (at == NULL || at == w)
		return;
	dot = memchr(at, '.', n - (size_t)(at - w));
	if (dot != NULL && dot > at + 1 && dot < w + n - 1 &&
	    isalpha((unsigned char)w[n - 1]))
		(*emails)++;
}

/*
 * Count the links and e-mail addresses in TEXT (quoted lines skipped).
 * Called for every post of a new member: a word is looked at closely
 * only if it could be one (it has '@' or ':', or starts with w after
 * its leading punctuation, see count_word()), which most words cannot.
 */
/*
 * The bytes safety_count_links() tells apart, by table (it sees every
 * byte of a new member's post): word separators, '@' and ':' (a word
 * that may be an address or a link), and the punctuation a link may
 * open with (NUL among it, as strchr() finds the terminator).
 */
#define LC_SPACE	1
#define LC_MARK		2
#define LC_OPEN		4
static const unsigned char link_class[256] = {
	['\0'] = LC_OPEN,
	[' '] = LC_SPACE, ['\t'] = LC_SPACE, ['\r'] = LC_SPACE,
	['\n'] = LC_SPACE,
	['@'] = LC_MARK, [':'] = LC_MARK,
	['<'] = LC_OPEN, ['('] = LC_OPEN, ['['] = LC_OPEN, ['{'] = LC_OPEN,
	['"'] = LC_OPEN, ['\''] = LC_OPEN,
};

void
safety_count_links(const char *text, size_t len, int *links, int *emails)
{
	const char	*p = text, *end = text + len, *ws, *w;
	int		 bol = 1, maybe;

	*links = *emails = 0;
	while (p < end) {
		if (bol && *p == '>') {
			/* A quoted line: skip to its end. */
			if ((p = memchr(p, '\n', (size_t)(end - p))) == NULL)
				break;
			continue;
		}
		if (link_class[(unsigned char)*p] & LC_SPACE) {
			bol = *p == '\n';
			p++;
			continue;
		}
		bol = 0;
		ws = p;
		maybe = 0;
		while (p < end &&
		    !(link_class[(unsigned char)*p] & LC_SPACE)) {
			maybe |= link_class[(unsigned char)*p] & LC_MARK;
			p++;
		}
		if (!maybe) {
			for (w = ws; w < p &&
			    (link_class[(unsigned char)*w] & LC_OPEN); w++)
				;
			maybe = w < p && (*w == 'w' || *w == 'W');
		}
		if (maybe)
			count_word(ws, (size_t)(p - ws), links, emails);
	}
}
