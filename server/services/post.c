/*
 * post.c -- a member's article composed by a door (the web): built,
 * validated, sanctioned, screened, stored with its queue rows and
 * followed by the member's notices, the same steps as NNTP POST (see
 * post.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <openssl/rand.h>

#include "article.h"
#include "i18n.h"
#include "lang.h"
#include "log.h"
#include "membership.h"
#include "mime-words.h"
#include "modq.h"
#include "notice.h"
#include "notify.h"
#include "post.h"
#include "sanction.h"
#include "screen.h"
#include "store-news.h"
#include "utf8.h"
#include "xmalloc.h"

/* A line of a composed body is broken (format=flowed) past this. */
#define POST_WRAP	76
/* The References field is kept under this (RFC 5537 §3.4.4). */
#define POST_REFS_MAX	900

struct parent_find {
	int			 level;
	int			 any_status;	/* reports: hidden ones too */
	struct post_parent	*p;
};

/* Field N (0: Subject) of a TAB-separated overview into BUF. */
static void
overview_field(const char *ov, int n, char *buf, size_t len)
{
	const char	*e;
	size_t		 k;

	for (; n > 0 && ov != NULL; n--)
		if ((ov = strchr(ov, '\t')) != NULL)
			ov++;
	if (ov == NULL) {
		buf[0] = '\0';
		return;
	}
	e = strchr(ov, '\t');
	k = e != NULL ? (size_t)(e - ov) : strlen(ov);
	if (k >= len)
		k = len - 1;
	memcpy(buf, ov, k);
	buf[k] = '\0';
}

/* DST := the decoded words of SRC, cut on a character. */
static void
decoded(const char *src, char *dst, size_t len)
{
	char	*d = mime_words_decode(src);

	snprintf(dst, len, "%s", d);
	dst[utf8_cut(dst, strlen(dst))] = '\0';
	free(d);
}

static int
parent_cb(const struct news_art *a, void *arg)
{
	struct parent_find	*pf = arg;
	struct post_parent	*p = pf->p;
	char			 raw[1024];
	size_t			 k;

	/* One the member may not read, or not shown, is not there. */
	if (a->level > pf->level || (!pf->any_status && a->status != ART_OK))
		return 0;
	p->found = 1;
	p->author_id = a->author_id;
	snprintf(p->msgid, sizeof p->msgid, "%s", a->msgid);
	overview_field(a->overview, 0, raw, sizeof raw);
	decoded(raw, p->subject, sizeof p->subject);
	overview_field(a->overview, 1, raw, sizeof raw);
	decoded(raw, p->from, sizeof p->from);
	overview_field(a->overview, 4, p->references, sizeof p->references);
	snprintf(p->groups, sizeof p->groups, "%s", a->xref != NULL ?
	    a->xref : "");
	k = strcspn(p->groups, ": ");
	if (k >= sizeof p->group)
		k = sizeof p->group - 1;
	memcpy(p->group, p->groups, k);
	p->group[k] = '\0';
	return 0;
}

static int
parent_lookup(struct server *srv, int64_t account_id, int level,
    const char *msgid, int any_status, struct post_parent *p)
{
	struct parent_find	pf;

	memset(p, 0, sizeof *p);
	if (msgid == NULL || msgid[0] != '<' || strlen(msgid) >= 250 ||
	    strchr(msgid, '>') != msgid + strlen(msgid) - 1)
		return STORE_OK;
	pf.level = level;
	pf.any_status = any_status;
	pf.p = p;
	if (store_news_by_msgid_as(srv->store, msgid, account_id, 0,
	    parent_cb, &pf) == STORE_ERROR)
		return STORE_ERROR;
	if (!any_status && p->group[0] == '\0')
		p->found = 0;
	return STORE_OK;
}

int
post_parent_get(struct server *srv, int64_t account_id, int level,
    const char *msgid, struct post_parent *p)
{
	return parent_lookup(srv, account_id, level, msgid, 0, p);
}

struct group_find {
	int	found;
	int64_t	id;
	int	status;
	int	level;
};

