/*
 * store-peer.h -- outgoing Usenet feeds: the peers and each peer's
 * durable queue (migration 18; SQL in store-peer.c).
 *
 * A queue row is an article (ARTICLE_ID, its text read from articles
 * when sent) or a control article the server wrote (TEXT set: a
 * cancel).  Rows are queued inside the caller's transaction and kept
 * once done, in one of the states below, so an erasure knows which
 * peers took which article.  Strings handed to callbacks are valid
 * only during the call.
 */
#ifndef HEARTH_STORE_PEER_H
#define HEARTH_STORE_PEER_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* peer_queue.state */
#define PQ_QUEUED	"queued"
#define PQ_ACCEPTED	"accepted"	/* 235/239 */
#define PQ_DUPLICATE	"duplicate"	/* 435/438: the peer had it */
#define PQ_REFUSED	"refused"	/* 437/439 */
#define PQ_DROPPED	"dropped"	/* hidden, cancelled or too big */

struct peer_row {
	const char	*name;
	const char	*host;
	int		 port;
	int		 tls;
	const char	*path_id;
	const char	*groups;	/* wildmat */
	const char	*user;		/* NULL: no AUTHINFO */
	const char	*pass;
	int64_t		 max_size;
	int		 paused;
	const char	*source;	/* "conf" or "admin" */
};

struct peer_qrow {
	int64_t		 id;
	int64_t		 article_id;	/* 0: a control article in TEXT */
	const char	*msgid;
	const char	*text;
	size_t		 len;
};

struct peer_stats {
	int64_t		 queued, accepted, duplicate, refused, dropped;
	int64_t		 last_success;	/* 0: never */
};

typedef int (*store_peer_cb)(const struct peer_row *, void *);
typedef int (*store_peer_q_cb)(const struct peer_qrow *, void *);
typedef int (*store_peer_name_cb)(const char *, void *);

/*
 * Add peer P or change it (its paused flag is kept when it exists:
 * a restart does not resume a paused peer).
 */
int	 store_peer_put(struct store *, const struct peer_row *);
/* Remove a peer and its queue; STORE_NOTFOUND when there is none. */
int	 store_peer_delete(struct store *, const char *name);
int	 store_peer_set_paused(struct store *, const char *name, int);
int	 store_peer_list(struct store *, store_peer_cb, void *);

/* Queue an article (TEXT NULL) or a control article for PEER. */
int	 store_peer_enqueue(struct store *, const char *peer,
	    int64_t article_id, const char *msgid, const char *text,
	    size_t len, int64_t now);
/* Queued rows of PEER with id > AFTER, oldest first, at most LIMIT. */
int	 store_peer_next(struct store *, const char *peer, int64_t after,
	    int limit, store_peer_q_cb, void *);
/* Row ID leaves the queue in STATE (only if still queued). */
int	 store_peer_done(struct store *, int64_t id, const char *state,
	    int64_t now);
/*
 * The peers that have article ID queued or took it (CB per name, once
 * each); then store_peer_drop_article() takes it out of every queue.
 */
int	 store_peer_article_peers(struct store *, int64_t article_id,
	    store_peer_name_cb, void *);
int	 store_peer_drop_article(struct store *, int64_t article_id,
	    int64_t now);
/* Counts of PEER's rows (NULL: every peer's). */
int	 store_peer_stats(struct store *, const char *peer,
	    struct peer_stats *);

#endif
