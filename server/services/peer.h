/*
 * peer.h -- outgoing Usenet feeds (issue 17): which peers there are,
 * what is queued for each and what may never leave this node.
 *
 * The peers come from peers_file at start-up and from hearthmod peer
 * add|remove|pause|resume at run time; both are kept in the database
 * (store-peer.c), so a pause survives a restart.  An article is queued
 * for a peer inside the transaction that publishes it, when
 *  - every group it is numbered in here is public and not a system
 *    group (hearth.*, the queue, inbox, report and announce groups),
 *  - one of its Newsgroups matches the peer's wildmat list (the last
 *    matching pattern decides, "!" excludes, as in INN's newsfeeds),
 *  - the peer's path identity is not an element of its Path, and
 *  - it is not larger than the peer's max_size.
 * Before it is sent it is checked again (peer_article()): one hidden,
 * cancelled or taken back meanwhile is dropped, never sent.
 *
 * The feeder (nntp/nntp-feed.c) owns the connections; it keeps its
 * state in struct peer's run-time fields, which hearthmod peer show
 * reads.  It learns of changes through NOTIFY_PEER.
 */
#ifndef HEARTH_PEER_H
#define HEARTH_PEER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "hearth.h"
#include "store-peer.h"

#define PEER_DEFAULT_MAX_SIZE	1000000

enum peer_state {
	PEER_IDLE,		/* nothing to send, not connected */
	PEER_CONNECTING,
	PEER_CONNECTED,
	PEER_BACKOFF,		/* waiting to retry */
	PEER_PAUSED
};

struct peer {
	char		*name;
	char		*host;
	char		*port;		/* as text, for the resolver */
	int		 tls;
	char		*path_id;
	char		*groups;
	char		*user;		/* NULL: no AUTHINFO */
	char		*pass;
	int64_t		 max_size;
	int		 paused;
	char		*source;
	int		 removed;	/* the feeder frees it: peer_release() */
	unsigned int	 generation;	/* bumped when its settings change */

	/* Run time, written by the feeder. */
	enum peer_state	 state;
	int		 streaming;	/* CHECK/TAKETHIS, else IHAVE */
	uint64_t	 offered;	/* since start */
	uint64_t	 deferred;	/* 431/436 and retries, since start */
	time_t		 next_try;	/* in PEER_BACKOFF */
	char		 last_error[160];
	void		*feed;		/* the feeder's own state */
};

struct peers {
	struct peer	**v;
	size_t		  n;
};

/*
 * Start-up: the peers file (NULL: none) into the database, then every
 * peer into srv->peers.  -1 with ERR set on a bad file.
 */
int	 peer_init(struct server *, const char *file, char *err, size_t);
void	 peer_shutdown(struct server *);
/* Check a peers file as start-up would (--check-config). */
int	 peer_check_file(const char *file, char *err, size_t);

/*
 * hearthmod peer add NAME HOST:PORT [tls|plain] [path=ID]
 * [groups=WILDMAT] [user=U pass=P] [maxsize=N]: 0, or -1 with MSG.
 */
int	 peer_add(struct server *, int argc, char **argv, char *msg,
	    size_t);
/* remove, pause, resume: 0, 1 when there is no such peer, -1 error. */
int	 peer_remove(struct server *, const char *name);
int	 peer_pause(struct server *, const char *name, int paused);
struct peer *peer_find(struct server *, const char *name);
const char *peer_state_name(const struct peer *);

/* Inside the caller's transaction: queue article MSGID for its peers. */
int	 peer_queue_article(struct server *, const char *msgid);
/*
 * Inside the caller's transaction: article ID (MSGID) is going away
 * here (cancel, erasure): it leaves every queue, and every peer that
 * took it (or may be taking it) gets a cancel control article (RFC
 * 5537 §5.3).  WHY is the cancel's body.  The number of peers, or -1.
 */
int	 peer_queue_cancel(struct server *, int64_t id, const char *msgid,
	    const char *why);
/* A cancel by its author or a moderator: the store and the queues. */
int	 peer_cancel_article(struct server *, int64_t id, const char *msgid,
	    const char *actor, const char *reason);

/*
 * A cancel control article received from a peer (RFC 5537 §5.3),
 * relayed onward as ordinary Usenet does.  In one transaction: the
 * target TARGET_ID leaves (0: nothing to cancel here), TARGET is
 * remembered as cancelled when REMEMBER (it has not come yet), the
 * cancel's own id CID is remembered as a control message, and TEXT (as
 * it leaves: this site's identity already first in its Path) is queued
 * for every peer that would take an article of its NEWSGROUPS, PATH
 * and size -- never when one of its groups is members-only, private or
 * a system group here.  STORE_OK or STORE_ERROR (nothing written).
 */
struct peer_cancel_in {
	const char	*cid;
	const char	*text;
	size_t		 len;
	const char	*newsgroups;
	const char	*path;		/* as received */
	int64_t		 target_id;
	const char	*target;
	int		 remember;
	const char	*actor;
};
int	 peer_relay_cancel(struct server *, const struct peer_cancel_in *);

/*
 * For the feeder: queued rows of P after AFTER (store_peer_next), the
 * text of row R to send (0: *TEXT, *LEN set, caller frees; 1: drop it,
 * already marked; -1: storage error), and the end of a row.
 */
int	 peer_next(struct server *, struct peer *, int64_t after, int limit,
	    store_peer_q_cb, void *);
int	 peer_article(struct server *, struct peer *,
	    const struct peer_qrow *, char **text, size_t *len);
int	 peer_done(struct server *, int64_t qid, const char *state);
/* The feeder has let go of removed peer P. */
void	 peer_release(struct server *, struct peer *);

#endif
