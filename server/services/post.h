/*
 * post.h -- a member's article, from any door, meets the community's
 * rules in one place: post_submit() (sanctions, the groups' rules,
 * one screening verdict, Supersedes and reposts, the store with its
 * queue rows, the log and the member's notices).  NNTP POST hands it
 * the article as the newsreader wrote it (header rewritten); the web's
 * composer, post_member(), builds the article first (From is the
 * member's name, as a newsreader's post shows it; Message-ID, Date,
 * Injection-*; a reply's References the parent's plus the parent),
 * validated by article_validate() as every post is.  A report is
 * modq_report() of the article the member may read (the same lookup
 * NNTP's report group uses: post_report()).
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
	POST_ERROR,		/* storage: try again */
	POST_EXISTS		/* an article they may see has its id */
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

/* Newsgroups an article may name at most. */
#define POST_MAX_GROUPS	10

/*
 * The refusal of a poster's Message-ID that it may not use: one on the
 * server's own domain other than the one offered, or one an article it
 * cannot see already has.  The same words either way, so the refusal
 * does not tell whether such an article exists.
 */
#define POST_MSGID_REFUSED	"Message-ID not accepted; post without a " \
				"Message-ID header and the server will " \
				"choose one"

struct article;

/*
 * A member's article from any door (NNTP POST, the web), parsed and
 * validated by the door, on its way to the community's rules.
 */
struct post_submission {
	const struct account	*acct;		/* the poster, signed in */
	const char		*lang;		/* texts for them (i18n) */
	const char		*transport;	/* "nntp", "http": the log */
	uint64_t		 conn;		/* its connection (log), or 0 */
	int			 batch;		/* join the group commit */
	int			 reports;	/* the report group takes
						   reports (a follow-up to
						   the reported article) */
	const struct article	*a;		/* as sent: Newsgroups,
						   From, Approved,
						   Supersedes, References */
	const char		*msgid;
	const char		*text;		/* the text to store */
	size_t			 len;
	size_t			 header_len;	/* of TEXT, with LINES, when
						   the caller knows them;
						   0: TEXT is parsed */
	int64_t			 lines;
	const char		*subject;	/* decoded to UTF-8 */
	const char		*body;		/* the body as UTF-8 text */
};

enum post_report_outcome {
	POST_NO_REPORT,		/* not a report */
	POST_REPORTED,		/* REPORT_MSG: what became of it */
	POST_REPORT_UNKNOWN,	/* REPORT_TARGET cannot be seen */
	POST_REPORT_NO_TARGET	/* it follows up no article */
};

struct post_result {
	enum post_status	 status;
	/*
	 * Refused (or not found): why, an English msgid or formatted
	 * text, shown through i18n(lang, why).
	 */
	char			 why[256];
	int			 read_only;	/* refused: a read-only group */
	char			 hold_reason[160];	/* HELD: the msgid */
	const char		*hotline;	/* a crisis phrase matched */
	int			 probation;	/* the poster's, as stored */
	int			 replaced;	/* a moderator's repost
						   published a held one */
	size_t			 ngroups;
	enum post_report_outcome report;
	char			 report_msg[256];
	char			 report_target[256];
};

/*
 * Every rule a member's post meets, in one place, then the article
 * stored: the sanctions (signed in, then speaking in each group), the
 * display name of From, each group (there and open to them, not a
 * service group, read-only for members, at most POST_MAX_GROUPS, a
 * private group not crossposted), one screening verdict (holds,
 * probation, moderated groups, the crisis net), Supersedes and a
 * moderator's repost of a held article, then modq_post_article() (the
 * queue rows, the peers' feed; with BATCH the group commit), the log,
 * notify_content_changed() and the member's notices (post_notices(),
 * or the report of a follow-up in the report group).  Fills OUT
 * (always) and returns OUT->status.
 */
enum post_status	 post_submit(struct server *,
			    const struct post_submission *in,
			    struct post_result *out);

/*
 * A member's post about to be checked and stored in the loop
 * iteration's group commit (post_submission.batch): its look-ups
 * (sanctions, groups, message-ids) join the batch's transaction, one
 * read snapshot for all of them instead of a read transaction each.
 */
void	post_batch_join(struct server *);

/*
 * Is ACCOUNT banned since signing in?  1 with WHY ("account ...", in
 * LANG): nothing it sends goes out.
 */
int	post_barred(struct server *, const char *account, const char *lang,
	    char *why, size_t whylen);
/* Is ACCOUNT banned or muted where GROUP is?  1 with WHY in LANG. */
int	post_muted(struct server *, const char *account, const char *lang,
	    const char *group, char *why, size_t whylen);

/* A group by name, as an account sees it. */
struct post_group {
	int		 found;
	int64_t		 id;
	int		 status;	/* NG_OPEN, NG_MODERATED, ... */
	int		 visibility;
	int		 level;		/* for that account */
};
/* G := group NAME for ACCOUNT_ID (0: nobody).  STORE_OK or STORE_ERROR. */
int	post_group_get(struct server *, int64_t account_id, const char *name,
	    struct post_group *g);

/* An article by message-id, as an account sees it. */
struct post_target {
	int		 found;
	int64_t		 id;
	int64_t		 author_id;
	int		 status;
	int		 level;		/* for that account */
};
/* T := MSGID for ACCOUNT_ID (0: nobody).  STORE_OK or STORE_ERROR. */
int	post_target_get(struct server *, int64_t account_id,
	    const char *msgid, struct post_target *t);
/*
 * Does T exist for ACCT?  Only if they may read it (published, or held
 * and they moderate, at a level they read) or wrote it: to anyone else
 * a private, held or cancelled article is an unknown message-id (no
 * existence oracle through posting, cancel or Supersedes).
 */
int	post_target_known(struct server *, const struct account *acct,
	    const struct post_target *t);
/* May ACCT cancel or supersede T (theirs, or they moderate)? */
int	post_may_replace(const struct account *acct,
	    const struct post_target *t);

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
