/*
 * names.c -- the names people choose (see names.h).
 *
 * Everything here is table-driven and covers the scripts Hearth's
 * members write their names in: Latin, Cyrillic and, for skeletons
 * only (a From name may hide a Greek omicron), Greek.  Other characters
 * are refused in nicks and account names and pass through folding and
 * skeletons unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "names.h"
#include "utf8.h"
#include "xmalloc.h"

/* Refusal reasons, one table (translated by the caller with i18n()). */
static const char *const why_text[NAMES_NWHY] = {
	[NAMES_OK] = N_("The name is fine"),
	[NAMES_EMPTY] = N_("A name cannot be empty"),
	[NAMES_TOO_SHORT] = N_("A name needs at least 2 characters"),
	[NAMES_TOO_LONG] = N_("The name is too long (at most 30 bytes: 30 "
	    "Latin or 15 Cyrillic letters)"),
	[NAMES_BAD_CHAR] = N_("Use only Latin or Cyrillic letters, digits, "
	    "- or _"),
	[NAMES_BAD_FIRST] = N_("A name must start with a letter"),
	[NAMES_MIXED_SCRIPT] = N_("The name mixes Latin and Cyrillic letters; "
	    "write it in one alphabet"),
	[NAMES_CLAIMS_DOCTOR] = N_("Only verified doctors may use a doctor's "
	    "title in a name"),
	[NAMES_CLAIMS_STAFF] = N_("Only the moderators may use a staff title "
	    "in a name"),
	[NAMES_LOOKS_LIKE_DOCTOR] = N_("The name is, or looks like, a verified "
	    "doctor's name"),
	[NAMES_CONFUSABLE] = N_("The name looks like a name already in use"),
};

const char *
names_why_text(enum names_why why)
{
	if ((int)why < 0 || why >= NAMES_NWHY)
		return why_text[NAMES_BAD_CHAR];
	return why_text[why];
}

/* Kinds of character, as the rules here see them. */
enum ch_class {
	CH_OTHER,
	CH_LATIN,	/* a letter of the Latin script */
	CH_CYRILLIC,
	CH_GREEK,
	CH_DIGIT,
	CH_MARK		/* a combining mark: part of the letter before it */
};

static enum ch_class
ch_class(uint32_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return CH_LATIN;
	if (c >= '0' && c <= '9')
		return CH_DIGIT;
	if ((c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7))
		return CH_LATIN;
	if (c >= 0x300 && c <= 0x36f)
		return CH_MARK;
	if (c >= 0x370 && c <= 0x3ff)
		return CH_GREEK;
	if (c >= 0x400 && c <= 0x4ff)
		return CH_CYRILLIC;
	return CH_OTHER;
}

/*
 * The small letter of C, for the letters folded here: A-Z, Latin-1
 * capitals, basic Greek capitals, Cyrillic capitals U+0400-U+042F and
 * Ґ.  Each pair has the same UTF-8 length.
 */
static uint32_t
fold_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 0x20;
	if (c < 0x80)
		return c;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 0x20;
	if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2)
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		return c + 0x50;
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20;
	if (c == 0x490)
		return 0x491;
	return c;
}

static int
is_upper(uint32_t c)
{
	return fold_cp(c) != c;
}

