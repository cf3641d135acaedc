/*
 * items.c -- what a moderation decision does to each kind of item in the
 * database: an article (store-news.c) or a chat message (store-chat.c).
 *
 * Called by the moderation engine (modq.c) inside its transaction; only
 * the store is written here.  What members see live once the decision is
 * committed is each protocol's business: modq announces it as
 * NOTIFY_ENTRY_DECIDED.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "items.h"
#include "notify.h"
#include "peer.h"
#include "store-chat.h"
#include "store-news.h"

/* Approve, reject, hide or unhide article REF (a Message-ID). */
static int
article_apply(struct server *srv, const char *ref, const char *action,
    const char *actor, char *msg, size_t msglen)
{
	int	rc;

	if (strcmp(action, "approve") == 0) {
		rc = store_news_approve_msgid(srv->store, ref, actor);
		/* Published: queued for the peers in the deciding
		 * transaction (the caller's). */
		if (rc == STORE_OK && peer_queue_article(srv, ref) < 0)
			rc = STORE_ERROR;
	}
	else if (strcmp(action, "reject") == 0)
		rc = store_news_reject(srv->store, ref);
	else if (strcmp(action, "hide") == 0)
		rc = store_news_hide(srv->store, ref);
	else if (strcmp(action, "unhide") == 0) {
		rc = store_news_unhide(srv->store, ref);
		/* Shown again: offered again (a peer that took it before
		 * the hide answers 438). */
		if (rc == STORE_OK && peer_queue_article(srv, ref) < 0)
			rc = STORE_ERROR;
	}
	else {
		snprintf(msg, msglen, "Articles cannot be %s", action);
		return -1;
	}
	if (rc == STORE_NOTFOUND) {
		snprintf(msg, msglen, "No article %s that can be %s", ref,
		    strcmp(action, "approve") == 0 ? "approved (not held?)" :
		    strcmp(action, "reject") == 0 ? "rejected (not held?)" :
		    strcmp(action, "hide") == 0 ? "hidden (not visible?)" :
		    "shown again (not hidden?)");
		return -1;
	}
	if (rc != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		return -1;
	}
	notify_content_changed(srv);
	return 0;
}

/* Milliseconds since the epoch, the time unit of chat history. */
static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Hide or show again chat message REF (kept in the database either
 * way); approving a held one publishes it in the history at this time.
 */
static int
chat_apply(struct server *srv, const char *ref, const char *action,
    char *msg, size_t msglen)
{
	struct chat_msg	m;
	int		hide, rc;

	if (strcmp(action, "hide") == 0 || strcmp(action, "reject") == 0)
		hide = 1;
	else if (strcmp(action, "unhide") == 0 ||
	    strcmp(action, "approve") == 0)
		hide = 0;
	else {
		snprintf(msg, msglen, "Chat messages cannot be %s", action);
		return -1;
	}
	memset(&m, 0, sizeof m);
	if (store_chat_get(srv->store, ref, &m) != STORE_OK) {
		snprintf(msg, msglen, "No chat message %s", ref);
		return -1;
	}
	chat_msg_clear(&m);
	if (strcmp(action, "approve") == 0) {
		rc = store_chat_publish(srv->store, ref, now_ms());
		if (rc != STORE_OK) {
			snprintf(msg, msglen, rc == STORE_NOTFOUND ? "Chat "
			    "message %s is not waiting for approval" :
			    "Database error", ref);
			return -1;
		}
		return 0;
	}
	rc = store_chat_hide(srv->store, ref, hide);
	/* Rejecting a held message: it stays hidden, as it was. */
	if (rc == STORE_NOTFOUND && strcmp(action, "reject") == 0)
		rc = STORE_OK;
	if (rc == STORE_NOTFOUND) {
		snprintf(msg, msglen, "Chat message %s is already %s", ref,
		    hide ? "hidden" : "visible");
		return -1;
	}
	if (rc != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		return -1;
	}
	return 0;
}

int
items_apply(struct server *srv, const char *item_type, const char *ref,
    const char *action, const char *actor, char *msg, size_t msglen)
{
	if (strcmp(item_type, "article") == 0)
		return article_apply(srv, ref, action, actor, msg, msglen);
	if (strcmp(item_type, "chat") == 0)
		return chat_apply(srv, ref, action, msg, msglen);
	/* Accounts are decided by modq itself; users have nothing to hide. */
	if (strcmp(item_type, "user") == 0)
		return 0;
	snprintf(msg, msglen, "Nothing can %s a %s yet", action, item_type);
	return -1;
}
