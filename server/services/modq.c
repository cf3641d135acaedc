/*
 * modq.c -- the moderation engine: one queue, one audit log.
 */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "irc-casemap.h"
#include "items.h"
#include "log.h"
#include "article.h"
#include "i18n.h"
#include "lang.h"
#include "mime-words.h"
#include "names.h"
#include "modq.h"
#include "notice.h"
#include "notify.h"
#include "peer.h"
#include "safety.h"
#include "store-chat.h"
#include "conn.h"
#include "store-modq.h"
#include "store-news.h"
#include "tz.h"
#include "xmalloc.h"

#define EXPIRY_INTERVAL		5	/* seconds between expiry checks */
#define EXCERPT_MAX		300

struct sanction {
	char	*kind;
	char	*target_type;
	char	*target;
	char	*scope;
	char	*reason;
	time_t	 expires;	/* 0: never */
};

struct modq_state {
	struct safety		*safety;
	struct sanction		*sanctions;	/* active, cached */
	size_t			 nsanctions;
	struct event		*ev_expire;
	int			 fault_hold;	/* tests: HEARTH_FAULT=hold */
};

/* One engine per process: hearthd has one server. */
static struct modq_state	mq;

static void
alert(struct server *srv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A line for the moderators on duty (NOTIFY_MOD_ALERT). */
static void
alert(struct server *srv, const char *fmt, ...)
{
	struct notify_msg	 m;
	va_list			 ap;
	char			 buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_info("modq: %s", buf);
	memset(&m, 0, sizeof m);
	m.kind = NOTIFY_MOD_ALERT;
	m.text = buf;
	notify_publish(srv, &m);
}

/*
 * Fault injection for the crash tests: with HEARTH_FAULT=hold in the
 * environment at start-up the server kills itself in the middle of a
 * hold's transaction (after the item is stored and hidden, before its
 * queue row).  Inert unless that variable is set.
 */
static void
fault_point_hold(void)
{
	if (mq.fault_hold) {
		log_warnx("modq: HEARTH_FAULT=hold: killing the server now");
		raise(SIGKILL);
	}
}

/* A short single-line excerpt of LEN bytes at S (xmalloc'd). */
static char *
excerpt_of_n(const char *s, size_t len)
{
	char	*e;
	size_t	 n, i;

	if (s == NULL)
		return xstrdup("");
	n = len;
	if (n > EXCERPT_MAX) {
		n = EXCERPT_MAX;
		/* Do not cut a UTF-8 character in half. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	e = xstrndup(s, n);
	n = strlen(e);		/* a NUL inside ends the excerpt */
	for (i = 0; i < n; i++)
		if (e[i] == '\r' || e[i] == '\n' || e[i] == '\t')
			e[i] = ' ';
	return e;
}

static char *
excerpt_of(const char *s)
{
	return excerpt_of_n(s, s != NULL ? strlen(s) : 0);
}

/*
 * Telling an author what became of their words: whose the item is (an
 * account, never a bare nick: a nick may be anyone's), where it was
 * and what it said, from the item itself and, for a queue entry, from
 * the entry (a held article has no groups yet, only its Newsgroups).
 */
struct item_info {
	int64_t	 author_id;
	char	*account;
	char	*where;
	char	*what;
};

static int
item_art_cb(const struct news_art *a, void *arg)
{
	struct item_info	*ii = arg;
	const char		*p, *colon, *sp;
	size_t			 n;

	if (ii->what != NULL)
		return 0;		/* one row per Message-ID */
	ii->author_id = a->author_id;
	n = strcspn(a->overview, "\t");
	ii->what = xstrndup(a->overview, n);
	/* Xref "group:num group:num" -> "group, group". */
	ii->where = xcalloc(1, strlen(a->xref) * 2 + 1);
	for (p = a->xref; *p != '\0'; p = *sp != '\0' ? sp + 1 : sp) {
		sp = p + strcspn(p, " ");
		colon = memchr(p, ':', (size_t)(sp - p));
		if (colon == NULL)
			colon = sp;
		if (ii->where[0] != '\0')
			strcat(ii->where, ", ");
		strncat(ii->where, p, (size_t)(colon - p));
	}
	return 0;
}

static void
item_info_get(struct server *srv, const char *item_type, const char *ref,
    struct item_info *ii)
{
	struct chat_msg	m;
	struct account	a;

	memset(ii, 0, sizeof *ii);
	if (strcmp(item_type, "chat") == 0) {
		memset(&m, 0, sizeof m);
		if (store_chat_get(srv->store, ref, &m) != STORE_OK)
			return;
		ii->account = m.account != NULL ? xstrdup(m.account) : NULL;
		ii->where = xstrdup(m.target != NULL ? m.target : "");
		ii->what = xstrdup(m.text != NULL ? m.text : "");
		chat_msg_clear(&m);
	} else if (strcmp(item_type, "article") == 0) {
		store_news_by_msgid(srv->store, ref, 0, item_art_cb, ii);
		memset(&a, 0, sizeof a);
		if (ii->author_id != 0 && store_account_by_id(srv->store,
		    ii->author_id, &a) == STORE_OK) {
			ii->account = xstrdup(a.name);
			account_clear(&a);
		}
	}
}

static void
item_info_clear(struct item_info *ii)
{
	free(ii->account);
	free(ii->where);
	free(ii->what);
	memset(ii, 0, sizeof *ii);
}

struct entry_place {
	char	*location;
	char	*excerpt;
};

static void
entry_place_cb(int n, const char *const *names, const char *const *vals,
    void *arg)
{
	struct entry_place	*ep = arg;
	int			 i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], "location") == 0 && vals[i] != NULL)
			ep->location = xstrdup(vals[i]);
		else if (strcmp(names[i], "excerpt") == 0 && vals[i] != NULL)
			ep->excerpt = xstrdup(vals[i]);
	}
}

/*
 * The author of ITEM_TYPE REF hears of ACTION (see notice_decided());
 * ENTRY is the queue entry it came from, or 0.
 */
static void
tell_author(struct server *srv, int64_t entry, const char *item_type,
    const char *ref, const char *action, const char *reason)
{
	struct item_info	 ii;
	struct entry_place	 ep = { NULL, NULL };
	const char		*where, *what;

	item_info_get(srv, item_type, ref, &ii);
	if (ii.account != NULL) {
		if (entry > 0)
			store_modq_get(srv->store, entry, entry_place_cb, &ep);
		where = ii.where != NULL && *ii.where != '\0' ? ii.where :
		    ep.location;
		what = ep.excerpt != NULL && *ep.excerpt != '\0' ?
		    ep.excerpt : ii.what;
		notice_decided(srv, ii.account, item_type, action, where,
		    what, reason);
	}
	free(ep.location);
	free(ep.excerpt);
	item_info_clear(&ii);
}

static void
sanctions_clear(void)
{
	size_t	i;

	for (i = 0; i < mq.nsanctions; i++) {
		free(mq.sanctions[i].kind);
		free(mq.sanctions[i].target_type);
		free(mq.sanctions[i].target);
		free(mq.sanctions[i].scope);
		free(mq.sanctions[i].reason);
	}
	free(mq.sanctions);
	mq.sanctions = NULL;
	mq.nsanctions = 0;
}

