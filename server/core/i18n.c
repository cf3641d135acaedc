/*
 * i18n.c -- the texts members read, in their language (see i18n.h).
 *
 * The catalogues are GNU .mo files (the gettext manual, "The Format of
 * GNU MO Files"): a header of 32-bit words (magic 0x950412de in the
 * writer's byte order, revision, N strings, offset of the originals'
 * table, offset of the translations' table), then per table N pairs of
 * (length, offset), each string NUL-terminated.  A plural entry's
 * original is "singular\0plural" and its translation the forms one
 * after the other, NUL-separated.  We read the whole file, check every
 * offset, and keep a sorted index per language for bsearch.  msgfmt
 * leaves fuzzy and untranslated entries out, so a missing text falls
 * back to the English msgid.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "xmalloc.h"

#define MO_MAGIC	0x950412deU
#define MO_MAGIC_SWAP	0xde120495U
/* A catalogue larger than this is refused (ours are ~100 KiB). */
#define MO_MAX_SIZE	(16 * 1024 * 1024)

struct mo_entry {
	const char	*id;	/* msgid (the singular for a plural one) */
	const char	*str;	/* translation; forms NUL-separated */
	size_t		 strlen; /* bytes of str including inner NULs */
};

struct catalogue {
	char		 lang[I18N_TAG_MAX + 1];
	char		*data;		/* the file */
	struct mo_entry	*ent;
	size_t		 n;
	struct catalogue *next;
};

/* Current catalogues; those replaced by a reload, kept till exit. */
static struct catalogue	*cats;
static struct catalogue	*retired;
static char		 deflang[I18N_TAG_MAX + 1] = "en";
static char		 langlist[256] = "en";

static uint32_t
word(const unsigned char *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	if (swap)
		v = (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
		    (v << 24);
	return v;
}

static int
ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mo_entry *)a)->id,
	    ((const struct mo_entry *)b)->id);
}

/*
 * TAG's primary subtag, lower-cased, into OUT ("ru-RU" -> "ru").
 * Returns 0, or -1 when it is empty, too long or not letters.
 */
static int
norm_tag(const char *tag, char out[I18N_TAG_MAX + 1])
{
	size_t	i;

	for (i = 0; tag[i] != '\0' && tag[i] != '-' && tag[i] != '_' &&
	    tag[i] != '.' && tag[i] != '@'; i++) {
		if (i >= I18N_TAG_MAX || !isalpha((unsigned char)tag[i]))
			return -1;
		out[i] = (char)tolower((unsigned char)tag[i]);
	}
	out[i] = '\0';
	return i > 0 ? 0 : -1;
}

static void
cat_free(struct catalogue *c)
{
	if (c == NULL)
		return;
	free(c->ent);
	free(c->data);
	free(c);
}

