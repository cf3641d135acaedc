/*
 * store-web.h -- the SQL of the web door (migration 18): sessions,
 * stored only as a keyed hash of their id (services/websession.c makes
 * the id and the hash), and how far a member has read each group on the
 * web.  Implemented in store-web.c, the only file that holds this SQL.
 */
#ifndef HEARTH_STORE_WEB_H
#define HEARTH_STORE_WEB_H

#include <stdint.h>

#include "store.h"

/* A session as read back, with its account. */
struct web_session_row {
	int64_t	 account_id;
	char	 account[64];
	char	 role[16];
	int64_t	 created;
	int64_t	 last_seen;
	int64_t	 expires;
};

/* Store a new session HASH (hex) for ACCOUNT_ID. */
int	 store_websession_put(struct store *, const char *hash,
	    int64_t account_id, int64_t now, int64_t expires);
/*
 * The unexpired session HASH (at NOW) of an active account into *R:
 * STORE_OK, STORE_NOTFOUND or STORE_ERROR.
 */
int	 store_websession_get(struct store *, const char *hash, int64_t now,
	    struct web_session_row *r);
/* Note its use: last_seen NOW, expiry EXPIRES. */
int	 store_websession_touch(struct store *, const char *hash, int64_t now,
	    int64_t expires);
int	 store_websession_del(struct store *, const char *hash);
/* Every session of ACCOUNT (any letter case). */
int	 store_websession_del_account(struct store *, const char *account);
/* Sessions that expired before NOW. */
int	 store_websession_expire(struct store *, int64_t now);
/* How many sessions ACCOUNT_ID holds. */
int	 store_websession_count(struct store *, int64_t account_id,
	    int64_t *n);

/*
 * The highest article number of GROUP_ID that ACCOUNT_ID has seen on the
 * web (0: none) into *LAST; and moving it forward (never back).
 */
int	 store_web_read_get(struct store *, int64_t account_id,
	    int64_t group_id, int64_t *last);
int	 store_web_read_set(struct store *, int64_t account_id,
	    int64_t group_id, int64_t last);

#endif