/* "YYYY-MM-DD HH:MM:SS" (SQLite's datetime(), UTC) as a time; 0 else. */
static time_t
utc_time(const char *v)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	if (sscanf(v, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	return timegm(&tm);
}

static void
sanction_row(int n, const char *const *names, const char *const *v,
    void *arg)
{
	struct sanction	*s;
	int		 i;

	(void)arg;
	mq.sanctions = xreallocarray(mq.sanctions, mq.nsanctions + 1,
	    sizeof *mq.sanctions);
	s = &mq.sanctions[mq.nsanctions++];
	memset(s, 0, sizeof *s);
	for (i = 0; i < n; i++) {
		const char	*val = v[i] != NULL ? v[i] : "";

		if (strcmp(names[i], "kind") == 0)
			s->kind = xstrdup(val);
		else if (strcmp(names[i], "target_type") == 0)
			s->target_type = xstrdup(val);
		else if (strcmp(names[i], "target") == 0)
			s->target = xstrdup(val);
		else if (strcmp(names[i], "scope") == 0)
			s->scope = xstrdup(val);
		else if (strcmp(names[i], "reason") == 0)
			s->reason = xstrdup(val);
		else if (strcmp(names[i], "expires") == 0)
			s->expires = utc_time(val);
	}
}

/* Reload the in-memory copy of active sanctions after a change. */
static void
sanctions_reload(struct server *srv)
{
	sanctions_clear();
	store_sanction_active(srv->store, time(NULL), sanction_row, NULL);
}

/* The same for a change made outside modq (a room renamed: rooms.c). */
void
modq_sanctions_reload(struct server *srv)
{
	sanctions_reload(srv);
}

static void
expired_row(int n, const char *const *names, const char *const *v,
    void *arg)
{
	struct server	*srv = arg;
	const char	*kind = "", *target = "", *scope = "", *ttype = "";
	char		 action[32];
	int		 i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], "kind") == 0 && v[i] != NULL)
			kind = v[i];
		else if (strcmp(names[i], "target") == 0 && v[i] != NULL)
			target = v[i];
		else if (strcmp(names[i], "scope") == 0 && v[i] != NULL)
			scope = v[i];
		else if (strcmp(names[i], "target_type") == 0 && v[i] != NULL)
			ttype = v[i];
	}
	snprintf(action, sizeof action, "%s.expire", kind);
	store_audit(srv->store, "expiry", action, target, scope);
	log_info("modq: %s on %s (%s) expired", kind, target, scope);
	if (strcmp(ttype, "account") == 0)
		notice_sanction(srv, target, kind, scope, NULL, 0, "expiry",
		    2);
}

void
modq_expire(struct server *srv)
{
	store_sanction_expire(srv->store, time(NULL), expired_row, srv);
	sanctions_reload(srv);
}

static void
expire_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	modq_expire(arg);
}

/*
 * Sign-ups waiting for approval are accounts with status "pending":
 * approving activates one, rejecting removes it (nothing else refers to
 * a pending account).  The protocol that took the sign-up hears of the
 * decision through the account hook, to tell the applicant.
 */
static int
account_apply(struct server *srv, const char *ref, const char *action,
    const char *actor, const char *reason, char *msg, size_t msglen)
{
	int	rc;

	(void)actor;
	(void)reason;
	if (strcmp(action, "approve") == 0) {
		rc = store_account_set_status(srv->store, ref, "pending",
		    "active");
		if (rc == STORE_OK && srv->cf->new_member_probation > 0)
			store_account_set_probation(srv->store, ref,
			    srv->cf->new_member_probation);
	} else if (strcmp(action, "reject") == 0) {
		rc = store_account_delete_pending(srv->store, ref);
	} else {
		snprintf(msg, msglen, "A sign-up is approved or rejected, not "
		    "%s", action);
		return -1;
	}
	if (rc == STORE_NOTFOUND) {
		snprintf(msg, msglen, "No sign-up of %s is waiting", ref);
		return -1;
	}
	if (rc != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		return -1;
	}
	return 0;
}

int64_t
modq_signup(struct server *srv, const char *name, const char *via)
{
	int64_t	 id;
	int	 isnew;
	char	 what[64];

	snprintf(what, sizeof what, "sign-up via %s", via);
	if (store_modq_upsert(srv->store, "signup", "account", name, name,
	    NULL, what, &id, &isnew) != STORE_OK)
		return -1;
	alert(srv, "queue #%lld: %s asks to join (%s); APPROVE or REJECT it",
	    (long long)id, name, what);
	return id;
}

int64_t
modq_flag(struct server *srv, const char *item_type, const char *item_ref,
    const char *author, const char *location, const char *excerpt,
    const char *reason)
{
	int64_t	 id;
	int	 isnew;
	char	*ex = excerpt_of(excerpt);

	if (store_modq_upsert(srv->store, "report", item_type, item_ref,
	    author, location, ex, &id, &isnew) != STORE_OK) {
		free(ex);
		return -1;
	}
	free(ex);
	store_modq_report(srv->store, id, "system", reason, "auto");
	alert(srv, "queue #%lld: %s %s flagged for review: %s",
	    (long long)id, item_type, item_ref, reason);
	return id;
}

int
modq_init(struct server *srv, char *err, size_t errlen)
{
	struct timeval	tv = { EXPIRY_INTERVAL, 0 };

	if (srv->cf->crisis_phrases_file != NULL) {
		mq.safety = safety_load(srv->cf->crisis_phrases_file, err,
		    errlen);
		if (mq.safety == NULL)
			return -1;
		log_info("modq: %zu crisis phrases from %s",
		    safety_count(mq.safety), srv->cf->crisis_phrases_file);
	} else
		mq.safety = safety_empty();
	mq.fault_hold = getenv("HEARTH_FAULT") != NULL &&
	    strcmp(getenv("HEARTH_FAULT"), "hold") == 0;
	if (mq.fault_hold)
		log_warnx("modq: fault injection HEARTH_FAULT=hold is on");
	modq_expire(srv);
	mq.ev_expire = event_new(srv->base, -1, EV_PERSIST, expire_cb, srv);
	event_add(mq.ev_expire, &tv);
	return 0;
}

void
modq_free(struct server *srv)
{
	(void)srv;
	if (mq.ev_expire != NULL)
		event_free(mq.ev_expire);
	safety_free(mq.safety);
	sanctions_clear();
	memset(&mq, 0, sizeof mq);
}

/* Apply ACTION to an item, in the caller's transaction. */
static int
apply(struct server *srv, const char *item_type, const char *ref,
    const char *action, const char *actor, const char *reason, char *msg,
    size_t msglen)
{
	if (strcmp(item_type, "account") == 0)
		return account_apply(srv, ref, action, actor, reason, msg,
		    msglen);
	return items_apply(srv, item_type, ref, action, actor, msg, msglen);
}

