/*
 * nntp-inbox.c -- a member's notices as their own newsgroup.
 *
 * The group (config inbox_group, "hearth.inbox") is not stored: it is
 * the notices table (notice.h) seen by the signed-in account.  Each
 * notice is an article made when it is read, numbered by its notice id
 * (ids are never given twice, so numbers are stable and only grow),
 * with the Message-ID <notice.ID@server_name>, From the server and a
 * Subject in RFC 2047 words when it is not ASCII.  Every member has
 * their own group of that name and sees only their own notices; to a
 * reader who is not signed in (and to feeding peers) the group does not
 * exist: not listed, 411 on GROUP, 430 for its Message-IDs.  It takes
 * no posts (441).
 *
 * nntp-queue.c's nntp_src_* functions come here when the inbox is the
 * selected group or a notice's Message-ID is asked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>

#include "article.h"
#include "mime-words.h"
#include "nntp-inbox.h"
#include "nntp-int.h"
#include "nntp-util.h"
#include "store-notice.h"
#include "xmalloc.h"

/* Body lines are wrapped at about this many characters. */
#define WRAP_COLUMN	72

static const char *
inbox_name(struct conn *c)
{
	const char	*g = c->srv->cf->inbox_group;

	return g != NULL && *g != '\0' ? g : NULL;
}

int
nntp_inbox_is(struct conn *c, const char *name)
{
	const char	*g = inbox_name(c);

	return g != NULL && name != NULL && strcasecmp(name, g) == 0;
}

int
nntp_inbox_visible(struct conn *c, struct nntp_session *s)
{
	return inbox_name(c) != NULL && (s->flags & NS_AUTHED) &&
	    !(s->flags & NS_PEER) && s->acct.id > 0;
}

int
nntp_inbox_named(struct conn *c, const char *newsgroups)
{
	char	**names;
	size_t	  n, i;
	int	  found = 0;

	if (inbox_name(c) == NULL || newsgroups == NULL)
		return 0;
	n = nntp_split_groups(newsgroups, &names);
	for (i = 0; i < n; i++) {
		found |= nntp_inbox_is(c, names[i]);
		free(names[i]);
	}
	free(names);
	return found;
}

int
nntp_inbox_group(struct conn *c, struct nntp_session *s,
    struct news_group *g)
{
	int64_t	count, low, high;

	if (!nntp_inbox_visible(c, s))
		return STORE_NOTFOUND;
	if (store_notice_stats(c->srv->store, s->acct.id, &count, &low,
	    &high) != STORE_OK)
		return STORE_ERROR;
	memset(g, 0, sizeof *g);
	g->id = NNTP_INBOX_GID;
	g->name = inbox_name(c);
	g->description = "Your notices from Hearth: held, approved or "
	    "refused posts, warnings, reminders (only you see them)";
	g->status = NG_READONLY;
	g->visibility = NG_MEMBERS;
	g->level = NG_MEMBERS;
	/* The group is as old as the account it belongs to. */
	g->created = s->acct.created;
	g->count = count;
	g->high = high;
	g->low = count > 0 ? low : high + 1;
	return STORE_OK;
}

int64_t
nntp_inbox_msgid(struct conn *c, const char *msgid)
{
	const char	*sn = c->srv->cf->server_name;
	char		*end;
	long long	 id;

	if (strncmp(msgid, "<notice.", 8) != 0 || msgid[8] < '1' ||
	    msgid[8] > '9')
		return 0;
	id = strtoll(msgid + 8, &end, 10);
	if (id <= 0 || *end != '@' || strncasecmp(end + 1, sn,
	    strlen(sn)) != 0 || strcmp(end + 1 + strlen(sn), ">") != 0)
		return 0;
	return (int64_t)id;
}

/*
 * Add body TEXT (UTF-8, '\n' lines) to B as CRLF lines wrapped at
 * spaces near WRAP_COLUMN characters (a word longer than a line stays
 * whole).
 */
static void
add_body(struct evbuffer *b, const char *text)
{
	const char	*p = text, *nl, *brk, *q;
	size_t		 chars;

	while (*p != '\0') {
		nl = p + strcspn(p, "\n");
		while (p < nl) {
			brk = NULL;
			chars = 0;
			for (q = p; q < nl; q++) {
				if (((unsigned char)*q & 0xc0) != 0x80)
					chars++;
				if (*q == ' ' && chars <= WRAP_COLUMN + 1)
					brk = q;
				if (chars > WRAP_COLUMN && brk != NULL)
					break;
			}
			if (q == nl || brk == NULL)
				brk = nl;
			evbuffer_add(b, p, (size_t)(brk - p));
			evbuffer_add(b, "\r\n", 2);
			p = brk < nl ? brk + 1 : nl;
		}
		if (*nl == '\n' && nl == p && (nl == text || nl[-1] == '\n'))
			evbuffer_add(b, "\r\n", 2);	/* an empty line */
		p = *nl != '\0' ? nl + 1 : nl;
	}
}

