/*
 * lang.h -- which language a member reads (issue 15).
 *
 * An account may choose one (Helper LANGUAGE, hearthmod account lang);
 * without a choice it reads the operator's `language`.  The tags are
 * those i18n knows ("ru", "en").
 */
#ifndef HEARTH_LANG_H
#define HEARTH_LANG_H

#include "hearth.h"

/*
 * The language ACCOUNT reads, as a known tag, or NULL for the
 * operator's default (no account, no choice, or a tag no catalogue
 * has any more).  Pass it straight to i18n().
 */
const char	*member_lang(struct server *, const char *account);

/*
 * ACCOUNT reads TAG from now on ("default" or NULL: the operator's
 * language again).  Audited as ACTOR.  Returns 0, -1 when TAG is not a
 * known language, -2 when there is no such account, -3 on a store
 * error.
 */
int		 member_lang_set(struct server *, const char *account,
		    const char *tag, const char *actor);

/*
 * A doctor's specialty in LANG ("oncology" -> "онкология"), from the
 * table in lang.c; one not in the table is shown as the operator wrote
 * it.
 */
const char	*specialty_name(const char *lang, const char *specialty);

/*
 * The role badge: "verified doctor (oncology)" in LANG into BUF
 * (SPECIALTY may be NULL).
 */
void		 doctor_badge(const char *lang, const char *specialty,
		    char *buf, size_t len);

#endif