/*
 * After ACTION on an item is committed: the protocols show it live
 * (deliver an approved message, drop a hidden one, tell an applicant).
 */
static void
applied(struct server *srv, int64_t id, const char *item_type,
    const char *ref, const char *action, const char *actor,
    const char *reason)
{
	struct notify_msg	m = { .kind = NOTIFY_ENTRY_DECIDED };

	m.id = id;
	m.item_type = item_type;
	m.item_ref = ref;
	m.action = action;
	m.actor = actor;
	m.reason = reason;
	notify_publish(srv, &m);
}

int
modq_report(struct server *srv, const char *reporter, const char *via,
    const char *item_type, const char *item_ref, const char *author,
    const char *location, const char *excerpt, const char *reason,
    char *msg, size_t msglen)
{
	struct store	*st = srv->store;
	const char	*lang = member_lang(srv, reporter);
	int64_t		 id;
	int		 isnew, rc, n;
	char		*ex = excerpt_of(excerpt), why[256] = "";

	if (author != NULL && names_casecmp(author, reporter) == 0) {
		free(ex);
		snprintf(msg, msglen, "%s", i18n(lang, "You cannot report "
		    "your own words"));
		return -1;
	}
	if (store_begin(st) != STORE_OK) {
		free(ex);
		snprintf(msg, msglen, "%s", i18n(lang, "Report not saved, "
		    "please try again"));
		return -1;
	}
	rc = store_modq_upsert(st, "report", item_type, item_ref, author,
	    location, ex, &id, &isnew);
	free(ex);
	if (rc == STORE_OK)
		rc = store_modq_report(st, id, reporter, reason, via);
	if (rc == STORE_EXISTS) {
		store_rollback(st);
		snprintf(msg, msglen, "%s", i18n(lang, "You have already "
		    "reported this; the moderators have it"));
		return 0;
	}
	if (rc != STORE_OK || store_audit(st, reporter, "report", item_ref,
	    reason) != STORE_OK || store_commit(st) != STORE_OK) {
		store_rollback(st);
		snprintf(msg, msglen, "%s", i18n(lang, "Report not saved, "
		    "please try again"));
		return -1;
	}
	n = store_modq_report_count(st, item_type, item_ref, time(NULL) -
	    srv->cf->report_window);
	alert(srv, "queue #%lld: %s %s reported (%d reporter%s) via %s%s%s",
	    (long long)id, item_type, item_ref, n, n == 1 ? "" : "s", via,
	    location != NULL ? " in " : "", location != NULL ? location : "");
	snprintf(msg, msglen, i18n(lang, "Thank you. Your report (queue "
	    "#%lld) has gone to the moderators; the author is not told who "
	    "reported"), (long long)id);
	if (n >= srv->cf->report_autohide && srv->cf->report_autohide > 0) {
		/* Hidden and audited together, or not at all. */
		if (store_begin(st) != STORE_OK ||
		    apply(srv, item_type, item_ref, "hide", "auto",
		    "several reports", why, sizeof why) != 0 ||
		    store_audit(st, "auto", "hide", item_ref,
		    "hidden pending review after several reports") !=
		    STORE_OK || store_commit(st) != STORE_OK) {
			store_rollback(st);
			log_warnx("modq: auto-hide of %s failed: %s",
			    item_ref, why[0] != '\0' ? why : "database error");
		} else {
			applied(srv, id, item_type, item_ref, "hide", "auto",
			    "several reports");
			tell_author(srv, id, item_type, item_ref, "autohide",
			    NULL);
			alert(srv, "queue #%lld: %s %s hidden pending review "
			    "(%d reports)", (long long)id, item_type, item_ref,
			    n);
		}
	}
	return 0;
}

/*
 * The queue row of a held item and its audit line, in the caller's
 * transaction (no alert: that goes out once it is committed).
 */
static int
queue_hold(struct server *srv, const char *item_type, const char *item_ref,
    const char *author, const char *location, const char *excerpt,
    int64_t *id)
{
	int	 isnew, rc;
	char	*ex = excerpt_of(excerpt);

	rc = store_modq_upsert(srv->store, "held", item_type, item_ref,
	    author, location, ex, id, &isnew);
	free(ex);
	if (rc != STORE_OK || store_audit(srv->store, author, "hold",
	    item_ref, location) != STORE_OK)
		return -1;
	return 0;
}

static void
announce_hold(struct server *srv, int64_t id, const char *item_type,
    const char *item_ref, const char *author, const char *location)
{
	alert(srv, "queue #%lld: %s %s by %s held for approval%s%s",
	    (long long)id, item_type, item_ref, author != NULL ? author : "?",
	    location != NULL ? " in " : "", location != NULL ? location : "");
}

/* The crisis queue row of an item whose TEXT matched HIT (LEN bytes). */
static int
queue_crisis(struct server *srv, const char *hit, const char *item_type,
    const char *item_ref, const char *author, const char *location,
    const char *text, size_t len, int64_t *id)
{
	int	 isnew, rc;
	char	*ex;

	/* TEXT may be an article body: LEN bytes, not NUL-terminated. */
	ex = excerpt_of_n(text, len);
	rc = store_modq_upsert(srv->store, "crisis", item_type, item_ref,
	    author, location, ex, id, &isnew);
	free(ex);
	if (rc != STORE_OK || store_audit(srv->store, "safety-net",
	    "crisis.flag", item_ref, hit) != STORE_OK)
		return -1;
	return 0;
}

static void
announce_crisis(struct server *srv, int64_t id, const char *hit,
    const char *item_type, const char *item_ref, const char *author,
    const char *location)
{
	alert(srv, "CRISIS queue #%lld: %s %s by %s%s%s matched \"%s\" - "
	    "please check on them", (long long)id, item_type, item_ref,
	    author != NULL ? author : "?", location != NULL ? " in " : "",
	    location != NULL ? location : "", hit);
}

const char *
modq_crisis_match(struct server *srv, const char *text, size_t len)
{
	(void)srv;
	return text != NULL ? safety_match(mq.safety, text, len) : NULL;
}

void
modq_crisis_flag(struct server *srv, const char *hit, const char *item_type,
    const char *item_ref, const char *author, const char *location,
    const char *text, size_t len)
{
	int64_t	id;

	if (queue_crisis(srv, hit, item_type, item_ref, author, location,
	    text, len, &id) == 0)
		announce_crisis(srv, id, hit, item_type, item_ref, author,
		    location);
	else
		log_warnx("modq: crisis flag of %s %s not stored", item_type,
		    item_ref);
}

/*
 * A held room message: the line stored hidden and its queue row (and a
 * crisis row when CRISIS is set) in one transaction, so a crash leaves
 * both or neither.  Alerts go out after the commit.
 */
