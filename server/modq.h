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

/* How a protocol applies a decision to an item type it owns. */
struct modq_ops {
	const char	*item_type;	/* "article", "chat", "account" */
	/* ACTION: approve, reject, hide, unhide.  0, or -1 with MSG. */
	int		(*apply)(struct server *, const char *ref,
			    const char *action, const char *actor,
			    const char *reason, char *msg, size_t msglen);
};

void	 modq_register(const struct modq_ops *);

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
int64_t	 modq_hold(struct server *, const char *item_type,
	    const char *item_ref, const char *author, const char *location,
	    const char *excerpt);
/*
 * Check TEXT against the crisis phrases; on a match queue the item at
 * top priority, alert the moderators and return the hotline text the
 * caller shows the author privately.  NULL when nothing matched.
 */
const char *modq_crisis_check(struct server *, const char *text, size_t len,
	    const char *item_type, const char *item_ref, const char *author,
	    const char *location);

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
 * SCOPE "*" (server-wide) or a room; DURATION 0 for no expiry.
 */
int	 modq_sanction(struct server *, const char *kind, const char *target,
	    const char *scope, int duration, const char *actor,
	    const char *reason, char *msg, size_t msglen);
int	 modq_lift(struct server *, const char *kind, const char *target,
	    const char *scope, const char *actor, char *msg, size_t msglen);
/* 1 when an active KIND matches ACCOUNT (may be NULL) or MASK in SCOPE. */
int	 modq_sanctioned(struct server *, const char *kind,
	    const char *account, const char *mask, const char *scope);
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
void	 modq_set_account_hook(void (*)(struct server *, const char *name,
	    int approved, const char *reason));
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
 * Entry ID for people, line by line: content, context, reports, who has
 * seen it, the author's history and notes.  VIEWER is recorded as a
 * viewer when not NULL.  -1 when there is no such entry.
 */
int	 modq_render(struct server *, int64_t id, const char *viewer,
	    void (*line)(void *, const char *), void *arg);

/* "1d", "12h", "30m", "90s", "2w" or a number of seconds; -1 if bad. */
int	 modq_parse_duration(const char *);

#endif