/* Write code point C as UTF-8 into OUT (at least 4 bytes); its length. */
static size_t
put_utf8(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * The next character of S (LEN bytes left) into *C; its length in
 * bytes, at least 1.  A byte that does not start valid UTF-8 is taken
 * alone as U+FFFD... except that folding copies it unchanged.
 */
static size_t
next_cp(const char *s, size_t len, uint32_t *c)
{
	size_t	n;

	if ((n = utf8_decode(s, len, c)) == 0) {
		*c = 0xfffd;
		return 1;
	}
	return n;
}

void
names_fold(const char *in, char *out, size_t outlen)
{
	size_t		len, i = 0, o = 0, n, k;
	uint32_t	c;
	char		buf[4];

	if (outlen == 0)
		return;
	len = strlen(in);
	while (i < len) {
		n = utf8_decode(in + i, len - i, &c);
		if (n == 0) {
			/* Not UTF-8: the byte as it is. */
			if (o + 1 >= outlen)
				break;
			out[o++] = in[i++];
			continue;
		}
		k = put_utf8(fold_cp(c), buf);
		if (o + k >= outlen)
			break;
		memcpy(out + o, buf, k);
		o += k;
		i += n;
	}
	out[o] = '\0';
}

char *
names_fold_dup(const char *in)
{
	size_t	 len = strlen(in) + 1;
	char	*out = xmalloc(len);

	names_fold(in, out, len);
	return out;
}

/*
 * The next byte of S's fold at *I (advanced); BUF and *BN, *BI hold the
 * rest of a folded character.  No allocation: this runs per recipient.
 */
static int
fold_byte(const char *s, size_t len, size_t *i, char *buf, size_t *bn,
    size_t *bi)
{
	uint32_t	c;
	size_t		n;

	if (*bi < *bn)
		return (unsigned char)buf[(*bi)++];
	if (*i >= len)
		return 0;
	if ((n = utf8_decode(s + *i, len - *i, &c)) == 0)
		return (unsigned char)s[(*i)++];
	*i += n;
	*bn = put_utf8(fold_cp(c), buf);
	*bi = 1;
	return (unsigned char)buf[0];
}

int
names_casecmp(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b), ia = 0, ib = 0;
	size_t	an = 0, ai = 0, bn = 0, bi = 0;
	char	abuf[4], bbuf[4];
	int	ca, cb;

	for (;;) {
		ca = fold_byte(a, la, &ia, abuf, &an, &ai);
		cb = fold_byte(b, lb, &ib, bbuf, &bn, &bi);
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

/* The IRC specials allowed in nicks (and '-' after the first). */
static int
nick_special(uint32_t c)
{
	return c != '\0' && c < 0x80 && strchr("[]\\`_^{|}", (int)c) != NULL;
}

/* A letter of the repertoire: ASCII, Cyrillic U+0400-U+045F, Ґ/ґ. */
static int
name_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= 0x400 && c <= 0x45f) || c == 0x490 || c == 0x491;
}

enum names_why
names_check(enum names_kind kind, const char *s, size_t maxlen)
{
	size_t		len = strlen(s), i = 0, n, chars = 0;
	uint32_t	c;
	int		latin = 0, cyr = 0;

	if (len == 0)
		return NAMES_EMPTY;
	if (len > maxlen)
		return NAMES_TOO_LONG;
	while (i < len) {
		if ((n = utf8_decode(s + i, len - i, &c)) == 0)
			return NAMES_BAD_CHAR;
		if (name_letter(c)) {
			if (c < 0x80)
				latin = 1;
			else
				cyr = 1;
		} else if (kind == NAMES_NICK && nick_special(c)) {
			;
		} else if ((c >= '0' && c <= '9') || c == '-' ||
		    (kind == NAMES_ACCOUNT && c == '_')) {
			if (i == 0)
				return NAMES_BAD_FIRST;
		} else
			return NAMES_BAD_CHAR;
		i += n;
		chars++;
	}
	if (latin && cyr)
		return NAMES_MIXED_SCRIPT;
	if (kind == NAMES_ACCOUNT && chars < 2)
		return NAMES_TOO_SHORT;
	return NAMES_OK;
}

/*
 * Confusables: a character and the prototype it is confused with, in
 * folded form; a character not listed takes its small letter's entry
 * (Б as б, so a name's skeleton does not depend on its case except
 * where the capital has one of its own: I is l, i is i).  Hand-written from the Latin, Cyrillic, Greek and digit
 * entries of Unicode's confusables.txt (UTS #39) that matter for names
 * written in those scripts; both cases of a letter are listed (IRC
 * names are caseless, so НОТА and нота are one name and both look like
 * HOTA).  Departures from UTS #39: Ё/ё are e (Russian writes е for ё),
 * and small-capital lookalikes (в, к, м, н, т) take their Latin letter.
 */
