/*
 * i18n.h -- the texts members read, in their language.
 *
 * Every human-readable text a member, moderator or visitor sees is
 * written in the source in English and passed through i18n() with the
 * reader's language tag ("ru", "en"; NULL: the operator's default).
 * Protocol codes, numerics and FAIL codes never go through it.  N_()
 * marks a text kept in a table for xgettext without translating it
 * there; the code that shows it calls i18n() on it.  A text with a
 * count goes through i18n_n() (ngettext's plural forms).
 *
 * The catalogues live under po/ (xgettext keywords: i18n:2,
 * i18n_n:2,3, N_); msgfmt compiles them to LANG.mo, which i18n_load()
 * reads itself at start-up and on SIGHUP: no locale, no per-process
 * language, every reader answered in their own language at once.
 *
 * A returned text stays valid until the process ends (a reload keeps
 * the catalogues it replaces).
 */
#ifndef HEARTH_I18N_H
#define HEARTH_I18N_H

#include <stddef.h>

#define N_(s)	(s)

/* The longest language tag kept ("ru", "en", "pt"...). */
#define I18N_TAG_MAX	8

/* MSGID (English) in LANG, or MSGID itself when there is no text for it. */
const char	*i18n(const char *lang, const char *msgid)
		    __attribute__((format_arg(2)));

/* SINGULAR or PLURAL (English) for the count N, in LANG's plural forms. */
const char	*i18n_n(const char *lang, const char *singular,
		    const char *plural, unsigned long n)
		    __attribute__((format_arg(2))) __attribute__((format_arg(3)));

/*
 * Loads every DIR/LANG.mo, replacing the catalogues loaded before.
 * Returns how many were loaded, or -1 with ERR set when DIR cannot be
 * read or a file is not a catalogue (the old ones stay then).
 */
int		 i18n_load(const char *dir, char *err, size_t errlen);

/* The operator's language (config `language`); "en" until set. */
void		 i18n_set_default(const char *lang);
const char	*i18n_default(void);

/*
 * The known tag for TAG ("ru", "RU", "ru-RU", "ru_RU.UTF-8" -> "ru"),
 * or NULL when no catalogue has it.  "en" is always known (the msgids
 * are English).
 */
const char	*i18n_lang(const char *tag);

/*
 * The best known language for an HTTP Accept-Language value (q-values,
 * "*"), or NULL when none is acceptable or the header is absent.
 */
const char	*i18n_negotiate(const char *accept_language);

/* The known languages, space-separated ("en ru"), for listings. */
const char	*i18n_languages(void);

/* Frees every catalogue (at exit). */
void		 i18n_free(void);

#endif
