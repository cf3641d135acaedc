/*
 * nntp.h -- the NNTP reader service (RFC 3977 and extensions).
 */
#ifndef HEARTH_NNTP_H
#define HEARTH_NNTP_H

#include <stddef.h>

#include "conn.h"

extern const struct proto_ops nntp_ops;


#endif