int
modq_hold_chat(struct server *srv, const struct chat_msg *m,
    const char *location, const char *crisis)
{
	struct store	*st = srv->store;
	int64_t		 hold_id, crisis_id = 0;
	const char	*author = m->account;

	if (store_begin(st) != STORE_OK)
		return -1;
	if (store_chat_insert(st, m) != STORE_OK ||
	    store_chat_hide(st, m->msgid, 1) != STORE_OK)
		goto fail;
	fault_point_hold();
	if (queue_hold(srv, "chat", m->msgid, author, location, m->text,
	    &hold_id) != 0 || (crisis != NULL && queue_crisis(srv, crisis,
	    "chat", m->msgid, author, location, m->text, strlen(m->text),
	    &crisis_id) != 0) || store_commit(st) != STORE_OK)
		goto fail;
	announce_hold(srv, hold_id, "chat", m->msgid, author, location);
	if (crisis != NULL)
		announce_crisis(srv, crisis_id, crisis, "chat", m->msgid,
		    author, location);
	return 0;
fail:
	store_rollback(st);
	log_warnx("modq: held message %s not stored", m->msgid);
	return -1;
}

/*
 * A member's article: stored (held or published) together with its
 * queue rows -- "held" when NP->hold, "crisis" when IT->crisis; a
 * moderator's repost that approves a held one closes its entries -- in
 * one transaction.  The store's result: STORE_OK, STORE_EXISTS or
 * STORE_ERROR (nothing written).  Alerts go out after the commit.
 */
int
modq_post_article(struct server *srv, const struct news_post *np,
    struct modq_article *it)
{
	struct store	*st = srv->store;
	int64_t		 hold_id = 0, crisis_id = 0;
	int		 rc, batched;

	/* Posts of one loop iteration share a commit (and its fsync). */
	batched = it->batch && np->replace_id == 0 && !np->hold &&
	    it->crisis == NULL && !srv->shutting_down;
	it->batch = 0;
	if (batched)
		conn_hold(srv);
	if ((batched ? store_batch_begin(st) : store_begin(st)) != STORE_OK)
		return STORE_ERROR;
	if ((rc = store_news_post(st, np)) != STORE_OK) {
		store_rollback(st);
		return rc;
	}
	/* A moderator's repost with Approved: publishes a held article. */
	if (np->replace_id != 0 && store_modq_close_item(st, "article",
	    np->msgid, "approved", np->actor) != STORE_OK)
		goto fail;
	/* Published now (a post, a relayed article, an approving
	 * repost): queued for the peers in this same transaction. */
	if (!np->hold && peer_queue_article(srv, np->msgid) < 0)
		goto fail;
	if (np->hold) {
		fault_point_hold();
		if (queue_hold(srv, "article", np->msgid, it->author,
		    it->location, it->excerpt, &hold_id) != 0)
			goto fail;
	}
	if (it->crisis != NULL && queue_crisis(srv, it->crisis, "article",
	    np->msgid, it->author, it->location, it->crisis_text,
	    it->crisis_len, &crisis_id) != 0)
		goto fail;
	if (store_commit(st) != STORE_OK)
		goto fail;
	it->batch = batched;
	if (np->hold)
		announce_hold(srv, hold_id, "article", np->msgid, it->author,
		    it->location);
	if (it->crisis != NULL)
		announce_crisis(srv, crisis_id, it->crisis, "article",
		    np->msgid, it->author, it->location);
	return STORE_OK;
fail:
	store_rollback(st);
	return STORE_ERROR;
}

int
modq_is_new_member(struct server *srv, const char *role, int probation,
    int64_t created)
{
	if (role == NULL || strcmp(role, "member") != 0)
		return 0;
	return probation > 0 || (srv->cf->probation_days > 0 &&
	    (int64_t)time(NULL) - created <
	    (int64_t)srv->cf->probation_days * 86400);
}

int
modq_over_link_limit(struct server *srv, const char *text, size_t len,
    char *why, size_t whylen)
{
	int	links, emails;

	safety_count_links(text, len, &links, &emails);
	if (links > srv->cf->probation_max_links) {
		snprintf(why, whylen, "new members may include at most %d "
		    "link%s", srv->cf->probation_max_links,
		    srv->cf->probation_max_links == 1 ? "" : "s");
		return 1;
	}
	if (emails > srv->cf->probation_max_emails) {
		snprintf(why, whylen, "new members may include at most %d "
		    "e-mail address%s", srv->cf->probation_max_emails,
		    srv->cf->probation_max_emails == 1 ? "" : "es");
		return 1;
	}
	return 0;
}

int
modq_decide(struct server *srv, int64_t id, const char *action,
    const char *actor, const char *reason, char *msg, size_t msglen)
{
	char	*kind = NULL, *type = NULL, *ref = NULL, *author = NULL;
	char	 audit_action[32];
	int	 open, rc = -1, applies;
	const char *resolution;

	if (store_modq_item(srv->store, id, &kind, &type, &ref, &author,
	    &open) != STORE_OK) {
		snprintf(msg, msglen, "No queue entry #%lld", (long long)id);
		return -1;
	}
	if (!open) {
		snprintf(msg, msglen, "Queue entry #%lld is already closed",
		    (long long)id);
		goto out;
	}
	if (strcmp(action, "approve") == 0)
		resolution = "approved";
	else if (strcmp(action, "reject") == 0)
		resolution = "rejected";
	else if (strcmp(action, "hide") == 0)
		resolution = "hidden";
	else if (strcmp(action, "dismiss") == 0)
		resolution = "dismissed";
	else {
		snprintf(msg, msglen, "Unknown action %s", action);
		goto out;
	}
	if (strcmp(kind, "signup") == 0 && strcmp(action, "approve") != 0 &&
	    strcmp(action, "reject") != 0) {
		snprintf(msg, msglen, "A sign-up is approved or rejected");
		goto out;
	}
	/*
	 * Approving a report means the reported item is fine (nothing to
	 * publish); approving a held item publishes it, approving a
	 * sign-up activates the account.  The item's change, the entry's
	 * closing, the probation count and the audit line are one
	 * transaction; the item's protocol shows the result (delivers the
	 * message, tells the applicant) only once it is committed.
	 */
	applies = strcmp(action, "dismiss") != 0 &&
	    !(strcmp(kind, "held") != 0 && strcmp(kind, "signup") != 0 &&
	    strcmp(action, "approve") == 0);
	if (store_begin(srv->store) != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		goto out;
	}
	if (applies && apply(srv, type, ref, action, actor, reason, msg,
	    msglen) != 0) {
		store_rollback(srv->store);
		goto out;
	}
	if (store_modq_close(srv->store, id, resolution, actor) != STORE_OK)
		goto dberr;
	if ((strcmp(action, "hide") == 0 || strcmp(action, "reject") == 0) &&
	    store_modq_close_item(srv->store, type, ref, resolution,
	    actor) != STORE_OK)
		goto dberr;
	/* An approved post of a member on probation counts down. */
	if (strcmp(kind, "held") == 0 && strcmp(action, "approve") == 0 &&
	    author != NULL && store_account_probation_done(srv->store,
	    author) == STORE_ERROR)
		goto dberr;
	snprintf(audit_action, sizeof audit_action, "%s", action);
	if (store_audit(srv->store, actor, audit_action, ref, reason) !=
	    STORE_OK || store_commit(srv->store) != STORE_OK)
		goto dberr;
	if (applies)
		applied(srv, id, type, ref, action, actor, reason);
	/*
	 * The author hears what became of held words (approved, or refused
	 * and why) and of words a moderator hid.
	 */
	if ((strcmp(kind, "held") == 0 && (strcmp(action, "approve") == 0 ||
	    strcmp(action, "reject") == 0)) || strcmp(action, "hide") == 0)
		tell_author(srv, id, type, ref, action, reason);
	snprintf(msg, msglen, "Queue entry #%lld %s", (long long)id,
	    resolution);
	alert(srv, "queue #%lld %s by %s", (long long)id, resolution, actor);
	rc = 0;
	goto out;
dberr:
	store_rollback(srv->store);
	snprintf(msg, msglen, "Database error");
out:
	free(kind);
	free(type);
	free(ref);
	free(author);
	return rc;
}

