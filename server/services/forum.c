/*
 * forum.c -- the web reader's thread index kept up (see forum.h).
 */
#include <stdint.h>

#include <event2/event.h>

#include "conn.h"
#include "forum.h"
#include "log.h"
#include "store-web.h"

/*
 * Articles indexed in one transaction, the timer's pace (s), and how
 * far the index may fall behind while articles keep coming.
 */
#define FORUM_BATCH	2000
#define FORUM_EVERY	1
#define FORUM_LAG	20000

static struct event	*forum_ev;
static int64_t		 forum_seen;	/* the newest article last tick */

/*
 * Index up to FORUM_BATCH articles in one transaction, joining the
 * loop iteration's group commit (the posts of the same iteration
 * share its commit; nothing waits on the index being durable, and a
 * crash loses the rows and the mark together).  How many, or -1.
 */
static int
catch_up(struct server *srv)
{
	struct store	*st = srv->store;
	int		 n;

	conn_hold(srv);
	if (store_batch_begin(st) != STORE_OK)
		return -1;
	if ((n = store_web_index_catch_up(st, FORUM_BATCH)) < 0) {
		store_rollback(st);
		return -1;
	}
	if (store_commit(st) != STORE_OK)
		return -1;
	return n;
}

static void
forum_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server	*srv = arg;
	struct timeval	 tv = { FORUM_EVERY, 0 };
	int64_t		 done, top;
	int		 n;

	(void)fd;
	(void)what;
	if (srv->shutting_down)
		return;
	n = store_web_index_behind(srv->store, &done, &top);
	/*
	 * Articles came since the last tick: posting is busy, and the
	 * index's work (some 40k instructions an article, a ninth of
	 * storing it) waits for a quiet second, unless it is FORUM_LAG
	 * behind.  A page that reads the index catches it up first in
	 * any case.
	 */
	if (n > 0 && top != forum_seen && top - done < FORUM_LAG)
		n = 0;
	forum_seen = top;
	if (n > 0 && (n = catch_up(srv)) < 0)
		log_warnx("forum: the web's thread index could not be "
		    "caught up (tried again in %d s)", FORUM_EVERY);
	/* A full batch: more is waiting, so again on the next turn. */
	if (n == FORUM_BATCH)
		tv.tv_sec = 0;
	event_add(forum_ev, &tv);
}

void
forum_init(struct server *srv)
{
	struct timeval	tv = { 0, 0 };

	forum_ev = evtimer_new(srv->base, forum_cb, srv);
	event_add(forum_ev, &tv);
}

void
forum_free(struct server *srv)
{
	(void)srv;
	if (forum_ev != NULL)
		event_free(forum_ev);
	forum_ev = NULL;
}

int
forum_index_sync(struct server *srv)
{
	int64_t	done, top;
	int	n;

	while ((n = store_web_index_behind(srv->store, &done, &top)) > 0)
		if (catch_up(srv) <= 0)
			return -1;
	return n < 0 ? -1 : 0;
}
