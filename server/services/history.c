/*
 * history.c -- the message-id history (see history.h).
 */
#include <time.h>

#include <event2/event.h>

#include "history.h"
#include "log.h"
#include "store-history.h"
#include "store-news.h"

/* Seconds between expiry runs. */
#define HISTORY_EXPIRE_EVERY	600

static struct event	*history_ev;

static int
found_cb(const struct news_art *a, void *arg)
{
	(void)a;
	*(int *)arg = 1;
	return 0;
}

enum history_state
history_offer(struct server *srv, const char *msgid)
{
	const char	*reason;
	int		 found = 0, rc;

	/* Any stored article, whoever may read it: viewer 0, every level. */
	rc = store_news_by_msgid_as(srv->store, msgid, 0, 0, found_cb,
	    &found);
	if (rc == STORE_ERROR)
		return HISTORY_ERROR;
	if (found)
		return HISTORY_KNOWN;
	rc = store_history_get(srv->store, msgid, &reason);
	if (rc == STORE_ERROR)
		return HISTORY_ERROR;
	return rc == STORE_OK ? HISTORY_KNOWN : HISTORY_NEW;
}

int
history_remember(struct server *srv, const char *msgid, const char *reason)
{
	if (srv->cf->history_remember <= 0)
		return 0;
	return store_history_add(srv->store, msgid, reason,
	    (int64_t)time(NULL)) == STORE_OK ? 0 : -1;
}

long
history_expire(struct server *srv)
{
	int64_t	n = 0;

	if (store_history_expire(srv->store, (int64_t)time(NULL) -
	    srv->cf->history_remember, &n) != STORE_OK)
		return -1;
	if (n > 0)
		log_info("history: forgot %lld message-ids older than %d s",
		    (long long)n, srv->cf->history_remember);
	return (long)n;
}

static void
expire_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	history_expire(arg);
}

void
history_init(struct server *srv)
{
	/* A short memory is expired as often as it is long. */
	struct timeval	tv = { srv->cf->history_remember > 0 &&
	    srv->cf->history_remember < HISTORY_EXPIRE_EVERY ?
	    srv->cf->history_remember : HISTORY_EXPIRE_EVERY, 0 };

	history_expire(srv);
	history_ev = event_new(srv->base, -1, EV_PERSIST, expire_cb, srv);
	event_add(history_ev, &tv);
}

void
history_free(struct server *srv)
{
	(void)srv;
	if (history_ev != NULL)
		event_free(history_ev);
	history_ev = NULL;
}
