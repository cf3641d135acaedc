/*
 * store-ircv3.h -- per-account state of the modern IRC extensions:
 * read markers (IRCv3 draft/read-marker, migration 14) and profile
 * metadata (draft/metadata-2, migration 15).  The statements
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

/*
 * ACCOUNT's metadata: CB gets each key and value.  Set KEY to VALUE, or
 * delete it when VALUE is NULL (STORE_NOTFOUND: it was not set, or no
 * such account); clear them all.
 */
typedef void (*store_meta_cb)(const char *key, const char *value, void *);
int	 store_metadata_list(struct store *, const char *account,
	    store_meta_cb, void *);
int	 store_metadata_set(struct store *, const char *account,
	    const char *key, const char *value);
int	 store_metadata_clear(struct store *, const char *account);

/* Called by store_open/store_close only. */
int	 store_ircv3_prepare(struct store *);
void	 store_ircv3_finalize(struct store *);

#endif
