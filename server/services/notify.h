/*
 * notify.h -- the one cross-protocol notifier.
 *
 * Services announce what happened in the community; protocols (and any
 * other interested module) subscribe.  No service calls into a protocol
 * and no protocol calls into another: they meet here.  Delivery is
 * synchronous, in subscription order, on the event loop.  A subscriber
 * must not publish the same kind again from inside its callback.
 */
#ifndef HEARTH_NOTIFY_H
#define HEARTH_NOTIFY_H

#include <stdint.h>
#include <time.h>

struct server;

enum notify_kind {
	/* An account's role, status, password, certificates or name
	 * changed, or it was erased: name in ACCOUNT. */
	NOTIFY_ACCOUNT_CHANGED,
	/* A sanction was added (ban, mute): SANCTION, TARGET (account name
	 * or mask), SCOPE ("" or NULL: everywhere), REASON, UNTIL (0: no
	 * expiry), ACTOR. */
	NOTIFY_SANCTION_ADDED,
	/* A decision changed an item and is committed: ID (the queue
	 * entry, or 0 for a direct hide/unhide), ITEM_TYPE ("article",
	 * "chat", "account"), ITEM_REF, ACTION ("approve", "reject",
	 * "hide", "unhide"), ACTOR, REASON. */
	NOTIFY_ENTRY_DECIDED,
	/* Something to tell about a scheduled event.  ACTION says what:
	 * "say" (a line in ROOM: TEXT), "topic" (ROOM's topic becomes
	 * TEXT), "remind" (event ID starts soon: ROOM, TEXT; tell those
	 * who asked). */
	NOTIFY_EVENT,
	/* Something feeds and pages show changed (cache invalidation). */
	NOTIFY_CONTENT_CHANGED,
	/* A private notice for one member (notice.h): ACCOUNT, TEXT
	 * (its body, one or more lines), ID (the stored notice, 0 if it
	 * could not be stored), ACTION (its kind: "held", "warning" ...),
	 * REASON (its subject).  A subscriber that showed it live sets
	 * msg->delivered. */
	NOTIFY_MEMBER_NOTICE,
	/* A line for the moderators on duty: TEXT. */
	NOTIFY_MOD_ALERT,
	/* Outgoing feeds (peer.h): ACTION "queued" (rows were queued,
	 * perhaps not yet committed) or "changed" (a peer was added,
	 * changed, paused, resumed or removed: TARGET names it). */
	NOTIFY_PEER,
	NOTIFY_KIND_COUNT
};

struct notify_msg {
	enum notify_kind	 kind;
	int64_t			 id;
	const char		*account;
	const char		*sanction;
	const char		*target;
	const char		*scope;
	const char		*item_type;
	const char		*item_ref;
	const char		*action;
	const char		*actor;
	const char		*reason;
	const char		*room;
	const char		*text;
	time_t			 until;
	/* Out: how many subscribers delivered it live. */
	int			 delivered;
};

typedef void	(*notify_fn)(struct server *, struct notify_msg *, void *);

/* Subscribe FN to KIND; subscriptions last until notify_reset(). */
void	 notify_subscribe(enum notify_kind, notify_fn, void *arg);
/* Announce MSG to every subscriber of MSG->kind; returns
 * msg->delivered. */
int	 notify_publish(struct server *, struct notify_msg *);
/* Drop every subscription (server shutdown, tests). */
void	 notify_reset(void);
const char *notify_kind_name(enum notify_kind);
/* Shorthand: announce NOTIFY_CONTENT_CHANGED (feeds and pages). */
void	 notify_content_changed(struct server *);

#endif
