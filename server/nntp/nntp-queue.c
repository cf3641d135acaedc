/*
 * nntp-queue.c -- the moderation queue as a newsgroup for moderators.
 *
 * The group (config queue_group, "hearth.queue") is not stored: each
 * open queue entry is an article made when it is read, numbered by its
 * entry id (ids are never reused, so numbers are stable) with the
 * Message-ID <queue.ID@server_name>.  Decided entries leave the group.
 * To everyone but moderators and admins the group does not exist: not
 * listed, 411 on GROUP, 430 for its articles, 441 "no such newsgroup"
 * on POST.
 *
 * A moderator decides from the newsreader by a follow-up to an entry
 * whose first line of text (after any attribution and quoted lines) is
 * a command: approve [reason], reject <reason>, dismiss [reason] or
 * hide [reason] (the follow-up rows of the shared table, modcmd.h,
 * performed by modq_exec() like every moderation command).  The
 * follow-up is not stored: the decision is, in the audit log, with the
 * moderator's account as the actor.
 *
 * nntp-read.c reaches articles through the nntp_src_* functions here,
 * which pass the member's inbox to nntp-inbox.c and everything else
 * that is not the queue group to store-news.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "article.h"
#include "modcmd.h"
#include "modexec.h"
#include "mime-words.h"
#include "modq.h"
#include "nntp-inbox.h"
#include "nntp-int.h"
#include "nntp-queue.h"
#include "nntp-util.h"
#include "store-modq.h"
#include "xmalloc.h"

static const char *
queue_name(struct conn *c)
{
	const char	*g = c->srv->cf->queue_group;

	return g != NULL && *g != '\0' ? g : NULL;
}

int
nntp_queue_is(struct conn *c, const char *name)
{
	const char	*q = queue_name(c);

	return q != NULL && name != NULL && strcasecmp(name, q) == 0;
}

int
nntp_queue_visible(struct conn *c, struct nntp_session *s)
{
	return queue_name(c) != NULL && nntp_is_moderator(s);
}

/* The group's numbers now. */
int
nntp_queue_group(struct conn *c, struct news_group *g)
{
	static char	description[200];
	char		list[160];
	int64_t		count, low, high, first;

	if (description[0] == '\0') {
		modcmd_list(MODCMD_F_FOLLOWUP, list, sizeof list);
		snprintf(description, sizeof description, "Moderation queue: "
		    "reply with %s", list);
	}

	if (store_modq_open_stats(c->srv->store, &count, &low, &high,
	    &first) != STORE_OK)
		return STORE_ERROR;
	memset(g, 0, sizeof *g);
	g->id = NNTP_QUEUE_GID;
	g->name = queue_name(c);
	g->description = description;
	g->status = NG_OPEN;
	g->visibility = NG_PRIVATE;
	g->created = first;
	g->count = count;
	g->high = high;
	g->low = count > 0 ? low : high + 1;
	return STORE_OK;
}

/* A growing text buffer. */
struct qbuf {
	char	*p;
	size_t	 len, cap;
};

