/*
 * proto.h -- the protocols known to the connection layer (assembled in
 * server.c, so the core names none of them).
 */
#ifndef HEARTH_PROTO_H
#define HEARTH_PROTO_H

#include "conn.h"

const struct proto_ops *proto_ops_for(enum proto);
size_t	 proto_default_max_line(struct server *, enum proto);
/* The token bucket of one connection: refill per second and size. */
void	 proto_rate(struct server *, enum proto, double *per_sec,
	    double *burst);

#endif
