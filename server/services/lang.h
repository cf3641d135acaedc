/*
 * lang.h -- which language a member reads (issue 15).
 *
 * An account may choose one (Helper LANGUAGE, hearthmod account lang);
 * without a choice it reads the operator's `language`.  The tags are
 * those i18n knows ("ru", "en").  And the time zone a member reads
 * times in on the web (migration 22): the community's unless chosen.
 */
#ifndef HEARTH_LANG_H
#define HEARTH_LANG_H

#include <stddef.h>
#include <stdint.h>

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
 * Show times in the zone account ACCOUNT_ID chose, for the page being
 * made (tz_use(); the caller calls tz_use(NULL) after it).
 */
void		 member_tz_use(struct server *, int64_t account_id);

/*
 * The zone ACCOUNT_ID chose into BUF ("" for the community's).
 */
void		 member_tz(struct server *, int64_t account_id, char *buf,
		    size_t len);

/*
 * ACCOUNT (id ACCOUNT_ID) reads times in ZONE, an IANA name this
 * machine knows (tz_check()), from now on ("default", "" or NULL: the
 * community's again).  Audited as ACTOR.  Returns 0, -1 when ZONE is
 * not a known zone, -2 when there is no such account, -3 on a store
 * error.
 */
int		 member_tz_set(struct server *, const char *account,
		    int64_t account_id, const char *zone, const char *actor);

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
