/*
 * nntp-post.c -- POST (RFC 3977 §6.3.1, RFC 5536/5537) and the transit
 * commands for peers: IHAVE, CHECK, TAKETHIS (RFC 3977 §6.3.2,
 * RFC 4644).
 *
 * A relayed article is checked as strictly as a post (article_validate
 * with ARTICLE_TRANSIT: also Message-ID, Date, Path), and a message-id
 * in transfer on one connection is not taken on another meanwhile (see
 * "Message-ids in transfer" below).
 *
 * A posted article goes through check, moderate, act:
 *   check     parse and validate it; every newsgroup must exist and be
 *             open to this account; Control and Supersedes only for the
 *             article's author (the logged-in account, never From:) or a
 *             moderator;
 *   moderate  a moderated group holds it unless a moderator approved it
 *             (Approved:) or a verified doctor wrote it; so does a
 *             member on probation;
 *   act       rewrite the header (Path, Message-ID, Date, Injection-Date,
 *             Injection-Info without any address, the doctor badge) and
 *             store it in one transaction.  240 goes out after COMMIT.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/rand.h>

#include "account.h"
#include "article.h"
#include "history.h"
#include "i18n.h"
#include "log.h"
#include "peer.h"
#include "mime-words.h"
#include "modq.h"
#include "notice.h"
#include "notify.h"
#include "nntp.h"
#include "post.h"
#include "store-modq.h"
#include "nntp-codes.h"
#include "nntp-inbox.h"
#include "i18n.h"
#include "lang.h"
#include "nntp-int.h"
#include "nntp-queue.h"
#include "nntp-util.h"
#include "sanction.h"
#include "screen.h"
#include "strmap.h"
#include "utf8.h"
#include "xmalloc.h"

/* Newsgroups an article may name at most. */
#define MAX_CROSSPOST	10

/*
 * Header fields a poster may not set: the server's own, and those that
 * could carry an address or a false badge.
 */
static const char *const strip_headers[] = {
	"Path", "Xref", "Injection-Info", "Injection-Date",
	"NNTP-Posting-Host", "NNTP-Posting-Date", "X-Trace",
	"X-Complaints-To", "X-Originating-IP", "X-Hearth-Verified",
	NULL
};

/* What transit leaves out: only the fields we rewrite. */
static const char *const transit_strip[] = { "Path", "Xref", NULL };

/* A fresh Message-ID for this server: time, connection, counter. */
static void
make_msgid(struct conn *c, char *buf, size_t len)
{
	static unsigned int	counter;
	unsigned char		r[4];

	if (RAND_bytes(r, sizeof r) != 1)
		memset(r, 0, sizeof r);
	snprintf(buf, len, "<%llx.%llx.%x.%02x%02x%02x%02x@%s>",
	    (long long)time(NULL), (unsigned long long)c->id, ++counter,
	    r[0], r[1], r[2], r[3], c->srv->cf->server_name);
}

int
nntp_cmd_post(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	make_msgid(c, s->msgid, sizeof s->msgid);
	nntp_reply(c, NNTP_340_POST, s->msgid);
	nntp_data_begin(c, s, ND_POST);
	return CONN_OK;
}

struct art_info {
	int		 found;
	int64_t		 id;
	int64_t		 author_id;
	int		 status;
	int		 level;		/* for the session's account */
};

static int
art_info_cb(const struct news_art *a, void *arg)
{
	struct art_info	*ai = arg;

	ai->found = 1;
	ai->id = a->id;
	ai->author_id = a->author_id;
	ai->status = a->status;
	ai->level = a->level;
	return 0;
}

/* AI as the session's account sees it (its level computed for it). */
static int
lookup_msgid(struct conn *c, struct nntp_session *s, const char *msgid,
    struct art_info *ai)
{
	memset(ai, 0, sizeof *ai);
	return store_news_by_msgid_as(c->srv->store, msgid, nntp_viewer(s), 0,
	    art_info_cb, ai);
}

/*
 * Does the article AI exist for this session?  Only if it may read it
 * (published, or held and a moderator, at a level it reads) or wrote
 * it.  To anyone else a private article, or one held or cancelled,
 * answers exactly as an unknown message-id does (issue 14: no
 * existence oracle through POST, cancel or Supersedes).
 */
static int
known_to(struct conn *c, struct nntp_session *s, const struct art_info *ai)
{
	if (!ai->found)
		return 0;
	if (ai->author_id != 0 && ai->author_id == s->acct.id)
		return 1;
	if (ai->status != ART_OK && !(ai->status == ART_HELD &&
	    nntp_is_moderator(s)))
		return 0;
	return ai->level <= nntp_level(c, s);
}

/*
 * The refusal of a poster's Message-ID that it may not use: one on the
 * server's own domain other than the one POST offered, or one an
 * article it cannot see already has.  The same words either way, so
 * the refusal does not tell whether such an article exists.
 */
#define MSGID_REFUSED	"Message-ID not accepted; post without a " \
			"Message-ID header and the server will choose one"

/* Is MSGID on the server's own domain (as every one it makes is)? */
static int
own_domain(struct conn *c, const char *msgid)
{
	const char	*at = strrchr(msgid, '@');
	size_t		 n = strlen(c->srv->cf->server_name);

	return at != NULL && strncasecmp(at + 1, c->srv->cf->server_name,
	    n) == 0 && at[1 + n] == '>' && at[2 + n] == '\0';
}

/* The first message-id of a header value, trimmed, or NULL. */
static char *
first_msgid(const char *v)
{
	const char	*p, *e;
	char		*id;

	if ((p = strchr(v, '<')) == NULL || (e = strchr(p, '>')) == NULL)
		return NULL;
	id = xstrndup(p, (size_t)(e - p) + 1);
	if (!msgid_valid(id)) {
		free(id);
		return NULL;
	}
	return id;
}

struct group_check {
	int		 found;
	int64_t		 id;
	int		 status;
	int		 visibility;
	int		 level;
};

static int
group_check_cb(const struct news_group *g, void *arg)
{
	struct group_check	*gc = arg;

	gc->found = 1;
	gc->id = g->id;
	gc->status = g->status;
	gc->visibility = g->visibility;
	gc->level = g->level;
	return 0;
}

