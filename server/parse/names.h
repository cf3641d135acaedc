/*
 * names.h -- the names people choose: nicks, account names, display names.
 *
 * Pure module, table-driven (there is no ICU here).  It holds the one
 * case folding every name and room goes through (IRC, the store's
 * lower(), the sign-in throttle), the rules for which nicks and account
 * names are allowed (a subset of PRECIS IdentifierClass, RFC 8264, with
 * the UsernameCasePreserved profile of RFC 8265: stored as written,
 * compared folded), the confusable skeleton (after UTS #39), and the
 * title tokens a name may use to claim a role.
 *
 * Repertoire: ASCII letters and digits, the Cyrillic letters U+0400 to
 * U+045F (Russian with Ё/ё, Ukrainian, Belarusian, Serbian,
 * Macedonian) and Ґ/ґ, and for nicks the IRC specials [ ] \ ` _ ^ { | }
 * and '-'.  A name is Latin or Cyrillic, never both.
 *
 * Folding (the "precis" casemapping restricted to what is folded here):
 * A-Z, Latin-1 capitals, Greek capitals and Cyrillic capitals to their
 * small letters; nothing else changes, so a folded name has exactly as
 * many bytes as the name.
 */
#ifndef HEARTH_NAMES_H
#define HEARTH_NAMES_H

#include <stddef.h>

enum names_kind {
	NAMES_NICK,		/* an IRC nick */
	NAMES_ACCOUNT		/* an account name */
};

/* Why a name is refused.  names_why_text() gives the English msgid. */
enum names_why {
	NAMES_OK = 0,
	NAMES_EMPTY,
	NAMES_TOO_SHORT,
	NAMES_TOO_LONG,
	NAMES_BAD_CHAR,		/* outside the repertoire */
	NAMES_BAD_FIRST,	/* a digit or '-' first */
	NAMES_MIXED_SCRIPT,	/* Latin and Cyrillic letters together */
	NAMES_CLAIMS_DOCTOR,	/* a doctor's title the account lacks */
	NAMES_CLAIMS_STAFF,	/* a staff title the account lacks */
	NAMES_LOOKS_LIKE_DOCTOR, /* a verified doctor's name, or one like it */
	NAMES_CONFUSABLE,	/* looks like a name in use */
	NAMES_NWHY
};

/* Roles a name may claim (names_claims()). */
#define NAMES_ROLE_DOCTOR	0x1
#define NAMES_ROLE_STAFF	0x2

/*
 * The English text (an N_() msgid) for WHY; the caller translates it
 * with i18n().
 */
const char	*names_why_text(enum names_why);

/*
 * May S be a name of KIND?  At most MAXLEN bytes; account names have at
 * least 2 characters.  NAMES_OK or the first problem found.
 */
enum names_why	 names_check(enum names_kind, const char *s, size_t maxlen);

/*
 * Fold IN into OUT (OUTLEN bytes), truncating like strlcpy; IN and OUT
 * may be equal.  Invalid UTF-8 is copied as it is.
 */
void	 names_fold(const char *in, char *out, size_t outlen);
/* A folded copy of IN (xmalloc'd). */
char	*names_fold_dup(const char *in);
/* Compare A and B folded, as strcmp does: 0 when they are one name. */
int	 names_casecmp(const char *a, const char *b);

/*
 * The confusable skeleton of S (xmalloc'd): each character replaced by
 * the prototype it is confused with (in either case), then folded.
 * Two names with one skeleton look alike.
 */
char	*names_skeleton(const char *s);

/*
 * The roles S claims by its title tokens (NAMES_ROLE_* bits, 0 for
 * none).  S may be any UTF-8 text: a nick, a real name, a From name.
 */
int	 names_claims(const char *s);

/*
 * The skeleton of S without its title tokens and without separators,
 * for comparing a name with a verified doctor's ("Др. Иванова" and
 * "Иванова" give one); xmalloc'd, "" when nothing is left.
 */
char	*names_bare_skeleton(const char *s);

#endif
