/*
 * store-notice.h -- the SQL of member notices (migration 11).
 *
 * A notice belongs to one account; its id is never given twice, and
 * newsreaders see it as that number in the member's hearth.inbox.
 * Implemented in store-notice.c, the only file that holds this SQL.
 */
#ifndef HEARTH_STORE_NOTICE_H
#define HEARTH_STORE_NOTICE_H

#include <stdint.h>

#include "store.h"
#include "store-modq.h"

struct notice_row {
	int64_t		 id;
	const char	*kind;
	const char	*subject;
	const char	*body;
	int64_t		 created;
};

/* A row; the strings are valid during the call.  Non-zero stops. */
typedef int	(*store_notice_cb)(const struct notice_row *, void *);

/*
 * A notice for the account named ACCOUNT (any letter case): STORE_OK
 * with *ID, STORE_NOTFOUND when there is no such account.
 */
int	 store_notice_add(struct store *, const char *account,
	    const char *kind, const char *subject, const char *body,
	    int64_t created, int64_t *id);
/* How many notices ACCOUNT_ID has, and its lowest and highest ids. */
int	 store_notice_stats(struct store *, int64_t account_id,
	    int64_t *count, int64_t *low, int64_t *high);
/* Notice ID of ACCOUNT_ID (STORE_NOTFOUND when it is someone else's). */
int	 store_notice_get(struct store *, int64_t account_id, int64_t id,
	    store_notice_cb, void *);
/*
 * Notices of ACCOUNT_ID with ids in LO..HI, in order, at most LIMIT:
 * the number handed to CB, or STORE_ERROR.
 */
int	 store_notice_range(struct store *, int64_t account_id, int64_t lo,
	    int64_t hi, int limit, store_notice_cb, void *);
/* The id of ACCOUNT_ID's notice before / after ID, or 0. */
int64_t	 store_notice_prev(struct store *, int64_t account_id,
	    int64_t id);
int64_t	 store_notice_next(struct store *, int64_t account_id,
	    int64_t id);
/* Every notice of ACCOUNT_ID (export): id, kind, subject, body, created. */
int	 store_notice_list(struct store *, int64_t account_id, store_row_cb,
	    void *);

#endif