/* Everything about one article being posted. */
struct posting {
	struct article	 a;
	char		*msgid;
	int64_t		 groups[MAX_CROSSPOST];
	size_t		 ngroups;
	int		 hold;
	const char	*hold_reason;
	int64_t		 replace_id;
	int64_t		 cancel_id;
	int		 report;	/* a follow-up to the report group */
	int		 moderated;	/* names a moderated group */
	struct screen_input	in;	/* what was screened ... */
	struct screen_verdict	v;	/* ... and the verdict */
	const char	*hotline;	/* crisis phrase matched: show this */
	char		 ack[512];	/* extra words for the 240 reply */
	char		 why[256];
	char		*subject;	/* Subject decoded to UTF-8 */
	char		*body;		/* the body as UTF-8 text */
	/*
	 * Transit: a refusal is for good, so the history remembers the
	 * id (not a ban of the peer, a storage error, an id in transfer
	 * elsewhere or an article that is not the one offered).
	 */
	int		 final;
	int		 control;	/* a control message applied */
};

/*
 * Is the poster (the signed-in account; for transit, the peer's) banned
 * or muted where GROUP is?  1 with P->why saying which, until when and
 * why.
 */
static int
sanctioned(struct conn *c, struct nntp_session *s, const char *group,
    struct posting *p)
{
	struct sanction_verdict	v;
	char			words[512];

	if (!sanction_may_speak(c->srv, s->acct.name, NULL, group, &v))
		return 0;
	p->final = 0;		/* the peer's sanction, not the article's */
	snprintf(p->why, sizeof p->why, v.kind == SANCTION_BAN ?
	    i18n(nntp_lang(c), "account %s") : i18n(nntp_lang(c),
	    "you are %s"), sanction_describe_lang(&v, nntp_lang(c), words,
	    sizeof words));
	return 1;
}

/*
 * Resolve the Newsgroups of P into group ids and decide whether the post
 * is held.  -1 with P->why set when it cannot be posted.
 */
