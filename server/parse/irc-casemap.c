/*
 * irc-casemap.c -- IRC case mapping, nick/channel validity, ban masks.
 *
 * CASEMAPPING=rfc1459 folds A-Z to a-z and also []\~ to {}|^, because
 * the Scandinavian charset these came from treated them as upper and
 * lower case of the same letters. CASEMAPPING=ascii folds A-Z only.
 * Bytes >= 0x80 are never folded.
 */
#include <stdlib.h>
#include <string.h>

#include "irc-casemap.h"
#include "names.h"
#include "utf8.h"
#include "xmalloc.h"

/* Kinds of element in a ban mask. */
enum irc_mask_tok {
	IRC_MASK_STAR,
	IRC_MASK_ANY,
	IRC_MASK_LIT
};

/* Fold one byte under casemapping cm. */
int
irc_casefold_char(enum irc_casemap cm, int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	if (cm != IRC_CASEMAP_RFC1459)
		return c;
	switch (c) {
	case '[':
		return '{';
	case ']':
		return '}';
	case '\\':
		return '|';
	case '~':
		return '^';
	}
	return c;
}

/*
 * Fold in into out, which holds outlen bytes; like strlcpy the result is
 * truncated and NUL-terminated when outlen > 0. in and out may be equal.
 */
void
irc_casefold(enum irc_casemap cm, const char *in, char *out, size_t outlen)
{
	size_t	i;

	if (outlen == 0)
		return;
	if (cm == IRC_CASEMAP_PRECIS) {
		names_fold(in, out, outlen);
		return;
	}
	for (i = 0; i < outlen - 1 && in[i] != '\0'; i++)
		out[i] = (char)irc_casefold_char(cm, (unsigned char)in[i]);
	out[i] = '\0';
}

/* Return a folded copy of in; the caller frees it. */
char *
irc_casefold_dup(enum irc_casemap cm, const char *in)
{
	char	*out;
	size_t	 len;

	len = strlen(in) + 1;
	out = xmalloc(len);
	irc_casefold(cm, in, out, len);
	return out;
}

/*
 * Compare a and b as strcmp does, after folding both: 0 means they name
 * the same nick or channel.
 */
int
irc_casecmp(enum irc_casemap cm, const char *a, const char *b)
{
	int	ca, cb;

	if (cm == IRC_CASEMAP_PRECIS)
		return names_casecmp(a, b);
	for (;; a++, b++) {
		ca = irc_casefold_char(cm, (unsigned char)*a);
		cb = irc_casefold_char(cm, (unsigned char)*b);
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
}

/*
 * Is nick an acceptable nickname?  1 to nicklen_max bytes of Latin or
 * Cyrillic letters (not both), IRC specials [ ] \ ` _ ^ { | }, and
 * digits or '-' after the first: names_check(NAMES_NICK).  This leaves
 * out '#', ':', '!', '@', spaces and leading digits.
 */
int
irc_nick_valid(const char *nick, size_t nicklen_max)
{
	return names_check(NAMES_NICK, nick, nicklen_max) == NAMES_OK;
}

/*
 * Is chan an acceptable channel name? It starts with '#' (CHANTYPES=#),
 * has at least one more byte, at most chanlen_max bytes in all, no space,
 * comma, BEL, CR or LF, and is valid UTF-8.
 */
int
irc_channel_valid(const char *chan, size_t chanlen_max)
{
	size_t	len;

	len = strlen(chan);
	if (len < 2 || len > chanlen_max || chan[0] != '#')
		return 0;
	if (strpbrk(chan, " ,\a\r\n") != NULL)
		return 0;
	return utf8_valid(chan, len);
}

/*
 * Read the mask element at p: '*', '?', or a literal byte stored in *c.
 * A backslash escapes a following '*', '?' or '\'; before anything else
 * (or at the end) it is a literal backslash, so masks for nicks holding
 * '\' need no escaping. *n is set to the bytes used.
 */
static enum irc_mask_tok
irc_mask_next(const char *p, int *c, size_t *n)
{
	*n = 1;
	if (p[0] == '*')
		return IRC_MASK_STAR;
	if (p[0] == '?')
		return IRC_MASK_ANY;
	if (p[0] == '\\' && (p[1] == '*' || p[1] == '?' || p[1] == '\\')) {
		*c = (unsigned char)p[1];
		*n = 2;
		return IRC_MASK_LIT;
	}
	*c = (unsigned char)p[0];
	return IRC_MASK_LIT;
}

/*
 * Match text against a glob mask such as "*!*@*.example.org", folding
 * case under cm. '*' matches any run of bytes, '?' one byte (not one
 * UTF-8 character). Only the most recent star is backtracked to, which
 * is enough for globs and bounds the work by strlen(mask) *
 * strlen(text): patterns like "*a*a*a*a*b" cannot blow up.
 */
int
irc_mask_match(enum irc_casemap cm, const char *mask, const char *text)
{
	const char		*m = mask, *t = text;
	const char		*star_m = NULL, *star_t = NULL;
	enum irc_mask_tok	 tok;
	size_t			 n;
	int			 c = 0, rc;
	char			*fm, *ft;

	if (cm == IRC_CASEMAP_PRECIS) {
		/* Fold both whole (UTF-8), then match them byte for byte. */
		fm = names_fold_dup(mask);
		ft = names_fold_dup(text);
		rc = irc_mask_match(IRC_CASEMAP_ASCII, fm, ft);
		free(fm);
		free(ft);
		return rc;
	}
	while (*t != '\0') {
		if (*m != '\0') {
			tok = irc_mask_next(m, &c, &n);
			if (tok == IRC_MASK_STAR) {
				star_m = ++m;
				star_t = t;
				continue;
			}
			if (tok == IRC_MASK_ANY ||
			    irc_casefold_char(cm, c) ==
			    irc_casefold_char(cm, (unsigned char)*t)) {
				m += n;
				t++;
				continue;
			}
		}
		if (star_m == NULL)
			return 0;
		m = star_m;
		t = ++star_t;
	}
	while (*m == '*')
		m++;
	return *m == '\0';
}
