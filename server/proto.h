/*
 * proto.h -- the line protocols known to the connection layer.
 */
#ifndef HEARTH_PROTO_H
#define HEARTH_PROTO_H

#include "conn.h"

extern const struct proto_ops nntp_ops;
extern const struct proto_ops irc_ops;

const struct proto_ops *proto_ops_for(enum proto);
size_t	 proto_default_max_line(struct server *, enum proto);

#endif