static int
group_cb(const struct news_group *g, void *arg)
{
	struct group_find	*gf = arg;

	gf->found = 1;
	gf->id = g->id;
	gf->status = g->status;
	gf->level = g->level;
	return 0;
}

static int
is_staff(const char *role)
{
	return role != NULL && (strcmp(role, "moderator") == 0 ||
	    strcmp(role, "admin") == 0);
}

/* OUT := the N bytes of S, cut to LEN - 1. */
static void
copy_str(char *out, size_t len, const char *s, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

/*
 * The References of a reply to P: P's own, then P, the oldest dropped
 * after the first when too long (RFC 5537 §3.4.4).
 */
static void
reply_references(const struct post_parent *p, char *out, size_t len)
{
	char		 refs[2048];
	const char	*first_end, *cut;

	snprintf(refs, sizeof refs, "%s%s%s", p->references,
	    p->references[0] != '\0' ? " " : "", p->msgid);
	if (strlen(refs) <= POST_REFS_MAX || (first_end = strchr(refs,
	    ' ')) == NULL) {
		copy_str(out, len, refs, strlen(refs));
		return;
	}
	/* Keep the first, then whole ids from where the rest fits. */
	cut = refs + strlen(refs) - (POST_REFS_MAX - (size_t)(first_end -
	    refs) - 1);
	while (*cut != '\0' && *cut != '<')
		cut++;
	/* "FIRST CUT..." in place: FIRST and its space, then the rest. */
	memmove(refs + (first_end - refs) + 1, cut, strlen(cut) + 1);
	copy_str(out, len, refs, strlen(refs));
}

/*
 * The body as CRLF lines, long ones broken at a space as format=flowed
 * (RFC 3676: a soft break ends in a space), spaces at a line's end
 * dropped, "From " and a leading space stuffed.
 */
static void
add_body(struct evbuffer *b, const char *body)
{
	const char	*p = body, *nl;
	size_t		 n, k, brk;

	while (*p != '\0') {
		nl = p + strcspn(p, "\n");
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		for (;;) {
			if (n > 0 && (*p == ' ' || (n >= 5 &&
			    strncmp(p, "From ", 5) == 0)))
				evbuffer_add(b, " ", 1);
			if (n <= POST_WRAP) {
				evbuffer_add(b, p, n);
				evbuffer_add(b, "\r\n", 2);
				break;
			}
			/* The last space within the width, else the first. */
			for (brk = POST_WRAP; brk > 0 && p[brk] != ' '; brk--)
				;
			if (brk == 0) {
				for (brk = POST_WRAP; brk < n && p[brk] != ' ';
				    brk++)
					;
				if (brk > 900)
					brk = utf8_cut(p, 900);
			}
			if (brk >= n) {
				evbuffer_add(b, p, n);
				evbuffer_add(b, "\r\n", 2);
				break;
			}
			k = p[brk] == ' ' ? brk + 1 : brk;
			/* The space stays at the end: a soft break. */
			evbuffer_add(b, p, k);
			if (p[brk] != ' ')
				evbuffer_add(b, " ", 1);
			evbuffer_add(b, "\r\n", 2);
			p += k;
			n -= k;
		}
		p = *nl != '\0' ? nl + 1 : nl;
	}
}

/* "NAME <NAME@invalid>": the member's name, never an address. */
static void
add_from(struct evbuffer *b, const char *name)
{
	char		*enc = mime_words_encode(name);
	const char	*s;
	int		 ascii = 1;

	for (s = name; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x7f || *s <= ' ')
			ascii = 0;
	evbuffer_add_printf(b, "From: %s <%s@invalid>\r\n", enc,
	    ascii ? name : "member");
	free(enc);
}

static void
set_why(struct post_out *out, enum post_status st, const char *text)
{
	out->status = st;
	snprintf(out->why, sizeof out->why, "%s", text);
}

enum post_status
post_member(struct server *srv, const struct post_in *in,
    struct post_out *out)
{
	const struct account	*a = in->acct;
	const char		*L = in->lang;
	struct post_parent	 par;
	struct group_find	 gf;
	struct sanction_verdict	 sv;
	struct screen_input	 si;
	struct screen_verdict	 v;
	struct news_post	 np;
	struct modq_article	 it;
	struct article		 art;
	struct evbuffer		*b;
	char			 words[512], refs[1024], subj[512], date[64];
	char			*text, *h;
	const char		*group;
	unsigned char		 r[8];
	size_t			 len;
	time_t			 now = time(NULL);
	struct tm		 tm;
	int64_t			 num;
	int			 rc, level;

	memset(out, 0, sizeof *out);
	level = membership_reader_level(srv, a->role);
	/* Banned since signing in: nothing this account sends goes out. */
	if (sanction_may_sign_in(srv, a->name, NULL, &sv)) {
		snprintf(out->why, sizeof out->why, i18n(L, "account %s"),
		    sanction_describe_lang(&sv, L, words, sizeof words));
		out->status = POST_REFUSED;
		return out->status;
	}
	refs[0] = '\0';
	if (in->parent != NULL) {
		if (post_parent_get(srv, a->id, level, in->parent, &par) !=
		    STORE_OK) {
			set_why(out, POST_ERROR, i18n(L, "Something went "
			    "wrong on our side. Please try again later."));
			return out->status;
		}
		if (!par.found) {
			out->status = POST_NOT_FOUND;
			return out->status;
		}
		reply_references(&par, refs, sizeof refs);
		group = par.group;
		if (in->subject != NULL && in->subject[0] != '\0')
			snprintf(subj, sizeof subj, "%s", in->subject);
		else if (strncasecmp(par.subject, "Re:", 3) == 0)
			snprintf(subj, sizeof subj, "%s", par.subject);
		else
			snprintf(subj, sizeof subj, "Re: %s", par.subject);
	} else {
		group = in->group;
		snprintf(subj, sizeof subj, "%s", in->subject != NULL ?
		    in->subject : "");
	}
	snprintf(out->group, sizeof out->group, "%s", group);

	/* The group: there for them, open to them, not a service group. */
	memset(&gf, 0, sizeof gf);
	if (store_news_group_get_as(srv->store, group, a->id, group_cb,
	    &gf) == STORE_ERROR) {
		set_why(out, POST_ERROR, i18n(L, "Something went wrong on "
		    "our side. Please try again later."));
		return out->status;
	}
	if (!gf.found || !membership_can_list(srv, level, group, gf.level) ||
	    strcmp(group, srv->cf->report_group) == 0 ||
	    strcmp(group, srv->cf->queue_group) == 0 ||
	    strcmp(group, srv->cf->inbox_group) == 0) {
		out->status = POST_NOT_FOUND;
		return out->status;
	}
	if (gf.status == NG_READONLY && !is_staff(a->role)) {
		set_why(out, POST_REFUSED, i18n(L, "Only moderators post in "
		    "this group."));
		return out->status;
	}
	if (sanction_may_speak(srv, a->name, NULL, group, &sv)) {
		snprintf(out->why, sizeof out->why, sv.kind == SANCTION_BAN ?
		    i18n(L, "account %s") : i18n(L, "you are %s"),
		    sanction_describe_lang(&sv, L, words, sizeof words));
		out->status = POST_REFUSED;
		return out->status;
	}
	if (subj[0] == '\0') {
		set_why(out, POST_REFUSED, i18n(L, "Give your story a "
		    "subject."));
		return out->status;
	}
	if (in->body == NULL || in->body[strspn(in->body, " \t\r\n")] ==
	    '\0') {
		set_why(out, POST_REFUSED, i18n(L, "Write something first."));
		return out->status;
	}

	/* One screening verdict, as for a newsreader's post. */
	memset(&si, 0, sizeof si);
	si.kind = SCREEN_POST;
	si.account = a->name;
	si.role = a->role;
	si.probation = a->probation;
	si.created = a->created;
	si.where = group;
	si.moderated = gf.status == NG_MODERATED;
	si.text = in->body;
	si.len = strlen(in->body);
	si.subject = subj;
	screen_words(srv, &si, &v);
	if (v.action == SCREEN_REFUSE) {
		set_why(out, POST_REFUSED, i18n(L, v.reason));
		return out->status;
	}

	/* The article, as a newsreader's post is stored. */
	if (RAND_bytes(r, sizeof r) != 1)
		memset(r, 0, sizeof r);
	snprintf(out->msgid, sizeof out->msgid, "<%llx.%02x%02x%02x%02x%02x"
	    "%02x%02x%02x.web@%s>", (long long)now, r[0], r[1], r[2], r[3],
	    r[4], r[5], r[6], r[7], srv->cf->server_name);
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	b = evbuffer_new();
	/* Injected here: RFC 5537 §3.2.1's ".POSTED" after our identity. */
	evbuffer_add_printf(b, "Path: %s!.POSTED!not-for-mail\r\n",
	    config_path_identity(srv->cf));
	add_from(b, a->name);
	evbuffer_add_printf(b, "Newsgroups: %s\r\n", group);
	h = mime_header("Subject", subj);
	evbuffer_add(b, h, strlen(h));
	free(h);
	evbuffer_add_printf(b, "Message-ID: %s\r\nDate: %s\r\n", out->msgid,
	    date);
	if (refs[0] != '\0')
		evbuffer_add_printf(b, "References: %s\r\n", refs);
	evbuffer_add_printf(b, "Injection-Date: %s\r\nInjection-Info: %s; "
	    "mail-complaints-to=\"abuse@%s\"\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
	    "Content-Transfer-Encoding: 8bit\r\nUser-Agent: Hearth web\r\n",
	    date, srv->cf->server_name, srv->cf->server_name);
	if (a->role != NULL && strcmp(a->role, "doctor") == 0) {
		char	badge[200];

		doctor_badge("en", a->specialty, badge, sizeof badge);
		evbuffer_add_printf(b, "X-Hearth-Verified: %s\r\n", badge);
	}
	evbuffer_add(b, "\r\n", 2);
	add_body(b, in->body);
	len = evbuffer_get_length(b);
	text = xmalloc(len + 1);
	evbuffer_remove(b, text, len);
	text[len] = '\0';
	evbuffer_free(b);
	if (article_parse(text, len, &art, out->why, sizeof out->why) != 0) {
		out->status = POST_REFUSED;
		free(text);
		return out->status;
	}
	if (article_validate(&art, 0, out->why, sizeof out->why) != 0) {
		out->status = POST_REFUSED;
		article_free(&art);
		free(text);
		return out->status;
	}

	memset(&np, 0, sizeof np);
	np.msgid = out->msgid;
	np.text = text;
	np.len = len;
	np.header_len = art.header_len;
	np.lines = (int64_t)art.lines;
	np.author_id = a->id;
	np.posted = (int64_t)now;
	np.groups = &gf.id;
	np.ngroups = 1;
	np.hold = v.action == SCREEN_HOLD;
	np.hold_reason = np.hold ? v.reason : NULL;
	np.actor = a->name;
	np.nums = &num;
	memset(&it, 0, sizeof it);
	it.author = a->name;
	it.location = group;
	it.excerpt = subj;
	it.crisis = v.crisis;
	it.crisis_text = v.crisis_text;
	it.crisis_len = v.crisis_len;
	/* Stored with its queue rows (held, crisis) in one transaction. */
	rc = modq_post_article(srv, &np, &it);
	article_free(&art);
	free(text);
	if (rc != STORE_OK) {
		set_why(out, POST_ERROR, i18n(L, "Something went wrong on "
		    "our side. Please try again later."));
		return out->status;
	}
	log_info("proto=http posted account=%s msgid=%s groups=1%s", a->name,
	    out->msgid, np.hold ? " held" : "");
	notify_content_changed(srv);
	out->status = POST_DELIVERED;
	if (np.hold) {
		out->status = POST_HELD;
		snprintf(out->why, sizeof out->why, "%s", i18n(L, v.reason));
	}
	out->hotline = post_notices(srv, a->name, group, subj, np.hold, &v);
	return out->status;
}

const char *
post_notices(struct server *srv, const char *account, const char *where,
    const char *subject, int held, const struct screen_verdict *v)
{
	/* The notices reach the inbox and the IRC clients too. */
	if (held)
		notice_held(srv, account, "article", where, subject,
		    v->reason);
	if ((v->flags & SCREEN_F_CRISIS) && v->hotline != NULL) {
		notice_hotline(srv, account);
		return v->hotline;
	}
	return NULL;
}

char *
post_quote(struct server *srv, const struct post_parent *p,
    const char *lang, const char *name)
{
	struct evbuffer	*b;
	char		*text, *out;
	const char	*s, *nl;
	size_t		 n;

	if ((text = modq_article_text(srv, p->msgid)) == NULL)
		return NULL;
	b = evbuffer_new();
	evbuffer_add_printf(b, i18n(lang, "%s wrote:"), name);
	evbuffer_add(b, "\n", 1);
	for (s = text; *s != '\0'; s = *nl != '\0' ? nl + 1 : nl) {
		nl = s + strcspn(s, "\n");
		n = (size_t)(nl - s);
		if (n > 0 && s[n - 1] == '\r')
			n--;
		/* The signature is not quoted (RFC 3676 §4.3). */
		if (n == 3 && strncmp(s, "-- ", 3) == 0)
			break;
		evbuffer_add(b, *s == '>' ? ">" : "> ", *s == '>' ? 1 : 2);
		evbuffer_add(b, s, n);
		evbuffer_add(b, "\n", 1);
	}
	free(text);
	n = evbuffer_get_length(b);
	out = xmalloc(n + 1);
	evbuffer_remove(b, out, n);
	out[n] = '\0';
	evbuffer_free(b);
	return out;
}

int
post_group_open(struct server *srv, const struct account *a,
    const char *group)
{
	struct group_find	gf;

	memset(&gf, 0, sizeof gf);
	if (store_news_group_get_as(srv->store, group, a->id, group_cb,
	    &gf) != STORE_OK || !gf.found)
		return 0;
	return membership_can_list(srv, membership_reader_level(srv,
	    a->role), group, gf.level) &&
	    strcmp(group, srv->cf->report_group) != 0 &&
	    strcmp(group, srv->cf->queue_group) != 0 &&
	    strcmp(group, srv->cf->inbox_group) != 0;
}

int
post_report(struct server *srv, const struct account *reporter, int level,
    const char *via, const char *msgid, const char *reason, char *msg,
    size_t msglen)
{
	struct post_parent	 p;
	struct sanction_verdict	 sv;
	struct account		 who;
	char			 author[64] = "", words[512];

	/* Reports are words too: one muted everywhere cannot send them. */
	if (sanction_may_speak(srv, reporter->name, NULL,
	    srv->cf->report_group, &sv)) {
		const char	*L = member_lang(srv, reporter->name);

		snprintf(msg, msglen, sv.kind == SANCTION_BAN ? i18n(L,
		    "account %s") : i18n(L, "you are %s"),
		    sanction_describe_lang(&sv, L, words, sizeof words));
		return -1;
	}
	/* As NNTP's report group always did: any article they may read. */
	if (parent_lookup(srv, reporter->id, level, msgid, 1, &p) !=
	    STORE_OK) {
		snprintf(msg, msglen, "storage error, please try again later");
		return -1;
	}
	if (!p.found)
		return 1;
	memset(&who, 0, sizeof who);
	if (p.author_id != 0 && store_account_by_id(srv->store, p.author_id,
	    &who) == STORE_OK) {
		snprintf(author, sizeof author, "%s", who.name);
		account_clear(&who);
	}
	return modq_report(srv, reporter->name, via, "article", p.msgid,
	    author[0] != '\0' ? author : NULL, p.groups, p.subject,
	    reason != NULL && reason[0] != '\0' ? reason : NULL, msg,
	    msglen) == 0 ? 0 : -1;
}
