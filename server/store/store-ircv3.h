/*
 * store-ircv3.h -- per-account state of the modern IRC extensions:
 * read markers (IRCv3 draft/read-marker, migration 12).  The statements
 * live in store-ircv3.c, prepared once when the store opens.
 */
#ifndef HEARTH_STORE_IRCV3_H
#define HEARTH_STORE_IRCV3_H

#include <stdint.h>

#include "store.h"

/*
 * The read marker of ACCOUNT for TARGET (a folded channel name or
 * nick): *MS in milliseconds, or STORE_NOTFOUND.
 */
int	 store_read_marker_get(struct store *, const char *account,
	    const char *target, int64_t *ms);
/*
 * Move the read marker of ACCOUNT for TARGET forward to MS (never back);
 * *NOW receives the stored value afterwards.  STORE_NOTFOUND: no such
 * account.
 */
int	 store_read_marker_set(struct store *, const char *account,
	    const char *target, int64_t ms, int64_t *now);

/* Called by store_open/store_close only. */
int	 store_ircv3_prepare(struct store *);
void	 store_ircv3_finalize(struct store *);

#endif