static int
check_groups(struct conn *c, struct nntp_session *s, struct posting *p,
    int transit)
{
	struct group_check	 gc;
	char			**names;
	size_t			  n, i, j;
	int			  rc = 0, moderated = 0, dup, private = 0;
	int			  mod = nntp_is_moderator(s);

	n = nntp_split_groups(article_header_get(&p->a, "Newsgroups"),
	    &names);
	for (i = 0; i < n && rc == 0; i++) {
		for (dup = 0, j = 0; j < i; j++)
			dup |= strcmp(names[i], names[j]) == 0;
		if (dup)
			continue;
		memset(&gc, 0, sizeof gc);
		if (store_news_group_get_as(c->srv->store, names[i],
		    nntp_viewer(s), group_check_cb, &gc) == STORE_ERROR) {
			snprintf(p->why, sizeof p->why, "storage error, "
			    "please try again later");
			rc = -1;
		} else if (gc.found && !transit && s->acct.name != NULL &&
		    strcmp(names[i], c->srv->cf->report_group) == 0) {
			/*
			 * The report group is write-only for members: any
			 * signed-in member may post a report to it (unless
			 * muted everywhere: reports are words too).
			 */
			if (sanctioned(c, s, names[i], p)) {
				rc = -1;
				continue;
			}
			p->report = 1;
			p->groups[p->ngroups++] = gc.id;
		} else if (!gc.found || (!transit &&
		    !nntp_can_list(c, s, names[i], gc.level))) {
			if (transit)
				continue;	/* a group we do not carry */
			snprintf(p->why, sizeof p->why, "no such newsgroup "
			    "\"%.100s\"", names[i]);
			rc = -1;
		} else if (!transit && gc.status == NG_READONLY && !mod) {
			snprintf(p->why, sizeof p->why, "%.100s is read-only:"
			    " only moderators post there", names[i]);
			rc = -1;
		} else if (p->ngroups == MAX_CROSSPOST) {
			snprintf(p->why, sizeof p->why, "too many newsgroups "
			    "(at most %d)", MAX_CROSSPOST);
			rc = -1;
		} else if (sanctioned(c, s, names[i], p)) {
			rc = -1;
		} else {
			p->groups[p->ngroups++] = gc.id;
			moderated |= gc.status == NG_MODERATED;
			private |= gc.visibility == NG_PRIVATE;
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc != 0)
		return rc;
	if (p->ngroups == 0) {
		snprintf(p->why, sizeof p->why, "none of its newsgroups is "
		    "carried here");
		return -1;
	}
	/*
	 * A private group's articles stay in it: a crosspost would show
	 * its name (Newsgroups, Xref) to readers of the other groups.
	 */
	if (private && p->ngroups > 1) {
		snprintf(p->why, sizeof p->why, "an article in a private "
		    "group cannot be crossposted");
		return -1;
	}
	p->moderated = moderated;
	return 0;
}

/*
 * The moderate step: the screening service gives one verdict for the
 * article (see screen.h); a refusal sets P->why and returns -1.
 */
static int
screen_article(struct conn *c, struct nntp_session *s, struct posting *p,
    int transit)
{
	struct screen_input	*in = &p->in;
	struct screen_verdict	*v = &p->v;

	memset(in, 0, sizeof *in);
	in->kind = transit ? SCREEN_TRANSIT : p->report ? SCREEN_REPORT :
	    SCREEN_POST;
	if (!transit && (s->flags & NS_AUTHED)) {
		in->account = s->acct.name;
		in->role = s->acct.role;
		in->probation = s->acct.probation;
		in->created = s->acct.created;
	}
	in->where = article_header_get(&p->a, "Newsgroups");
	in->moderated = p->moderated;
	in->approved = article_header_get(&p->a, "Approved") != NULL;
	/* Words are screened as UTF-8 text, whatever the charset. */
	in->text = p->body;
	in->len = strlen(p->body);
	in->subject = p->subject;
	screen_words(c->srv, in, v);
	if (!transit && (s->flags & NS_AUTHED))
		s->acct.probation = v->probation;
	switch (v->action) {
	case SCREEN_REFUSE:
		snprintf(p->why, sizeof p->why, "%s", v->reason);
		return -1;
	case SCREEN_HOLD:
		p->hold = 1;
		p->hold_reason = v->reason;
		break;
	case SCREEN_DELIVER:
		break;
	}
	return 0;
}

/* May this session cancel or supersede the article AI? */
static int
may_replace(struct nntp_session *s, const struct art_info *ai)
{
	return nntp_is_moderator(s) || (ai->author_id != 0 &&
	    ai->author_id == s->acct.id);
}

/* A cancel control message: no article is stored, the target leaves. */
static int
do_cancel(struct conn *c, struct nntp_session *s, struct posting *p,
    const char *control)
{
	struct art_info	 ai;
	char		*target;
	int		 rc;

	if ((target = first_msgid(control + 6)) == NULL) {
		snprintf(p->why, sizeof p->why, "cancel needs a message-id");
		return -1;
	}
	rc = lookup_msgid(c, s, target, &ai);
	if (rc == STORE_ERROR) {
		snprintf(p->why, sizeof p->why, "storage error, please try "
		    "again later");
		rc = -1;
	} else if (!known_to(c, s, &ai) || ai.status == ART_CANCELLED) {
		snprintf(p->why, sizeof p->why, "no article %.200s to cancel",
		    target);
		rc = -1;
	} else if (!may_replace(s, &ai)) {
		snprintf(p->why, sizeof p->why, "you can only cancel your own"
		    " articles");
		rc = -1;
	} else if (peer_cancel_article(c->srv, ai.id, target, s->acct.name,
	    nntp_is_moderator(s) && ai.author_id != s->acct.id ?
	    "cancelled by a moderator" : "cancelled by its author") !=
	    STORE_OK) {
		snprintf(p->why, sizeof p->why, "storage error, please try "
		    "again later");
		rc = -1;
	} else {
		log_info("conn=%llu proto=nntp cancel account=%s msgid=%s",
		    (unsigned long long)c->id, s->acct.name, target);
		notify_content_changed(c->srv);
		rc = 0;
	}
	free(target);
	return rc;
}

/* What a peer's cancel or Supersedes needs to know of its target. */
struct target {
	int		 found;
	int64_t		 id;
	int64_t		 author_id;
	int		 status;
	char		*path;		/* its Path, From */
	char		*from;
};

static int
target_cb(const struct news_art *a, void *arg)
{
	struct target	*t = arg;

	t->found = 1;
	t->id = a->id;
	t->author_id = a->author_id;
	t->status = a->status;
	if (a->text != NULL) {
		t->path = nntp_header_field(a->text, a->len, "Path");
		t->from = nntp_header_field(a->text, a->len, "From");
	}
	return 0;
}

/*
 * May the relayed article P (a cancel, or one with Supersedes) replace
 * T?  Only an article that came from a peer (a member's own article here
 * is replaced only by them or a moderator, here), and only when both
 * were injected at one site (the site that knows the poster: RFC 5537
 * §5.3 leaves the check to each server), or, failing a ".POSTED" on
 * either, when both have the same From (INN's verifycancels).
 */
static int
peer_may_replace(struct posting *p, const struct target *t)
{
	char		 mine[256], theirs[256];
	const char	*from;

	if (t->author_id != 0)
		return 0;
	if (article_path_injector(article_header_get(&p->a, "Path"), mine,
	    sizeof mine) == 0 && article_path_injector(t->path, theirs,
	    sizeof theirs) == 0)
		return strcasecmp(mine, theirs) == 0;
	from = article_header_get(&p->a, "From");
	return from != NULL && t->from != NULL && strcmp(from, t->from) == 0;
}

static void
target_free(struct target *t)
{
	free(t->path);
	free(t->from);
}

static char	*build_text(struct conn *, struct nntp_session *,
		    struct posting *, const char *, int, size_t *);

/*
 * A peer's cancel (RFC 5537 §5.3): the target leaves if peer_may_replace;
 * a target not here yet is remembered as cancelled, so it is refused
 * when it comes (INN does the same).  The cancel itself is not stored:
 * its id is remembered as a control message, and it travels on to the
 * other peers as a relayed article would (peer_relay_cancel(), in the
 * same transaction), also when its target never came here.  0 when
 * applied.
 */
static int
transit_cancel(struct conn *c, struct nntp_session *s, struct posting *p,
    const char *control)
{
	struct peer_cancel_in	 in;
	struct target		 t;
	char			*id, *text = NULL;
	int			 rc = 0;

	if ((id = first_msgid(control + 6)) == NULL) {
		snprintf(p->why, sizeof p->why, "cancel needs a message-id");
		return -1;
	}
	memset(&t, 0, sizeof t);
	memset(&in, 0, sizeof in);
	if (store_news_by_msgid_as(c->srv->store, id, 0, STORE_NNTP_TEXT |
	    STORE_NNTP_HEADER, target_cb, &t) == STORE_ERROR) {
		snprintf(p->why, sizeof p->why, "storage error, please try "
		    "again later");
		rc = -1;
	} else if (!t.found)
		in.remember = 1;
	else if (t.status == ART_CANCELLED)
		;	/* cancelled already: still relayed */
	else if (!peer_may_replace(p, &t)) {
		snprintf(p->why, sizeof p->why, "cancel of %.200s not from "
		    "the site that injected it", id);
		rc = -1;
	} else
		in.target_id = t.id;
	if (rc == 0) {
		text = build_text(c, s, p, s->buf, 1, &in.len);
		in.cid = p->msgid;
		in.text = text;
		in.newsgroups = article_header_get(&p->a, "Newsgroups");
		in.path = article_header_get(&p->a, "Path");
		in.target = id;
		in.actor = s->acct.name;
		if (peer_relay_cancel(c->srv, &in) != STORE_OK) {
			snprintf(p->why, sizeof p->why, "storage error, "
			    "please try again later");
			rc = -1;
		}
	}
	if (rc == 0) {
		if (in.target_id != 0)
			notify_content_changed(c->srv);
		p->control = 1;
		log_info("conn=%llu proto=nntp cancel from peer=%s msgid=%s%s",
		    (unsigned long long)c->id, s->acct.name, id, t.found ? "" :
		    " (not here: remembered)");
	}
	free(text);
	target_free(&t);
	free(id);
	return rc;
}

/*
 * A relayed article with Supersedes: its target is cancelled with it
 * when peer_may_replace; one that is not here is remembered as
 * cancelled, one from elsewhere stays.  0, or -1 on a storage error.
 */
static int
transit_supersedes(struct conn *c, struct nntp_session *s,
    struct posting *p, const char *v)
{
	struct target	 t;
	char		*id;
	int		 rc = 0;

	(void)s;
	if ((id = first_msgid(v)) == NULL)
		return 0;
	memset(&t, 0, sizeof t);
	if (store_news_by_msgid_as(c->srv->store, id, 0, STORE_NNTP_TEXT |
	    STORE_NNTP_HEADER, target_cb, &t) == STORE_ERROR)
		rc = -1;
	else if (!t.found)
		rc = history_remember(c->srv, id, "cancelled");
	else if (t.status == ART_OK && peer_may_replace(p, &t))
		p->cancel_id = t.id;
	if (rc != 0)
		snprintf(p->why, sizeof p->why, "storage error, please try "
		    "again later");
	target_free(&t);
	free(id);
	return rc;
}

static void
buf_add(char **out, size_t *len, size_t *cap, const char *p, size_t n)
{
	if (*len + n > *cap) {
		while (*len + n > *cap)
			*cap = *cap == 0 ? 4096 : *cap * 2;
		*out = xrealloc(*out, *cap);
	}
	memcpy(*out + *len, p, n);
	*len += n;
}

static void
buf_printf(char **out, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
buf_printf(char **out, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list	 ap;
	char	*t;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&t, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_add(out, len, cap, t, (size_t)n);
	free(t);
}

/*
 * The text to store: our Path first, the poster's fields minus DROP,
 * the fields we add, the empty line and the body as received.
 * Caller frees.
 */
static char *
build_text(struct conn *c, struct nntp_session *s, struct posting *p,
    const char *buf, int transit, size_t *lenp)
{
	char		*out = NULL, *filtered, date[64];
	size_t		 len = 0, cap = 0, hl, fl;
	const char	*oldpath;
	time_t		 now = time(NULL);
	struct tm	 tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	hl = p->a.header_len;
	/* Leave out the empty line; it is written again below. */
	if (hl >= 2 && buf[hl - 1] == '\n' && buf[hl - 2] == '\r' &&
	    (hl == 2 || buf[hl - 3] == '\n'))
		hl -= 2;
	filtered = xmalloc(hl + 1);
	fl = nntp_header_filter(buf, hl, filtered, transit ? transit_strip :
	    strip_headers);
	/*
	 * RFC 5537 §3.2.1: a relaying agent prepends its path identity
	 * and "!"; an injecting agent its identity and "!.POSTED" (with no
	 * poster's address: no ".POSTED.host" form), then the tail entry.
	 * A poster's own Path is dropped as INN's strippath does, since it
	 * could name the poster's machine.
	 */
	if (transit && (oldpath = article_header_get(&p->a, "Path")) !=
	    NULL)
		buf_printf(&out, &len, &cap, "Path: %s!%s\r\n",
		    config_path_identity(c->srv->cf), oldpath);
	else
		buf_printf(&out, &len, &cap, "Path: %s!.POSTED!not-for-mail"
		    "\r\n", config_path_identity(c->srv->cf));
	buf_add(&out, &len, &cap, filtered, fl);
	free(filtered);
	if (!transit) {
		if (article_header_get(&p->a, "Message-ID") == NULL)
			buf_printf(&out, &len, &cap, "Message-ID: %s\r\n",
			    p->msgid);
		if (article_header_get(&p->a, "Date") == NULL)
			buf_printf(&out, &len, &cap, "Date: %s\r\n", date);
		buf_printf(&out, &len, &cap, "Injection-Date: %s\r\n", date);
		buf_printf(&out, &len, &cap, "Injection-Info: %s; "
		    "mail-complaints-to=\"abuse@%s\"\r\n",
		    c->srv->cf->server_name, c->srv->cf->server_name);
		if (s->acct.role != NULL &&
		    strcmp(s->acct.role, "doctor") == 0) {
			char	badge[200];

			/*
			 * A header stays ASCII (an 8-bit header would need
			 * RFC 2047): the English badge.
			 */
			doctor_badge("en", s->acct.specialty, badge,
			    sizeof badge);
			buf_printf(&out, &len, &cap, "X-Hearth-Verified: "
			    "%s\r\n", badge);
		}
	}
	buf_add(&out, &len, &cap, "\r\n", 2);
	buf_add(&out, &len, &cap, p->a.body, p->a.body_len);
	*lenp = len;
	return out;
}

/*
 * Check, moderate and store the article in S->buf.  0 when stored (or
 * the cancel done), -1 with P->why for the reply; STORE_EXISTS as 1.
 */
/*
 * The display name of a From header (decoded from RFC 2047 words,
 * quotes dropped), as account_name_claim() judges it for ACCOUNT with
 * ROLE: a title of a role the poster lacks, or a verified doctor's
 * name that is not theirs.  NAMES_OK when there is none.
 */
static enum names_why
from_claim(struct server *srv, const char *from, const char *account,
    const char *role)
{
	const char	*lt, *lp, *rp;
	char		*raw, *name, *p, *q;
	enum names_why	 why;

	if (from == NULL)
		return NAMES_OK;
	if ((lt = strchr(from, '<')) != NULL)
		raw = xstrndup(from, (size_t)(lt - from));
	else if ((lp = strchr(from, '(')) != NULL &&
	    (rp = strchr(lp, ')')) != NULL)
		raw = xstrndup(lp + 1, (size_t)(rp - lp - 1));
	else
		return NAMES_OK;
	name = mime_words_decode(raw);
	free(raw);
	for (p = q = name; *p != '\0'; p++)
		if (*p != '"' && *p != '\\')
			*q++ = *p;
	*q = '\0';
	why = account_name_claim(srv, name, account, role);
	free(name);
	return why;
}

/*
 * The reason of a report from a newsreader (xmalloc'd): the words of
 * the follow-up's body (already UTF-8, whatever its charset) without
 * the quoted article and its attribution line, lines joined by spaces,
 * at most 400 bytes, cut on a character.
 */
static char *
report_reason(const char *body)
{
	char		 out[401];
	const char	*p = body, *nl;
	size_t		 o = 0, n, k;

	for (; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		n = (size_t)(nl - p);
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' '))
			n--;
		/* Quoted text, and "X wrote:" / "X писал(а):" before it. */
		if (n == 0 || *p == '>' || (*nl != '\0' && nl[1] == '>' &&
		    p[n - 1] == ':'))
			continue;
		if (o > 0 && o < sizeof out - 1)
			out[o++] = ' ';
		k = n < sizeof out - 1 - o ? n : sizeof out - 1 - o;
		memcpy(out + o, p, k);
		o += k;
	}
	out[utf8_cut(out, o)] = '\0';
	return xstrdup(out);
}

