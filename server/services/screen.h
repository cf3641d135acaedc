/*
 * screen.h -- screening of a member's words: one pass, one verdict.
 *
 * Every room message, private message and posted or received article
 * is screened here before it is stored, by the same rules whichever
 * protocol carried it:
 *
 *   flood      more than flood_messages within flood_seconds, or the
 *              same text flood_repeats times (per connection): refused,
 *              and the sender is muted everywhere for flood_mute
 *              seconds (actor "system") and flagged for review;
 *   moderated  a post to a moderated group waits for a moderator unless
 *              a verified doctor wrote it or a moderator approved it
 *              (Approved:); a peer's unapproved one is refused;
 *   links      a new member's words with more links or e-mail addresses
 *              than allowed wait for a moderator;
 *   probation  every message of a member on probation waits;
 *   profile    a value shown beside a member's name (IRC metadata: a
 *              display name, pronouns, a status, an avatar URL) is never
 *              held: one claiming a role the member lacks, or a new
 *              member's links past the limit, is refused;
 *   crisis     a crisis phrase never stops anything: the verdict carries
 *              the hotline text for the author and the phrase matched,
 *              and the item is queued for the moderators when stored.
 *
 * The protocol only translates the verdict to its wire (IRC: deliver,
 * NOTE + Helper notice for a hold, FAIL for a refusal; NNTP: 240, 240
 * "held", 441/437).  Sanctions (bans, mutes) are checked elsewhere.
 */
#ifndef HEARTH_SCREEN_H
#define HEARTH_SCREEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct server;

/* Per-connection flood watch (a leaky bucket and the last text). */
struct screen_flood {
	float		 level;
	uint32_t	 hash;
	time_t		 last;
	int		 repeats;
	time_t		 first_repeat;
};

enum screen_kind {
	SCREEN_ROOM,		/* a message to a room */
	SCREEN_PRIVATE,		/* a private message: flood watch only */
	SCREEN_POST,		/* an article posted by a member */
	SCREEN_REPORT,		/* a follow-up in the report group */
	SCREEN_TRANSIT,		/* an article offered by a peer */
	SCREEN_PROFILE		/* a profile value (IRC metadata) */
};

struct screen_input {
	enum screen_kind	 kind;
	const char		*account;	/* NULL: not signed in */
	const char		*nick;		/* a guest's name, or NULL */
	const char		*host;		/* for a guest's flood mute */
	const char		*role;		/* "member", "doctor", ... */
	int			 probation;	/* posts still held */
	int64_t			 created;	/* when the account was made */
	const char		*where;		/* room, or the Newsgroups */
	int			 moderated;	/* a moderated group is named */
	int			 approved;	/* carries an Approved: header */
	struct screen_flood	*flood;		/* NULL: no flood watch */
	const char		*text;		/* the words (a body) */
	size_t			 len;
	const char		*subject;	/* also screened, or NULL */
	const char		*key;		/* SCREEN_PROFILE: its key */
};

enum screen_action {
	SCREEN_DELIVER,
	SCREEN_HOLD,
	SCREEN_REFUSE
};

#define SCREEN_F_CRISIS		0x01	/* a crisis phrase matched */
#define SCREEN_F_LINKS		0x02	/* over a new member's link limit */
#define SCREEN_F_PROBATION	0x04	/* a member on probation */
#define SCREEN_F_FLOOD		0x08	/* flooding: muted just now */
#define SCREEN_F_MODERATED	0x10	/* a moderated group */

struct screen_verdict {
	enum screen_action	 action;
	int			 flags;
	/* Why it waits or is refused, for the author. */
	char			 reason[160];
	/* With SCREEN_F_CRISIS: the phrase ("lang:phrase") and the
	 * hotline text to show the author (may be NULL if unset). */
	const char		*crisis;
	const char		*hotline;
	/* What matched (IN's text or subject: LEN bytes). */
	const char		*crisis_text;
	size_t			 crisis_len;
	/* With SCREEN_F_FLOOD: how long the mute lasts. */
	int			 mute_minutes;
	/* The member's probation count as now stored. */
	int			 probation;
};

/*
 * Screen IN once and fill OUT.  The flood watch updates IN->flood and,
 * when it trips, mutes and flags the sender (refuse).  Nothing else is
 * written: the caller stores the item with the verdict (see
 * modq_hold_chat(), modq_post_article(), screen_delivered()).
 */
void	 screen_words(struct server *, const struct screen_input *in,
	    struct screen_verdict *out);

/*
 * After a delivered item is stored (in the caller's transaction or the
 * group commit): queue it for the moderators when the verdict flagged a
 * crisis.  ITEM_TYPE "chat" or "article", ITEM_REF its id.
 */
void	 screen_delivered(struct server *, const struct screen_input *in,
	    const struct screen_verdict *v, const char *item_type,
	    const char *item_ref);

#endif
