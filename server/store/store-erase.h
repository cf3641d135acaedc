/*
 * store-erase.h -- the rows a member's erasure changes (store-erase.c).
 */
#ifndef HEARTH_STORE_ERASE_H
#define HEARTH_STORE_ERASE_H

#include <stdint.h>

#include "store.h"

int	store_erase_refs(struct store *, const char *name,
	    const char *placeholder, int64_t id);

#endif