/*
 * After a member's post is stored (with its queue rows, when held or
 * when the safety net matched): turn a follow-up in the report group
 * into a report of the article it follows, and say what happened to
 * the post and, on a crisis phrase, the hotline.
 */
static void
after_post(struct conn *c, struct nntp_session *s, struct posting *p)
{
	const char	*refs, *lt, *gt;
	char		*target, *reason;
	char		 msg[256];

	/* A moderator's repost with Approved: published and closed. */
	if (p->replace_id != 0)
		return;
	if (p->report) {
		refs = article_header_get(&p->a, "References");
		if (refs != NULL && (lt = strrchr(refs, '<')) != NULL &&
		    (gt = strchr(lt, '>')) != NULL) {
			target = xstrndup(lt, (size_t)(gt - lt + 1));
			reason = report_reason(p->body);
			/* The report service: the article as they may see it. */
			if (post_report(c->srv, &s->acct, nntp_level(c, s),
			    "nntp", target, reason, msg, sizeof msg) != 1)
				snprintf(p->ack, sizeof p->ack, "(%s)", msg);
			else
				snprintf(p->ack, sizeof p->ack, "(but the "
				    "reported article %s was not found: reply "
				    "to the article you want to report)",
				    target);
			free(reason);
			free(target);
		} else
			snprintf(p->ack, sizeof p->ack, "(to report an "
			    "article, post a follow-up to it in %s)",
			    c->srv->cf->report_group);
		return;
	}
	if (p->hold) {
		const char	*lang = nntp_lang(c);

		snprintf(p->ack, sizeof p->ack, i18n(lang, "(held for a "
		    "moderator: %s; it appears once approved)"),
		    i18n(lang, p->hold_reason));
	}
	/*
	 * Newsreaders show only "posted": the inbox says more (held), and
	 * the hotline reaches the inbox and IRC clients (post.c).
	 */
	p->hotline = post_notices(c->srv, s->acct.name,
	    article_header_get(&p->a, "Newsgroups"), p->subject, p->hold,
	    &p->v);
}

