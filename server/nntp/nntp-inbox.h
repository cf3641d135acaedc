/*
 * nntp-inbox.h -- each member's notices as their own newsgroup,
 * hearth.inbox (config inbox_group), for nntp-queue.c's article
 * sources, the lists and POST.
 */
#ifndef HEARTH_NNTP_INBOX_H
#define HEARTH_NNTP_INBOX_H

#include <stdint.h>

#include "conn.h"
#include "store-news.h"

struct nntp_session;

/* The selected group is the session's inbox. */
#define NNTP_INBOX_GID	((int64_t)-2)

/* NAME is the inbox group (whoever asks). */
int	 nntp_inbox_is(struct conn *, const char *name);
/* This session has an inbox: a signed-in member (not a feeding peer). */
int	 nntp_inbox_visible(struct conn *, struct nntp_session *);
/* The inbox is among NEWSGROUPS (a comma-separated header). */
int	 nntp_inbox_named(struct conn *, const char *newsgroups);
/* The session's inbox group now; G->name points to the config. */
int	 nntp_inbox_group(struct conn *, struct nntp_session *,
	    struct news_group *);
/* The notice id in a Message-ID <notice.ID@server_name>, or 0. */
int64_t	 nntp_inbox_msgid(struct conn *, const char *msgid);

/*
 * Article sources over the session's own notices (number = notice id),
 * as the store_news_* functions are over a stored group.  Someone
 * else's notice, or any notice for a session without an inbox, is
 * STORE_NOTFOUND.  NUM is the article number reported (0 when found
 * by Message-ID).
 */
int	 nntp_inbox_article(struct conn *, struct nntp_session *, int64_t id,
	    int64_t num, int flags, store_news_art_cb, void *);
int64_t	 nntp_inbox_next(struct conn *, struct nntp_session *,
	    int64_t num);
int64_t	 nntp_inbox_prev(struct conn *, struct nntp_session *,
	    int64_t num);
int	 nntp_inbox_range(struct conn *, struct nntp_session *, int64_t lo,
	    int64_t hi, int limit, int flags, store_news_art_cb, void *);
int	 nntp_inbox_nums(struct conn *, struct nntp_session *, int64_t lo,
	    int64_t hi, int limit, store_news_num_cb, void *);

#endif
