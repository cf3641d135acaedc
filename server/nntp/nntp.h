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
void	nntp_batch_done(struct server *, int ok);


#endif
