/*
 * store-news.h -- newsgroups, articles, per-group numbers, overview and
 * the moderation queue of held articles.
 *
 * Implemented in store-news.c, the only file that holds their SQL.  The
 * statements are prepared once, by store_open().  Strings handed to
 * callbacks point into SQLite's row and are valid only during the call.
 */
#ifndef HEARTH_STORE_NEWS_H
#define HEARTH_STORE_NEWS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store.h"

/* groups.status */
#define NG_OPEN		0
#define NG_MODERATED	1
#define NG_READONLY	2

/*
 * groups.visibility, also the access level it needs: public 0, members 1
 * (logged in), private 2 (moderators).  A held article's level is 2.
 * A private group's access list (group_access) lowers its level to 1
 * for the accounts on it: the "_as" functions take the reader's account
 * id (0: anonymous) and fill levels for that reader.
 */
#define NG_PUBLIC	0
#define NG_MEMBERS	1
#define NG_PRIVATE	2

/* articles.status */
#define ART_OK		0
#define ART_HELD	1
#define ART_CANCELLED	2
#define ART_REJECTED	3
#define ART_HIDDEN	4	/* by a moderator: kept, not shown */

struct news_group {
	int64_t		 id;
	const char	*name;
	const char	*description;
	int		 status;	/* NG_OPEN ... */
	int		 visibility;	/* NG_PUBLIC ... */
	int		 level;		/* what this reader needs: NG_* */
	int64_t		 created;
	int64_t		 low;		/* high + 1 when empty */
	int64_t		 high;		/* last number ever given */
	int64_t		 count;
};

struct news_art {
	int64_t		 id;
	int64_t		 num;		/* 0 when looked up by message-id */
	int64_t		 author_id;	/* 0: none (peer, anonymous) */
	int64_t		 posted;
	const char	*msgid;
	const char	*overview;	/* Subject..References, TAB-separated */
	int64_t		 bytes;
	int64_t		 lines;
	int		 status;	/* ART_OK ... */
	int		 level;		/* access level needed to read it */
	const char	*xref;		/* "group:num ..." of its numbers */
	const char	*text;		/* NULL unless asked for */
	size_t		 len;
	size_t		 header_len;	/* bytes of text before the body */
	const char	*author_name;	/* feed queries only, else NULL */
	int64_t		 changed;	/* feed tombstones: when it went */
};

typedef int (*store_news_group_cb)(const struct news_group *, void *);
typedef int (*store_news_art_cb)(const struct news_art *, void *);
typedef int (*store_news_num_cb)(int64_t, void *);

/* What the range iterators return per row. */
#define STORE_NNTP_TEXT		0x01	/* fill text/len/header_len */
#define STORE_NNTP_HEADER	0x02	/* text holds the header only */

int	 store_news_prepare(struct store *);
void	 store_news_finalize(struct store *);

/* One group by exact name; STORE_NOTFOUND when there is none. */
int	 store_news_group_get(struct store *, const char *name,
	    store_news_group_cb, void *);
/* The same, with levels for the reader whose account id is VIEWER. */
int	 store_news_group_get_as(struct store *, const char *name,
	    int64_t viewer, store_news_group_cb, void *);
/*
 * The same for posting: id, status, visibility, level and high only
 * (no description; low and count left as in an empty group).
 */
int	 store_news_group_rules(struct store *, const char *name,
	    int64_t viewer, store_news_group_cb, void *);
int	 store_news_group_list_as(struct store *, int64_t since,
	    int64_t viewer, store_news_group_cb, void *);

/* Next/previous number in a group after/before NUM, or 0. */
int64_t	 store_news_num_next(struct store *, int64_t group, int64_t num);
int64_t	 store_news_num_prev(struct store *, int64_t group, int64_t num);

/* One article; STORE_NOTFOUND when absent.  FLAGS as above. */
int	 store_news_by_num(struct store *, int64_t group, int64_t num,
	    int flags, store_news_art_cb, void *);
int	 store_news_by_msgid(struct store *, const char *msgid, int flags,
	    store_news_art_cb, void *);
