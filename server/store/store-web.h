/*
 * store-web.h -- the SQL of the web door (migration 18): sessions,
 * stored only as a keyed hash of their id (services/websession.c makes
 * the id and the hash), and how far a member has read each group on the
 * web.  Implemented in store-web.c, the only file that holds this SQL.
 */
#ifndef HEARTH_STORE_WEB_H
#define HEARTH_STORE_WEB_H

#include <stddef.h>
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

/* One thread of a group page (store_web_threads()). */
struct web_thread_row {
	const char	*root;		/* the thread's first Message-ID */
	int64_t		 count;		/* its articles in the group */
	int64_t		 last;		/* its newest article's time */
	int64_t		 last_num;	/* and number */
	int64_t		 head_num;	/* the article that names it */
	int		 have_root;	/* that is the thread's first */
};
typedef int (*store_web_thread_cb)(const struct web_thread_row *, void *);

/*
 * The threads of GROUP_ID newest activity first, LIMIT of them from
 * OFFSET (migration 22's group_threads).  Rows, or STORE_ERROR.
 */
int	 store_web_threads(struct store *, int64_t group_id, int64_t limit,
	    int64_t offset, store_web_thread_cb cb, void *arg);
/* How many threads GROUP_ID has, and its newest article's time. */
int	 store_web_threads_total(struct store *, int64_t group_id,
	    int64_t *total, int64_t *newest);
/*
 * Articles of thread ROOT in GROUP_ID new to ACCOUNT_ID (above the
 * group's floor FLOOR and what they read of it) into *N.
 */
int	 store_web_thread_unread(struct store *, int64_t account_id,
	    int64_t group_id, const char *root, int64_t floor, int64_t *n);
/* Articles of GROUP_ID new to ACCOUNT_ID above FLOOR into *N. */
int	 store_web_unread(struct store *, int64_t account_id,
	    int64_t group_id, int64_t floor, int64_t *n);
/* ACCOUNT_ID opened thread ROOT: read in each of its groups. */
int	 store_web_thread_read(struct store *, int64_t account_id,
	    const char *root);

/*
 * The time zone ACCOUNT_ID reads (an IANA name; "" for the server's)
 * into BUF; and setting it (ZONE NULL: the server's again).
 */
int	 store_account_tz_get(struct store *, int64_t account_id, char *buf,
	    size_t len);
int	 store_account_tz_set(struct store *, int64_t account_id,
	    const char *zone);

/*
 * The hidden (HIDDEN 1) and cancelled articles of thread ROOT with
 * their header block (HDR, LEN: for References only, never shown).
 */
typedef int (*store_web_gone_cb)(const char *msgid, int64_t changed,
    int hidden, const char *hdr, size_t len, void *arg);
int	 store_web_gone_thread(struct store *, const char *root,
	    store_web_gone_cb cb, void *arg);

/*
 * The thread index (article_threads, group_threads: migration 23) is
 * not written by posting: it is caught up from the articles past its
 * mark.  store_web_index_behind(): the mark into *DONE and the newest
 * article's id into *TOP; 1 when behind, 0 when not, STORE_ERROR.
 * store_web_index_catch_up(): index up to LIMIT more articles (in the
 * caller's transaction); how many, or STORE_ERROR.
 */
int	 store_web_index_behind(struct store *, int64_t *done, int64_t *top);
int	 store_web_index_catch_up(struct store *, int limit);
/*
 * ARTICLE_ID was given numbers in its groups after it was indexed
 * (approved, unhidden): they are added to its threads.  Nothing for
 * an article the catch-up has yet to index.  In the caller's
 * transaction; STORE_OK or STORE_ERROR.
 */
int	 store_web_index_numbered(struct store *, int64_t article_id);

#endif