int
modq_item_action(struct server *srv, const char *item_type,
    const char *item_ref, const char *action, const char *actor,
    const char *reason, char *msg, size_t msglen)
{
	if (strcmp(action, "hide") != 0 && strcmp(action, "unhide") != 0) {
		snprintf(msg, msglen, "Unknown action %s", action);
		return -1;
	}
	/* The change, the queue entries it closes and the audit: one. */
	if (store_begin(srv->store) != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		return -1;
	}
	if (apply(srv, item_type, item_ref, action, actor, reason, msg,
	    msglen) != 0) {
		store_rollback(srv->store);
		return -1;
	}
	if ((strcmp(action, "hide") == 0 && store_modq_close_item(srv->store,
	    item_type, item_ref, "hidden", actor) != STORE_OK) ||
	    store_audit(srv->store, actor, action, item_ref, reason) !=
	    STORE_OK || store_commit(srv->store) != STORE_OK) {
		store_rollback(srv->store);
		snprintf(msg, msglen, "Database error");
		return -1;
	}
	applied(srv, 0, item_type, item_ref, action, actor, reason);
	if (strcmp(action, "hide") == 0)
		tell_author(srv, 0, item_type, item_ref, "hide", reason);
	snprintf(msg, msglen, "%s %s %s", item_type, item_ref,
	    strcmp(action, "hide") == 0 ? "hidden" : "visible again");
	return 0;
}

static int
is_mask(const char *t)
{
	return strchr(t, '!') != NULL || strchr(t, '@') != NULL ||
	    strchr(t, '*') != NULL || strchr(t, '?') != NULL;
}

static int
group_found(const struct news_group *g, void *arg)
{
	(void)g;
	*(int *)arg = 1;
	return 0;
}

/* "*" (everywhere), a #room, or the name of a newsgroup we carry. */
static int
scope_valid(struct server *srv, const char *scope)
{
	int	found = 0;

	if (strcmp(scope, "*") == 0)
		return 1;
	if (scope[0] == '#')
		return strlen(scope) < 200 && strpbrk(scope, " ,\r\n") == NULL;
	return store_news_group_get(srv->store, scope, group_found, &found) ==
	    STORE_OK && found;
}

/* Tell every subscriber (the protocols) about a new sanction. */
static void
announce_added(struct server *srv, int64_t id, const char *kind,
    const char *target, const char *scope, const char *reason,
    time_t expires, const char *actor)
{
	struct notify_msg	m;

	memset(&m, 0, sizeof m);
	m.kind = NOTIFY_SANCTION_ADDED;
	m.id = id;
	m.sanction = kind;
	m.target = target;
	m.scope = strcmp(scope, "*") == 0 ? "" : scope;
	m.reason = reason != NULL ? reason : "";
	m.until = expires;
	m.actor = actor;
	notify_publish(srv, &m);
}

int
modq_sanction(struct server *srv, const char *kind, const char *target,
    const char *scope, int duration, const char *actor, const char *reason,
    char *msg, size_t msglen)
{
	const char	*ttype = is_mask(target) ? "mask" : "account";
	time_t		 expires = duration > 0 ? time(NULL) + duration : 0;
	int64_t		 id;
	char		 detail[512];

	if (strcmp(kind, "ban") != 0 && strcmp(kind, "mute") != 0) {
		snprintf(msg, msglen, "Unknown sanction %s", kind);
		return -1;
	}
	if (*target == '\0' || strlen(target) > 200 || strpbrk(target,
	    " \r\n") != NULL) {
		snprintf(msg, msglen, "Invalid target");
		return -1;
	}
	if (scope == NULL || *scope == '\0')
		scope = "*";
	if (!scope_valid(srv, scope)) {
		snprintf(msg, msglen, "Scope is * (everywhere), a #room or a "
		    "newsgroup that exists");
		return -1;
	}
	if (store_sanction_add(srv->store, kind, ttype, target, scope, reason,
	    actor, expires, &id) != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		return -1;
	}
	if (duration > 0)
		snprintf(detail, sizeof detail, "%s for %ds; %s", scope,
		    duration, reason != NULL ? reason : "");
	else
		snprintf(detail, sizeof detail, "%s, no expiry; %s", scope,
		    reason != NULL ? reason : "");
	store_audit(srv->store, actor, kind, target, detail);
	sanctions_reload(srv);
	announce_added(srv, id, kind, target, scope, reason, expires, actor);
	/* The member hears it (a mask names nobody in particular). */
	if (strcmp(ttype, "account") == 0)
		notice_sanction(srv, target, kind, scope, reason, expires,
		    actor, 0);
	snprintf(msg, msglen, "%s #%lld on %s %s (%s)%s", kind,
	    (long long)id, ttype, target, scope, duration > 0 ?
	    ", expires automatically" : "");
	alert(srv, "%s: %s %s (%s) by %s", kind, ttype, target, scope, actor);
	return 0;
}

int
modq_lift(struct server *srv, const char *kind, const char *target,
    const char *scope, const char *actor, char *msg, size_t msglen)
{
	const char	*ttype = is_mask(target) ? "mask" : "account";
	char		 action[32];
	int		 rc;

	if (scope == NULL || *scope == '\0')
		scope = "*";
	rc = store_sanction_lift(srv->store, kind, ttype, target, scope,
	    actor);
	if (rc == STORE_NOTFOUND) {
		snprintf(msg, msglen, "No active %s on %s (%s)", kind, target,
		    scope);
		return -1;
	}
	if (rc != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		return -1;
	}
	snprintf(action, sizeof action, "un%s", kind);
	store_audit(srv->store, actor, action, target, scope);
	sanctions_reload(srv);
	if (strcmp(ttype, "account") == 0)
		notice_sanction(srv, target, kind, scope, NULL, 0, actor, 1);
	snprintf(msg, msglen, "%s on %s (%s) lifted", kind, target, scope);
	return 0;
}

/* Does the sanction S cover SCOPE (NULL: only server-wide ones do)? */
static int
scope_covers(const struct sanction *s, const char *scope)
{
	if (strcmp(s->scope, "*") == 0)
		return 1;
	if (scope == NULL)
		return 0;
	if (s->scope[0] == '#')
		return irc_casecmp(IRC_CASEMAP_PRECIS, s->scope, scope) == 0;
	return strcasecmp(s->scope, scope) == 0;
}