/*
 * RFC 5537 §3.5: an injecting agent refuses a proto-article that has an
 * Injection-Info or Xref field or a Path with the ".POSTED" diagnostic
 * (it was injected already).  1 with WHY filled, else 0.
 */
static int
injected_already(const struct article *a, char *why, size_t whylen)
{
	const char	*path, *e;
	size_t		 n;

	if (article_header_get(a, "Injection-Info") != NULL) {
		snprintf(why, whylen, "the article has an Injection-Info "
		    "header: it was injected already");
		return 1;
	}
	if (article_header_get(a, "Xref") != NULL) {
		snprintf(why, whylen, "the article has an Xref header: a "
		    "poster may not set it");
		return 1;
	}
	if ((path = article_header_get(a, "Path")) == NULL)
		return 0;
	/* Each path element; ".POSTED" alone or as ".POSTED.<name>". */
	for (e = path; *e != '\0'; e += n + (e[n] != '\0')) {
		e += strspn(e, " \t\r\n");
		n = strcspn(e, "!");
		if (n >= 7 && strncasecmp(e, ".POSTED", 7) == 0 &&
		    (n == 7 || e[7] == '.' || e[7] == ' ' || e[7] == '\t' ||
		    e[7] == '\r' || e[7] == '\n')) {
			snprintf(why, whylen, "the article's Path has "
			    "\".POSTED\": it was injected already");
			return 1;
		}
	}
	return 0;
}

/*
 * 8-bit text that is not UTF-8 and says nothing of its charset: tell
 * the poster which part it is and what to set, instead of the parser's
 * bare reason (a peer gets that reason, as INN would give it), in the
 * poster's language.  A header must be UTF-8 (RFC 6532) or encoded words
 * (RFC 2047); a body may be in any charset its Content-Type declares.
 */
static void
charset_advice(const char *lang, struct posting *p)
{
	static const char	 hdr[] = "Header contains invalid UTF-8: ";
	char			 name[64];

	if (strncmp(p->why, hdr, sizeof hdr - 1) == 0) {
		snprintf(name, sizeof name, "%s", p->why + sizeof hdr - 1);
		snprintf(p->why, sizeof p->why, "%s: %s", name, i18n(lang,
		    "this header is 8-bit text that is not UTF-8: set your "
		    "newsreader's charset to UTF-8, or write it as RFC 2047 "
		    "encoded words"));
	} else if (strcmp(p->why, "Body contains invalid UTF-8") == 0)
		snprintf(p->why, sizeof p->why, "%s", i18n(lang, "the body is "
		    "8-bit text that is not UTF-8 and declares no charset: "
		    "set your newsreader's charset to UTF-8, or declare it "
		    "(Content-Type: text/plain; charset=KOI8-R, "
		    "windows-1251, ...)"));
}

/*
 * Posters whose article joined this iteration's group commit
 * (modq_post_article() with batch): their 240 is held until it commits.
 */
static struct conn	**batch_conns;
static size_t		  nbatch, batch_cap;

static void
batch_note(struct conn *c)
{
	if (nbatch == batch_cap) {
		batch_cap = batch_cap == 0 ? 16 : batch_cap * 2;
		batch_conns = xreallocarray(batch_conns, batch_cap,
		    sizeof *batch_conns);
	}
	batch_conns[nbatch++] = c;
}

void
nntp_batch_forget(struct conn *c)
{
	size_t	i;

	for (i = 0; i < nbatch; i++)
		if (batch_conns[i] == c)
			batch_conns[i] = NULL;
}

void
nntp_batch_done(struct server *srv, int ok)
{
	struct conn	*c;
	size_t		 i;

	(void)srv;
	for (i = 0; i < nbatch; i++) {
		if (ok || (c = batch_conns[i]) == NULL ||
		    conn_is_closing(c))
			continue;
		nntp_reply(c, NNTP_441_FAILED, i18n(nntp_lang(c),
		    N_("storage error, please try again later")));
		/* Once: a connection may have posted twice. */
		nntp_batch_forget(c);
	}
	nbatch = 0;
}