int	 store_news_by_msgid_as(struct store *, const char *msgid,
	    int64_t viewer, int flags, store_news_art_cb, void *);

/*
 * Rows of a group with LO <= num <= HI, at most LIMIT, in order.  The
 * callback may return non-zero to stop.  Returns the number of rows
 * seen, or STORE_ERROR.
 */
int	 store_news_range(struct store *, int64_t group, int64_t lo,
	    int64_t hi, int limit, int flags, store_news_art_cb, void *);
int	 store_news_nums(struct store *, int64_t group, int64_t lo,
	    int64_t hi, int limit, store_news_num_cb, void *);
int	 store_news_newnews_as(struct store *, int64_t since, int64_t after,
	    int64_t viewer, int limit, store_news_art_cb, void *);

/* What POST, IHAVE and TAKETHIS store, in one transaction. */
struct news_post {
	const char	*msgid;
	const char	*text;
	size_t		 len;
	size_t		 header_len;
	int64_t		 lines;
	int64_t		 author_id;	/* 0: none */
	int64_t		 posted;
	const int64_t	*groups;	/* group ids, in Newsgroups order */
	size_t		 ngroups;
	int		 hold;		/* 1: into the moderation queue */
	const char	*hold_reason;
	int64_t		 replace_id;	/* held article this approves, or 0 */
	int64_t		 cancel_id;	/* article to cancel (Supersedes) */
	const char	*actor;		/* account name for the audit log */
	/* Out: the number in each group (array of ngroups), may be NULL. */
	int64_t		*nums;
};

/*
 * Store an article.  STORE_OK once committed; STORE_EXISTS when the
 * message-id is taken; STORE_ERROR otherwise (rolled back).
 */
int	 store_news_post(struct store *, const struct news_post *);

/*
 * Cancel article ID: it leaves every group (numbers are not reused) but
 * stays in the database with status cancelled; one audit row.
 */
int	 store_news_cancel(struct store *, int64_t id, const char *actor,
	    const char *reason);

/* Publish held article ID into the groups it was held for. */
int	 store_news_approve(struct store *, int64_t id, const char *actor);

/*
 * Moderation by Message-ID.  Hide takes a visible article out of its
 * groups (keeping its numbers) and out of every reading command; unhide
 * puts it back under the same numbers.  Reject closes a held article.
 * STORE_NOTFOUND when no article in the right state has that id.
 */
int	 store_news_hide(struct store *, const char *msgid);
int	 store_news_unhide(struct store *, const char *msgid);
int	 store_news_reject(struct store *, const char *msgid);
int	 store_news_approve_msgid(struct store *, const char *msgid,
	    const char *actor);

/*
 * Feeds: public articles only (unless "_as"), with text and the author's account name.
 * GROUP: the newest LIMIT of a group numbered below BEFORE (0: any).
 * THREAD: the article MSGID and every article whose References name it.
 * AUTHOR: the newest LIMIT by an account.  GONE: hidden or cancelled
 * articles of a group (by name) or of a thread, with when they went.
 */
int	 store_news_feed_group(struct store *, int64_t group, int64_t before,
	    int limit, store_news_art_cb, void *);
/* The thread as a reader of LEVEL with account id VIEWER sees it. */
int	 store_news_feed_thread_as(struct store *, const char *msgid,
	    int level, int64_t viewer, store_news_art_cb, void *);
int	 store_news_feed_author(struct store *, int64_t account, int limit,
	    store_news_art_cb, void *);
int	 store_news_feed_gone_group(struct store *, const char *group,
	    int limit, store_news_art_cb, void *);
int	 store_news_feed_gone_thread(struct store *, const char *msgid,
	    store_news_art_cb, void *);
/* Erasure (inside the caller's transaction). */
int	 store_news_rewrite(struct store *, int64_t id, const char *text,
	    size_t len, size_t header_len, int64_t lines);
int	 store_news_wipe(struct store *, int64_t id);
/* Every article ACCOUNT wrote, in any state, oldest first, with text. */
int	 store_news_by_author_all(struct store *, int64_t account,
	    store_news_art_cb, void *);

#endif
