/*
 * modq.c -- the moderation engine: one queue, one audit log.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "irc-casemap.h"
#include "log.h"
#include "modq.h"
#include "safety.h"
#include "store-modq.h"
#include "xmalloc.h"

#define MODQ_MAX_OPS		8
#define EXPIRY_INTERVAL		5	/* seconds between expiry checks */
#define EXCERPT_MAX		300

struct sanction {
	char	*kind;
	char	*target_type;
	char	*target;
	char	*scope;
	time_t	 expires;	/* 0: never */
};

struct modq_state {
	const struct modq_ops	*ops[MODQ_MAX_OPS];
	size_t			 nops;
	void			(*alert)(struct server *, const char *);
	int			(*notify)(struct server *, const char *,
				    const char *);
	struct safety		*safety;
	struct sanction		*sanctions;	/* active, cached */
	size_t			 nsanctions;
	struct event		*ev_expire;
};

/* One engine per process: hearthd has one server. */
static struct modq_state	mq;

void
modq_register(const struct modq_ops *ops)
{
	size_t	i;

	for (i = 0; i < mq.nops; i++) {
		if (strcmp(mq.ops[i]->item_type, ops->item_type) == 0) {
			mq.ops[i] = ops;
			return;
		}
	}
	if (mq.nops < MODQ_MAX_OPS)
		mq.ops[mq.nops++] = ops;
}

void
modq_set_alert(void (*fn)(struct server *, const char *))
{
	mq.alert = fn;
}

void
modq_set_notify(int (*fn)(struct server *, const char *, const char *))
{
	mq.notify = fn;
}

static const struct modq_ops *
ops_for(const char *item_type)
{
	size_t	i;

	for (i = 0; i < mq.nops; i++)
		if (strcmp(mq.ops[i]->item_type, item_type) == 0)
			return mq.ops[i];
	return NULL;
}

static void
alert(struct server *srv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
alert(struct server *srv, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	log_info("modq: %s", buf);
	if (mq.alert != NULL)
		mq.alert(srv, buf);
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

static void
sanctions_clear(void)
{
	size_t	i;

	for (i = 0; i < mq.nsanctions; i++) {
		free(mq.sanctions[i].kind);
		free(mq.sanctions[i].target_type);
		free(mq.sanctions[i].target);
		free(mq.sanctions[i].scope);
	}
	free(mq.sanctions);
	mq.sanctions = NULL;
	mq.nsanctions = 0;
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
	}
}

/* Reload the in-memory copy of active sanctions after a change. */
static void
sanctions_reload(struct server *srv)
{
	sanctions_clear();
	store_sanction_active(srv->store, time(NULL), sanction_row, NULL);
}

static void
expired_row(int n, const char *const *names, const char *const *v,
    void *arg)
{
	struct server	*srv = arg;
	const char	*kind = "", *target = "", *scope = "";
	char		 action[32];
	int		 i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], "kind") == 0 && v[i] != NULL)
			kind = v[i];
		else if (strcmp(names[i], "target") == 0 && v[i] != NULL)
			target = v[i];
		else if (strcmp(names[i], "scope") == 0 && v[i] != NULL)
			scope = v[i];
	}
	snprintf(action, sizeof action, "%s.expire", kind);
	store_audit(srv->store, "expiry", action, target, scope);
	log_info("modq: %s on %s (%s) expired", kind, target, scope);
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

/* Apply ACTION to an item through its protocol's hook. */
static int
apply(struct server *srv, const char *item_type, const char *ref,
    const char *action, const char *actor, const char *reason, char *msg,
    size_t msglen)
{
	const struct modq_ops	*ops = ops_for(item_type);

	if (ops == NULL) {
		/* Accounts and users have nothing to publish or hide. */
		if (strcmp(item_type, "account") == 0 ||
		    strcmp(item_type, "user") == 0)
			return 0;
		snprintf(msg, msglen, "Nothing can %s a %s yet", action,
		    item_type);
		return -1;
	}
	return ops->apply(srv, ref, action, actor, reason, msg, msglen);
}

