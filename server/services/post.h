/*
 * post.h -- a member writes an article from a door that composes it for
 * them (the web): a new story in a group, a reply, a report.
 *
 * The article is built here (From is the member's name, as a
 * newsreader's post shows it; Message-ID, Date, Injection-*; a reply's
 * References the parent's plus the parent), validated by
 * article_validate() as every post is, and goes through the same steps
 * as NNTP POST: sanctions (sanction.c), the group's rules (listing,
 * read-only, private groups' access lists), one screening verdict
 * (screen.c: holds, probation, links, crisis), stored with its queue
 * rows by modq_post_article(), then the member's notices (held,
 * hotline).  A report is modq_report() of the article the member may
 * read (the same lookup NNTP's report group uses: post_report_target()).
 */
#ifndef HEARTH_POST_H
#define HEARTH_POST_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct server;

/* What the member wrote. */
struct post_in {
	const struct account	*acct;		/* the poster, as stored now */
	const char		*lang;		/* texts for them (i18n) */
	const char		*group;		/* a new story: its group */
	const char		*parent;	/* a reply: the parent's id */
	const char		*subject;	/* UTF-8; NULL for "Re: ..." */
	const char		*body;		/* UTF-8, LF or CRLF lines */
};

enum post_status {
	POST_DELIVERED,		/* stored and visible */
	POST_HELD,		/* stored, waiting for a moderator */
	POST_REFUSED,		/* WHY says why; nothing stored */
	POST_NOT_FOUND,		/* no such group or parent (for them) */
	POST_ERROR		/* storage: try again */
};

struct post_out {
	enum post_status	 status;
	char			 msgid[256];
	char			 group[128];	/* where it went */
	char			 why[512];	/* refused or held: why, in
						   the member's language */
	const char		*hotline;	/* a crisis phrase matched:
						   the hotline (config) */
};

/*
 * Post IN as IN->acct.  Fills OUT (always); returns OUT->status.
 */
enum post_status	 post_member(struct server *, const struct post_in *in,
			    struct post_out *out);

/*
 * After a member's article is stored (any door): the held notice when
 * HELD, and on a crisis phrase the hotline notice.  Returns the hotline
 * text to show (V->hotline) or NULL.
 */
struct screen_verdict;
const char	*post_notices(struct server *, const char *account,
		    const char *where, const char *subject, int held,
		    const struct screen_verdict *v);

/* An article a member may read, for a reply or a report. */
struct post_parent {
	int		 found;
	int64_t		 author_id;
	char		 msgid[256];
	char		 subject[256];	/* decoded */
	char		 from[256];	/* its From, decoded: show only
					   the name (it may hold an
					   address) */
	char		 references[1024];
	char		 group[128];	/* the first group it is in */
	char		 groups[200];	/* its Xref list */
};
/*
 * Look MSGID up as ACCOUNT_ID (0: nobody) reading at LEVEL sees it.
 * STORE_OK (P->found 0 when they cannot see it) or STORE_ERROR.
 */
int	 post_parent_get(struct server *, int64_t account_id, int level,
	    const char *msgid, struct post_parent *p);

/*
 * The body of P (found by post_parent_get()) quoted for a reply, with
 * an attribution line in LANG ("NAME wrote:", NAME as the door shows
 * the author: never an address), xmalloc'd; NULL when there is no
 * text.
 */
char	*post_quote(struct server *, const struct post_parent *p,
	    const char *lang, const char *name);
/* 1 when ACCT may see GROUP to post to it (post_member() decides). */
int	 post_group_open(struct server *, const struct account *acct,
	    const char *group);

/*
 * REPORTER (reading at LEVEL) reports article MSGID over VIA with
 * REASON (may be NULL or ""): modq_report() with its author, groups
 * and subject.  0 with MSG for the reporter, 1 when they cannot see
 * such an article, -1 on failure (MSG).
 */
int	 post_report(struct server *, const struct account *reporter,
	    int level, const char *via, const char *msgid, const char *reason,
	    char *msg, size_t msglen);

#endif