static const struct {
	uint32_t	 c;
	const char	*proto;
} confusables[] = {
	/* Latin and digits */
	{ '0', "o" }, { '1', "l" }, { 'I', "l" }, { '|', "l" },
	{ 0x131, "i" },			/* dotless i */
	/* Cyrillic capitals */
	{ 0x400, "e" }, { 0x401, "e" }, { 0x405, "s" }, { 0x406, "l" },
	{ 0x407, "l" }, { 0x408, "j" }, { 0x410, "a" }, { 0x412, "b" },
	{ 0x415, "e" }, { 0x417, "3" }, { 0x41a, "k" }, { 0x41c, "m" },
	{ 0x41d, "h" }, { 0x41e, "o" }, { 0x420, "p" }, { 0x421, "c" },
	{ 0x422, "t" }, { 0x423, "y" }, { 0x425, "x" }, { 0x42c, "b" },
	{ 0x4ae, "y" }, { 0x4ba, "h" }, { 0x500, "d" }, { 0x51a, "q" },
	{ 0x51c, "w" },
	/* Cyrillic small letters */
	{ 0x430, "a" }, { 0x431, "6" }, { 0x432, "b" }, { 0x435, "e" },
	{ 0x437, "3" }, { 0x43a, "k" }, { 0x43c, "m" }, { 0x43d, "h" },
	{ 0x43e, "o" }, { 0x440, "p" }, { 0x441, "c" }, { 0x442, "t" },
	{ 0x443, "y" }, { 0x445, "x" }, { 0x44c, "b" }, { 0x450, "e" },
	{ 0x451, "e" }, { 0x455, "s" }, { 0x456, "i" }, { 0x457, "i" },
	{ 0x458, "j" }, { 0x4af, "y" }, { 0x4bb, "h" }, { 0x501, "d" },
	{ 0x51b, "q" }, { 0x51d, "w" },
	/* Greek */
	{ 0x391, "a" }, { 0x392, "b" }, { 0x395, "e" }, { 0x396, "z" },
	{ 0x397, "h" }, { 0x399, "l" }, { 0x39a, "k" }, { 0x39c, "m" },
	{ 0x39d, "n" }, { 0x39f, "o" }, { 0x3a1, "p" }, { 0x3a4, "t" },
	{ 0x3a5, "y" }, { 0x3a7, "x" }, { 0x3b1, "a" }, { 0x3b9, "i" },
	{ 0x3ba, "k" }, { 0x3bd, "v" }, { 0x3bf, "o" }, { 0x3c1, "p" },
	{ 0x3c5, "u" }, { 0x3c7, "x" }, { 0x3f2, "c" },
};

static const char *
confusable(uint32_t c)
{
	/* ASCII, the most of most names, by table: filled at first use. */
	static const char	*ascii[128];
	static int		 ascii_ready;
	size_t			 i;

	if (!ascii_ready) {
		for (i = 0; i < sizeof confusables / sizeof confusables[0];
		    i++)
			if (confusables[i].c < 128 &&
			    ascii[confusables[i].c] == NULL)
				ascii[confusables[i].c] = confusables[i].proto;
		ascii_ready = 1;
	}
	if (c < 128)
		return ascii[c];
	for (i = 0; i < sizeof confusables / sizeof confusables[0]; i++)
		if (confusables[i].c == c)
			return confusables[i].proto;
	return NULL;
}

/* Append the skeleton of the LEN bytes at S to the string OUT (grown). */
static void
skeleton_append(const char *s, size_t len, char **out, size_t *olen)
{
	size_t		 i = 0, n, k;
	uint32_t	 c;
	const char	*p;
	char		 buf[4];

	while (i < len) {
		n = next_cp(s + i, len - i, &c);
		if ((p = confusable(c)) != NULL ||
		    (p = confusable(fold_cp(c))) != NULL) {
			k = strlen(p);
			memcpy(buf, p, k);
		} else
			k = put_utf8(fold_cp(c), buf);
		*out = xrealloc(*out, *olen + k + 1);
		memcpy(*out + *olen, buf, k);
		*olen += k;
		(*out)[*olen] = '\0';
		i += n;
	}
}

char *
names_skeleton(const char *s)
{
	char	*out = xstrdup("");
	size_t	 olen = 0;

	skeleton_append(s, strlen(s), &out, &olen);
	return out;
}

/*
 * The titles, in the form a person writes them; compared through
 * loose skeletons (l and i as one), so "Дoктор" with a Latin o, "ADMIN"
 * and "m0derator" are caught too.
 */