int
modq_report(struct server *srv, const char *reporter, const char *via,
    const char *item_type, const char *item_ref, const char *author,
    const char *location, const char *excerpt, const char *reason,
    char *msg, size_t msglen)
{
	struct store	*st = srv->store;
	int64_t		 id;
	int		 isnew, rc, n;
	char		*ex = excerpt_of(excerpt), why[256];

	if (author != NULL && strcasecmp(author, reporter) == 0) {
		free(ex);
		snprintf(msg, msglen, "You cannot report your own words");
		return -1;
	}
	if (store_begin(st) != STORE_OK) {
		free(ex);
		snprintf(msg, msglen, "Report not saved, please try again");
		return -1;
	}
	rc = store_modq_upsert(st, "report", item_type, item_ref, author,
	    location, ex, &id, &isnew);
	free(ex);
	if (rc == STORE_OK)
		rc = store_modq_report(st, id, reporter, reason, via);
	if (rc == STORE_EXISTS) {
		store_rollback(st);
		snprintf(msg, msglen, "You have already reported this; the "
		    "moderators have it");
		return 0;
	}
	if (rc != STORE_OK || store_audit(st, reporter, "report", item_ref,
	    reason) != STORE_OK || store_commit(st) != STORE_OK) {
		store_rollback(st);
		snprintf(msg, msglen, "Report not saved, please try again");
		return -1;
	}
	n = store_modq_report_count(st, item_type, item_ref, time(NULL) -
	    srv->cf->report_window);
	alert(srv, "queue #%lld: %s %s reported (%d reporter%s) via %s%s%s",
	    (long long)id, item_type, item_ref, n, n == 1 ? "" : "s", via,
	    location != NULL ? " in " : "", location != NULL ? location : "");
	snprintf(msg, msglen, "Thank you. Your report (queue #%lld) has gone "
	    "to the moderators; the author is not told who reported",
	    (long long)id);
	if (n >= srv->cf->report_autohide && srv->cf->report_autohide > 0) {
		if (apply(srv, item_type, item_ref, "hide", "auto",
		    "several reports", why, sizeof why) == 0) {
			store_audit(st, "auto", "hide", item_ref,
			    "hidden pending review after several reports");
			alert(srv, "queue #%lld: %s %s hidden pending review "
			    "(%d reports)", (long long)id, item_type, item_ref,
			    n);
		} else
			log_warnx("modq: auto-hide of %s failed: %s",
			    item_ref, why);
	}
	return 0;
}

int64_t
modq_hold(struct server *srv, const char *item_type, const char *item_ref,
    const char *author, const char *location, const char *excerpt)
{
	int64_t	 id;
	int	 isnew;
	char	*ex = excerpt_of(excerpt);

	if (store_modq_upsert(srv->store, "held", item_type, item_ref, author,
	    location, ex, &id, &isnew) != STORE_OK) {
		free(ex);
		return -1;
	}
	free(ex);
	store_audit(srv->store, author, "hold", item_ref, location);
	alert(srv, "queue #%lld: %s %s by %s held for approval%s%s",
	    (long long)id, item_type, item_ref, author != NULL ? author : "?",
	    location != NULL ? " in " : "", location != NULL ? location : "");
	return id;
}

const char *
modq_crisis_check(struct server *srv, const char *text, size_t len,
    const char *item_type, const char *item_ref, const char *author,
    const char *location)
{
	const char	*hit;
	int64_t		 id;
	int		 isnew;
	char		*ex;

	if ((hit = safety_match(mq.safety, text, len)) == NULL)
		return NULL;
	/* TEXT may be an article body: LEN bytes, not NUL-terminated. */
	ex = excerpt_of_n(text, len);
	if (store_modq_upsert(srv->store, "crisis", item_type, item_ref,
	    author, location, ex, &id, &isnew) == STORE_OK) {
		store_audit(srv->store, "safety-net", "crisis.flag", item_ref,
		    hit);
		alert(srv, "CRISIS queue #%lld: %s %s by %s%s%s matched "
		    "\"%s\" - please check on them", (long long)id, item_type,
		    item_ref, author != NULL ? author : "?",
		    location != NULL ? " in " : "",
		    location != NULL ? location : "", hit);
	}
	free(ex);
	return srv->cf->hotline;
}