/* Reads PATH as a .mo catalogue of LANG; NULL with ERR on a bad file. */
static struct catalogue *
mo_read(const char *path, const char *lang, char *err, size_t errlen)
{
	struct catalogue	*c;
	const unsigned char	*d;
	FILE			*f;
	long			 size;
	uint32_t		 magic, n, oo, to, i;
	int			 swap;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "%s: cannot read", path);
		fclose(f);
		return NULL;
	}
	if (size < 28 || size > MO_MAX_SIZE) {
		snprintf(err, errlen, "%s: not a catalogue (size)", path);
		fclose(f);
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	snprintf(c->lang, sizeof c->lang, "%s", lang);
	c->data = xmalloc((size_t)size + 1);
	if (fread(c->data, 1, (size_t)size, f) != (size_t)size) {
		snprintf(err, errlen, "%s: short read", path);
		goto bad_nomsg;
	}
	fclose(f);
	f = NULL;
	c->data[size] = '\0';
	d = (const unsigned char *)c->data;
	memcpy(&magic, d, 4);
	if (magic != MO_MAGIC && magic != MO_MAGIC_SWAP)
		goto bad;
	swap = magic == MO_MAGIC_SWAP;
	if ((word(d + 4, swap) >> 16) > 1)	/* major revision 0 or 1 */
		goto bad;
	n = word(d + 8, swap);
	oo = word(d + 12, swap);
	to = word(d + 16, swap);
	if (n > (uint32_t)size / 16 || oo > (uint32_t)size - 8 * (uint64_t)n ||
	    to > (uint32_t)size - 8 * (uint64_t)n)
		goto bad;
	c->ent = xcalloc(n > 0 ? n : 1, sizeof *c->ent);
	for (i = 0; i < n; i++) {
		uint32_t ol = word(d + oo + 8 * i, swap);
		uint32_t of = word(d + oo + 8 * i + 4, swap);
		uint32_t tl = word(d + to + 8 * i, swap);
		uint32_t tf = word(d + to + 8 * i + 4, swap);

		/* Each string and its NUL inside the file. */
		if (of >= (uint32_t)size || ol >= (uint32_t)size - of ||
		    d[of + ol] != '\0' || tf >= (uint32_t)size ||
		    tl >= (uint32_t)size - tf || d[tf + tl] != '\0')
			goto bad;
		if (ol == 0)
			continue;	/* the header entry */
		c->ent[c->n].id = c->data + of;
		c->ent[c->n].str = c->data + tf;
		c->ent[c->n].strlen = tl;
		c->n++;
	}
	qsort(c->ent, c->n, sizeof *c->ent, ent_cmp);
	return c;
 bad:
	snprintf(err, errlen, "%s: not a GNU .mo catalogue", path);
 bad_nomsg:
	if (f != NULL)
		fclose(f);
	cat_free(c);
	return NULL;
}

static int
tag_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "en ru ..." from the catalogues (en always). */
static void
make_langlist(void)
{
	const char		*tags[32];
	struct catalogue	*c;
	size_t			 n = 0, i, len = 0;

	tags[n++] = "en";
	for (c = cats; c != NULL && n < 32; c = c->next)
		if (strcmp(c->lang, "en") != 0)
			tags[n++] = c->lang;
	qsort(tags, n, sizeof *tags, tag_cmp);
	langlist[0] = '\0';
	for (i = 0; i < n && len + I18N_TAG_MAX + 2 < sizeof langlist; i++)
		len += (size_t)snprintf(langlist + len, sizeof langlist - len,
		    "%s%s", i > 0 ? " " : "", tags[i]);
}