int
modq_sanction_match(struct server *srv, const char *kind,
    const char *account, const char *mask, const char *scope,
    struct modq_sanction_info *info)
{
	const struct sanction	*best = NULL;
	time_t			 now = time(NULL);
	size_t			 i;

	/*
	 * One past its end but not yet swept by the timer is lifted now,
	 * so what a member meets and the audit log always agree.
	 */
	for (i = 0; i < mq.nsanctions; i++)
		if (mq.sanctions[i].expires != 0 &&
		    mq.sanctions[i].expires <= now) {
			modq_expire(srv);
			break;
		}
	for (i = 0; i < mq.nsanctions; i++) {
		const struct sanction	*s = &mq.sanctions[i];

		if (strcmp(s->kind, kind) != 0 || !scope_covers(s, scope))
			continue;
		if (s->expires != 0 && s->expires <= now)
			continue;
		if (strcmp(s->target_type, "account") == 0) {
			if (account == NULL || names_casecmp(s->target,
			    account) != 0)
				continue;
		} else if (mask == NULL || !irc_mask_match(IRC_CASEMAP_PRECIS,
		    s->target, mask))
			continue;
		/* The one that lasts longest says how long it lasts. */
		if (best == NULL || (best->expires != 0 && (s->expires == 0 ||
		    s->expires > best->expires)))
			best = s;
	}
	if (best == NULL)
		return 0;
	if (info != NULL) {
		info->kind = best->kind;
		info->target = best->target;
		info->scope = best->scope;
		info->reason = best->reason != NULL ? best->reason : "";
		info->expires = best->expires;
	}
	return 1;
}

int
modq_sanctioned(struct server *srv, const char *kind, const char *account,
    const char *mask, const char *scope)
{
	return modq_sanction_match(srv, kind, account, mask, scope, NULL);
}

int
modq_warn(struct server *srv, const char *account, const char *actor,
    const char *text, char *msg, size_t msglen)
{
	int	live;

	if (store_account_get(srv->store, account, NULL, NULL) != STORE_OK) {
		snprintf(msg, msglen, "No such account: %s", account);
		return -1;
	}
	store_audit(srv->store, actor, "warn", account, text);
	live = notice_warning(srv, account, text);
	snprintf(msg, msglen, "Warning recorded for %s%s", account, live > 0 ?
	    " and delivered" : " (not online: it waits in their inbox and "
	    "actions log)");
	return 0;
}

int
modq_note(struct server *srv, const char *account, const char *actor,
    const char *text)
{
	if (store_note_add(srv->store, account, actor, text) != STORE_OK)
		return -1;
	/* The note itself is private to moderators: not in the audit log. */
	store_audit(srv->store, actor, "note", account, NULL);
	return 0;
}

/*
 * Context of a queue item, for the moderator deciding on it: the chat
 * lines around a chat message (same room, a few before and after), the
 * article and the one it answers for an article.
 */
#define CONTEXT_LINES	3

struct ctx_emit {
	store_row_cb	 cb;
	void		*arg;
};

static void
ctx_row(struct ctx_emit *ce, const char *pos, const char *when,
    const char *who, const char *text)
{
	static const char *const names[] = { "position", "time", "who",
	    "text" };
	const char	*vals[4];
	char		*t = excerpt_of(text);

	vals[0] = pos;
	vals[1] = when;
	vals[2] = who;
	vals[3] = t;
	ce->cb(4, names, vals, ce->arg);
	free(t);
}

struct chat_lines {
	struct chat_msg	*v;
	size_t		 n;
};

static void
chat_line_add(const struct chat_msg *m, void *arg)
{
	struct chat_lines	*cl = arg;
	struct chat_msg		*d;

	cl->v = xreallocarray(cl->v, cl->n + 1, sizeof *cl->v);
	d = &cl->v[cl->n++];
	memset(d, 0, sizeof *d);
	d->id = m->id;
	d->time = m->time;
	d->source = xstrdup(m->source != NULL ? m->source : "?");
	d->account = m->account != NULL ? xstrdup(m->account) : NULL;
	d->text = xstrdup(m->text != NULL ? m->text : "");
}

static void
chat_ctx_row(struct ctx_emit *ce, const char *pos, const struct chat_msg *m)
{
	char		 when[32], who[128];
	time_t		 t = (time_t)(m->time / 1000);
	struct tm	 tm;
	const char	*bang;

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	/* The nick, never the (cloaked) host. */
	bang = strchr(m->source, '!');
	snprintf(who, sizeof who, "%.*s%s%s%s",
	    bang != NULL ? (int)(bang - m->source) : (int)strlen(m->source),
	    m->source, m->account != NULL ? " (" : "",
	    m->account != NULL ? m->account : "",
	    m->account != NULL ? ")" : "");
	ctx_row(ce, pos, when, who, m->text);
}

static void
chat_lines_free(struct chat_lines *cl)
{
	size_t	i;

	for (i = 0; i < cl->n; i++)
		chat_msg_clear(&cl->v[i]);
	free(cl->v);
	memset(cl, 0, sizeof *cl);
}

static void
chat_context(struct server *srv, const char *ref, struct ctx_emit *ce)
{
	struct chat_msg		m;
	struct chat_lines	before, after;
	size_t			i;

	memset(&m, 0, sizeof m);
	if (store_chat_get(srv->store, ref, &m) != STORE_OK) {
		ctx_row(ce, "missing", "", "", "the message is no longer "
		    "stored");
		return;
	}
	memset(&before, 0, sizeof before);
	memset(&after, 0, sizeof after);
	store_chat_range(srv->store, m.target, 0, 0, m.time, m.id, 1,
	    CONTEXT_LINES, chat_line_add, &before);
	store_chat_range(srv->store, m.target, m.time, m.id, INT64_MAX,
	    INT64_MAX, 0, CONTEXT_LINES, chat_line_add, &after);
	for (i = before.n; i > 0; i--)
		chat_ctx_row(ce, "before", &before.v[i - 1]);
	chat_ctx_row(ce, "item", &m);
	for (i = 0; i < after.n; i++)
		chat_ctx_row(ce, "after", &after.v[i]);
	chat_lines_free(&before);
	chat_lines_free(&after);
	chat_msg_clear(&m);
}

struct art_ctx {
	int	 found;
	char	*fields[5];	/* overview: Subject From Date Msgid Refs */
	char	*groups;
};

static int
art_ctx_cb(const struct news_art *a, void *arg)
{
	struct art_ctx	*ac = arg;
	const char	*p = a->overview, *tab;
	int		 i;

	ac->found = 1;
	for (i = 0; i < 5; i++) {
		tab = strchr(p, '\t');
		ac->fields[i] = tab != NULL ? xstrndup(p, (size_t)(tab - p)) :
		    xstrdup(p);
		p = tab != NULL ? tab + 1 : p + strlen(p);
		/* Subject and From for people: encoded words decoded. */
		if (i < 2) {
			char	*dec = mime_words_decode(ac->fields[i]);

			free(ac->fields[i]);
			ac->fields[i] = dec;
		}
	}
	ac->groups = xstrdup(a->xref);
	return 0;
}