static void
qb_add(struct qbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap == 0 ? 4096 : b->cap * 2;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
qb_printf(struct qbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
qb_printf(struct qbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*t;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&t, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	qb_add(b, t, (size_t)n);
	free(t);
}

/* A line of the body: no bare CR or LF inside, CRLF at the end. */
static void
body_line(void *arg, const char *text)
{
	struct qbuf	*b = arg;
	const char	*p;

	for (p = text; *p != '\0'; p++)
		qb_add(b, *p == '\r' || *p == '\n' ? " " : p, 1);
	qb_add(b, "\r\n", 2);
}

struct entry_head {
	char	*kind, *type, *ref, *author, *location, *excerpt, *created;
	int	 open;
};

static void
head_cb(int n, const char *const *names, const char *const *vals, void *arg)
{
	struct entry_head	*h = arg;
	int			 i;

	for (i = 0; i < n; i++) {
		const char	*v = vals[i];
		char		**to = NULL;

		if (strcmp(names[i], "kind") == 0)
			to = &h->kind;
		else if (strcmp(names[i], "item_type") == 0)
			to = &h->type;
		else if (strcmp(names[i], "item_ref") == 0)
			to = &h->ref;
		else if (strcmp(names[i], "author") == 0)
			to = &h->author;
		else if (strcmp(names[i], "location") == 0)
			to = &h->location;
		else if (strcmp(names[i], "excerpt") == 0)
			to = &h->excerpt;
		else if (strcmp(names[i], "created") == 0)
			to = &h->created;
		else if (strcmp(names[i], "state") == 0)
			h->open = v != NULL && strcmp(v, "open") == 0;
		if (to != NULL)
			*to = xstrdup(v != NULL ? v : "");
	}
}

static void
head_free(struct entry_head *h)
{
	free(h->kind);
	free(h->type);
	free(h->ref);
	free(h->author);
	free(h->location);
	free(h->excerpt);
	free(h->created);
}

/* Header text: printable, one line, at most MAX bytes (whole UTF-8). */
static void
qb_header_text(struct qbuf *b, const char *s, size_t max)
{
	size_t	n = strlen(s), i;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		qb_add(b, (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? " " :
		    s + i, 1);
}

/*
 * The article for open entry ID (caller frees *TEXT); STORE_NOTFOUND
 * when there is no open entry ID.
 */
static int
build(struct conn *c, int64_t id, char **text, size_t *len)
{
	struct entry_head	 h;
	struct qbuf		 b, subj;
	struct tm		 tm;
	time_t			 t;
	char			 date[64], usage[64], line[200], *dec, *hdr;
	const char		*sn = c->srv->cf->server_name;
	size_t			 i;

	memset(&h, 0, sizeof h);
	if (store_modq_get(c->srv->store, id, head_cb, &h) != STORE_OK ||
	    !h.open || h.kind == NULL) {
		head_free(&h);
		return STORE_NOTFOUND;
	}
	memset(&tm, 0, sizeof tm);
	if (h.created == NULL || strptime(h.created, "%Y-%m-%d %H:%M:%S",
	    &tm) == NULL)
		t = time(NULL);
	else
		t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	memset(&b, 0, sizeof b);
	qb_printf(&b, "Path: %s!not-for-mail\r\n", sn);
	qb_printf(&b, "From: Hearth moderation queue <moderators@%s>\r\n", sn);
	qb_printf(&b, "Newsgroups: %s\r\n", queue_name(c));
	/*
	 * The Subject is made as UTF-8 text (the excerpt decoded first, so
	 * a cut never falls inside an encoded word), cut on characters,
	 * then encoded and folded as a whole.
	 */
	memset(&subj, 0, sizeof subj);
	qb_printf(&subj, "#%lld [%s] %s by ", (long long)id, h.kind, h.type);
	qb_header_text(&subj, h.author != NULL && *h.author != '\0' ?
	    h.author : "?", 64);
	if (h.location != NULL && *h.location != '\0') {
		qb_add(&subj, " in ", 4);
		qb_header_text(&subj, h.location, 100);
	}
	if (h.excerpt != NULL && *h.excerpt != '\0') {
		dec = mime_words_decode(h.excerpt);
		qb_add(&subj, ": ", 2);
		qb_header_text(&subj, dec, 80);
		free(dec);
	}
	hdr = mime_header("Subject", subj.p);
	qb_add(&b, hdr, strlen(hdr));
	free(hdr);
	free(subj.p);
	qb_printf(&b, "Date: %s\r\n", date);
	qb_printf(&b, "Message-ID: <queue.%lld@%s>\r\n", (long long)id, sn);
	qb_add(&b, "MIME-Version: 1.0\r\n", 19);
	qb_add(&b, "Content-Type: text/plain; charset=UTF-8\r\n", 41);
	qb_add(&b, "Content-Transfer-Encoding: 8bit\r\n", 33);
	qb_printf(&b, "X-Hearth-Queue: %lld; kind=%s; item=%s ", (long long)id,
	    h.kind, h.type);
	qb_header_text(&b, h.ref, 250);
	qb_add(&b, "\r\n\r\n", 4);
	modq_render(c->srv, id, NULL, body_line, &b);
	qb_add(&b, "\r\n", 2);
	body_line(&b, "To decide, post a follow-up to this article whose "
	    "first line is one of:");
	for (i = 0; i < modcmd_count; i++) {
		if (!(modcmd_table[i].fronts & MODCMD_F_FOLLOWUP))
			continue;
		modcmd_usage(&modcmd_table[i], MODCMD_S_FOLLOWUP, usage,
		    sizeof usage);
		snprintf(line, sizeof line, "  %-18s (%s)", usage,
		    modcmd_table[i].help);
		body_line(&b, line);
	}
	if (strcmp(h.kind, "held") == 0 && strcmp(h.type, "article") == 0)
		body_line(&b, "A held article can also be approved by "
		    "reposting it with an Approved: header.");
	head_free(&h);
	*text = b.p;
	*len = b.len;
	return STORE_OK;
}

/* Build entry ID as an nntp_art and hand it to CB. */
static int
emit_art(struct conn *c, struct nntp_session *s, int64_t id, int64_t num,
    int flags, store_news_art_cb cb, void *arg)
{
	struct article	 a;
	struct news_art	 na;
	char		*text, *overview, msgid[300], xref[300], why[128];
	size_t		 len;
	int		 rc;

	if ((rc = build(c, id, &text, &len)) != STORE_OK)
		return rc;
	if (article_parse(text, len, &a, why, sizeof why) != 0) {
		free(text);
		return STORE_ERROR;
	}
	snprintf(msgid, sizeof msgid, "<queue.%lld@%s>", (long long)id,
	    c->srv->cf->server_name);
	snprintf(xref, sizeof xref, "%s:%lld", queue_name(c), (long long)id);
	overview = nntp_overview(&a, msgid);
	memset(&na, 0, sizeof na);
	na.id = id;
	na.num = num;
	na.posted = (int64_t)time(NULL);
	na.msgid = msgid;
	na.overview = overview;
	na.bytes = (int64_t)len;
	na.lines = (int64_t)a.lines;
	na.status = ART_OK;
	na.level = NG_PRIVATE;
	na.xref = xref;
	if (flags & (STORE_NNTP_TEXT | STORE_NNTP_HEADER)) {
		na.text = text;
		na.header_len = a.header_len;
		na.len = (flags & STORE_NNTP_HEADER) ? a.header_len : len;
	}
	/* Reading the text of an entry counts as having looked at it. */
	if ((flags & NNTP_SRC_VIEW) && s->acct.name != NULL)
		store_modq_view(c->srv->store, id, s->acct.name);
	cb(&na, arg);
	article_free(&a);
	free(overview);
	free(text);
	return STORE_OK;
}

static int
is_queue(struct nntp_session *s)
{
	return s->gid == NNTP_QUEUE_GID;
}

static int
is_inbox(struct nntp_session *s)
{
	return s->gid == NNTP_INBOX_GID;
}

int
nntp_src_group_get(struct conn *c, struct nntp_session *s, const char *name,
    store_news_group_cb cb, void *arg)
{
	struct news_group	g;
	int			rc;

	if (nntp_inbox_is(c, name)) {
		if ((rc = nntp_inbox_group(c, s, &g)) != STORE_OK)
			return rc;
		cb(&g, arg);
		return STORE_OK;
	}
	if (!nntp_queue_is(c, name))
		return store_news_group_get_as(c->srv->store, name,
		    nntp_viewer(s), cb, arg);
	if (!nntp_queue_visible(c, s))
		return STORE_NOTFOUND;
	if (nntp_queue_group(c, &g) != STORE_OK)
		return STORE_ERROR;
	cb(&g, arg);
	return STORE_OK;
}

int
nntp_src_by_num(struct conn *c, struct nntp_session *s, int64_t num,
    int flags, store_news_art_cb cb, void *arg)
{
	if (is_inbox(s))
		return nntp_inbox_article(c, s, num, num, flags, cb, arg);
	if (!is_queue(s))
		return store_news_by_num(c->srv->store, s->gid, num,
		    flags & ~NNTP_SRC_VIEW, cb, arg);
	return emit_art(c, s, num, num, flags, cb, arg);
}

/* The entry id in a queue Message-ID, or 0. */
static int64_t
queue_msgid(struct conn *c, const char *msgid)
{
	const char	*sn = c->srv->cf->server_name;
	char		*end;
	long long	 id;

	if (strncmp(msgid, "<queue.", 7) != 0)
		return 0;
	id = strtoll(msgid + 7, &end, 10);
	if (id <= 0 || *end != '@' || strncasecmp(end + 1, sn,
	    strlen(sn)) != 0 || strcmp(end + 1 + strlen(sn), ">") != 0)
		return 0;
	return (int64_t)id;
}

int
nntp_src_by_msgid(struct conn *c, struct nntp_session *s, const char *msgid,
    int flags, store_news_art_cb cb, void *arg)
{
	int64_t	id;

	/* A notice (number 0, as any article found by Message-ID). */
	if ((id = nntp_inbox_msgid(c, msgid)) != 0)
		return nntp_inbox_article(c, s, id, 0, flags, cb, arg);
	if ((id = queue_msgid(c, msgid)) == 0)
		return store_news_by_msgid_as(c->srv->store, msgid,
		    nntp_viewer(s), flags & ~NNTP_SRC_VIEW, cb, arg);
	if (!nntp_queue_visible(c, s))
		return STORE_NOTFOUND;
	return emit_art(c, s, id, 0, flags, cb, arg);
}

static int
next_cb(int64_t id, void *arg)
{
	*(int64_t *)arg = id;
	return 1;
}

int64_t
nntp_src_next(struct conn *c, struct nntp_session *s, int64_t num)
{
	int64_t	next = 0;

	if (is_inbox(s))
		return nntp_inbox_next(c, s, num);
	if (!is_queue(s))
		return store_news_num_next(c->srv->store, s->gid, num);
	if (store_modq_open_ids(c->srv->store, num + 1, INT64_MAX, 1,
	    next_cb, &next) < 0)
		return 0;
	return next;
}

int64_t
nntp_src_prev(struct conn *c, struct nntp_session *s, int64_t num)
{
	if (is_inbox(s))
		return nntp_inbox_prev(c, s, num);
	if (!is_queue(s))
		return store_news_num_prev(c->srv->store, s->gid, num);
	return store_modq_open_prev(c->srv->store, num);
}

struct range_ctx {
	struct conn		*c;
	struct nntp_session	*s;
	int			 flags;
	store_news_art_cb	 cb;
	void			*arg;
	int			 stop;
};

static int
range_one(int64_t id, void *arg)
{
	struct range_ctx	*rc = arg;

	emit_art(rc->c, rc->s, id, id, rc->flags, rc->cb, rc->arg);
	return rc->stop;
}

/* The callback's "stop" is honoured through this wrapper. */
struct stop_wrap {
	store_news_art_cb	 cb;
	void			*arg;
	struct range_ctx	*rc;
};

static int
stop_wrap_cb(const struct news_art *a, void *arg)
{
	struct stop_wrap	*sw = arg;

	if (sw->cb(a, sw->arg) != 0)
		sw->rc->stop = 1;
	return 0;
}

int
nntp_src_range(struct conn *c, struct nntp_session *s, int64_t lo,
    int64_t hi, int limit, int flags, store_news_art_cb cb, void *arg)
{
	struct range_ctx	rc;
	struct stop_wrap	sw;

	if (is_inbox(s))
		return nntp_inbox_range(c, s, lo, hi, limit, flags, cb, arg);
	if (!is_queue(s))
		return store_news_range(c->srv->store, s->gid, lo, hi, limit,
		    flags, cb, arg);
	memset(&rc, 0, sizeof rc);
	sw.cb = cb;
	sw.arg = arg;
	sw.rc = &rc;
	rc.c = c;
	rc.s = s;
	rc.flags = flags;
	rc.cb = stop_wrap_cb;
	rc.arg = &sw;
	return store_modq_open_ids(c->srv->store, lo, hi, limit, range_one,
	    &rc);
}

struct nums_ctx {
	store_news_num_cb	 cb;
	void			*arg;
};

static int
nums_one(int64_t id, void *arg)
{
	struct nums_ctx	*nc = arg;

	return nc->cb(id, nc->arg);
}

int
nntp_src_nums(struct conn *c, struct nntp_session *s, int64_t lo,
    int64_t hi, int limit, store_news_num_cb cb, void *arg)
{
	struct nums_ctx	nc = { cb, arg };

	if (is_inbox(s))
		return nntp_inbox_nums(c, s, lo, hi, limit, cb, arg);
	if (!is_queue(s))
		return store_news_nums(c->srv->store, s->gid, lo, hi, limit,
		    cb, arg);
	return store_modq_open_ids(c->srv->store, lo, hi, limit, nums_one,
	    &nc);
}

/* Is the queue group among the comma-separated NEWSGROUPS? */
int
nntp_queue_named(struct conn *c, const char *newsgroups)
{
	char	**names;
	size_t	  n, i;
	int	  found = 0;

	if (queue_name(c) == NULL || newsgroups == NULL)
		return 0;
	n = nntp_split_groups(newsgroups, &names);
	for (i = 0; i < n; i++) {
		found |= nntp_queue_is(c, names[i]);
		free(names[i]);
	}
	free(names);
	return found;
}

/*
 * The command of a follow-up: the first line of the body that is not
 * empty, not quoted ("> ...") and not an attribution ("... wrote:").
 * Returned xmalloc'd, trimmed; NULL when there is none.
 */
static char *
command_line(const struct article *a)
{
	const char	*p = a->body, *end = a->body + a->body_len, *nl;
	size_t		 n;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		n = (size_t)(nl - p);
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == ' ' ||
		    p[n - 1] == '\t'))
			n--;
		while (n > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (n == 0 || *p == '>')
			continue;
		if (n >= 6 && strncmp(p + n - 6, "wrote:", 6) == 0)
			continue;
		return xstrndup(p, n);
	}
	return NULL;
}

int
nntp_queue_post(struct conn *c, struct nntp_session *s,
    const struct article *a, char *ack, size_t acklen, char *why,
    size_t whylen)
{
	const struct modcmd	*mod;
	struct modcmd_call	 mc;
	const char		*refs, *lt, *gt;
	char			*target, *cmd, *word, **names, msg[300];
	char			 list[200];
	size_t			 n, i;
	int64_t			 id;

	if (!nntp_queue_visible(c, s)) {
		snprintf(why, whylen, "no such newsgroup \"%.100s\"",
		    queue_name(c));
		return -1;
	}
	n = nntp_split_groups(article_header_get(a, "Newsgroups"), &names);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (n != 1) {
		snprintf(why, whylen, "decisions in %s cannot be crossposted",
		    queue_name(c));
		return -1;
	}
	refs = article_header_get(a, "References");
	if (refs == NULL || (lt = strrchr(refs, '<')) == NULL ||
	    (gt = strchr(lt, '>')) == NULL) {
		snprintf(why, whylen, "post a follow-up to the queue entry "
		    "you decide on");
		return -1;
	}
	target = xstrndup(lt, (size_t)(gt - lt) + 1);
	id = queue_msgid(c, target);
	free(target);
	if (id == 0) {
		snprintf(why, whylen, "post a follow-up to the queue entry "
		    "you decide on");
		return -1;
	}
	modcmd_list(MODCMD_F_FOLLOWUP, list, sizeof list);
	if ((cmd = command_line(a)) == NULL) {
		snprintf(why, whylen, "the first line must be %s", list);
		return -1;
	}
	n = strcspn(cmd, " \t");
	word = xstrndup(cmd, n);
	mod = modcmd_find(word, MODCMD_F_FOLLOWUP);
	free(word);
	if (mod == NULL) {
		snprintf(why, whylen, "unknown decision \"%.*s\": %s",
		    (int)(n > 40 ? 40 : n), cmd, list);
		free(cmd);
		return -1;
	}
	if (modcmd_parse_text(mod, cmd + n, id, MODCMD_S_FOLLOWUP, &mc, msg,
	    sizeof msg) != MODCMD_OK || modq_exec(c->srv, s->acct.name, &mc,
	    NULL, msg, sizeof msg) != MODEXEC_OK) {
		snprintf(why, whylen, "%s", msg);
		free(cmd);
		return -1;
	}
	free(cmd);
	snprintf(ack, acklen, "(%s by %s)", msg, s->acct.name);
	return 0;
}