static int
accept_article(struct conn *c, struct nntp_session *s, struct posting *p,
    int transit)
{
	struct art_info		 ai;
	struct news_post	 np;
	struct modq_article	 it;
	struct article		 stored;
	struct sanction_verdict	 ban;
	const char		*v;
	char			*text, words[256];
	size_t			 len;
	int64_t			 nums[MAX_CROSSPOST];
	int			 rc;
	enum names_why		 nwhy;

	if (s->data_error != NULL) {
		snprintf(p->why, sizeof p->why, "%s", s->data_error);
		return -1;
	}
	p->final = transit;
	if (article_parse(s->buf, s->len, &p->a, p->why, sizeof p->why) != 0) {
		if (!transit)
			charset_advice(nntp_lang(c), p);
		return -1;
	}
	/*
	 * A proto-article injected elsewhere is refused as such first (its
	 * Path may end in ".POSTED"); then a post and a relayed article
	 * meet the same rules, transit with the six fields RFC 5536 §3.1
	 * requires.
	 */
	if (!transit && injected_already(&p->a, p->why, sizeof p->why))
		return -1;
	if (article_validate(&p->a, transit ? ARTICLE_TRANSIT : 0, p->why,
	    sizeof p->why) != 0) {
		if (!transit)
			charset_advice(nntp_lang(c), p);
		return -1;
	}
	/* For screening and the queue: the words, whatever the charset. */
	p->subject = mime_words_decode(article_header_get(&p->a, "Subject"));
	p->body = mime_body_utf8(article_header_get(&p->a, "Content-Type"),
	    article_header_get(&p->a, "Content-Transfer-Encoding"), p->a.body,
	    p->a.body_len, NULL);
	/* Banned since signing in: nothing this account sends goes out. */
	if (sanction_may_sign_in(c->srv, s->acct.name, NULL, &ban)) {
		p->final = 0;
		snprintf(p->why, sizeof p->why, i18n(nntp_lang(c),
		    "account %s"), sanction_describe_lang(&ban, nntp_lang(c),
		    words, sizeof words));
		return -1;
	}

	/* The Message-ID: the poster's, ours, or the one offered. */
	v = article_header_get(&p->a, "Message-ID");
	if (v != NULL) {
		if ((p->msgid = first_msgid(v)) == NULL) {
			snprintf(p->why, sizeof p->why, "Message-ID syntax "
			    "invalid");
			return -1;
		}
	} else if (transit) {
		snprintf(p->why, sizeof p->why, "no Message-ID header");
		return -1;
	} else
		p->msgid = xstrdup(s->msgid);
	if (transit && strcmp(p->msgid, s->msgid) != 0) {
		p->final = 0;	/* the offered id is not this article's */
		snprintf(p->why, sizeof p->why, "Message-ID differs from "
		    "the one offered");
		return -1;
	}
	/* Had, or remembered (TAKETHIS comes without a CHECK first). */
	if (transit) {
		switch (history_offer(c->srv, p->msgid)) {
		case HISTORY_NEW:
			break;
		case HISTORY_KNOWN:
			p->final = 0;
			return 1;
		default:
			p->final = 0;
			snprintf(p->why, sizeof p->why, "storage error, "
			    "please try again later");
			return -1;
		}
	}
	/*
	 * RFC 5537 §3.2.1 (and RFC 1036 before it): an article whose Path
	 * names this site has been here; it came round a loop.
	 */
	if (transit && article_path_has(article_header_get(&p->a, "Path"),
	    config_path_identity(c->srv->cf))) {
		snprintf(p->why, sizeof p->why, "the Path names this site "
		    "already (%.100s)", config_path_identity(c->srv->cf));
		return -1;
	}
	/*
	 * The server's own ids (those of every article posted without
	 * one) are its to give: a member may use only the one POST
	 * offered, so guessing one tells nothing, whether or not it is
	 * taken.  Moderators repost held articles under theirs.
	 */
	if (!transit && v != NULL && !nntp_is_moderator(s) &&
	    own_domain(c, p->msgid) && strcmp(p->msgid, s->msgid) != 0) {
		snprintf(p->why, sizeof p->why, "%s", MSGID_REFUSED);
		return -1;
	}

	/* The inbox holds the server's notices only. */
	if (nntp_inbox_named(c, article_header_get(&p->a, "Newsgroups"))) {
		if (!transit && nntp_inbox_visible(c, s))
			snprintf(p->why, sizeof p->why, "%s holds the server's "
			    "notices to you; it takes no posts",
			    c->srv->cf->inbox_group);
		else
			snprintf(p->why, sizeof p->why, "no such newsgroup "
			    "\"%.100s\"", c->srv->cf->inbox_group);
		return -1;
	}
	/* A follow-up in the queue group is a moderator's decision. */
	if (!transit && nntp_queue_named(c, article_header_get(&p->a,
	    "Newsgroups")))
		return nntp_queue_post(c, s, &p->a, p->ack, sizeof p->ack,
		    p->why, sizeof p->why);
	if ((v = article_header_get(&p->a, "Control")) != NULL) {
		if (strncasecmp(v, "cancel", 6) != 0 ||
		    (v[6] != ' ' && v[6] != '\t')) {
			snprintf(p->why, sizeof p->why, "only cancel control "
			    "messages are accepted here");
			return -1;
		}
		return transit ? transit_cancel(c, s, p, v) :
		    do_cancel(c, s, p, v);
	}
	if (!transit && (nwhy = from_claim(c->srv, article_header_get(&p->a,
	    "From"), s->acct.name, s->acct.role)) != NAMES_OK) {
		snprintf(p->why, sizeof p->why, "%s (From)", i18n(nntp_lang(c),
		    names_why_text(nwhy)));
		return -1;
	}
	if (check_groups(c, s, p, transit) != 0 ||
	    screen_article(c, s, p, transit) != 0)
		return -1;
	if (transit && (v = article_header_get(&p->a, "Supersedes")) !=
	    NULL && transit_supersedes(c, s, p, v) != 0)
		return -1;

	if (!transit && (v = article_header_get(&p->a, "Supersedes")) !=
	    NULL) {
		char	*old = first_msgid(v);

		memset(&ai, 0, sizeof ai);
		rc = old != NULL ? lookup_msgid(c, s, old, &ai) :
		    STORE_NOTFOUND;
		free(old);
		if (rc == STORE_ERROR) {
			snprintf(p->why, sizeof p->why, "storage error, "
			    "please try again later");
			return -1;
		}
		/* One it cannot see is unknown: nothing is replaced. */
		if (known_to(c, s, &ai) && ai.status == ART_OK) {
			if (!may_replace(s, &ai)) {
				snprintf(p->why, sizeof p->why, "you can only "
				    "supersede your own articles");
				return -1;
			}
			p->cancel_id = ai.id;
		}
	}

	/* A moderator's repost with Approved: publishes a held article. */
	if (lookup_msgid(c, s, p->msgid, &ai) == STORE_ERROR) {
		snprintf(p->why, sizeof p->why, "storage error, please try "
		    "again later");
		return -1;
	}
	if (ai.found) {
		if (!transit && ai.status == ART_HELD && !p->hold &&
		    nntp_is_moderator(s))
			p->replace_id = ai.id;
		else if (transit || known_to(c, s, &ai))
			return 1;
		else {
			snprintf(p->why, sizeof p->why, "%s", MSGID_REFUSED);
			return -1;
		}
	}

	text = build_text(c, s, p, s->buf, transit, &len);
	if (article_parse(text, len, &stored, p->why, sizeof p->why) != 0) {
		free(text);
		return -1;
	}
	memset(&np, 0, sizeof np);
	np.msgid = p->msgid;
	np.text = text;
	np.len = len;
	np.header_len = stored.header_len;
	np.lines = (int64_t)stored.lines;
	np.author_id = transit ? 0 : s->acct.id;
	np.posted = (int64_t)time(NULL);
	np.groups = p->groups;
	np.ngroups = p->ngroups;
	np.hold = p->hold;
	np.hold_reason = p->hold_reason;
	np.replace_id = p->replace_id;
	np.cancel_id = p->cancel_id;
	np.actor = s->acct.name;
	np.nums = nums;
	/* Stored with its queue rows (held, crisis) in one transaction. */
	memset(&it, 0, sizeof it);
	if (transit && p->hold) {
		/* Held at its home site: no author here (RFC 5537 §3.5). */
		it.location = article_header_get(&p->a, "Newsgroups");
		it.excerpt = p->subject;
	} else if (!transit && p->replace_id == 0) {
		it.author = s->acct.name;
		it.location = article_header_get(&p->a, "Newsgroups");
		it.excerpt = p->subject;
		it.crisis = p->v.crisis;
		it.crisis_text = p->v.crisis_text;
		it.crisis_len = p->v.crisis_len;
	}
	/* A member's POST shares the iteration's commit; a peer's not. */
	it.batch = !transit;
	rc = modq_post_article(c->srv, &np, &it);
	article_free(&stored);
	free(text);
	if (rc == STORE_EXISTS)
		return 1;
	if (rc != STORE_OK) {
		snprintf(p->why, sizeof p->why, "storage error, please try "
		    "again later");
		return -1;
	}
	log_info("conn=%llu proto=nntp %s account=%s msgid=%s groups=%zu%s%s",
	    (unsigned long long)c->id, transit ? "received" : "posted",
	    s->acct.name != NULL ? s->acct.name : "-", p->msgid, p->ngroups,
	    p->hold ? " held" : "", !transit ? "" : s->data == ND_IHAVE ?
	    " via=IHAVE" : " via=TAKETHIS");
	if (it.batch)
		batch_note(c);
	notify_content_changed(c->srv);
	if (!transit)
		after_post(c, s, p);
	return 0;
}

