/*
 * nntp-int.h -- what the nntp*.c files share: the session, the reply
 * helpers, access rules and the handlers the command table names.
 */
#ifndef HEARTH_NNTP_INT_H
#define HEARTH_NNTP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "sanction.h"
#include "store.h"
#include "store-news.h"

#define NNTP_MAX_ARGS		16
/*
 * A long reply is produced while less than this is queued (at most a
 * quarter of output_cap), and past twice that, commands wait until the
 * output drains: so queued output stays under 3/4 of the cap.
 */
#define NNTP_CHUNK_HIGH		(256 * 1024)
/* Rows fetched per step of a long reply. */
#define NNTP_ROWS_PER_STEP	512
/* Longest line in article data (POST, IHAVE, TAKETHIS). */
#define NNTP_DATA_MAX_LINE	(64 * 1024)
/* Failed logins before the connection is closed. */
#define NNTP_MAX_AUTH_FAILURES	5

/* Session flags. */
#define NS_AUTHED	0x01	/* AUTHINFO succeeded */
#define NS_PEER		0x02	/* the account is a configured peer */
#define NS_COMPRESS	0x04	/* COMPRESS DEFLATE active */
#define NS_STREAM	0x08	/* MODE STREAM was given */
#define NS_PAUSED	0x10	/* we paused input for output to drain */
/*
 * The account was banned after it signed in: it reads as a signed-out
 * reader would and every article it sends is refused (s->ban says why).
 * Looked at again before each command, so an unban restores it.
 */
#define NS_BANNED	0x20

/* What lines are, between commands. */
enum nntp_data {
	ND_NONE = 0,
	ND_POST,		/* article after 340 */
	ND_IHAVE,		/* article after 335 */
	ND_TAKETHIS,		/* article straight after TAKETHIS */
	ND_SASL			/* a SASL response after 383 */
};

struct nntp_session;
typedef int (*nntp_more_fn)(struct conn *, struct nntp_session *);

struct nntp_session {
	int		 flags;
	struct account	 acct;		/* valid with NS_AUTHED */
	/* The account's language (nntp_lang()); lang_of: whose it is. */
	const char	*lang;
	int64_t		 lang_of;
	struct sanction_verdict ban;	/* valid with NS_BANNED */
	char		*auth_user;	/* after AUTHINFO USER */
	char		*pw_new;	/* XPASSWD: while the old is checked */
	int		 auth_failures;
	double		 price;		/* the command's rate price (nntp.c) */
	/* AUTHINFO SASL SCRAM-SHA-256 under way (NULL: PLAIN, or none). */
	struct auth_scram *scram;
	int		 sasl_scram;	/* the mechanism after 383 */

	/* The selected group; gid 0 when none. */
	int64_t		 gid;
	char		*gname;
	int64_t		 cur;		/* current article, 0: invalid */

	/* Article data being received. */
	enum nntp_data	 data;
	char		*buf;
	size_t		 len, cap;
	const char	*data_error;	/* why it will be refused */
	char		 msgid[256];	/* suggested (POST) or offered */
	/* Message-ids this connection holds in transfer (nntp-post.c). */
	char		**held;
	size_t		 nheld;

	/* A long reply under way: called from on_drain until done. */
	nntp_more_fn	 more;
	int64_t		 lr_next, lr_hi;	/* range still to send */
	int		 lr_kind;
	char		*lr_field;		/* HDR field */
	char		*lr_text;		/* article being sent */
	size_t		 lr_len, lr_off;
	char		*lr_wild;		/* NEWNEWS wildmat */
	int64_t		 lr_since;
};

/* nntp.c */
/* The language the signed-in reader reads (NULL: the default). */
const char	*nntp_lang(struct conn *);
void	 nntp_reply(struct conn *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Access level: -1 none, 0 public, 1 members, 2 moderators (private). */
int	 nntp_level(struct conn *, struct nntp_session *);
int	 nntp_is_moderator(struct nntp_session *);
/* Can this session see (list) / read a group of this visibility? */
int	 nntp_can_list(struct conn *, struct nntp_session *, const char *name,
	    int level);
int	 nntp_can_read(struct conn *, struct nntp_session *, int level);
/* The account id levels are computed for: 0 before login. */
int64_t	 nntp_viewer(struct nntp_session *);
/* Bytes a reply may queue before it yields (see NNTP_CHUNK_HIGH). */
size_t	 nntp_chunk(struct conn *);
/* Start a long reply: FN is called until it returns 1 (done). */
int	 nntp_long_reply(struct conn *, struct nntp_session *, nntp_more_fn);
/* Queue TEXT (whole lines) dot-stuffed. */
void	 nntp_write_stuffed(struct conn *, const char *, size_t);
void	 nntp_write_end(struct conn *);
void	 nntp_data_begin(struct conn *, struct nntp_session *,
	    enum nntp_data);
void	 nntp_data_end(struct conn *, struct nntp_session *);

/* Handlers (argc counts the command itself). */
#define NNTP_HANDLER(f) \
	int f(struct conn *, struct nntp_session *, int, char **)
NNTP_HANDLER(nntp_cmd_group);
NNTP_HANDLER(nntp_cmd_listgroup);
NNTP_HANDLER(nntp_cmd_article);
NNTP_HANDLER(nntp_cmd_next);
NNTP_HANDLER(nntp_cmd_last);
NNTP_HANDLER(nntp_cmd_over);
NNTP_HANDLER(nntp_cmd_hdr);
NNTP_HANDLER(nntp_cmd_xpat);
NNTP_HANDLER(nntp_cmd_newnews);
NNTP_HANDLER(nntp_cmd_list);
NNTP_HANDLER(nntp_cmd_newgroups);
NNTP_HANDLER(nntp_cmd_post);
NNTP_HANDLER(nntp_cmd_ihave);
NNTP_HANDLER(nntp_cmd_check);
NNTP_HANDLER(nntp_cmd_takethis);

/* nntp-post.c: a complete article arrived (the "." line). */
int	 nntp_post_done(struct conn *, struct nntp_session *);
/* nntp-post.c: the connection goes away; what it had in transfer is free. */
void	 nntp_transfers_drop(struct conn *, struct nntp_session *);
/* nntp-post.c: the connection goes away; no 441 for it after all. */
void	 nntp_batch_forget(struct conn *);
/* nntp-read.c */
void	 nntp_session_group_clear(struct nntp_session *);

#endif