static void
art_ctx_free(struct art_ctx *ac)
{
	int	i;

	for (i = 0; i < 5; i++)
		free(ac->fields[i]);
	free(ac->groups);
	memset(ac, 0, sizeof *ac);
}

static void
article_context(struct server *srv, const char *ref, struct ctx_emit *ce)
{
	struct art_ctx	 ac, parent;
	const char	*lt, *gt;
	char		*pid, line[512];

	memset(&ac, 0, sizeof ac);
	if (store_news_by_msgid(srv->store, ref, 0, art_ctx_cb, &ac) !=
	    STORE_OK || !ac.found) {
		art_ctx_free(&ac);
		ctx_row(ce, "missing", "", "", "the article is not stored");
		return;
	}
	snprintf(line, sizeof line, "%s (in %s)", ac.fields[0],
	    ac.groups[0] != '\0' ? ac.groups : "no group yet");
	ctx_row(ce, "article", ac.fields[2], ac.fields[1], line);
	/* The thread: the article this one answers (last of References). */
	if ((lt = strrchr(ac.fields[4], '<')) != NULL &&
	    (gt = strchr(lt, '>')) != NULL) {
		pid = xstrndup(lt, (size_t)(gt - lt) + 1);
		memset(&parent, 0, sizeof parent);
		if (store_news_by_msgid(srv->store, pid, 0, art_ctx_cb,
		    &parent) == STORE_OK && parent.found) {
			snprintf(line, sizeof line, "%s %s", parent.fields[0],
			    pid);
			ctx_row(ce, "in reply to", parent.fields[2],
			    parent.fields[1], line);
		} else
			ctx_row(ce, "in reply to", "", "", pid);
		art_ctx_free(&parent);
		free(pid);
	} else
		ctx_row(ce, "thread", "", "", "starts a new thread");
	art_ctx_free(&ac);
}

void
modq_context(struct server *srv, const char *item_type, const char *item_ref,
    store_row_cb cb, void *arg)
{
	struct ctx_emit	ce = { cb, arg };

	if (strcmp(item_type, "chat") == 0)
		chat_context(srv, item_ref, &ce);
	else if (strcmp(item_type, "article") == 0)
		article_context(srv, item_ref, &ce);
}

struct body_ctx {
	char	*body;
};

/* The stored article's body as UTF-8 text, whatever its charset. */
static int
body_cb(const struct news_art *a, void *arg)
{
	struct body_ctx	*bc = arg;
	struct article	 art;
	char		 why[128];

	if (a->text == NULL || a->len < a->header_len)
		return 0;
	if (article_parse(a->text, a->len, &art, why, sizeof why) != 0) {
		bc->body = mime_body_utf8(NULL, NULL, a->text + a->header_len,
		    a->len - a->header_len, NULL);
		return 0;
	}
	bc->body = mime_body_utf8(article_header_get(&art, "Content-Type"),
	    article_header_get(&art, "Content-Transfer-Encoding"), art.body,
	    art.body_len, NULL);
	article_free(&art);
	return 0;
}

char *
modq_article_text(struct server *srv, const char *msgid)
{
	struct body_ctx	bc = { NULL };

	if (store_news_by_msgid(srv->store, msgid, STORE_NNTP_TEXT, body_cb,
	    &bc) != STORE_OK) {
		free(bc.body);
		return NULL;
	}
	return bc.body;
}

/* Rendering for people: one line at a time through LINE. */
struct render {
	void	(*line)(void *, const char *);
	void	 *arg;
	int	  rows;
	const char *indent;
};

static void
emit(struct render *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
emit(struct render *r, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	r->line(r->arg, buf);
}

/* A row as "name=value ..." (or the context row as a chat-like line). */
static void
render_row(int n, const char *const *names, const char *const *vals,
    void *arg)
{
	struct render	*r = arg;
	char		 buf[1024];
	size_t		 o = 0;
	int		 i;

	if (n == 4 && strcmp(names[0], "position") == 0) {
		emit(r, "%s%-11s %s %s: %s", r->indent, vals[0],
		    vals[1] != NULL ? vals[1] : "", vals[2] != NULL ?
		    vals[2] : "", vals[3] != NULL ? vals[3] : "");
		r->rows++;
		return;
	}
	for (i = 0; i < n && o < sizeof buf - 1; i++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s: %s",
		    i ? "; " : "", names[i], vals[i] != NULL ? vals[i] : "-");
	emit(r, "%s%s", r->indent, buf);
	r->rows++;
}

struct entry_fields {
	char	*v[12];
};

static const char *const entry_names[] = { "id", "kind", "item_type",
    "item_ref", "author", "location", "excerpt", "state", "resolution",
    "resolved_by", "created", "updated" };

static void
entry_cb(int n, const char *const *names, const char *const *vals,
    void *arg)
{
	struct entry_fields	*ef = arg;
	int			 i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < 12; j++)
			if (strcmp(names[i], entry_names[j]) == 0)
				ef->v[j] = vals[i] != NULL ?
				    xstrdup(vals[i]) : NULL;
}

/* How many of a reported member's last lines are shown. */
#define REPORTED_LINES	3
/* How far back in the room they are looked for. */
#define REPORTED_SCAN	200

/* Is M by the reported member: ACCOUNT, or (a guest) the nick of REF? */
static int
by_reported(const struct chat_msg *m, const char *account, const char *ref)
{
	size_t	a, b;

	if (account != NULL)
		return m->account != NULL && strcasecmp(m->account,
		    account) == 0;
	if (m->account != NULL || m->source == NULL)
		return 0;
	a = strcspn(m->source, "!");
	b = strcspn(ref, "!");
	return a == b && strncasecmp(m->source, ref, a) == 0;
}

/*
 * A member reported by nick (REPORT <nick>) in ROOM: their last lines
 * there before the report at AT (at most REPORTED_LINES among the room's
 * last REPORTED_SCAN), as "item" rows, with the lines between them and
 * CONTEXT_LINES before and after.
 */
