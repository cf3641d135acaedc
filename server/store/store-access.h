/*
 * store-access.h -- members' rights beyond the account row: the access
 * lists of private groups and per-member feed tokens.
 *
 * Implemented in store-access.c, the only file that holds their SQL.
 * Row callbacks get the columns by name (see store-modq.h); the strings
 * are valid only during the call.
 */
#ifndef HEARTH_STORE_ACCESS_H
#define HEARTH_STORE_ACCESS_H

#include <stdint.h>

#include "store.h"
#include "store-modq.h"

/*
 * Access lists.  ADD: STORE_OK, or STORE_EXISTS when already on it;
 * REMOVE: STORE_OK or STORE_NOTFOUND.  LIST: account, role, added,
 * added_by of one group; OF: group, visibility, added for one account.
 */
int	 store_group_access_add(struct store *, int64_t group,
	    int64_t account, const char *actor);
int	 store_group_access_remove(struct store *, int64_t group,
	    int64_t account);
int	 store_group_access_list(struct store *, int64_t group, store_row_cb,
	    void *);
int	 store_group_access_of(struct store *, int64_t account, store_row_cb,
	    void *);
/* Every group: name, status, visibility, access (list size), description. */
int	 store_group_table(struct store *, store_row_cb, void *);

/*
 * Feed tokens, stored as the hex SHA-256 of the token.  FIND gives the
 * account and token id of a hash (STORE_NOTFOUND when revoked or never
 * made).  LIST: id, label, created, last_used.  REVOKE: one token of the
 * account (ID > 0) or all of them (ID 0); STORE_NOTFOUND when none went.
 */
int	 store_feed_token_add(struct store *, int64_t account,
	    const char *hash, const char *label, int64_t *id);
int	 store_feed_token_count(struct store *, int64_t account);
int	 store_feed_token_list(struct store *, int64_t account, store_row_cb,
	    void *);
int	 store_feed_token_revoke(struct store *, int64_t account, int64_t id);
int	 store_feed_token_find(struct store *, const char *hash,
	    int64_t *account, int64_t *id);
/* Note a use (at most one write an hour per token). */
void	 store_feed_token_used(struct store *, int64_t id, int64_t now);

#endif
