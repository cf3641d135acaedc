/*
 * history.h -- the message-id history of a news peer (RFC 3977 §6.3.2,
 * RFC 4644): what a peer may not offer again.
 *
 * An id is known when its article is stored (in any state: published,
 * held, hidden, cancelled) or when the history remembers it: an article
 * refused for good, a cancel that came before its article, a control
 * message applied.  Remembered ids are forgotten after history_remember
 * seconds (INN's /remember/), on a timer.
 */
#ifndef HEARTH_HISTORY_H
#define HEARTH_HISTORY_H

#include "hearth.h"

enum history_state {
	HISTORY_NEW,		/* never seen: send it */
	HISTORY_KNOWN,		/* stored or remembered: not wanted */
	HISTORY_ERROR		/* storage error: try later */
};

/* Start the expiry timer (and expire once). */
void	 history_init(struct server *);
void	 history_free(struct server *);

/* Is MSGID stored or remembered?  Before a peer sends its article. */
enum history_state history_offer(struct server *, const char *msgid);

/*
 * Remember MSGID for history_remember seconds: REASON "rejected",
 * "cancelled", "expired" or "control".  Nothing when history_remember
 * is 0.  In the caller's transaction, if any.  0, or -1 on a storage
 * error.
 */
int	 history_remember(struct server *, const char *msgid,
	    const char *reason);

/* Forget what is older than history_remember; how many. */
long	 history_expire(struct server *);

#endif
