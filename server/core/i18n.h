/*
 * i18n.h -- the texts members read, in their language.
 *
 * Every human-readable text a member, moderator or visitor sees is
 * written in the source in English and passed through i18n() with the
 * reader's language tag ("ru", "en"; NULL: the operator's default).
 * Protocol codes, numerics and FAIL codes never go through it.  N_()
 * marks a text kept in a table for xgettext without translating it
 * there; the code that shows it calls i18n() on it.
 *
 * The catalogues live under po/ (xgettext keywords: i18n:2, N_).
 */
#ifndef HEARTH_I18N_H
#define HEARTH_I18N_H

#define N_(s)	(s)

/* MSGID (English) in LANG, or MSGID itself when there is no text for it. */
const char	*i18n(const char *lang, const char *msgid)
		    __attribute__((format_arg(2)));

#endif
