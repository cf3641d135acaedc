/*
 * notice.h -- notices to one member, in whichever client they use.
 *
 * A notice is stored (table notices) and announced once, as
 * NOTIFY_MEMBER_NOTICE: the IRC side shows it live from the service
 * nick to every client signed in to the account, and newsreaders find
 * it in the member's own group hearth.inbox (nntp-inbox.c), whether or
 * not anyone was online.  Every kind of notice is made here, so the
 * words a member reads are the same through every door.
 *
 * ACCOUNT is always an account name: words of someone not signed in
 * (an anonymous IRC nick) have nobody to store a notice for, and the
 * protocol tells them in place.
 */
#ifndef HEARTH_NOTICE_H
#define HEARTH_NOTICE_H

#include <stdint.h>
#include <time.h>

#include "hearth.h"

/* Kinds (the kind column, X-Hearth-Notice in the inbox). */
#define NOTICE_HELD		"held"
#define NOTICE_APPROVED		"approved"
#define NOTICE_REJECTED		"rejected"
#define NOTICE_HIDDEN		"hidden"
#define NOTICE_CRISIS		"crisis"
#define NOTICE_WARNING		"warning"
#define NOTICE_SANCTION		"sanction"
#define NOTICE_LIFTED		"lifted"
#define NOTICE_REMINDER		"reminder"

/*
 * Store a notice for ACCOUNT and announce it.  BODY is one or more
 * lines ('\n'); the IRC side shows each line as a NOTICE.  Returns how
 * many live clients showed it (0 when none), or -1 when there is no
 * such account (nothing stored or shown).
 */
int	 notice_send(struct server *, const char *account, const char *kind,
	    const char *subject, const char *body);

/*
 * The notices moderation sends.  ITEM_TYPE is "article" or "chat";
 * WHERE the groups or room ("" or NULL: unknown); WHAT the subject of a
 * post or the words of a message (shortened here); WHY, REASON may be
 * NULL.  Those returning int return as notice_send().
 */
int	 notice_held(struct server *, const char *account,
	    const char *item_type, const char *where, const char *what,
	    const char *why);
/* ACTION: "approve", "reject", "hide" (by a moderator) or "autohide". */
void	 notice_decided(struct server *, const char *account,
	    const char *item_type, const char *action, const char *where,
	    const char *what, const char *reason);
/* Their words matched a crisis phrase: the hotline text. */
int	 notice_hotline(struct server *, const char *account);
/* A warning from a moderator; returns as notice_send(). */
int	 notice_warning(struct server *, const char *account,
	    const char *text);
/*
 * KIND ("ban", "mute") in SCOPE ("*": everywhere) on ACCOUNT: added
 * (UNTIL 0: no end; ACTOR "system" for the flood watch), lifted by a
 * moderator (LIFTED 1) or ended by itself (LIFTED 2).
 */
void	 notice_sanction(struct server *, const char *account,
	    const char *kind, const char *scope, const char *reason,
	    time_t until, const char *actor, int lifted);
/* An event reminder the member asked for: TITLE in ROOM at WHEN. */
void	 notice_reminder(struct server *, const char *account,
	    const char *title, const char *room, const char *when);

#endif
