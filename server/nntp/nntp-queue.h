/*
 * nntp-queue.h -- the moderation queue as a moderators-only newsgroup,
 * and the article sources nntp-read.c reads through (the queue group or
 * the stored groups).
 */
#ifndef HEARTH_NNTP_QUEUE_H
#define HEARTH_NNTP_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "conn.h"
#include "store-news.h"

struct nntp_session;

/* The selected group is the queue. */
#define NNTP_QUEUE_GID	((int64_t)-1)
/* A read flag: reading the text records the moderator as a viewer. */
#define NNTP_SRC_VIEW	0x100

/* NAME is the queue group (whoever asks). */
int	 nntp_queue_is(struct conn *, const char *name);
/* This session may see the queue group (moderators and admins). */
int	 nntp_queue_visible(struct conn *, struct nntp_session *);
/* The group's numbers; G->name points to the config. */
int	 nntp_queue_group(struct conn *, struct news_group *);
/* The queue group is among NEWSGROUPS (a comma-separated header). */
int	 nntp_queue_named(struct conn *, const char *newsgroups);
/*
 * A post to the queue group: a moderator's decision.  0 with ACK, or
 * -1 with WHY (441).
 */
int	 nntp_queue_post(struct conn *, struct nntp_session *,
	    const struct article *, char *ack, size_t acklen, char *why,
	    size_t whylen);

/* Like the store_news_* functions, for the session's selected group. */
int	 nntp_src_group_get(struct conn *, struct nntp_session *,
	    const char *name, store_news_group_cb, void *);
int	 nntp_src_by_num(struct conn *, struct nntp_session *, int64_t num,
	    int flags, store_news_art_cb, void *);
int	 nntp_src_by_msgid(struct conn *, struct nntp_session *,
	    const char *msgid, int flags, store_news_art_cb, void *);
int64_t	 nntp_src_next(struct conn *, struct nntp_session *, int64_t num);
int64_t	 nntp_src_prev(struct conn *, struct nntp_session *, int64_t num);
int	 nntp_src_range(struct conn *, struct nntp_session *, int64_t lo,
	    int64_t hi, int limit, int flags, store_news_art_cb, void *);
int	 nntp_src_nums(struct conn *, struct nntp_session *, int64_t lo,
	    int64_t hi, int limit, store_news_num_cb, void *);

#endif
