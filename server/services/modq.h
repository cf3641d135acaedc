/*
 * modq.h -- the moderation engine: one queue, one audit log.
 *
 * Reports, held posts, crisis flags and sign-up requests from every
 * protocol land in one queue (priority: crisis, report, held, signup).
 * Decisions are applied by the protocol that owns the item through the
 * hooks it registers, and every action is written to the audit log with
 * actor, target, reason and time.  Alerts for moderators go out as
 * NOTIFY_MOD_ALERT; what concerns a member (their held words decided
 * or hidden, warnings, sanctions on their account) as a notice
 * (notice.h).  Nothing is ever deleted: hiding keeps
 * the item in the database.
 */
#ifndef HEARTH_MODQ_H
#define HEARTH_MODQ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "hearth.h"

/*
 * Decisions are applied to stored items by items.c inside the deciding
 * transaction; once it is committed, modq announces NOTIFY_ENTRY_DECIDED
 * (ITEM_TYPE, ITEM_REF, ACTION, REASON, ACTOR; ID the queue entry or 0)
 * and each protocol shows the result live.
 */

int	 modq_init(struct server *, char *err, size_t errlen);
void	 modq_free(struct server *);

/*
 * A member reports an item.  Several reporters within the configured
 * window hide it pending review.  0 (MSG says what happened for the
 * reporter) or -1 with MSG.
 */
int	 modq_report(struct server *, const char *reporter, const char *via,
	    const char *item_type, const char *item_ref, const char *author,
	    const char *location, const char *excerpt, const char *reason,
	    char *msg, size_t msglen);
/*
 * A held room message M (its account is the author): stored hidden with
 * its queue row -- and a crisis row when CRISIS ("lang:phrase") is set --
 * in one transaction.  0, or -1 when nothing was stored.
 */
struct chat_msg;
int	 modq_hold_chat(struct server *, const struct chat_msg *m,
	    const char *location, const char *crisis);

/* The queue side of a member's article (see modq_post_article()). */
struct modq_article {
	const char	*author;	/* account name */
	const char	*location;	/* the Newsgroups */
	const char	*excerpt;	/* for the held entry (the Subject) */
	const char	*crisis;	/* matched phrase, or NULL */
	const char	*crisis_text;	/* what matched (LEN bytes) */
	size_t		 crisis_len;
	int		 batch;		/* in: may join the group commit; */
					/* out: joined it */
};
/*
 * Store article NP and, in the same transaction, its queue rows ("held"
 * when NP->hold, "crisis" when IT->crisis).  STORE_OK, STORE_EXISTS or
 * STORE_ERROR (nothing written).  With IT->batch, a plain post (not
 * held, no crisis, not a repost) joins the loop iteration's group
 * commit: STORE_OK then means stored but durable only once the batch
 * commits, and every connection's output is held until then
 * (conn_hold()); the caller notes its reply for nntp_batch_done().
 */
struct news_post;
int	 modq_post_article(struct server *, const struct news_post *np,
	    struct modq_article *it);

/* The crisis phrase ("lang:phrase") in TEXT, or NULL. */
const char *modq_crisis_match(struct server *, const char *text, size_t len);
/*
 * Queue an item whose TEXT matched HIT at top priority and alert the
 * moderators (in the caller's transaction or group commit, if any).
 */
void	 modq_crisis_flag(struct server *, const char *hit,
	    const char *item_type, const char *item_ref, const char *author,
	    const char *location, const char *text, size_t len);

/*
 * Probation limits.  A member is new while on probation or within
 * probation_days of making the account (doctors, moderators and admins
 * never are).  Over the link or e-mail address limit, a new member's
 * post or message waits for a moderator: 1 with WHY set, else 0.
 */
int	 modq_is_new_member(struct server *, const char *role, int probation,
	    int64_t created);
int	 modq_over_link_limit(struct server *, const char *text, size_t len,
	    char *why, size_t whylen);

