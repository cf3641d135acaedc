/*
 * nntp-feed.h -- the outgoing NNTP feeder (issue 17): one client
 * connection per peer on the event loop, offering what services/peer.c
 * queued, by CHECK/TAKETHIS (RFC 4644) or IHAVE (RFC 3977 §6.3.2).
 */
#ifndef HEARTH_NNTP_FEED_H
#define HEARTH_NNTP_FEED_H

#include <stddef.h>

#include "hearth.h"

int	 nntp_feed_init(struct server *, char *err, size_t errlen);
void	 nntp_feed_free(struct server *);

#endif
