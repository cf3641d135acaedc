/*
 * admin.h -- the admin socket service used by hearthmod.
 */
#ifndef HEARTH_ADMIN_H
#define HEARTH_ADMIN_H

#include "conn.h"

extern const struct proto_ops admin_ops;

#endif