/* Decide on queue entry ID: approve, reject, dismiss or hide. */
int	 modq_decide(struct server *, int64_t id, const char *action,
	    const char *actor, const char *reason, char *msg, size_t msglen);
/* Hide or unhide an item directly. */
int	 modq_item_action(struct server *, const char *item_type,
	    const char *item_ref, const char *action, const char *actor,
	    const char *reason, char *msg, size_t msglen);

/*
 * Bans and mutes.  TARGET is an account name or a nick!user@host mask;
 * SCOPE "*" or "" (server-wide), a #room or a newsgroup; DURATION 0 for
 * no expiry.  Who may do what under them is decided in sanction.h.
 */
int	 modq_sanction(struct server *, const char *kind, const char *target,
	    const char *scope, int duration, const char *actor,
	    const char *reason, char *msg, size_t msglen);
int	 modq_lift(struct server *, const char *kind, const char *target,
	    const char *scope, const char *actor, char *msg, size_t msglen);
/* 1 when an active KIND matches ACCOUNT (may be NULL) or MASK in SCOPE. */
int	 modq_sanctioned(struct server *, const char *kind,
	    const char *account, const char *mask, const char *scope);
/* An active sanction as the cache holds it (valid until the next change). */
struct modq_sanction_info {
	const char	*kind;		/* "ban", "mute" */
	const char	*target;
	const char	*scope;		/* "*", "#room" or a newsgroup */
	const char	*reason;	/* "" when none was given */
	time_t		 expires;	/* 0: until lifted */
};
/*
 * The active KIND on ACCOUNT (may be NULL) or MASK (may be NULL) that
 * covers SCOPE (NULL: server-wide ones only); of several, the one that
 * lasts longest.  1 with INFO filled (may be NULL), or 0.
 */
int	 modq_sanction_match(struct server *, const char *kind,
	    const char *account, const char *mask, const char *scope,
	    struct modq_sanction_info *info);
/* Read the active sanctions again (after rooms.c rescoped some). */
void	 modq_sanctions_reload(struct server *);
/* Lift what has expired now (run by a timer; also for tests). */
void	 modq_expire(struct server *);

int	 modq_warn(struct server *, const char *account, const char *actor,
	    const char *text, char *msg, size_t msglen);
int	 modq_note(struct server *, const char *account, const char *actor,
	    const char *text);

/*
 * Sign-up NAME waits for approval: a "signup" queue entry (approve
 * activates the pending account, reject removes it).  The hook hears
 * each decision (APPROVED 1 or 0, REASON may be NULL).
 */
int64_t	 modq_signup(struct server *, const char *name, const char *via);
/* The server itself flags an item for review (actor "system"). */
int64_t	 modq_flag(struct server *, const char *item_type,
	    const char *item_ref, const char *author, const char *location,
	    const char *excerpt, const char *reason);

/*
 * Context rows (position, time, who, text) of an item: the chat lines
 * around a chat message, the article and its parent for an article.
 */
void	 modq_context(struct server *, const char *item_type,
	    const char *item_ref,
	    void (*)(int, const char *const *, const char *const *, void *),
	    void *);
/*
 * The context rows of queue entry ID: modq_context() of its item, or for
 * a member reported by nick in a room, their last lines there and the
 * lines around them.  0, or -1 when there is none to give.
 */
int	 modq_entry_context(struct server *, int64_t id,
	    void (*)(int, const char *const *, const char *const *, void *),
	    void *);
/*
 * The body of stored article MSGID (held ones too) as UTF-8 text for a
 * moderator: transfer encoding undone, charset converted (xmalloc'd),
 * or NULL when it is not stored.
 */
char	*modq_article_text(struct server *, const char *msgid);
/*
 * Entry ID for people, line by line: content, context, reports, who has
 * seen it, the author's history and notes.  VIEWER is recorded as a
 * viewer when not NULL.  -1 when there is no such entry.
 */
int	 modq_render(struct server *, int64_t id, const char *viewer,
	    void (*line)(void *, const char *), void *arg);

/* Durations are parsed by modcmd_parse_duration() (modcmd.h). */

#endif
