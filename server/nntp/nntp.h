/*
 * nntp.h -- the NNTP reader service (RFC 3977 and extensions).
 */
#ifndef HEARTH_NNTP_H
#define HEARTH_NNTP_H

#include <stddef.h>

#include "conn.h"

extern const struct proto_ops nntp_ops;
/*
 * The group commit that POSTs of this loop iteration joined ended: on
 * failure each of their posters, whose 240 was dropped with the held
 * output, is told 441 instead.
 */
/* End of the iteration's group commit: its posters wait for ticket NEED. */
void	nntp_batch_done(struct server *, int ok, uint64_t need);
/* Tickets up to DONE are durable (OK), or a sync failed. */
void	nntp_sync_done(struct server *, uint64_t done, int ok);


#endif
