/*
 * sanction.h -- what bans and mutes forbid, decided in one place for
 * every protocol.
 *
 * Moderators set sanctions with modq_sanction() (hearthmod, the Helper,
 * the flood watch); modq keeps the active ones cached and lifts them when
 * they expire.  Every door asks here:
 *
 *   sign in     a server-wide ban refuses it: NNTP AUTHINFO, IRC SASL
 *               (PLAIN and EXTERNAL), HTTP Basic, feed tokens, remote
 *               hearthmod (all through auth_login() but the
 *               certificate and the token), and a session signed in
 *               before the ban stops acting as the account;
 *   enter       a ban in a #room (or everywhere) keeps one out of it;
 *   speak/post  a ban or a mute everywhere or in the scope (a #room or a
 *               newsgroup) refuses the words.
 *
 * The answer says which sanction, where, why and until when, so each
 * protocol can put it in its refusal.
 */
#ifndef HEARTH_SANCTION_H
#define HEARTH_SANCTION_H

#include <stddef.h>
#include <time.h>

#include "hearth.h"

enum sanction_kind {
	SANCTION_NONE = 0,
	SANCTION_BAN,
	SANCTION_MUTE
};

struct sanction_verdict {
	enum sanction_kind	 kind;
	char			 scope[128];	/* "*", "#room", a newsgroup */
	char			 reason[256];	/* "" when none was given */
	time_t			 expires;	/* 0: until lifted */
};

/*
 * May ACCOUNT (NULL: not signed in), seen as MASK (IRC nick!user@host;
 * NULL elsewhere), sign in?  0 yes; 1 no, with V (may be NULL) filled.
 */
int	 sanction_may_sign_in(struct server *, const char *account,
	    const char *mask, struct sanction_verdict *v);
/* May they enter SCOPE (a #room)?  A ban there or everywhere says no. */
int	 sanction_may_enter(struct server *, const char *account,
	    const char *mask, const char *scope, struct sanction_verdict *v);
/*
 * May they post or speak in SCOPE (a newsgroup or a #room; NULL for
 * private messages, where only server-wide sanctions count)?  Bans come
 * before mutes.  0 yes; 1 no, with V filled.
 */
int	 sanction_may_speak(struct server *, const char *account,
	    const char *mask, const char *scope, struct sanction_verdict *v);
/*
 * V in words, without a subject: "banned until 2026-12-14 10:00 UTC:
 * spam", "muted in support.diabetes until further notice".  Returns BUF.
 */
/* The same in LANG (i18n: NULL the operator's), for the member. */
const char *sanction_describe_lang(const struct sanction_verdict *v,
    const char *lang, char *buf, size_t len);
const char *sanction_describe(const struct sanction_verdict *v, char *buf,
	    size_t len);

#endif
