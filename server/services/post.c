/*
 * post.c -- a member's article from any door: post_submit() decides
 * every community rule and stores it; post_member() composes one for
 * the web first (see post.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <openssl/rand.h>

#include "account.h"
#include "article.h"
#include "conn.h"
#include "i18n.h"
#include "lang.h"
#include "log.h"
#include "membership.h"
#include "mime-words.h"
#include "modq.h"
#include "notice.h"
#include "notify.h"
#include "nntp-util.h"
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

static int
group_cb(const struct news_group *g, void *arg)
{
	struct post_group	*gf = arg;

	gf->found = 1;
	gf->id = g->id;
	gf->status = g->status;
	gf->visibility = g->visibility;
	gf->level = g->level;
	return 0;
}

int
post_group_get(struct server *srv, int64_t account_id, const char *name,
    struct post_group *g)
{
	memset(g, 0, sizeof *g);
	return store_news_group_rules(srv->store, name, account_id,
	    group_cb, g);
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

/* The text of a composed article: the header, then the body. */
static char *
compose(struct server *srv, const struct post_in *in, const char *group,
    const char *subj, const char *refs, const char *msgid, size_t *lenp)
{
	const struct account	*a = in->acct;
	struct evbuffer		*b;
	char			 date[64], *h, *text;
	time_t			 now = time(NULL);
	struct tm		 tm;
	size_t			 len;

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
	evbuffer_add_printf(b, "Message-ID: %s\r\nDate: %s\r\n", msgid, date);
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
	*lenp = len;
	return text;
}

/*
 * The web's composer: the article is built here (a reply's group,
 * References and subject from its parent), then post_submit() decides
 * and stores it as it does a newsreader's post.
 */
enum post_status
post_member(struct server *srv, const struct post_in *in,
    struct post_out *out)
{
	const struct account	*a = in->acct;
	const char		*L = in->lang;
	struct post_submission	 ps;
	struct post_result	 res;
	struct post_parent	 par;
	struct article		 art;
	char			 refs[1024], subj[512];
	char			*text;
	const char		*group;
	unsigned char		 r[8];
	size_t			 len;

