/*
 * store-history.h -- the SQL of the message-id history (migration 18).
 *
 * Articles themselves are remembered by their rows in `articles`
 * (cancelled and hidden ones stay there); `history` remembers the ids a
 * peer offered that were never stored or that left: refused, cancelled
 * before they arrived, expired, for history_remember seconds, as INN's
 * history does with /remember/.  Implemented in store-history.c, the
 * only file that holds this SQL.
 */
#ifndef HEARTH_STORE_HISTORY_H
#define HEARTH_STORE_HISTORY_H

#include <stdint.h>

#include "store.h"

/*
 * Remember MSGID with REASON ("rejected", "cancelled", "expired",
 * "control": a control message applied, not stored) at
 * time WHEN; an id remembered already keeps its first reason and takes
 * the later time.
 */
int	 store_history_add(struct store *, const char *msgid,
	    const char *reason, int64_t when);
/*
 * Is MSGID remembered?  STORE_OK with REASON (a static string, may be
 * NULL) or STORE_NOTFOUND.
 */
int	 store_history_get(struct store *, const char *msgid,
	    const char **reason);
/* Forget rows older than BEFORE; *N how many (may be NULL). */
int	 store_history_expire(struct store *, int64_t before, int64_t *n);

#endif