/*
 * Message-ids in transfer (RFC 3977 §6.3.2, RFC 4644 §2.4): offered on
 * one connection and not yet stored or refused.  IHAVE holds its id from
 * the 335 to the end of the article, TAKETHIS while its article is read,
 * and CHECK from its 238 until that peer's TAKETHIS, but for CHECK_HOLD
 * seconds at most (INN's wipcheck) should none come.  Meanwhile an offer
 * of the same id on another connection is told to try later (IHAVE 436,
 * CHECK 431) or, for TAKETHIS, whose article must be read anyway,
 * refused (439) as INN does: the connection holding it stores it, or its
 * peer offers it again.
 *
 * One map for the process, keyed by message-id.  Each connection lists
 * what it holds, at most TRANSFER_MAX (past it its oldest CHECK gives
 * way), so all it holds is released when each transfer ends or when the
 * connection is freed, and the map is bounded by the peers' connections.
 * The map itself is freed whenever it empties.
 */
#define CHECK_HOLD	5
#define TRANSFER_MAX	1024

struct transfer {
	uint64_t	 conn_id;	/* the holder */
	time_t		 since;
	int		 data;		/* its article is being read */
};

static struct strmap	*transfers;

/* Is MSGID in transfer on a connection other than C? */
static int
transfer_busy(struct conn *c, const char *msgid)
{
	struct transfer	*t;

	if (transfers == NULL ||
	    (t = strmap_get(transfers, msgid)) == NULL ||
	    t->conn_id == c->id)
		return 0;
	/* A CHECK whose TAKETHIS never came gives way. */
	return t->data || time(NULL) - t->since < CHECK_HOLD;
}

/*
 * S stops listing its I-th id, and the id leaves the map if C still
 * holds it (another connection may have taken over a stale CHECK).
 */
static void
transfer_forget(struct conn *c, struct nntp_session *s, size_t i)
{
	struct transfer	*t;

	if (transfers != NULL &&
	    (t = strmap_get(transfers, s->held[i])) != NULL &&
	    t->conn_id == c->id) {
		strmap_del(transfers, s->held[i]);
		free(t);
		if (strmap_count(transfers) == 0) {
			strmap_free(transfers);
			transfers = NULL;
		}
	}
	free(s->held[i]);
	memmove(&s->held[i], &s->held[i + 1], (s->nheld - i - 1) *
	    sizeof *s->held);
	if (--s->nheld == 0) {
		free(s->held);
		s->held = NULL;
	}
}

/*
 * C holds MSGID in transfer from now (DATA: its article is being read),
 * taking over a CHECK that gave way elsewhere.  Only when not
 * transfer_busy().
 */
static void
transfer_take(struct conn *c, struct nntp_session *s, const char *msgid,
    int data)
{
	struct transfer	*t;
	size_t		 i;

	if (transfers == NULL)
		transfers = strmap_create();
	if ((t = strmap_get(transfers, msgid)) == NULL) {
		t = xcalloc(1, sizeof *t);
		strmap_put(transfers, msgid, t);
	}
	t->conn_id = c->id;
	t->since = time(NULL);
	t->data = data;
	for (i = 0; i < s->nheld; i++)
		if (strcmp(s->held[i], msgid) == 0)
			return;
	if (s->nheld == TRANSFER_MAX)
		transfer_forget(c, s, 0);
	s->held = xreallocarray(s->held, s->nheld + 1, sizeof *s->held);
	s->held[s->nheld++] = xstrdup(msgid);
}

/* The transfer of MSGID on C ended (stored, refused or failed). */
static void
transfer_release(struct conn *c, struct nntp_session *s, const char *msgid)
{
	size_t	i;

	for (i = 0; i < s->nheld; i++)
		if (strcmp(s->held[i], msgid) == 0) {
			transfer_forget(c, s, i);
			return;
		}
}

void
nntp_transfers_drop(struct conn *c, struct nntp_session *s)
{
	while (s->nheld > 0)
		transfer_forget(c, s, s->nheld - 1);
}