int
i18n_load(const char *dir, char *err, size_t errlen)
{
	struct catalogue	*fresh = NULL, *c, *last;
	struct dirent		*de;
	DIR			*dp;
	char			 path[4096], lang[I18N_TAG_MAX + 1];
	int			 count = 0;

	if ((dp = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		size_t	len = strlen(de->d_name);

		if (len < 4 || strcmp(de->d_name + len - 3, ".mo") != 0 ||
		    len - 3 > I18N_TAG_MAX)
			continue;
		memcpy(lang, de->d_name, len - 3);
		lang[len - 3] = '\0';
		if (norm_tag(lang, lang) != 0 || strlen(lang) != len - 3)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((c = mo_read(path, lang, err, errlen)) == NULL) {
			closedir(dp);
			while (fresh != NULL) {
				c = fresh->next;
				cat_free(fresh);
				fresh = c;
			}
			return -1;
		}
		c->next = fresh;
		fresh = c;
		count++;
	}
	closedir(dp);
	/* Keep the old ones: texts from them may still be held. */
	if (cats != NULL) {
		for (last = cats; last->next != NULL; last = last->next)
			;
		last->next = retired;
		retired = cats;
	}
	cats = fresh;
	make_langlist();
	return count;
}

void
i18n_free(void)
{
	struct catalogue	*c;

	while (cats != NULL) {
		c = cats->next;
		cat_free(cats);
		cats = c;
	}
	while (retired != NULL) {
		c = retired->next;
		cat_free(retired);
		retired = c;
	}
}

void
i18n_set_default(const char *lang)
{
	char	t[I18N_TAG_MAX + 1];

	if (lang != NULL && norm_tag(lang, t) == 0)
		memcpy(deflang, t, sizeof deflang);
}

const char *
i18n_default(void)
{
	return deflang;
}

static struct catalogue *
find_cat(const char *lang)
{
	struct catalogue	*c;
	char			 t[I18N_TAG_MAX + 1];

	if (lang == NULL)
		lang = deflang;
	if (norm_tag(lang, t) != 0)
		return NULL;
	for (c = cats; c != NULL; c = c->next)
		if (strcmp(c->lang, t) == 0)
			return c;
	return NULL;
}

const char *
i18n_lang(const char *tag)
{
	struct catalogue	*c;
	char			 t[I18N_TAG_MAX + 1];

	if (tag == NULL || norm_tag(tag, t) != 0)
		return NULL;
	if (strcmp(t, "en") == 0)
		return "en";
	c = find_cat(t);
	return c != NULL ? c->lang : NULL;
}

static const struct mo_entry *
lookup(const char *lang, const char *msgid)
{
	struct catalogue	*c;
	struct mo_entry		 key;

	if (msgid == NULL || *msgid == '\0' || (c = find_cat(lang)) == NULL)
		return NULL;
	key.id = msgid;
	return bsearch(&key, c->ent, c->n, sizeof *c->ent, ent_cmp);
}

const char *
i18n(const char *lang, const char *msgid)
{
	const struct mo_entry	*e = lookup(lang, msgid);

	return e != NULL && e->str[0] != '\0' ? e->str : msgid;
}

/*
 * The plural form for N in LANG (the rules of each catalogue's
 * Plural-Forms header, written out: East Slavic, Polish, the rest
 * English-like).
 */
static unsigned long
plural_form(const char *lang, unsigned long n)
{
	char	t[I18N_TAG_MAX + 1];

	if (lang == NULL)
		lang = deflang;
	if (norm_tag(lang, t) != 0)
		return n != 1;
	if (strcmp(t, "ru") == 0 || strcmp(t, "uk") == 0 ||
	    strcmp(t, "be") == 0)
		return n % 10 == 1 && n % 100 != 11 ? 0 :
		    n % 10 >= 2 && n % 10 <= 4 &&
		    (n % 100 < 10 || n % 100 >= 20) ? 1 : 2;
	if (strcmp(t, "pl") == 0)
		return n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 &&
		    (n % 100 < 10 || n % 100 >= 20) ? 1 : 2;
	return n != 1;
}

const char *
i18n_n(const char *lang, const char *singular, const char *plural,
    unsigned long n)
{
	const struct mo_entry	*e = lookup(lang, singular);
	const char		*s, *end;
	unsigned long		 form;

	if (e == NULL || e->str[0] == '\0')
		return n == 1 ? singular : plural;
	form = plural_form(lang, n);
	s = e->str;
	end = e->str + e->strlen;
	while (form-- > 0) {
		s += strlen(s) + 1;
		if (s >= end)	/* fewer forms than the rule: the first */
			return e->str;
	}
	return s;
}

const char *
i18n_negotiate(const char *al)
{
	const char	*best = NULL, *p, *lang;
	double		 bestq = 0.0, q;
	char		 tag[64];
	size_t		 n;

	if (al == NULL)
		return NULL;
	for (p = al; *p != '\0';) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		n = strcspn(p, ";, \t");
		snprintf(tag, sizeof tag, "%.*s", (int)(n < 63 ? n : 63), p);
		p += n;
		q = 1.0;
		while (*p == ' ' || *p == '\t')
			p++;
		while (*p == ';') {
			p++;
			while (*p == ' ' || *p == '\t')
				p++;
			if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
				q = strtod(p + 2, NULL);
			p += strcspn(p, ";,");
		}
		if (q < 0.0 || q > 1.0)
			q = 0.0;
		lang = strcmp(tag, "*") == 0 ? deflang : i18n_lang(tag);
		if (lang != NULL && q > bestq) {
			best = lang;
			bestq = q;
		}
	}
	return best != NULL ? i18n_lang(best) : NULL;
}

const char *
i18n_languages(void)
{
	return langlist;
}