static void
user_context(struct server *srv, const char *account, const char *ref,
    const char *room, time_t at, struct ctx_emit *ce)
{
	struct chat_lines	 back, after;
	char			 fold[256];
	size_t			 i, first = 0, last = 0, n = 0, from;

	irc_casefold(IRC_CASEMAP_RFC1459, room, fold, sizeof fold);
	memset(&back, 0, sizeof back);
	memset(&after, 0, sizeof after);
	/*
	 * Latest first, up to just after the report.  AT is a second of
	 * time(), which on Linux reads the clock of the last timer tick and
	 * stays on the old second for up to a tick (a few ms) after a chat
	 * line's CLOCK_REALTIME milliseconds have passed into the new one:
	 * a line said just before the report would then be past AT + 1 s.
	 * So one more second.
	 */
	store_chat_range(srv->store, fold, 0, 0, ((int64_t)at + 2) * 1000,
	    INT64_MAX, 1, REPORTED_SCAN, chat_line_add, &back);
	for (i = 0; i < back.n && n < REPORTED_LINES; i++)
		if (by_reported(&back.v[i], account, ref)) {
			if (n++ == 0)
				first = i;
			last = i;
		}
	if (n == 0) {
		ctx_row(ce, "missing", "", "", "none of their lines in this "
		    "room is stored (a room without history, or too long "
		    "ago)");
		chat_lines_free(&back);
		return;
	}
	/* FIRST is their latest line, LAST the earliest shown. */
	from = last + CONTEXT_LINES < back.n ? last + CONTEXT_LINES :
	    back.n - 1;
	for (i = from + 1; i > first; i--)
		chat_ctx_row(ce, by_reported(&back.v[i - 1], account, ref) ?
		    "item" : i - 1 > last ? "before" : "between",
		    &back.v[i - 1]);
	store_chat_range(srv->store, fold, back.v[first].time,
	    back.v[first].id, INT64_MAX, INT64_MAX, 0, CONTEXT_LINES,
	    chat_line_add, &after);
	for (i = 0; i < after.n; i++)
		chat_ctx_row(ce, "after", &after.v[i]);
	chat_lines_free(&back);
	chat_lines_free(&after);
}

/*
 * The context of queue entry ID: modq_context() for a message or an
 * article; for a member reported in a room, their last lines there with
 * the lines around them.  0 when there is any, -1 else.
 */
int
modq_entry_context(struct server *srv, int64_t id, store_row_cb cb,
    void *arg)
{
	struct entry_fields	 ef;
	struct ctx_emit		 ce = { cb, arg };
	const char		*type;
	int			 i, rc = -1;

	memset(&ef, 0, sizeof ef);
	if (store_modq_get(srv->store, id, entry_cb, &ef) != STORE_OK)
		return -1;
	type = ef.v[2] != NULL ? ef.v[2] : "";
	if ((strcmp(type, "chat") == 0 || strcmp(type, "article") == 0) &&
	    ef.v[3] != NULL) {
		modq_context(srv, type, ef.v[3], cb, arg);
		rc = 0;
	} else if (strcmp(type, "user") == 0 && ef.v[3] != NULL &&
	    ef.v[5] != NULL && ef.v[5][0] == '#') {
		user_context(srv, ef.v[4], ef.v[3], ef.v[5], ef.v[10] !=
		    NULL ? utc_time(ef.v[10]) : time(NULL), &ce);
		rc = 0;
	}
	for (i = 0; i < 12; i++)
		free(ef.v[i]);
	return rc;
}

static int
priority_of(const char *kind)
{
	return strcmp(kind, "crisis") == 0 ? 1 : strcmp(kind, "report") == 0 ?
	    2 : strcmp(kind, "held") == 0 ? 3 : 4;
}

static void
section(struct render *r, const char *title,
    int (*fn)(struct store *, const char *, store_row_cb, void *),
    struct store *st, const char *key)
{
	emit(r, "%s:", title);
	r->rows = 0;
	r->indent = "  ";
	fn(st, key, render_row, r);
	if (r->rows == 0)
		emit(r, "  (none)");
}

/*
 * Queue entry ID for a person: what it is, the content, its context,
 * the reports, who has looked at it, the author's history and the
 * moderators' notes.  VIEWER (when not NULL) is recorded as having
 * looked.  -1 when there is no such entry.
 */
int
modq_render(struct server *srv, int64_t id, const char *viewer,
    void (*line)(void *, const char *), void *arg)
{
	struct entry_fields	 ef;
	struct render		 r = { line, arg, 0, "" };
	struct body_ctx		 bc = { NULL };
	const char		*kind, *type, *ref, *author;
	char			*p, *nl;
	int			 n, i;

	memset(&ef, 0, sizeof ef);
	if (store_modq_get(srv->store, id, entry_cb, &ef) != STORE_OK)
		return -1;
	kind = ef.v[1] != NULL ? ef.v[1] : "?";
	type = ef.v[2] != NULL ? ef.v[2] : "?";
	ref = ef.v[3] != NULL ? ef.v[3] : "?";
	author = ef.v[4];
	emit(&r, "Queue entry #%lld: %s (priority %d of 4: crisis, report, "
	    "held, sign-up), %s%s%s", (long long)id, kind, priority_of(kind),
	    ef.v[7] != NULL ? ef.v[7] : "?", ef.v[8] != NULL ? " - " : "",
	    ef.v[8] != NULL ? ef.v[8] : "");
	if (ef.v[9] != NULL)
		emit(&r, "Decided by: %s at %s", ef.v[9], ef.v[11] != NULL ?
		    ef.v[11] : "?");
	emit(&r, "Item: %s %s", type, ref);
	emit(&r, "Author: %s", author != NULL ? author : "(not signed in)");
	if (ef.v[5] != NULL)
		emit(&r, "Where: %s", ef.v[5]);
	if (ef.v[10] != NULL && utc_time(ef.v[10]) != 0) {
		char	when[48];

		tz_when(utc_time(ef.v[10]), when, sizeof when);
		emit(&r, "Queued: %s", when);
	} else
		emit(&r, "Queued: ?");
	/* Entries queued before excerpts were decoded may hold words. */
	p = mime_words_decode(ef.v[6] != NULL ? ef.v[6] : "");
	emit(&r, "Excerpt: %s", p);
	free(p);
	/* A held or reported article: its text, for deciding. */
	if (strcmp(type, "article") == 0 &&
	    (bc.body = modq_article_text(srv, ref)) != NULL) {
		emit(&r, "Content:");
		for (p = bc.body, n = 0; *p != '\0' && n < 60; p = nl, n++) {
			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			emit(&r, "  | %.*s", (int)(nl - p > 0 && nl[-1] ==
			    '\r' ? nl - p - 1 : nl - p), p);
			if (*nl == '\n')
				nl++;
		}
		if (*p != '\0')
			emit(&r, "  | [...]");
	}
	free(bc.body);
	if (strcmp(type, "chat") == 0 || strcmp(type, "article") == 0 ||
	    (strcmp(type, "user") == 0 && ef.v[5] != NULL &&
	    ef.v[5][0] == '#')) {
		emit(&r, "Context:");
		r.rows = 0;
		r.indent = "  ";
		modq_entry_context(srv, id, render_row, &r);
	}
	r.indent = "  ";
	emit(&r, "Reports:");
	r.rows = 0;
	store_modq_reports(srv->store, id, render_row, &r);
	if (r.rows == 0)
		emit(&r, "  (none)");
	emit(&r, "Seen by:");
	r.rows = 0;
	store_modq_viewers(srv->store, id, render_row, &r);
	if (r.rows == 0)
		emit(&r, "  (nobody yet)");
	if (author != NULL) {
		section(&r, "Author's history", store_modq_author_history,
		    srv->store, author);
		section(&r, "Moderator notes on the author", store_notes,
		    srv->store, author);
	}
	if (viewer != NULL)
		store_modq_view(srv->store, id, viewer);
	for (i = 0; i < 12; i++)
		free(ef.v[i]);
	return 0;
}
