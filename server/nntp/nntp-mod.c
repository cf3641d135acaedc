/*
 * nntp-mod.c -- how moderation decisions reach articles.
 *
 * The moderation engine (modq.c) applies approve, reject, hide and unhide
 * to an article through these hooks; every change is committed by
 * store-news.c and drops cached feeds.
 */
#include <stdio.h>
#include <string.h>

#include "hearth.h"
#include "modq.h"
#include "nntp.h"
#include "notify.h"
#include "store-news.h"

static int
article_apply(struct server *srv, const char *ref, const char *action,
    const char *actor, const char *reason, char *msg, size_t msglen)
{
	int	rc;

	(void)reason;
	if (strcmp(action, "approve") == 0)
		rc = store_news_approve_msgid(srv->store, ref, actor);
	else if (strcmp(action, "reject") == 0)
		rc = store_news_reject(srv->store, ref);
	else if (strcmp(action, "hide") == 0)
		rc = store_news_hide(srv->store, ref);
	else if (strcmp(action, "unhide") == 0)
		rc = store_news_unhide(srv->store, ref);
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

static const struct modq_ops article_ops = { "article", article_apply,
	NULL };

void
nntp_mod_init(struct server *srv)
{
	(void)srv;
	modq_register(&article_ops);
}
