/*
 * store-webpush.h -- the SQL of Web Push subscriptions (migration 13).
 *
 * A subscription belongs to one account and is keyed by its endpoint;
 * its "created" is the time it was last registered (a client renews it
 * by registering again).  services/webpush.c decides what is stored.  Implemented in
 * store-webpush.c, the only file that holds this SQL.
 */
#ifndef HEARTH_STORE_WEBPUSH_H
#define HEARTH_STORE_WEBPUSH_H

#include <stdint.h>

#include "store.h"
#include "store-modq.h"

struct webpush_sub {
	char	*endpoint;
	char	*p256dh;	/* base64url, as the client sent it */
	char	*auth;
};

/*
 * Add or replace ACCOUNT's (any letter case) subscription to ENDPOINT:
 * STORE_OK, STORE_NOTFOUND when there is no such account.
 */
int	 store_webpush_put(struct store *, const char *account,
	    const char *endpoint, const char *p256dh, const char *auth,
	    int64_t created);
/* How many subscriptions ACCOUNT has to endpoints other than ENDPOINT. */
int	 store_webpush_count_others(struct store *, const char *account,
	    const char *endpoint, int64_t *count);
/* Drop ACCOUNT's subscription to ENDPOINT (none: STORE_OK as well). */
int	 store_webpush_del(struct store *, const char *account,
	    const char *endpoint);
/*
 * ACCOUNT's subscriptions, at most MAX, into *SUBS (the caller frees
 * them with store_webpush_free()); the number, or STORE_ERROR.
 */
int	 store_webpush_subs(struct store *, const char *account, int max,
	    struct webpush_sub **subs);
void	 store_webpush_free(struct webpush_sub *, int n);
/* Drop ACCOUNT's subscriptions last registered before BEFORE. */
int	 store_webpush_expire(struct store *, const char *account,
	    int64_t before);
/* Export: endpoint and created of ACCOUNT_ID's subscriptions. */
int	 store_webpush_list(struct store *, int64_t account_id, store_row_cb,
	    void *);

#endif