static const struct {
	const char	*word;
	int		 role;
} titles[] = {
	{ "dr", NAMES_ROLE_DOCTOR }, { "doc", NAMES_ROLE_DOCTOR },
	{ "doctor", NAMES_ROLE_DOCTOR }, { "physician", NAMES_ROLE_DOCTOR },
	{ "nurse", NAMES_ROLE_DOCTOR }, { "surgeon", NAMES_ROLE_DOCTOR },
	{ "oncologist", NAMES_ROLE_DOCTOR },
	{ "neurologist", NAMES_ROLE_DOCTOR },
	{ "pediatrician", NAMES_ROLE_DOCTOR },
	{ "endocrinologist", NAMES_ROLE_DOCTOR },
	{ "psychiatrist", NAMES_ROLE_DOCTOR },
	{ "др", NAMES_ROLE_DOCTOR }, { "д-р", NAMES_ROLE_DOCTOR },
	{ "доктор", NAMES_ROLE_DOCTOR }, { "врач", NAMES_ROLE_DOCTOR },
	{ "медсестра", NAMES_ROLE_DOCTOR }, { "медбрат", NAMES_ROLE_DOCTOR },
	{ "фельдшер", NAMES_ROLE_DOCTOR }, { "хирург", NAMES_ROLE_DOCTOR },
	{ "онколог", NAMES_ROLE_DOCTOR }, { "невролог", NAMES_ROLE_DOCTOR },
	{ "педиатр", NAMES_ROLE_DOCTOR }, { "терапевт", NAMES_ROLE_DOCTOR },
	{ "эндокринолог", NAMES_ROLE_DOCTOR },
	{ "психиатр", NAMES_ROLE_DOCTOR }, { "кардиолог", NAMES_ROLE_DOCTOR },
	{ "admin", NAMES_ROLE_STAFF }, { "administrator", NAMES_ROLE_STAFF },
	{ "moderator", NAMES_ROLE_STAFF }, { "staff", NAMES_ROLE_STAFF },
	{ "official", NAMES_ROLE_STAFF }, { "hearth", NAMES_ROLE_STAFF },
	{ "support", NAMES_ROLE_STAFF }, { "sysop", NAMES_ROLE_STAFF },
	{ "helpdesk", NAMES_ROLE_STAFF },
	{ "модератор", NAMES_ROLE_STAFF }, { "модер", NAMES_ROLE_STAFF },
	{ "админ", NAMES_ROLE_STAFF }, { "администратор", NAMES_ROLE_STAFF },
	{ "администрация", NAMES_ROLE_STAFF },
	{ "поддержка", NAMES_ROLE_STAFF },
	{ "техподдержка", NAMES_ROLE_STAFF },
};
#define NTITLES	(sizeof titles / sizeof titles[0])

/* The loose skeleton of the LEN bytes at S: the skeleton, l as i. */
static char *
loose_skeleton(const char *s, size_t len)
{
	char	*out = xstrdup(""), *p;
	size_t	 olen = 0;

	skeleton_append(s, len, &out, &olen);
	for (p = out; *p != '\0'; p++)
		if (*p == 'l')
			*p = 'i';
	return out;
}

/*
 * The titles' loose skeletons, made once (static storage: the longest
 * title has 26 bytes and a skeleton is never longer than its text).
 */
static const char *
title_skeleton(size_t i)
{
	static char	sk[NTITLES][64];
	static int	made;
	size_t		j;
	char		*t;

	if (!made) {
		for (j = 0; j < NTITLES; j++) {
			t = loose_skeleton(titles[j].word,
			    strlen(titles[j].word));
			snprintf(sk[j], sizeof sk[j], "%s", t);
			free(t);
		}
		made = 1;
	}
	return sk[i];
}

/* The role the title at S (LEN bytes) claims, or 0 when it is none. */
static int
title_role(const char *s, size_t len)
{
	char	*sk;
	size_t	 i;
	int	 role = 0;

	if (len == 0 || len > 64)
		return 0;
	sk = loose_skeleton(s, len);
	for (i = 0; i < NTITLES && role == 0; i++)
		if (strcmp(sk, title_skeleton(i)) == 0)
			role = titles[i].role;
	free(sk);
	return role;
}

/*
 * A word of a name: letters and digits (marks go with their letter);
 * HYPHEN says whether '-' joins words too.
 */
static int
word_char(uint32_t c, int hyphen)
{
	switch (ch_class(c)) {
	case CH_LATIN:
	case CH_CYRILLIC:
	case CH_GREEK:
	case CH_DIGIT:
	case CH_MARK:
		return 1;
	default:
		return hyphen && c == '-';
	}
}

/*
 * Called for every token of a name (see tokens()): its bytes, and
 * whether it is a part of a word cut at a change of case or at digits.
 */
typedef void (*token_fn)(const char *, size_t, int part, void *);

/*
 * Cut the word W (LEN bytes) into parts where case turns from small to
 * capital ("DrPetrov": Dr, Petrov), before the last of a run of
 * capitals followed by a small letter ("DRPetrov": DR, Petrov), and
 * between letters and digits ("moderator2": moderator, 2).  FN sees
 * each part when there are two or more.
 */