/* The "." line ended the article (or SASL data, handled in nntp.c). */
int
nntp_post_done(struct conn *c, struct nntp_session *s)
{
	struct posting	p;
	enum nntp_data	kind = s->data;
	int		rc, gone = 0;

	memset(&p, 0, sizeof p);
	rc = accept_article(c, s, &p, kind != ND_POST);
	switch (kind) {
	case ND_POST:
		if (rc == 0 && (p.ack[0] != '\0' || p.hotline != NULL)) {
			/*
			 * One line: the 240, what happened to the post, and
			 * the hotline when the safety net matched.
			 */
			char	extra[1024];

			/* The Message-ID stays the last word of the line. */
			snprintf(extra, sizeof extra, "%s%s%s%s%s%s%s",
			    p.ack, p.ack[0] != '\0' ? " " : "",
			    p.hotline != NULL ? i18n(nntp_lang(c),
			    "You are not alone.") : "",
			    p.hotline != NULL ? " " : "",
			    p.hotline != NULL ? i18n(nntp_lang(c), p.hotline) :
			    "",
			    p.hotline != NULL ? " " : "",
			    p.msgid != NULL ? p.msgid : "");
			nntp_reply(c, NNTP_240_POSTED, extra);
		} else if (rc == 0)
			nntp_reply(c, NNTP_240_POSTED, p.msgid != NULL ?
			    p.msgid : "");
		else if (rc == 1)
			nntp_reply(c, NNTP_441_FAILED, i18n(nntp_lang(c),
			    "an article with this Message-ID exists already"));
		else
			nntp_reply(c, NNTP_441_FAILED, i18n(nntp_lang(c),
			    p.why));
		break;
	case ND_IHAVE:
		if (rc == 0)
			nntp_reply(c, NNTP_235_IHAVE_OK);
		else if (rc == 1)
			nntp_reply(c, NNTP_437_REJECTED, "duplicate");
		else if (strncmp(p.why, "storage", 7) == 0)
			nntp_reply(c, NNTP_436_LATER);
		else
			nntp_reply(c, NNTP_437_REJECTED, p.why);
		break;
	default:
		if (rc == 0)
			nntp_reply(c, NNTP_239_TAKETHIS, s->msgid);
		else if (rc < 0 && strncmp(p.why, "storage", 7) == 0) {
			/*
			 * 439 would tell the peer never to offer it again;
			 * a storage failure is temporary (RFC 4644 §2.5 has
			 * no such code): close so the peer requeues.
			 */
			nntp_reply(c, NNTP_400_STORAGE);
			gone = 1;
		} else
			nntp_reply(c, NNTP_439_REJECTED, s->msgid);
		break;
	}
	if (rc < 0 && kind == ND_POST)
		log_info("conn=%llu proto=nntp post refused account=%s "
		    "reason=\"%s\"", (unsigned long long)c->id,
		    s->acct.name != NULL ? s->acct.name : "-", p.why);
	else if (rc < 0)
		log_info("conn=%llu proto=nntp transit refused account=%s "
		    "msgid=%s reason=\"%s\"", (unsigned long long)c->id,
		    s->acct.name != NULL ? s->acct.name : "-", s->msgid,
		    p.why);
	/*
	 * What the history keeps (RFC 3977 §6.3.2: 435/438 before the
	 * article is sent again): a control message applied here, and an
	 * article refused for good.
	 */
	if (kind != ND_POST && ((rc == 0 && p.control) || (rc < 0 &&
	    p.final && strncmp(p.why, "storage", 7) != 0)))
		history_remember(c->srv, s->msgid, rc == 0 ? "control" :
		    "rejected");
	if (kind != ND_POST)
		transfer_release(c, s, s->msgid);
	article_free(&p.a);
	free(p.msgid);
	free(p.subject);
	free(p.body);
	nntp_data_end(c, s);
	if (gone) {
		conn_close(c, "storage failure during streaming");
		return CONN_GONE;
	}
	return CONN_OK;
}

/*
 * An offered message-id: -1 when malformed (501); 1 when we have it or
 * the history remembers it (435/438); 2 on a storage error (436/431).
 */
static int
offered(struct conn *c, const char *msgid)
{
	if (!nntp_is_msgid(msgid))
		return -1;
	switch (history_offer(c->srv, msgid)) {
	case HISTORY_NEW:
		return 0;
	case HISTORY_KNOWN:
		return 1;
	default:
		return 2;
	}
}

int
nntp_cmd_ihave(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	(void)argc;
	switch (offered(c, argv[1])) {
	case -1:
		nntp_reply(c, NNTP_501_MSGID);
		return CONN_OK;
	case 1:
		nntp_reply(c, NNTP_435_UNWANTED);
		return CONN_OK;
	case 2:
		nntp_reply(c, NNTP_436_LATER);
		return CONN_OK;
	}
	if (transfer_busy(c, argv[1])) {
		nntp_reply(c, NNTP_436_LATER);
		return CONN_OK;
	}
	snprintf(s->msgid, sizeof s->msgid, "%s", argv[1]);
	transfer_take(c, s, argv[1], 1);
	nntp_reply(c, NNTP_335_IHAVE);
	nntp_data_begin(c, s, ND_IHAVE);
	return CONN_OK;
}

int
nntp_cmd_check(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	(void)argc;
	switch (offered(c, argv[1])) {
	case -1:
		nntp_reply(c, NNTP_501_MSGID);
		break;
	case 1:
		nntp_reply(c, NNTP_438_UNWANTED, argv[1]);
		break;
	case 2:
		nntp_reply(c, NNTP_431_LATER, argv[1]);
		break;
	default:
		if (transfer_busy(c, argv[1])) {
			nntp_reply(c, NNTP_431_LATER, argv[1]);
			break;
		}
		transfer_take(c, s, argv[1], 0);
		nntp_reply(c, NNTP_238_CHECK, argv[1]);
		break;
	}
	return CONN_OK;
}

/*
 * TAKETHIS: the article follows at once, so it is always read; one from
 * anyone but a peer, one we have, or one in transfer on another
 * connection is refused with 439 after it.
 */
int
nntp_cmd_takethis(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	(void)argc;
	snprintf(s->msgid, sizeof s->msgid, "%s", argv[1]);
	nntp_data_begin(c, s, ND_TAKETHIS);
	if (!(s->flags & NS_PEER))
		s->data_error = "not a peer";
	else if (!nntp_is_msgid(argv[1]))
		s->data_error = "invalid message-id";
	else if (transfer_busy(c, argv[1]))
		s->data_error = "in transfer on another connection";
	else
		transfer_take(c, s, argv[1], 1);
	return CONN_OK;
}