/* The article for notice R (caller frees; *LEN its length). */
static char *
build(struct conn *c, const struct notice_row *r, size_t *len)
{
	const char	*sn = c->srv->cf->server_name;
	struct evbuffer	*b = evbuffer_new();
	struct tm	 tm;
	time_t		 t = (time_t)r->created;
	char		 date[64], *subject, *text;

	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	subject = mime_header("Subject", *r->subject != '\0' ? r->subject :
	    "A notice from Hearth");
	evbuffer_add_printf(b, "Path: %s!not-for-mail\r\n"
	    "From: Hearth <noreply@%s>\r\n"
	    "Newsgroups: %s\r\n"
	    "%s"
	    "Date: %s\r\n"
	    "Message-ID: <notice.%lld@%s>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "X-Hearth-Notice: %s\r\n\r\n", sn, sn, inbox_name(c), subject,
	    date, (long long)r->id, sn, r->kind);
	free(subject);
	add_body(b, r->body);
	evbuffer_add_printf(b, "\r\n-- \r\nOnly you see %s; it takes no "
	    "posts.\r\n", inbox_name(c));
	*len = evbuffer_get_length(b);
	text = xmalloc(*len + 1);
	evbuffer_remove(b, text, *len);
	text[*len] = '\0';
	evbuffer_free(b);
	return text;
}

struct emit_ctx {
	struct conn		*c;
	int64_t			 num;	/* -1: the notice id */
	int			 flags;
	store_news_art_cb	 cb;
	void			*arg;
};

/* Notice R as an nntp_art for the caller's callback. */
static int
emit(const struct notice_row *r, void *arg)
{
	struct emit_ctx	*ec = arg;
	struct conn	*c = ec->c;
	struct article	 a;
	struct news_art	 na;
	char		*text, *overview, msgid[300], xref[300], why[128];
	size_t		 len;
	int		 stop;

	text = build(c, r, &len);
	if (article_parse(text, len, &a, why, sizeof why) != 0) {
		free(text);
		return 0;
	}
	snprintf(msgid, sizeof msgid, "<notice.%lld@%s>", (long long)r->id,
	    c->srv->cf->server_name);
	snprintf(xref, sizeof xref, "%s:%lld", inbox_name(c),
	    (long long)r->id);
	overview = nntp_overview(&a, msgid);
	memset(&na, 0, sizeof na);
	na.id = r->id;
	na.num = ec->num < 0 ? r->id : ec->num;
	na.posted = r->created;
	na.msgid = msgid;
	na.overview = overview;
	na.bytes = (int64_t)len;
	na.lines = (int64_t)a.lines;
	na.status = ART_OK;
	na.level = NG_MEMBERS;
	na.xref = xref;
	if (ec->flags & (STORE_NNTP_TEXT | STORE_NNTP_HEADER)) {
		na.text = text;
		na.header_len = a.header_len;
		na.len = (ec->flags & STORE_NNTP_HEADER) ? a.header_len : len;
	}
	stop = ec->cb(&na, ec->arg);
	article_free(&a);
	free(overview);
	free(text);
	return stop;
}

int
nntp_inbox_article(struct conn *c, struct nntp_session *s, int64_t id,
    int64_t num, int flags, store_news_art_cb cb, void *arg)
{
	struct emit_ctx	ec = { c, num, flags, cb, arg };

	if (!nntp_inbox_visible(c, s))
		return STORE_NOTFOUND;
	return store_notice_get(c->srv->store, s->acct.id, id, emit, &ec);
}

int64_t
nntp_inbox_next(struct conn *c, struct nntp_session *s, int64_t num)
{
	if (!nntp_inbox_visible(c, s))
		return 0;
	return store_notice_next(c->srv->store, s->acct.id, num);
}

int64_t
nntp_inbox_prev(struct conn *c, struct nntp_session *s, int64_t num)
{
	if (!nntp_inbox_visible(c, s))
		return 0;
	return store_notice_prev(c->srv->store, s->acct.id, num);
}

int
nntp_inbox_range(struct conn *c, struct nntp_session *s, int64_t lo,
    int64_t hi, int limit, int flags, store_news_art_cb cb, void *arg)
{
	struct emit_ctx	ec = { c, -1, flags, cb, arg };

	if (!nntp_inbox_visible(c, s))
		return 0;
	return store_notice_range(c->srv->store, s->acct.id, lo, hi, limit,
	    emit, &ec);
}

struct nums_ctx {
	store_news_num_cb	 cb;
	void			*arg;
};

static int
num_one(const struct notice_row *r, void *arg)
{
	struct nums_ctx	*nc = arg;

	return nc->cb(r->id, nc->arg);
}

int
nntp_inbox_nums(struct conn *c, struct nntp_session *s, int64_t lo,
    int64_t hi, int limit, store_news_num_cb cb, void *arg)
{
	struct nums_ctx	nc = { cb, arg };

	if (!nntp_inbox_visible(c, s))
		return 0;
	return store_notice_range(c->srv->store, s->acct.id, lo, hi, limit,
	    num_one, &nc);
}
