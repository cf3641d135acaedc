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
 * A member's post: NNTP's own steps here (the Message-ID POST offered,
 * the inbox that takes no posts, a follow-up in the queue group as a
 * moderator's decision, a cancel control message), then the header
 * rewritten (Path, Message-ID, Date, Injection-Date, Injection-Info
 * without any address, the doctor badge) and post_submit() (services/
 * post.c), where every community rule is decided for every door and
 * the article is stored in one transaction; the 240 goes out after the
 * group COMMIT.
 *
 * A peer's article (IHAVE, TAKETHIS) keeps its own path here: the
 * groups not carried are left out, no account's rules apply (only the
 * peer's sanctions), screening is SCREEN_TRANSIT, a cancel or
 * Supersedes is judged by the site that injected it, the history
 * remembers refusals, and it is stored without the group commit.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "account.h"
#include "article.h"
#include "history.h"
#include "i18n.h"
#include "log.h"
#include "peer.h"
#include "mime-words.h"
#include "modq.h"
#include "notify.h"
#include "nntp.h"
#include "post.h"
#include "store-modq.h"
#include "nntp-codes.h"
#include "nntp-inbox.h"
#include "lang.h"
#include "nntp-int.h"
#include "nntp-queue.h"
#include "nntp-util.h"
#include "screen.h"
#include "strmap.h"
#include "xmalloc.h"

/* Newsgroups an article may name at most. */
#define MAX_CROSSPOST	POST_MAX_GROUPS

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

/*
 * A fresh Message-ID for this server: time, connection, counter and 32
 * bits mixed from a random key drawn once per process with the counter
 * (splitmix64), so ids differ across restarts within a second as
 * RAND_bytes() per post made them, without its cost (8.6k instructions
 * and a getpid() system call per post).
 */
static void
make_msgid(struct conn *c, char *buf, size_t len)
{
	static unsigned int	counter;
	static uint64_t		key;
	static int		keyed;
	uint64_t		z;

	if (!keyed) {
		if (RAND_bytes((unsigned char *)&key, sizeof key) != 1)
			key = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		keyed = 1;
	}
	++counter;
	z = key + 0x9e3779b97f4a7c15ULL * counter;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	snprintf(buf, len, "<%llx.%llx.%x.%08x@%s>",
	    (long long)time(NULL), (unsigned long long)c->id, counter,
	    (unsigned int)(z >> 32), c->srv->cf->server_name);
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

/* Is MSGID on the server's own domain (as every one it makes is)? */
static int
own_domain(struct conn *c, const char *msgid)
{
	const char	*at = strrchr(msgid, '@');
	size_t		 n = strlen(c->srv->cf->server_name);

	return at != NULL && strncasecmp(at + 1, c->srv->cf->server_name,
	    n) == 0 && at[1 + n] == '>' && at[2 + n] == '\0';
}

/* Everything about one article being posted. */
struct posting {
	struct article	 a;
	char		*msgid;
	int64_t		 groups[MAX_CROSSPOST];
	size_t		 ngroups;
	int		 hold;
	const char	*hold_reason;
	int64_t		 cancel_id;
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
 * Is the peer banned or muted where GROUP is?  1 with P->why saying
 * which, until when and why.
 */
static int
sanctioned(struct conn *c, struct nntp_session *s, const char *group,
    struct posting *p)
{
	if (!post_muted(c->srv, s->acct.name, nntp_lang(c), group, p->why,
	    sizeof p->why))
		return 0;
	p->final = 0;		/* the peer's sanction, not the article's */
	return 1;
}

/*
 * Resolve the Newsgroups of a relayed article P into the ids of the
 * groups carried here (a member's post: post_submit()).  -1 with P->why
 * set when it cannot be taken.
 */
static int
check_groups(struct conn *c, struct nntp_session *s, struct posting *p)
{
	struct post_group	 gc;
	char			**names;
	size_t			  n, i, j;
	int			  rc = 0, moderated = 0, dup, private = 0;

	n = nntp_split_groups(article_header_get(&p->a, "Newsgroups"),
	    &names);
	for (i = 0; i < n && rc == 0; i++) {
		for (dup = 0, j = 0; j < i; j++)
			dup |= strcmp(names[i], names[j]) == 0;
		if (dup)
			continue;
		if (post_group_get(c->srv, nntp_viewer(s), names[i], &gc) ==
		    STORE_ERROR) {
			snprintf(p->why, sizeof p->why, "storage error, "
			    "please try again later");
			rc = -1;
		} else if (!gc.found)
			continue;	/* a group we do not carry */
		else if (p->ngroups == MAX_CROSSPOST) {
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
	/* A private group's articles stay in it (as post_submit()). */
	if (private && p->ngroups > 1) {
		snprintf(p->why, sizeof p->why, "an article in a private "
		    "group cannot be crossposted");
		return -1;
	}
	p->moderated = moderated;
	return 0;
}

/*
 * The moderate step of a relayed article: the screening service gives
 * one verdict (see screen.h); a refusal sets P->why and returns -1.
 */
static int
screen_article(struct conn *c, struct posting *p)
{
	struct screen_input	*in = &p->in;
	struct screen_verdict	*v = &p->v;

	memset(in, 0, sizeof *in);
	in->kind = SCREEN_TRANSIT;
	in->where = article_header_get(&p->a, "Newsgroups");
	in->moderated = p->moderated;
	in->approved = article_header_get(&p->a, "Approved") != NULL;
	/* Words are screened as UTF-8 text, whatever the charset. */
	in->text = p->body;
	in->len = strlen(p->body);
	in->subject = p->subject;
	screen_words(c->srv, in, v);
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

/* A cancel control message: no article is stored, the target leaves. */
static int
do_cancel(struct conn *c, struct nntp_session *s, struct posting *p,
    const char *control)
{
	struct post_target	 t;
	char			*target;
	int			 rc;

	if ((target = nntp_first_msgid(control + 6)) == NULL) {
		snprintf(p->why, sizeof p->why, "cancel needs a message-id");
		return -1;
	}
	rc = post_target_get(c->srv, nntp_viewer(s), target, &t);
	if (rc == STORE_ERROR) {
		snprintf(p->why, sizeof p->why, "storage error, please try "
		    "again later");
		rc = -1;
	} else if (!post_target_known(c->srv, &s->acct, &t) ||
	    t.status == ART_CANCELLED) {
		snprintf(p->why, sizeof p->why, "no article %.200s to cancel",
		    target);
		rc = -1;
	} else if (!post_may_replace(&s->acct, &t)) {
		snprintf(p->why, sizeof p->why, "you can only cancel your own"
		    " articles");
		rc = -1;
	} else if (peer_cancel_article(c->srv, t.id, target, s->acct.name,
	    nntp_is_moderator(s) && t.author_id != s->acct.id ?
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

	if ((id = nntp_first_msgid(control + 6)) == NULL) {
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
	if ((id = nntp_first_msgid(v)) == NULL)
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
 * The header fields in the first HL bytes of TEXT (continuation lines
 * are not fields): what article_parse() would count in build_text()'s
 * output, which adds fields to the poster's.
 */
static size_t
count_fields(const char *text, size_t hl)
{
	const char	*p = text, *end = text + hl, *nl;
	size_t		 n = 0;

	for (; p < end; p = nl + 1) {
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			n++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			break;
	}
	return n;
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
 * (modq_post_article() with batch): their 240 is held until it commits,
 * and then (with the WAL sync thread) until its sync is reported; they
 * wait in SYNCING with their ticket, told if the sync fails.
 */
struct syncing {
	struct conn	*c;
	uint64_t	 need;
};
static struct conn	**batch_conns;
static size_t		  nbatch, batch_cap;
static struct syncing	 *syncing;
static size_t		  nsyncing, syncing_cap;

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
	for (i = 0; i < nsyncing; i++)
		if (syncing[i].c == c)
			syncing[i].c = NULL;
}

static void
post_failed(struct conn *c)
{
	if (c == NULL || conn_is_closing(c))
		return;
	nntp_reply(c, NNTP_441_FAILED, i18n(nntp_lang(c),
	    N_("storage error, please try again later")));
	/* Once: a connection may have posted twice. */
	nntp_batch_forget(c);
}

void
nntp_batch_done(struct server *srv, int ok, uint64_t need)
{
	uint64_t	 done;
	size_t		 i;

	if (!ok) {
		for (i = 0; i < nbatch; i++)
			post_failed(batch_conns[i]);
		nbatch = 0;
		return;
	}
	/* Durable already (no sync thread, or nothing new to sync)? */
	if (store_sync_poll(srv->store, &done) == 0 && done >= need) {
		nbatch = 0;
		return;
	}
	for (i = 0; i < nbatch; i++) {
		if (batch_conns[i] == NULL)
			continue;
		if (nsyncing == syncing_cap) {
			syncing_cap = syncing_cap == 0 ? 16 : syncing_cap * 2;
			syncing = xreallocarray(syncing, syncing_cap,
			    sizeof *syncing);
		}
		syncing[nsyncing].c = batch_conns[i];
		syncing[nsyncing++].need = need;
	}
	nbatch = 0;
}

void
nntp_sync_done(struct server *srv, uint64_t done, int ok)
{
	size_t	i, n = 0;

	(void)srv;
	for (i = 0; i < nsyncing; i++) {
		if (ok && syncing[i].need > done) {
			syncing[n++] = syncing[i];
			continue;
		}
		/* A failed sync fails every post that waits for one. */
		if (!ok)
			post_failed(syncing[i].c);
	}
	nsyncing = ok ? n : 0;
}

/*
 * A member's article P, past the steps of NNTP's own (the message-id,
 * the inbox, the queue group, cancel), through post_submit(): 0 when
 * stored, 1 when an article they may see has its id, -1 with P->why;
 * P->ack and P->hotline say more in the 240.
 */
static int
submit(struct conn *c, struct nntp_session *s, struct posting *p)
{
	struct post_submission	 in;
	struct post_result	 out;
	const char		*lang = nntp_lang(c);
	size_t			 len;

	memset(&in, 0, sizeof in);
	in.acct = &s->acct;
	in.lang = lang;
	in.transport = "nntp";
	in.conn = c->id;
	/* A member's POST shares the iteration's commit. */
	in.batch = 1;
	in.reports = 1;
	in.a = &p->a;
	in.msgid = p->msgid;
	in.text = build_text(c, s, p, s->buf, 0, &len);
	in.len = len;
	/* The body is the one parsed: no second parse of the text. */
	in.header_len = len - p->a.body_len;
	in.lines = (int64_t)p->a.lines;
	if (count_fields(in.text, in.header_len) > ARTICLE_MAX_HEADERS) {
		free((char *)in.text);
		snprintf(p->why, sizeof p->why, "Too many headers (over %d)",
		    ARTICLE_MAX_HEADERS);
		return -1;
	}
	in.subject = p->subject;
	in.body = p->body;
	post_submit(c->srv, &in, &out);
	free((char *)in.text);
	s->acct.probation = out.probation;
	switch (out.status) {
	case POST_DELIVERED:
	case POST_HELD:
		break;
	case POST_EXISTS:
		return 1;
	default:
		snprintf(p->why, sizeof p->why, "%s", out.why);
		return -1;
	}
	batch_note(c);
	p->hotline = out.hotline;
	switch (out.report) {
	case POST_REPORTED:
		snprintf(p->ack, sizeof p->ack, "(%s)", out.report_msg);
		break;
	case POST_REPORT_UNKNOWN:
		snprintf(p->ack, sizeof p->ack, "(but the reported article %s "
		    "was not found: reply to the article you want to report)",
		    out.report_target);
		break;
	case POST_REPORT_NO_TARGET:
		snprintf(p->ack, sizeof p->ack, "(to report an article, post "
		    "a follow-up to it in %s)", c->srv->cf->report_group);
		break;
	case POST_NO_REPORT:
		if (out.status == POST_HELD && !out.replaced)
			snprintf(p->ack, sizeof p->ack, i18n(lang, "(held for "
			    "a moderator: %s; it appears once approved)"),
			    i18n(lang, out.hold_reason));
		break;
	}
	return 0;
}

static int
accept_article(struct conn *c, struct nntp_session *s, struct posting *p,
    int transit)
{
	struct post_target	 t;
	struct news_post	 np;
	struct modq_article	 it;
	struct article		 stored;
	const char		*v;
	char			*text;
	size_t			 len;
	int64_t			 nums[MAX_CROSSPOST];
	int			 rc;

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
	/* A member's post: its look-ups join the group commit. */
	if (!transit)
		post_batch_join(c->srv);
	/* Banned since signing in: nothing this account sends goes out. */
	if (post_barred(c->srv, s->acct.name, nntp_lang(c), p->why,
	    sizeof p->why)) {
		p->final = 0;
		return -1;
	}

	/* The Message-ID: the poster's, ours, or the one offered. */
	v = article_header_get(&p->a, "Message-ID");
	if (v != NULL) {
		if ((p->msgid = nntp_first_msgid(v)) == NULL) {
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
		snprintf(p->why, sizeof p->why, "%s", POST_MSGID_REFUSED);
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
	/* A member's post meets the community's rules in post_submit(). */
	if (!transit)
		return submit(c, s, p);
	if (check_groups(c, s, p) != 0 || screen_article(c, p) != 0)
		return -1;
	if ((v = article_header_get(&p->a, "Supersedes")) != NULL &&
	    transit_supersedes(c, s, p, v) != 0)
		return -1;
	if (post_target_get(c->srv, nntp_viewer(s), p->msgid, &t) ==
	    STORE_ERROR) {
		snprintf(p->why, sizeof p->why, "storage error, please try "
		    "again later");
		return -1;
	}
	if (t.found)
		return 1;

	text = build_text(c, s, p, s->buf, 1, &len);
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
	np.author_id = 0;
	np.posted = (int64_t)time(NULL);
	np.groups = p->groups;
	np.ngroups = p->ngroups;
	np.hold = p->hold;
	np.hold_reason = p->hold_reason;
	np.cancel_id = p->cancel_id;
	np.actor = s->acct.name;
	np.nums = nums;
	/* Stored with its queue rows (held, crisis) in one transaction. */
	memset(&it, 0, sizeof it);
	if (p->hold) {
		/* Held at its home site: no author here (RFC 5537 §3.5). */
		it.location = article_header_get(&p->a, "Newsgroups");
		it.excerpt = p->subject;
	}
	/* A peer's article is not in the group commit (a member's is). */
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
	log_info("conn=%llu proto=nntp received account=%s msgid=%s "
	    "groups=%zu%s%s", (unsigned long long)c->id, s->acct.name !=
	    NULL ? s->acct.name : "-", p->msgid, p->ngroups, p->hold ?
	    " held" : "", s->data == ND_IHAVE ? " via=IHAVE" :
	    " via=TAKETHIS");
	notify_content_changed(c->srv);
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