static void
word_parts(const char *w, size_t len, token_fn fn, void *arg)
{
	size_t		 i = 0, n, start = 0;
	uint32_t	 c, prev = 0, next;
	size_t		 cuts[256];	/* later ones are not made */
	size_t		 ncut = 0;
	enum ch_class	 cl, pcl = CH_OTHER;

	while (i < len) {
		n = next_cp(w + i, len - i, &c);
		cl = ch_class(c);
		if (i > 0 && cl != CH_MARK) {
			int	cut = 0;

			if ((cl == CH_DIGIT) != (pcl == CH_DIGIT))
				cut = 1;
			else if (cl != CH_DIGIT && is_upper(c) &&
			    !is_upper(prev) && pcl != CH_DIGIT)
				cut = 1;
			else if (is_upper(c) && is_upper(prev) && i + n < len) {
				next_cp(w + i + n, len - i - n, &next);
				if (ch_class(next) != CH_DIGIT &&
				    ch_class(next) != CH_MARK && !is_upper(next))
					cut = 1;
			}
			if (cut && ncut < sizeof cuts / sizeof cuts[0])
				cuts[ncut++] = i;
		}
		if (cl != CH_MARK) {
			prev = c;
			pcl = cl;
		}
		i += n;
	}
	if (ncut == 0)
		return;
	for (i = 0; i <= ncut; i++) {
		size_t	end = i < ncut ? cuts[i] : len;

		fn(w + start, end - start, 1, arg);
		start = end;
	}
}

/*
 * Call FN for the tokens of S a title is looked for in: each run of
 * letters and digits joined by '-' ("д-р"), each run between any
 * separators, and each run's parts (word_parts()).
 */
static void
tokens(const char *s, token_fn fn, void *arg)
{
	size_t		len = strlen(s), i, n, start;
	uint32_t	c;
	int		hyphen;

	for (hyphen = 1; hyphen >= 0; hyphen--) {
		i = 0;
		while (i < len) {
			n = next_cp(s + i, len - i, &c);
			if (!word_char(c, hyphen)) {
				i += n;
				continue;
			}
			start = i;
			while (i < len) {
				n = next_cp(s + i, len - i, &c);
				if (!word_char(c, hyphen))
					break;
				i += n;
			}
			if (hyphen) {
				/* Only runs that hold a '-' are new. */
				if (memchr(s + start, '-', i - start) != NULL)
					fn(s + start, i - start, 0, arg);
				continue;
			}
			fn(s + start, i - start, 0, arg);
			word_parts(s + start, i - start, fn, arg);
		}
	}
}

static void
claims_cb(const char *t, size_t len, int part, void *arg)
{
	int	*roles = arg;

	(void)part;
	*roles |= title_role(t, len);
}

int
names_claims(const char *s)
{
	int	roles = 0;

	tokens(s, claims_cb, &roles);
	return roles;
}

struct bare {
	char		*out;
	size_t		 olen;
	const char	*word;		/* the current word, NULL: none */
	size_t		 wlen;
	int		 titled;	/* one of its parts is a title */
	char		*kept;		/* its parts that are not titles */
};

static void
bare_add(struct bare *b, const char *s, size_t len)
{
	char	*sk;

	if (len == 0)
		return;
	sk = loose_skeleton(s, len);
	b->out = xrealloc(b->out, b->olen + strlen(sk) + 1);
	memcpy(b->out + b->olen, sk, strlen(sk) + 1);
	b->olen += strlen(sk);
	free(sk);
}

/* LEN less the ASCII digits S ends with (a number alone: 0). */
static size_t
strip_digits(const char *s, size_t len)
{
	size_t	n = len;

	while (n > 0 && s[n - 1] >= '0' && s[n - 1] <= '9')
		n--;
	return n;
}

/*
 * Finish the current word: left out when it is a title; replaced by
 * its parts that are not titles when one of its parts is ("DrIvanova":
 * ivanova); else kept whole.  Trailing digits go ("Иванова2").
 */
static void
bare_flush(struct bare *b)
{
	if (b->word != NULL) {
		if (b->titled) {
			if (b->kept != NULL)
				bare_add(b, b->kept, strip_digits(b->kept,
				    strlen(b->kept)));
		} else if (title_role(b->word, b->wlen) == 0)
			bare_add(b, b->word, strip_digits(b->word, b->wlen));
	}
	free(b->kept);
	b->kept = NULL;
	b->word = NULL;
	b->titled = 0;
}

static void
bare_cb(const char *t, size_t len, int part, void *arg)
{
	struct bare	*b = arg;
	size_t		 k;

	if (memchr(t, '-', len) != NULL)
		return;		/* hyphenated runs: their words come next */
	if (!part) {
		bare_flush(b);
		b->word = t;
		b->wlen = len;
		return;
	}
	if (title_role(t, len) != 0) {
		b->titled = 1;
		return;
	}
	k = b->kept != NULL ? strlen(b->kept) : 0;
	b->kept = xrealloc(b->kept, k + len + 1);
	memcpy(b->kept + k, t, len);
	b->kept[k + len] = '\0';
}

char *
names_bare_skeleton(const char *s)
{
	struct bare	b;

	memset(&b, 0, sizeof b);
	b.out = xstrdup("");
	tokens(s, bare_cb, &b);
	bare_flush(&b);
	return b.out;
}