	memset(out, 0, sizeof *out);
	/* Banned since signing in: nothing this account sends goes out. */
	if (post_barred(srv, a->name, L, out->why, sizeof out->why)) {
		out->status = POST_REFUSED;
		return out->status;
	}
	refs[0] = '\0';
	if (in->parent != NULL) {
		if (post_parent_get(srv, a->id, membership_reader_level(srv,
		    a->role), in->parent, &par) != STORE_OK) {
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
	/* The group's rules first (post_group_open()), then the form's. */
	if (!post_group_open(srv, a, group)) {
		out->status = POST_NOT_FOUND;
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

	/* The article, as a newsreader's post is stored. */
	if (RAND_bytes(r, sizeof r) != 1)
		memset(r, 0, sizeof r);
	snprintf(out->msgid, sizeof out->msgid, "<%llx.%02x%02x%02x%02x%02x"
	    "%02x%02x%02x.web@%s>", (long long)time(NULL), r[0], r[1], r[2],
	    r[3], r[4], r[5], r[6], r[7], srv->cf->server_name);
	text = compose(srv, in, group, subj, refs, out->msgid, &len);
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

	memset(&ps, 0, sizeof ps);
	ps.acct = a;
	ps.lang = L;
	ps.transport = "http";
	ps.a = &art;
	ps.msgid = out->msgid;
	ps.text = text;
	ps.len = len;
	ps.subject = subj;
	ps.body = in->body;
	out->status = post_submit(srv, &ps, &res);
	article_free(&art);
	free(text);
	switch (out->status) {
	case POST_DELIVERED:
		break;
	case POST_HELD:
		snprintf(out->why, sizeof out->why, "%s", i18n(L,
		    res.hold_reason));
		break;
	case POST_REFUSED:
		snprintf(out->why, sizeof out->why, "%s", res.read_only ?
		    i18n(L, "Only moderators post in this group.") :
		    i18n(L, res.why));
		break;
	case POST_NOT_FOUND:
		break;
	case POST_ERROR:
	case POST_EXISTS:
		set_why(out, POST_ERROR, i18n(L, "Something went wrong on "
		    "our side. Please try again later."));
		break;
	}
	out->hotline = res.hotline;
	return out->status;
}

void
post_batch_join(struct server *srv)
{
	/* The hold ends the batch with the iteration, whatever happens. */
	conn_hold(srv);
	(void)store_batch_open(srv->store);
}

int
post_barred(struct server *srv, const char *account, const char *lang,
    char *why, size_t whylen)
{
	struct sanction_verdict	sv;
	char			words[512];

	if (!sanction_may_sign_in(srv, account, NULL, &sv))
		return 0;
	snprintf(why, whylen, i18n(lang, "account %s"),
	    sanction_describe_lang(&sv, lang, words, sizeof words));
	return 1;
}

int
post_muted(struct server *srv, const char *account, const char *lang,
    const char *group, char *why, size_t whylen)
{
	struct sanction_verdict	sv;
	char			words[512];

	if (!sanction_may_speak(srv, account, NULL, group, &sv))
		return 0;
	snprintf(why, whylen, sv.kind == SANCTION_BAN ? i18n(lang,
	    "account %s") : i18n(lang, "you are %s"),
	    sanction_describe_lang(&sv, lang, words, sizeof words));
	return 1;
}

static int
target_cb(const struct news_art *a, void *arg)
{
	struct post_target	*t = arg;

	t->found = 1;
	t->id = a->id;
	t->author_id = a->author_id;
	t->status = a->status;
	t->level = a->level;
	return 0;
}

int
post_target_get(struct server *srv, int64_t account_id, const char *msgid,
    struct post_target *t)
{
	memset(t, 0, sizeof *t);
	return store_news_by_msgid_as(srv->store, msgid, account_id, 0,
	    target_cb, t);
}

/* The level a signed-in account reads at. */
static int
account_level(struct server *srv, const struct account *acct)
{
	return membership_reader_level(srv, acct->role != NULL ? acct->role :
	    "member");
}

int
post_target_known(struct server *srv, const struct account *acct,
    const struct post_target *t)
{
	if (!t->found)
		return 0;
	if (t->author_id != 0 && t->author_id == acct->id)
		return 1;
	if (t->status != ART_OK && !(t->status == ART_HELD &&
	    is_staff(acct->role)))
		return 0;
	return t->level <= account_level(srv, acct);
}

int
post_may_replace(const struct account *acct, const struct post_target *t)
{
	return is_staff(acct->role) || (t->author_id != 0 &&
	    t->author_id == acct->id);
}

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

/* The groups a post goes to, once each group's rules passed. */
struct post_groups {
	int64_t	 ids[POST_MAX_GROUPS];
	size_t	 n;
	int	 moderated;	/* one of them is moderated */
	int	 report;	/* a follow-up in the report group */
};

static int
service_group(struct server *srv, const char *name, int reports)
{
	return (!reports && strcmp(name, srv->cf->report_group) == 0) ||
	    strcmp(name, srv->cf->queue_group) == 0 ||
	    strcmp(name, srv->cf->inbox_group) == 0;
}

/*
 * Each group of IN's Newsgroups: there and open to the poster, not
 * read-only for a member, not too many, the poster not muted there;
 * the report group takes a report (when IN->reports) from any member
 * not muted everywhere.  POST_DELIVERED with G filled, else the
 * refusal in OUT.
 */
static enum post_status
submit_groups(struct server *srv, const struct post_submission *in,
    struct post_result *out, struct post_groups *g)
{
	const struct account	 *acct = in->acct;
	struct post_group	  gf;
	char			**names;
	size_t			  n, i, j;
	int			  dup, private = 0;
	int			  level = account_level(srv, acct);
	enum post_status	  st = POST_DELIVERED;

	memset(g, 0, sizeof *g);
	n = nntp_split_groups(article_header_get(in->a, "Newsgroups"),
	    &names);
	for (i = 0; i < n && st == POST_DELIVERED; i++) {
		for (dup = 0, j = 0; j < i; j++)
			dup |= strcmp(names[i], names[j]) == 0;
		if (dup)
			continue;
		if (post_group_get(srv, acct->id, names[i], &gf) ==
		    STORE_ERROR) {
			snprintf(out->why, sizeof out->why, "storage error, "
			    "please try again later");
			st = POST_ERROR;
		} else if (gf.found && in->reports &&
		    strcmp(names[i], srv->cf->report_group) == 0) {
			/*
			 * The report group is write-only for members: any
			 * signed-in member may post a report to it (unless
			 * muted everywhere: reports are words too).
			 */
			if (post_muted(srv, acct->name, in->lang, names[i],
			    out->why, sizeof out->why)) {
				st = POST_REFUSED;
				continue;
			}
			g->report = 1;
			g->ids[g->n++] = gf.id;
		} else if (!gf.found || !membership_can_list(srv, level,
		    names[i], gf.level) || service_group(srv, names[i],
		    in->reports)) {
			snprintf(out->why, sizeof out->why, "no such "
			    "newsgroup \"%.100s\"", names[i]);
			st = POST_NOT_FOUND;
		} else if (gf.status == NG_READONLY && !is_staff(acct->role)) {
			snprintf(out->why, sizeof out->why, "%.100s is "
			    "read-only: only moderators post there",
			    names[i]);
			out->read_only = 1;
			st = POST_REFUSED;
		} else if (g->n == POST_MAX_GROUPS) {
			snprintf(out->why, sizeof out->why, "too many "
			    "newsgroups (at most %d)", POST_MAX_GROUPS);
			st = POST_REFUSED;
		} else if (post_muted(srv, acct->name, in->lang, names[i],
		    out->why, sizeof out->why)) {
			st = POST_REFUSED;
		} else {
			g->ids[g->n++] = gf.id;
			g->moderated |= gf.status == NG_MODERATED;
			private |= gf.visibility == NG_PRIVATE;
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (st != POST_DELIVERED)
		return st;
	if (g->n == 0) {
		snprintf(out->why, sizeof out->why, "none of its newsgroups "
		    "is carried here");
		return POST_REFUSED;
	}
	/*
	 * A private group's articles stay in it: a crosspost would show
	 * its name (Newsgroups, Xref) to readers of the other groups.
	 */
	if (private && g->n > 1) {
		snprintf(out->why, sizeof out->why, "an article in a private "
		    "group cannot be crossposted");
		return POST_REFUSED;
	}
	return POST_DELIVERED;
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

/* A follow-up in the report group: a report of the article it follows. */
static void
submit_report(struct server *srv, const struct post_submission *in,
    struct post_result *out)
{
	const char	*refs, *lt, *gt;
	char		*reason;
	size_t		 n;

	refs = article_header_get(in->a, "References");
	if (refs == NULL || (lt = strrchr(refs, '<')) == NULL ||
	    (gt = strchr(lt, '>')) == NULL) {
		out->report = POST_REPORT_NO_TARGET;
		return;
	}
	n = (size_t)(gt - lt + 1);
	copy_str(out->report_target, sizeof out->report_target, lt, n);
	reason = report_reason(in->body);
	/* The report service: the article as they may see it. */
	out->report = post_report(srv, in->acct, account_level(srv,
	    in->acct), in->transport, out->report_target, reason,
	    out->report_msg, sizeof out->report_msg) != 1 ? POST_REPORTED :
	    POST_REPORT_UNKNOWN;
	free(reason);
}

/*
 * Supersedes (the author's or a moderator's), and the article's own
 * id: a moderator's repost of a held article publishes it (REPLACE);
 * an id an article they may see has is POST_EXISTS; one they cannot
 * see is refused as a server's id not offered is.
 */
static enum post_status
submit_ids(struct server *srv, const struct post_submission *in, int hold,
    int64_t *cancel, int64_t *replace, struct post_result *out)
{
	const struct account	*acct = in->acct;
	struct post_target	 t;
	const char		*v;
	char			*old;
	int			 rc;

	if ((v = article_header_get(in->a, "Supersedes")) != NULL) {
		memset(&t, 0, sizeof t);
		old = nntp_first_msgid(v);
		rc = old != NULL ? post_target_get(srv, acct->id, old, &t) :
		    STORE_NOTFOUND;
		free(old);
		if (rc == STORE_ERROR) {
			snprintf(out->why, sizeof out->why, "storage error, "
			    "please try again later");
			return POST_ERROR;
		}
		/* One they cannot see is unknown: nothing is replaced. */
		if (post_target_known(srv, acct, &t) && t.status == ART_OK) {
			if (!post_may_replace(acct, &t)) {
				snprintf(out->why, sizeof out->why, "you can "
				    "only supersede your own articles");
				return POST_REFUSED;
			}
			*cancel = t.id;
		}
	}
	if (post_target_get(srv, acct->id, in->msgid, &t) == STORE_ERROR) {
		snprintf(out->why, sizeof out->why, "storage error, please "
		    "try again later");
		return POST_ERROR;
	}
	if (!t.found)
		return POST_DELIVERED;
	if (t.status == ART_HELD && !hold && is_staff(acct->role)) {
		*replace = t.id;
		return POST_DELIVERED;
	}
	if (post_target_known(srv, acct, &t))
		return POST_EXISTS;
	snprintf(out->why, sizeof out->why, "%s", POST_MSGID_REFUSED);
	return POST_REFUSED;
}

enum post_status
post_submit(struct server *srv, const struct post_submission *in,
    struct post_result *out)
{
	const struct account	*acct = in->acct;
	struct post_groups	 g;
	struct screen_input	 si;
	struct screen_verdict	 v;
	struct news_post	 np;
	struct modq_article	 it;
	struct article		 stored;
	int64_t			 nums[POST_MAX_GROUPS], cancel = 0;
	int64_t			 replace = 0;
	enum names_why		 nwhy;
	int			 rc;

	memset(out, 0, sizeof *out);
	out->probation = acct->probation;
	if (in->batch)
		post_batch_join(srv);
	/* Banned since signing in: nothing this account sends goes out. */
	if (post_barred(srv, acct->name, in->lang, out->why,
	    sizeof out->why))
		return out->status = POST_REFUSED;
	if ((nwhy = from_claim(srv, article_header_get(in->a, "From"),
	    acct->name, acct->role)) != NAMES_OK) {
		snprintf(out->why, sizeof out->why, "%s (From)", i18n(in->lang,
		    names_why_text(nwhy)));
		return out->status = POST_REFUSED;
	}
	if ((out->status = submit_groups(srv, in, out, &g)) != POST_DELIVERED)
		return out->status;
	out->ngroups = g.n;

	/* One screening verdict for the article (see screen.h). */
	memset(&si, 0, sizeof si);
	si.kind = g.report ? SCREEN_REPORT : SCREEN_POST;
	si.account = acct->name;
	si.role = acct->role;
	si.probation = acct->probation;
	si.created = acct->created;
	si.where = article_header_get(in->a, "Newsgroups");
	si.moderated = g.moderated;
	si.approved = article_header_get(in->a, "Approved") != NULL;
	/* Words are screened as UTF-8 text, whatever the charset. */
	si.text = in->body;
	si.len = strlen(in->body);
	si.subject = in->subject;
	screen_words(srv, &si, &v);
	out->probation = v.probation;
	if (v.action == SCREEN_REFUSE) {
		snprintf(out->why, sizeof out->why, "%s", v.reason);
		return out->status = POST_REFUSED;
	}
	if (v.action == SCREEN_HOLD)
		snprintf(out->hold_reason, sizeof out->hold_reason, "%s",
		    v.reason);
	if ((out->status = submit_ids(srv, in, v.action == SCREEN_HOLD,
	    &cancel, &replace, out)) != POST_DELIVERED)
		return out->status;

	memset(&stored, 0, sizeof stored);
	if (in->header_len > 0) {
		stored.header_len = in->header_len;
		stored.lines = (size_t)in->lines;
	} else if (article_parse(in->text, in->len, &stored, out->why,
	    sizeof out->why) != 0)
		return out->status = POST_REFUSED;
	memset(&np, 0, sizeof np);
	np.msgid = in->msgid;
	np.text = in->text;
	np.len = in->len;
	np.header_len = stored.header_len;
	np.lines = (int64_t)stored.lines;
	np.author_id = acct->id;
	np.posted = (int64_t)time(NULL);
	np.groups = g.ids;
	np.ngroups = g.n;
	np.hold = v.action == SCREEN_HOLD;
	np.hold_reason = np.hold ? out->hold_reason : NULL;
	np.replace_id = replace;
	np.cancel_id = cancel;
	np.actor = acct->name;
	np.nums = nums;
	/* Stored with its queue rows (held, crisis) in one transaction. */
	memset(&it, 0, sizeof it);
	if (replace == 0) {
		it.author = acct->name;
		it.location = si.where;
		it.excerpt = in->subject;
		it.crisis = v.crisis;
		it.crisis_text = v.crisis_text;
		it.crisis_len = v.crisis_len;
	}
	it.batch = in->batch;
	rc = modq_post_article(srv, &np, &it);
	article_free(&stored);
	if (rc == STORE_EXISTS)
		return out->status = POST_EXISTS;
	if (rc != STORE_OK) {
		snprintf(out->why, sizeof out->why, "storage error, please "
		    "try again later");
		return out->status = POST_ERROR;
	}
	if (in->conn != 0)
		log_info("conn=%llu proto=%s posted account=%s msgid=%s "
		    "groups=%zu%s", (unsigned long long)in->conn,
		    in->transport, acct->name, in->msgid, g.n, np.hold ?
		    " held" : "");
	else
		log_info("proto=%s posted account=%s msgid=%s groups=%zu%s",
		    in->transport, acct->name, in->msgid, g.n, np.hold ?
		    " held" : "");
	notify_content_changed(srv);
	out->status = np.hold ? POST_HELD : POST_DELIVERED;
	/* A moderator's repost with Approved: published and closed. */
	if (replace != 0) {
		out->replaced = 1;
		return out->status;
	}
	if (g.report) {
		submit_report(srv, in, out);
		return out->status;
	}
	/*
	 * Newsreaders show only "posted": the inbox says more (held), and
	 * the hotline reaches the inbox and IRC clients.
	 */
	out->hotline = post_notices(srv, acct->name, si.where, in->subject,
	    np.hold, &v);
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
	struct post_group	gf;

	if (post_group_get(srv, a->id, group, &gf) != STORE_OK || !gf.found)
		return 0;
	return membership_can_list(srv, account_level(srv, a), group,
	    gf.level) && !service_group(srv, group, 0);
}

int
post_report(struct server *srv, const struct account *reporter, int level,
    const char *via, const char *msgid, const char *reason, char *msg,
    size_t msglen)
{
	struct post_parent	 p;
	struct account		 who;
	char			 author[64] = "";

	/* Reports are words too: one muted everywhere cannot send them. */
	if (post_muted(srv, reporter->name, member_lang(srv, reporter->name),
	    srv->cf->report_group, msg, msglen))
		return -1;
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