int
modq_decide(struct server *srv, int64_t id, const char *action,
    const char *actor, const char *reason, char *msg, size_t msglen)
{
	char	*kind = NULL, *type = NULL, *ref = NULL, *author = NULL;
	char	 audit_action[32];
	int	 open, rc = -1;
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
	/*
	 * Approving a report means the reported item is fine (nothing to
	 * publish); approving a held item publishes it.
	 */
	if (strcmp(action, "dismiss") != 0 &&
	    !(strcmp(kind, "held") != 0 && strcmp(action, "approve") == 0) &&
	    apply(srv, type, ref, action, actor, reason, msg, msglen) != 0)
		goto out;
	if (store_modq_close(srv->store, id, resolution, actor) != STORE_OK) {
		snprintf(msg, msglen, "Database error");
		goto out;
	}
	if (strcmp(action, "hide") == 0 || strcmp(action, "reject") == 0)
		store_modq_close_item(srv->store, type, ref, resolution,
		    actor);
	/* An approved post of a member on probation counts down. */
	if (strcmp(kind, "held") == 0 && strcmp(action, "approve") == 0 &&
	    author != NULL)
		store_account_probation_done(srv->store, author);
	snprintf(audit_action, sizeof audit_action, "%s", action);
	store_audit(srv->store, actor, audit_action, ref, reason);
	snprintf(msg, msglen, "Queue entry #%lld %s", (long long)id,
	    resolution);
	alert(srv, "queue #%lld %s by %s", (long long)id, resolution, actor);
	rc = 0;
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
	if (apply(srv, item_type, item_ref, action, actor, reason, msg,
	    msglen) != 0)
		return -1;
	if (strcmp(action, "hide") == 0)
		store_modq_close_item(srv->store, item_type, item_ref,
		    "hidden", actor);
	store_audit(srv->store, actor, action, item_ref, reason);
	snprintf(msg, msglen, "%s %s %s", item_type, item_ref,
	    strcmp(action, "hide") == 0 ? "hidden" : "visible again");
	return 0;
}

int
modq_parse_duration(const char *s)
{
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtol(s, &end, 10);
	if (end == s || v <= 0 || v > 3650L * 86400)
		return -1;
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		v *= 60;
		break;
	case 'h':
		v *= 3600;
		break;
	case 'd':
		v *= 86400;
		break;
	case 'w':
		v *= 7 * 86400;
		break;
	default:
		return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > 3650L * 86400)
		return -1;
	return (int)v;
}

static int
is_mask(const char *t)
{
	return strchr(t, '!') != NULL || strchr(t, '@') != NULL ||
	    strchr(t, '*') != NULL || strchr(t, '?') != NULL;
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
	if (scope == NULL)
		scope = "*";
	if (strcmp(scope, "*") != 0 && scope[0] != '#') {
		snprintf(msg, msglen, "Scope is * (everywhere) or a #room");
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

	if (scope == NULL)
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
	snprintf(msg, msglen, "%s on %s (%s) lifted", kind, target, scope);
	return 0;
}

int
modq_sanctioned(struct server *srv, const char *kind, const char *account,
    const char *mask, const char *scope)
{
	size_t	i;

	(void)srv;
	for (i = 0; i < mq.nsanctions; i++) {
		struct sanction	*s = &mq.sanctions[i];

		if (strcmp(s->kind, kind) != 0)
			continue;
		if (strcmp(s->scope, "*") != 0 && (scope == NULL ||
		    irc_casecmp(IRC_CASEMAP_RFC1459, s->scope, scope) != 0))
			continue;
		if (strcmp(s->target_type, "account") == 0) {
			if (account != NULL && strcasecmp(s->target,
			    account) == 0)
				return 1;
		} else if (mask != NULL && irc_mask_match(IRC_CASEMAP_RFC1459,
		    s->target, mask))
			return 1;
	}
	return 0;
}

int
modq_warn(struct server *srv, const char *account, const char *actor,
    const char *text, char *msg, size_t msglen)
{
	int	live = 0;

	if (store_account_get(srv->store, account, NULL, NULL) != STORE_OK) {
		snprintf(msg, msglen, "No such account: %s", account);
		return -1;
	}
	store_audit(srv->store, actor, "warn", account, text);
	if (mq.notify != NULL)
		live = mq.notify(srv, account, text);
	snprintf(msg, msglen, "Warning recorded for %s%s", account, live ?
	    " and delivered" : " (not online: they will see it in their "
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
