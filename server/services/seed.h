/*
 * seed.h -- create the default groups and rooms from etc/ files.
 */
#ifndef HEARTH_SEED_H
#define HEARTH_SEED_H

#include <stddef.h>

#include "store.h"

/*
 * Seeding is idempotent: missing groups and rooms are created, existing
 * ones (perhaps changed by an operator since) are left as they are.
 * Returns the number created... or -1 with "file:line: why" in ERR.
 */
int	seed_groups(struct store *, const char *file, char *err, size_t);
int	seed_rooms(struct store *, const char *file, char *err, size_t);

#endif
