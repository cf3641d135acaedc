/*
 * admin.c -- the admin socket service used by hearthmod.
 *
 * The protocol is described in admin-protocol.h.  Whoever can open the
 * socket (mode 0660 in the state directory) is an operator; the commands
 * are rows of admin_cmds[], and the moderation commands rows of the
 * table every moderation front end shares (modcmd.h), performed by
 * modq_exec() (modexec.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "account.h"
#include "i18n.h"
#include "admin.h"
#include "auth.h"
#include "admin-protocol.h"
#include "erase.h"
#include "peer.h"
#include "events.h"
#include "backup.h"
#include "export.h"
#include "feed.h"
#include "i18n.h"
#include "lang.h"
#include "log.h"
#include "feedtoken.h"
#include "modcmd.h"
#include "modexec.h"
#include "membership.h"
#include "modq.h"
#include "notify.h"
#include "sanction.h"
#include "store.h"
#include "store-access.h"
#include "store-modq.h"
#include "store-chat.h"
#include "store-news.h"
#include "utf8.h"
#include "tz.h"
#include "xmalloc.h"

/* Who may run a command. */
enum admin_priv {
	PRIV_ANY = 0,		/* before authentication too */
	PRIV_MOD,		/* moderators and admins */
	PRIV_ADMIN		/* admins (and the local operator) */
};

/*
 * One admin connection.  The local Unix socket is the operator (full
 * rights); a remote connection over TLS starts unauthenticated and must
 * "auth" as a moderator or admin account.
 */
struct admin_session {
	int		 authed;
	enum admin_priv	 priv;
	char		 actor[64];
	int		 failures;
	/* An account add or passwd waiting for its hash (auth workers). */
	int		 pend_add;
	char		 pend_name[64];
	char		 pend_role[16];
};

struct admin_cmd {
	const char	*name;		/* first word */
	const char	*sub;		/* second word, or NULL */
	int		(*fn)(struct conn *, int, char **);
	int		 min_words;	/* including name and sub */
	int		 max_words;
	enum admin_priv	 priv;
	const char	*usage;
};

static const char *
actor_of(struct conn *c)
{
	return ((struct admin_session *)c->pstate)->actor;
}

static void
reply(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
reply(struct conn *c, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conn_vprintf(c, fmt, ap);
	va_end(ap);
	conn_write(c, "\r\n", 2);
}

/* One data line of a 210 reply, dot-stuffed. */
static void
data_line(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
data_line(struct conn *c, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (s[0] == '.')
		conn_write(c, ".", 1);
	conn_write(c, s, (size_t)n);
	conn_write(c, "\r\n", 2);
	free(s);
}

/*
 * Tables: a "#" header line with the column names, then one line per
 * row, fields separated by tabs; tab, newline and backslash inside a
 * value are written \t, \n and \\.  hearthmod prints them for people
 * or as JSON.
 */
static void
table_field(struct evbuffer *b, const char *v)
{
	for (; v != NULL && *v != '\0'; v++) {
		if (*v == '\t')
			evbuffer_add(b, "\\t", 2);
		else if (*v == '\n')
			evbuffer_add(b, "\\n", 2);
		else if (*v == '\r')
			evbuffer_add(b, "\\r", 2);
		else if (*v == '\\')
			evbuffer_add(b, "\\\\", 2);
		else
			evbuffer_add(b, v, 1);
	}
}

struct table {
	struct conn	*c;
	int		 header_done;
	int		 rows;
};

static void
table_row(int n, const char *const *names, const char *const *vals,
    void *arg)
{
	struct table	*t = arg;
	struct evbuffer	*b = evbuffer_new();
	size_t		 len;
	char		*line;
	int		 i;

	if (!t->header_done) {
		evbuffer_add(b, "#", 1);
		for (i = 0; i < n; i++) {
			if (i > 0)
				evbuffer_add(b, "\t", 1);
			table_field(b, names[i]);
		}
		t->header_done = 1;
		len = evbuffer_get_length(b);
		line = xmalloc(len + 1);
		evbuffer_remove(b, line, len);
		line[len] = '\0';
		data_line(t->c, "%s", line);
		free(line);
	}
	for (i = 0; i < n; i++) {
		if (i > 0)
			evbuffer_add(b, "\t", 1);
		table_field(b, vals[i] != NULL ? vals[i] : "");
	}
	len = evbuffer_get_length(b);
	line = xmalloc(len + 1);
	evbuffer_remove(b, line, len);
	line[len] = '\0';
	data_line(t->c, "%s", line);
	free(line);
	evbuffer_free(b);
	t->rows++;
}

static int
cmd_status(struct conn *c, int argc, char **argv)
{
	struct server		*srv = c->srv;
	struct peer_stats	 ps;

	(void)argc;
	(void)argv;
	reply(c, "210 status follows");
	data_line(c, "version %s", PACKAGE_VERSION);
	data_line(c, "uptime %lld", (long long)(time(NULL) - srv->started));
	data_line(c, "connections.nntp %u", srv->nconns[PROTO_NNTP] +
	    srv->nconns[PROTO_NNTPS]);
	data_line(c, "connections.irc %u", srv->nconns[PROTO_IRC] +
	    srv->nconns[PROTO_IRCS]);
	data_line(c, "connections.admin %u", srv->nconns[PROTO_ADMIN]);
	/* Times a client's commands waited for its rate limit. */
	data_line(c, "rate.waits.nntp %llu", (unsigned long long)
	    (srv->rate_waits[PROTO_NNTP] + srv->rate_waits[PROTO_NNTPS]));
	data_line(c, "rate.waits.irc %llu", (unsigned long long)
	    (srv->rate_waits[PROTO_IRC] + srv->rate_waits[PROTO_IRCS]));
	data_line(c, "rate.waits.http %llu", (unsigned long long)
	    (srv->rate_waits[PROTO_HTTP] + srv->rate_waits[PROTO_HTTPS]));
	if (store_peer_stats(srv->store, NULL, &ps) == STORE_OK) {
		/* The outgoing feeds, all peers together. */
		data_line(c, "peers %zu", srv->peers != NULL ? srv->peers->n :
		    (size_t)0);
		data_line(c, "peers.queued %lld", (long long)ps.queued);
		data_line(c, "peers.accepted %lld", (long long)ps.accepted);
		data_line(c, "peers.refused %lld", (long long)ps.refused);
		data_line(c, "peers.duplicate %lld", (long long)ps.duplicate);
	}
	data_line(c, "database.size %lld", (long long)store_db_size(
	    srv->store));
	data_line(c, "database.schema %d", store_schema_version(srv->store));
	reply(c, ".");
	return CONN_OK;
}

/*
 * Answer a failed change to account NAME (404 when there is none, 500
 * otherwise) and return 1; 0 when RC is STORE_OK and nothing was said.
 */
static int
account_refused(struct conn *c, int rc, const char *name)
{
	if (rc == STORE_OK)
		return 0;
	if (rc == STORE_NOTFOUND)
		reply(c, "404 No such account: %s", name);
	else
		reply(c, "500 Database error");
	return 1;
}

/*
 * The hash of a new password is in (on the loop, from the hashing
 * workers): create the account or set its password, with its audit
 * line, and answer.  Input was held meanwhile, so this is the reply to
 * the command that asked.
 */
static void
password_hashed(struct conn *c, void *arg, const struct pw_secret *pw)
{
	struct admin_session	*as = c->pstate;
	int			 rc;

	(void)arg;
	if (pw == NULL) {
		reply(c, "500 Password hashing failed");
		return;
	}
	if (as->pend_add)
		rc = account_add(c->srv, as->actor, as->pend_name, pw,
		    as->pend_role);
	else
		rc = account_set_password(c->srv, as->actor, as->pend_name,
		    pw, NULL);
	if (rc == STORE_EXISTS) {
		reply(c, "403 Account %s already exists", as->pend_name);
		return;
	}
	if (account_refused(c, rc, as->pend_name))
		return;
	if (as->pend_add) {
		log_info("admin: account added name=%s role=%s",
		    as->pend_name, as->pend_role);
		reply(c, "200 Account %s created with role %s", as->pend_name,
		    as->pend_role);
	} else
		reply(c, "200 Password changed for %s", as->pend_name);
}

/*
 * Hash PW for account NAME on the workers (never on the loop that
 * serves everyone), then add the account (ADD, with ROLE) or set its
 * password in password_hashed().  PW is wiped.
 */
static void
hash_new_password(struct conn *c, int add, const char *name,
    const char *role, char *pw)
{
	struct admin_session	*as = c->pstate;
	int			 rc;

	as->pend_add = add;
	snprintf(as->pend_name, sizeof as->pend_name, "%s", name);
	snprintf(as->pend_role, sizeof as->pend_role, "%s",
	    role != NULL ? role : "");
	rc = auth_hash_start(c->srv, c, pw, password_hashed, NULL);
	OPENSSL_cleanse(pw, strlen(pw));
	if (rc != AUTH_PENDING)
		reply(c, "403 Too many sign-ins in progress: try again in a "
		    "moment");
}

static int
cmd_account_add(struct conn *c, int argc, char **argv)
{
	const char	*name = argv[2], *pw = argv[3];
	const char	*role = argc > 4 ? argv[4] : "member";
	char		 why[128], who[64];
	enum names_why	 nwhy;

	if (!account_role_valid(role)) {
		reply(c, "401 Role must be member, doctor, moderator or admin");
		return CONN_OK;
	}
	/* The same rules as a member's sign-up, for the role given. */
	if ((nwhy = account_name_new(c->srv, name, role, who, sizeof who)) !=
	    NAMES_OK) {
		if (nwhy == NAMES_CONFUSABLE)
			reply(c, "401 Invalid account name: %s (%s)",
			    i18n(NULL, names_why_text(nwhy)), who);
		else
			reply(c, "401 Invalid account name: %s",
			    i18n(NULL, names_why_text(nwhy)));
		return CONN_OK;
	}
	if (account_password_acceptable(pw,
	    c->srv->cf->password_min_length, why, sizeof why) != 0) {
		reply(c, "401 %s", why);
		return CONN_OK;
	}
	hash_new_password(c, 1, name, role, argv[3]);
	return CONN_OK;
}

static void
list_one(const struct account *a, void *arg)
{
	struct conn	*c = arg;
	struct tm	 tm;
	char		 when[32];
	time_t		 t = (time_t)a->created;

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	data_line(c, "%s %s %s %s %s", a->name, a->role, a->status, when,
	    a->specialty != NULL ? a->specialty : "-");
}

static int
cmd_account_list(struct conn *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	reply(c, "210 accounts follow (name role status created specialty)");
	if (store_account_list(c->srv->store, list_one, c) != STORE_OK) {
		/* The data block must still end for the client. */
		reply(c, ".");
		return CONN_OK;
	}
	reply(c, ".");
	return CONN_OK;
}

static int
cmd_account_passwd(struct conn *c, int argc, char **argv)
{
	char	why[128];

	(void)argc;
	if (account_password_acceptable(argv[3],
	    c->srv->cf->password_min_length, why, sizeof why) != 0) {
		reply(c, "401 %s", why);
		return CONN_OK;
	}
	hash_new_password(c, 0, argv[2], NULL, argv[3]);
	return CONN_OK;
}

static int
cmd_account_role(struct conn *c, int argc, char **argv)
{
	const char	*spec = argc > 4 ? argv[4] : NULL;
	int		 rc;

	if (!account_role_valid(argv[3])) {
		reply(c, "401 Role must be member, doctor, moderator or admin");
		return CONN_OK;
	}
	if (spec != NULL && strcmp(argv[3], "doctor") != 0) {
		reply(c, "401 Only doctors have a specialty");
		return CONN_OK;
	}
	rc = account_set_role(c->srv, actor_of(c), "account.role", argv[2],
	    argv[3], spec);
	if (account_refused(c, rc, argv[2]))
		return CONN_OK;
	reply(c, "200 %s now has role %s", argv[2], argv[3]);
	return CONN_OK;
}

/* "90m", "1h30m", "2h", "45" (minutes).  Seconds, or -1. */
static int
parse_duration(const char *s)
{
	long	 total = 0, v;
	char	*end;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		v = strtol(s, &end, 10);
		if (end == s || v < 0 || v > 10000)
			return -1;
		if (*end == 'h')
			total += v * 3600;
		else if (*end == 'm' || *end == '\0')
			total += v * 60;
		else
			return -1;
		s = *end == '\0' ? end : end + 1;
	}
	if (total <= 0 || total > 7 * 86400)
		return -1;
	return (int)total;
}

/*
 * event add title=T starts=ISO duration=D room=#R [group=G]
 *     [capacity=N] [facilitator=NAME] [description=TEXT]
 */
static int
cmd_event_add(struct conn *c, int argc, char **argv)
{
	struct event_info	 ev;
	const char		*starts = NULL, *dur = NULL;
	char			 msg[300];
	int			 i, code;

	memset(&ev, 0, sizeof ev);
	for (i = 2; i < argc; i++) {
		char	*eq = strchr(argv[i], '='), *k = argv[i], *v;

		if (eq == NULL) {
			reply(c, "401 Expected key=value, got \"%s\"", argv[i]);
			return CONN_OK;
		}
		*eq = '\0';
		v = eq + 1;
		if (strcmp(k, "title") == 0)
			ev.title = v;
		else if (strcmp(k, "starts") == 0)
			starts = v;
		else if (strcmp(k, "duration") == 0)
			dur = v;
		else if (strcmp(k, "room") == 0)
			ev.room = v;
		else if (strcmp(k, "group") == 0)
			ev.group = v;
		else if (strcmp(k, "capacity") == 0)
			ev.capacity = atoi(v);
		else if (strcmp(k, "facilitator") == 0)
			ev.facilitator = v;
		else if (strcmp(k, "description") == 0)
			ev.description = v;
		else {
			reply(c, "401 Unknown event field \"%s\"", k);
			return CONN_OK;
		}
	}
	if (ev.title == NULL || *ev.title == '\0' || starts == NULL ||
	    dur == NULL || ev.room == NULL) {
		reply(c, "401 An event needs title, starts, duration and room");
		return CONN_OK;
	}
	if (strlen(ev.title) > 200 || !utf8_valid(ev.title,
	    strlen(ev.title)) || (ev.description != NULL &&
	    (strlen(ev.description) > 4000 || !utf8_valid(ev.description,
	    strlen(ev.description))))) {
		reply(c, "401 Title (200 bytes) or description (4000 bytes) "
		    "too long or not UTF-8");
		return CONN_OK;
	}
	if ((ev.starts = modcmd_parse_time(starts)) == (time_t)-1) {
		reply(c, "401 starts must look like 2026-12-01T18:00Z, "
		    "2026-12-01T18:00+01:00 or 2026-12-01T18:00 (the "
		    "server's timezone)");
		return CONN_OK;
	}
	/* No zone given: the community's local time (config timezone). */
	if (strpbrk(starts + strcspn(starts, "Tt "), "Zz+-") == NULL)
		ev.starts = tz_from_local(ev.starts);
	if ((ev.duration = parse_duration(dur)) < 0) {
		reply(c, "401 duration must look like 90m, 1h30m or 2h (at "
		    "most 7 days)");
		return CONN_OK;
	}
	if (ev.capacity < 0) {
		reply(c, "401 capacity must be a positive number");
		return CONN_OK;
	}
	if ((code = event_create(c->srv, actor_of(c), &ev, msg,
	    sizeof msg)) != 0) {
		reply(c, "%d %s", code, msg);
		return CONN_OK;
	}
	reply(c, "200 Event %lld created", (long long)ev.id);
	return CONN_OK;
}

static void
event_line(const struct event_info *ev, void *arg)
{
	struct conn	*c = arg;
	char		 when[32];

	feed_time_rfc3339(ev->starts, when, sizeof when);
	data_line(c, "%lld\t%s\t%dm\t%s\t%s%s", (long long)ev->id, when,
	    ev->duration / 60, ev->room, ev->title,
	    ev->cancelled ? "\t(cancelled)" : "");
}

static int
cmd_event_list(struct conn *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	reply(c, "210 upcoming events follow (id starts duration room title)");
	store_event_list(c->srv->store, time(NULL), 1000, 1, event_line, c);
	reply(c, ".");
	return CONN_OK;
}

static int
cmd_event_cancel(struct conn *c, int argc, char **argv)
{
	char	*end;
	long long id;
	char	 msg[300];
	int	 code;

	(void)argc;
	id = strtoll(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || id <= 0) {
		reply(c, "401 Event id must be a number");
		return CONN_OK;
	}
	if ((code = event_cancel(c->srv, actor_of(c), id, msg,
	    sizeof msg)) != 0) {
		reply(c, "%d %s", code, msg);
		return CONN_OK;
	}
	reply(c, "200 Event %lld cancelled", id);
	return CONN_OK;
}

/* peer add NAME HOST:PORT [tls|plain] [path=ID] [groups=W] ... */
static int
cmd_peer_add(struct conn *c, int argc, char **argv)
{
	char	msg[400];

	if (peer_add(c->srv, argc - 2, argv + 2, msg, sizeof msg) != 0) {
		reply(c, "401 %s", msg);
		return CONN_OK;
	}
	store_audit(c->srv->store, actor_of(c), "peer.add", argv[2], argv[3]);
	reply(c, "200 %s", msg);
	return CONN_OK;
}

/* peer pause|resume|remove NAME */
static int
cmd_peer_change(struct conn *c, int argc, char **argv)
{
	const char	*op = argv[1], *name = argv[2];
	int		 rc;

	(void)argc;
	if (strcmp(op, "remove") == 0)
		rc = peer_remove(c->srv, name);
	else
		rc = peer_pause(c->srv, name, strcmp(op, "pause") == 0);
	if (rc == 1) {
		reply(c, "404 No such peer: %s", name);
		return CONN_OK;
	}
	if (rc != 0) {
		reply(c, "500 Database error");
		return CONN_OK;
	}
	store_audit(c->srv->store, actor_of(c), strcmp(op, "remove") == 0 ?
	    "peer.remove" : strcmp(op, "pause") == 0 ? "peer.pause" :
	    "peer.resume", name, NULL);
	reply(c, "200 Peer %s %s", name, strcmp(op, "remove") == 0 ?
	    "removed" : strcmp(op, "pause") == 0 ? "paused" : "resumed");
	return CONN_OK;
}

static void
time_text(int64_t t, char *buf, size_t len)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (t == 0) {
		snprintf(buf, len, "never");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* peer list: one line a peer (never its password). */
static int
cmd_peer_list(struct conn *c, int argc, char **argv)
{
	struct server		*srv = c->srv;
	struct peer		*p;
	struct peer_stats	 ps;
	size_t			 i;

	(void)argc;
	(void)argv;
	reply(c, "210 peers follow (name address link path groups state "
	    "queued)");
	for (i = 0; srv->peers != NULL && i < srv->peers->n; i++) {
		p = srv->peers->v[i];
		if (p->removed)
			continue;
		if (store_peer_stats(srv->store, p->name, &ps) != STORE_OK)
			memset(&ps, 0, sizeof ps);
		data_line(c, "%s %s:%s %s %s %s %s %lld", p->name, p->host,
		    p->port, p->tls ? "tls" : "plain", p->path_id, p->groups,
		    peer_state_name(p), (long long)ps.queued);
	}
	reply(c, ".");
	return CONN_OK;
}

/* peer show NAME: its settings, queue and counters. */
static int
cmd_peer_show(struct conn *c, int argc, char **argv)
{
	struct peer		*p;
	struct peer_stats	 ps;
	char			 when[40];

	(void)argc;
	if ((p = peer_find(c->srv, argv[2])) == NULL) {
		reply(c, "404 No such peer: %s", argv[2]);
		return CONN_OK;
	}
	if (store_peer_stats(c->srv->store, p->name, &ps) != STORE_OK) {
		reply(c, "500 Database error");
		return CONN_OK;
	}
	reply(c, "210 peer follows");
	data_line(c, "name %s", p->name);
	data_line(c, "address %s:%s", p->host, p->port);
	data_line(c, "link %s", p->tls ? "tls" : "plain");
	data_line(c, "path %s", p->path_id);
	data_line(c, "groups %s", p->groups);
	data_line(c, "signin %s", p->user != NULL ? p->user : "none");
	data_line(c, "max_size %lld", (long long)p->max_size);
	data_line(c, "source %s", p->source);
	data_line(c, "state %s", peer_state_name(p));
	data_line(c, "mode %s", p->state == PEER_CONNECTED ? (p->streaming ?
	    "streaming" : "ihave") : "-");
	data_line(c, "queued %lld", (long long)ps.queued);
	time_text(ps.last_success, when, sizeof when);
	data_line(c, "last_success %s", when);
	data_line(c, "offered %llu", (unsigned long long)p->offered);
	data_line(c, "accepted %lld", (long long)ps.accepted);
	data_line(c, "refused %lld", (long long)ps.refused);
	data_line(c, "duplicate %lld", (long long)ps.duplicate);
	data_line(c, "dropped %lld", (long long)ps.dropped);
	data_line(c, "deferred %llu", (unsigned long long)p->deferred);
	if (p->state == PEER_BACKOFF) {
		time_text(p->next_try, when, sizeof when);
		data_line(c, "next_try %s", when);
	}
	if (p->last_error[0] != '\0')
		data_line(c, "last_error %s", p->last_error);
	reply(c, ".");
	return CONN_OK;
}

/* key=value options after the fixed words; NULL when absent. */
static const char *
opt(int argc, char **argv, int from, const char *key)
{
	size_t	n = strlen(key);
	int	i;

	for (i = from; i < argc; i++)
		if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
			return argv[i] + n + 1;
	return NULL;
}

static int
bad_opts(struct conn *c, int argc, char **argv, int from,
    const char *const *allowed)
{
	int	i, j, ok;

	for (i = from; i < argc; i++) {
		ok = 0;
		for (j = 0; allowed[j] != NULL; j++) {
			size_t	n = strlen(allowed[j]);

			if (strncmp(argv[i], allowed[j], n) == 0 &&
			    argv[i][n] == '=')
				ok = 1;
		}
		if (!ok) {
			reply(c, "401 Unexpected argument \"%s\"", argv[i]);
			return 1;
		}
	}
	return 0;
}

/*
 * The moderation commands (modcmd.h): the sink writes listings as 210
 * blocks of tables; a show is the entry's fields as "name: value" lines,
 * then each non-empty part as "[title]" and a table.
 */
struct mod_reply {
	struct conn	*c;
	struct table	 t;
	const char	*section;	/* of the rows written last */
	int		 listed;	/* a 210 block went out */
};

static void
mod_begin(void *arg, const struct modcmd_call *mc)
{
	struct mod_reply	*mr = arg;

	mr->listed = 1;
	switch (mc->action) {
	case MODCMD_QUEUE:
		reply(mr->c, "210 open queue, most urgent first");
		break;
	case MODCMD_SHOW:
		reply(mr->c, "210 queue entry #%lld", (long long)mc->id);
		break;
	case MODCMD_SANCTIONS:
		reply(mr->c, "210 active bans and mutes");
		break;
	case MODCMD_NOTES:
		reply(mr->c, "210 moderator notes on %s", mc->target);
		break;
	default:
		reply(mr->c, "210 audit log, newest first");
		break;
	}
}

static void
mod_row(void *arg, const char *section, int n, const char *const *names,
    const char *const *vals)
{
	struct mod_reply	*mr = arg;
	int			 i;

	if (section != NULL && *section == '\0') {
		for (i = 0; i < n; i++)
			data_line(mr->c, "%s: %s", names[i], vals[i] != NULL ?
			    vals[i] : "-");
		return;
	}
	if (section != NULL && (mr->section == NULL ||
	    strcmp(section, mr->section) != 0)) {
		data_line(mr->c, "[%s]", section);
		mr->t.header_done = 0;
	}
	mr->section = section;
	table_row(n, names, vals, &mr->t);
}

static void
mod_end(void *arg, const struct modcmd_call *mc)
{
	struct mod_reply	*mr = arg;

	(void)mc;
	reply(mr->c, ".");
}

/* The reply code when a command is refused. */
static const char *
mod_fail_code(enum modcmd_action a)
{
	switch (a) {
	case MODCMD_BAN:
	case MODCMD_MUTE:
		return "401";
	case MODCMD_UNBAN:
	case MODCMD_UNMUTE:
	case MODCMD_WARN:
	case MODCMD_NOTE:
	case MODCMD_SHOW:
		return "404";
	default:
		return "403";
	}
}

/*
 * Words W[0..N) of a moderation command: the table row checks them
 * (400 with the usage for a wrong count, 401 for a bad value), the
 * executor performs it.
 */
static int
mod_command(struct conn *c, const struct modcmd *cmd, int n, char **w)
{
	struct mod_reply	 mr;
	struct modexec_sink	 sk = { mod_begin, mod_row, NULL, mod_end,
				    NULL, 100, 200 };
	struct modcmd_call	 mc;
	char			 msg[512];
	int			 rc;

	if ((rc = modcmd_parse_words(cmd, n - 1, w + 1, MODCMD_S_WORDS, &mc,
	    msg, sizeof msg)) != MODCMD_OK) {
		reply(c, "%s %s", rc == MODCMD_EUSAGE ? "400" : "401", msg);
		return CONN_OK;
	}
	memset(&mr, 0, sizeof mr);
	mr.c = mr.t.c = c;
	sk.arg = &mr;
	rc = modq_exec(c->srv, actor_of(c), &mc, &sk, msg, sizeof msg);
	if (mr.listed)
		return CONN_OK;
	if (rc == MODEXEC_OK)
		reply(c, "200 %s", msg);
	else
		reply(c, "%s %s", rc == MODEXEC_ERROR ? "500" :
		    mod_fail_code(mc.action), msg);
	return CONN_OK;
}

static void
cert_row(const char *fp, int64_t added, void *arg)
{
	static const char *const names[] = { "fingerprint", "added" };
	char		 when[32];
	const char	*vals[2];
	time_t		 t = (time_t)added;

	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	vals[0] = fp;
	vals[1] = when;
	table_row(2, names, vals, arg);
}

/*
 * account cert add|del NAME FINGERPRINT, account cert list NAME: the
 * client certificates that sign NAME in with SASL EXTERNAL.
 */
static int
cmd_account_cert(struct conn *c, int argc, char **argv)
{
	struct table	 t = { c, 0, 0 };
	char		 fp[65], why[160];
	const char	*act = argv[2];
	int		 rc;

	if (strcmp(act, "list") == 0 && argc == 4) {
		reply(c, "210 certificates of %s", argv[3]);
		store_cert_list(c->srv->store, argv[3], cert_row, &t);
		reply(c, ".");
		return CONN_OK;
	}
	if ((strcmp(act, "add") != 0 && strcmp(act, "del") != 0) ||
	    argc != 5) {
		reply(c, "501 Usage: account cert add|del NAME FINGERPRINT, "
		    "account cert list NAME");
		return CONN_OK;
	}
	if (account_fingerprint_norm(argv[4], fp) != 0) {
		reply(c, "401 A fingerprint is the certificate's SHA-256 in "
		    "hex (64 digits, colons allowed)");
		return CONN_OK;
	}
	rc = account_cert(c->srv, actor_of(c), argv[3], fp,
	    strcmp(act, "add") == 0);
	if (strcmp(act, "add") == 0)
		snprintf(why, sizeof why, "No such account, or that "
		    "certificate is registered already: %s", argv[3]);
	else
		snprintf(why, sizeof why, "%s has no such certificate",
		    argv[3]);
	if (rc == STORE_NOTFOUND) {
		reply(c, "404 %s", why);
		return CONN_OK;
	}
	if (rc != STORE_OK) {
		reply(c, "500 Database error");
		return CONN_OK;
	}
	reply(c, "200 %s %s for %s", strcmp(act, "add") == 0 ?
	    "Certificate registered" : "Certificate removed", fp, argv[3]);
	return CONN_OK;
}

/* account verify-doctor NAME SPECIALTY */
static int
cmd_verify_doctor(struct conn *c, int argc, char **argv)
{
	int	rc;

	(void)argc;
	if (*argv[3] == '\0' || strlen(argv[3]) > 64 ||
	    strspn(argv[3], "abcdefghijklmnopqrstuvwxyz0123456789-") !=
	    strlen(argv[3])) {
		reply(c, "401 Specialty must be a short lowercase word such as "
		    "oncology or neurology (letters, digits, '-')");
		return CONN_OK;
	}
	rc = account_set_role(c->srv, actor_of(c), "account.verify-doctor",
	    argv[2], "doctor", argv[3]);
	if (account_refused(c, rc, argv[2]))
		return CONN_OK;
	reply(c, "200 %s is now a verified doctor (%s)", argv[2], argv[3]);
	return CONN_OK;
}

/* Send BUF as data lines of file NAME ("=file NAME" starts it). */
static void
send_file(struct conn *c, const char *name, struct evbuffer *buf)
{
	char	*line;
	size_t	 len;

	data_line(c, "=file %s", name);
	while ((line = evbuffer_readln(buf, &len, EVBUFFER_EOL_LF)) != NULL) {
		data_line(c, "%s", line);
		free(line);
	}
	if (evbuffer_get_length(buf) > 0) {
		len = evbuffer_get_length(buf);
		line = xmalloc(len + 1);
		evbuffer_remove(buf, line, len);
		line[len] = '\0';
		data_line(c, "%s", line);
		free(line);
	}
}

/*
 * account export NAME: the member's archive as two files, each sent as
 * "=file NAME" followed by its lines (see export.h for the formats).
 */
static int
cmd_export(struct conn *c, int argc, char **argv)
{
	struct evbuffer	*json = evbuffer_new(), *mbox = evbuffer_new();
	int		 rc;

	(void)argc;
	rc = export_member(c->srv, argv[2], json, mbox);
	if (!account_refused(c, rc, argv[2])) {
		store_audit(c->srv->store, actor_of(c), "account.export",
		    argv[2], NULL);
		reply(c, "210 export of %s follows", argv[2]);
		send_file(c, "member.json", json);
		send_file(c, "articles.mbox", mbox);
		reply(c, ".");
	}
	evbuffer_free(json);
	evbuffer_free(mbox);
	return CONN_OK;
}

/*
 * backup DIR: a consistent copy of the running server's state into the
 * new directory DIR (backup.h).  Only on the Unix socket: DIR is a path
 * on this machine, written by hearthd's user.
 */
static int
cmd_backup(struct conn *c, int argc, char **argv)
{
	char	err[1024];
	int	n;

	(void)argc;
	if (c->proto != PROTO_ADMIN) {
		reply(c, "502 backup is only taken over the admin socket");
		return CONN_OK;
	}
	if ((n = backup_write(c->srv, argv[1], err, sizeof err)) < 0) {
		log_warnx("backup to %s failed: %s", argv[1], err);
		reply(c, "500 backup failed: %s", err);
		return CONN_OK;
	}
	store_audit(c->srv->store, actor_of(c), "backup", argv[1], NULL);
	reply(c, "200 backup of %d files written to %s (check it with "
	    "sha256sum -c MANIFEST there)", n, argv[1]);
	return CONN_OK;
}

/* account erase NAME [mode=remove|pseudonymize] */
static int
cmd_erase(struct conn *c, int argc, char **argv)
{
	static const char *const allowed[] = { "mode", NULL };
	const char	*m = opt(argc, argv, 3, "mode");
	char		 msg[256];
	int		 mode;

	if (bad_opts(c, argc, argv, 3, allowed))
		return CONN_OK;
	if (erase_mode_parse(m != NULL ? m : c->srv->cf->erasure_mode,
	    &mode) != 0) {
		reply(c, "401 mode is remove or pseudonymize");
		return CONN_OK;
	}
	if (member_erase(c->srv, argv[2], mode, actor_of(c), msg,
	    sizeof msg) != 0)
		reply(c, "404 %s", msg);
	else
		reply(c, "200 %s", msg);
	return CONN_OK;
}

/* account probation NAME N: hold the next N posts and messages. */
static int
cmd_probation(struct conn *c, int argc, char **argv)
{
	char	*end;
	long	 n;
	int	 rc;

	(void)argc;
	n = strtol(argv[3], &end, 10);
	if (*argv[3] == '\0' || *end != '\0' || n < 0 || n > 1000) {
		reply(c, "401 N must be a number from 0 to 1000");
		return CONN_OK;
	}
	rc = account_set_probation(c->srv, actor_of(c), argv[2], (int)n);
	if (account_refused(c, rc, argv[2]))
		return CONN_OK;
	if (n > 0)
		reply(c, "200 The next %ld posts and messages of %s wait for "
		    "approval", n, argv[2]);
	else
		reply(c, "200 %s is off probation", argv[2]);
	return CONN_OK;
}

/* account lang NAME ru|en|default: the language the member reads. */
static int
cmd_account_lang(struct conn *c, int argc, char **argv)
{
	int	rc;

	(void)argc;
	rc = member_lang_set(c->srv, argv[2], argv[3], actor_of(c));
	if (rc == -1)
		reply(c, "401 LANG must be one of: %s, or default",
		    i18n_languages());
	else if (rc == -2)
		reply(c, "404 No such account: %s", argv[2]);
	else if (rc != 0)
		reply(c, "500 The language could not be saved");
	else
		reply(c, "200 %s reads %s from now on", argv[2],
		    strcmp(argv[3], "default") == 0 ? i18n_default() :
		    i18n_lang(argv[3]));
	return CONN_OK;
}

/* group list: every group, its visibility and the size of its list. */
static int
cmd_group_list(struct conn *c, int argc, char **argv)
{
	struct table	t = { c, 0, 0 };

	(void)argc;
	(void)argv;
	reply(c, "210 groups follow (access: accounts on a private "
	    "group's list)");
	store_group_table(c->srv->store, table_row, &t);
	reply(c, ".");
	return CONN_OK;
}

/*
 * group access add|remove GROUP ACCOUNT, group access list GROUP.
 * Moderators and admins read every private group without being listed.
 */
static int
cmd_group_access(struct conn *c, int argc, char **argv)
{
	struct table	 t = { c, 0, 0 };
	const char	*op = argv[2];
	char		 msg[300];
	int64_t		 gid;
	int		 code;

	if (strcmp(op, "list") == 0) {
		if (argc != 4) {
			reply(c, "400 Usage: group access list GROUP");
			return CONN_OK;
		}
		if ((code = membership_private_group(c->srv, argv[3], &gid,
		    msg, sizeof msg)) != 0) {
			reply(c, "%d %s", code, msg);
			return CONN_OK;
		}
		reply(c, "210 access list of %s (moderators and admins "
		    "always have access)", argv[3]);
		store_group_access_list(c->srv->store, gid, table_row, &t);
		reply(c, ".");
		return CONN_OK;
	}
	if ((strcmp(op, "add") != 0 && strcmp(op, "remove") != 0) ||
	    argc != 5) {
		reply(c, "400 Usage: group access add|remove GROUP ACCOUNT, "
		    "group access list GROUP");
		return CONN_OK;
	}
	code = membership_access(c->srv, actor_of(c), argv[3], argv[4],
	    strcmp(op, "add") == 0, msg, sizeof msg);
	reply(c, "%d %s", code <= 1 ? 200 : code, msg);
	return CONN_OK;
}

/*
 * account feed-token NAME new [label=L] | list | revoke ID|all: the
 * member's feed tokens, as they manage them with the Helper's FEEDTOKEN.
 */
static int
cmd_feed_token(struct conn *c, int argc, char **argv)
{
	static const char *const allowed[] = { "label", NULL };
	struct account	 a;
	struct table	 t = { c, 0, 0 };
	const char	*op = argv[3], *label;
	char		 tok[FEED_TOKEN_LEN + 1], why[200], *end;
	int64_t		 id = 0;

	if (store_account_get(c->srv->store, argv[2], &a, NULL) != STORE_OK) {
		reply(c, "404 No such account: %s", argv[2]);
		return CONN_OK;
	}
	if (strcmp(op, "new") == 0) {
		if (bad_opts(c, argc, argv, 4, allowed))
			goto out;
		label = opt(argc, argv, 4, "label");
		if (feedtoken_new(c->srv, &a, label != NULL ? label : "",
		    actor_of(c), tok, &id, why, sizeof why) != 0) {
			reply(c, "401 %s", why);
			goto out;
		}
		reply(c, "210 feed token #%lld for %s (shown once: give it to "
		    "the member)", (long long)id, a.name);
		data_line(c, "token: %s", tok);
		data_line(c, "url: https://%s/t/%s/feeds/groups/GROUP.atom",
		    c->srv->cf->server_name, tok);
		reply(c, ".");
		OPENSSL_cleanse(tok, sizeof tok);
	} else if (strcmp(op, "list") == 0 && argc == 4) {
		reply(c, "210 feed tokens of %s", a.name);
		store_feed_token_list(c->srv->store, a.id, table_row, &t);
		reply(c, ".");
	} else if (strcmp(op, "revoke") == 0 && argc == 5) {
		if (strcmp(argv[4], "all") != 0) {
			id = strtoll(argv[4], &end, 10);
			if (*argv[4] == '\0' || *end != '\0' || id <= 0) {
				reply(c, "401 Give a token number (see list) "
				    "or all");
				goto out;
			}
		}
		if (feedtoken_revoke(c->srv, &a, id, actor_of(c), why,
		    sizeof why) != 0)
			reply(c, "404 %s", why);
		else if (id > 0)
			reply(c, "200 Revoked feed token #%lld of %s",
			    (long long)id, a.name);
		else
			reply(c, "200 Revoked every feed token of %s", a.name);
	} else
		reply(c, "400 Usage: account feed-token NAME new [label=L] | "
		    "list | revoke ID|all");
out:
	account_clear(&a);
	return CONN_OK;
}

/* The answer to auth, on the loop (the password is checked on a worker). */
static void
auth_done(struct conn *c, void *arg, int rc, struct account *a,
    struct sanction_verdict *ban)
{
	struct admin_session	*as = c->pstate;
	char			 words[512];

	(void)arg;
	if (rc == AUTH_THROTTLED) {
		reply(c, "482 Too many failed attempts; try again later");
		return;
	}
	if (rc == AUTH_BUSY) {
		reply(c, "482 Too many sign-ins in progress; try again in a "
		    "moment");
		return;
	}
	if (rc == AUTH_BANNED) {
		reply(c, "481 Account %s", sanction_describe(ban, words,
		    sizeof words));
		return;
	}
	if (rc == AUTH_OK && (strcmp(a->role, "moderator") == 0 ||
	    strcmp(a->role, "admin") == 0)) {
		as->authed = 1;
		as->priv = strcmp(a->role, "admin") == 0 ? PRIV_ADMIN :
		    PRIV_MOD;
		snprintf(as->actor, sizeof as->actor, "%s", a->name);
		log_info("conn=%llu admin: %s authenticated role=%s",
		    (unsigned long long)c->id, a->name, a->role);
		store_audit(c->srv->store, a->name, "admin.login", NULL, NULL);
		reply(c, "281 Authenticated as %s (%s)", a->name, a->role);
		account_clear(a);
		return;
	}
	if (rc == AUTH_OK)
		account_clear(a);
	log_info("conn=%llu admin: authentication refused",
	    (unsigned long long)c->id);
	if (++as->failures >= 3) {
		reply(c, "481 Authentication failed; closing");
		conn_close(c, "admin auth failures");
		return;
	}
	reply(c, "481 Authentication failed (a moderator or admin account "
	    "is needed)");
}

/*
 * auth NAME PASSWORD: remote connections only, and only for moderator
 * and admin accounts.  Wrong credentials and a member account get the
 * same answer.
 */
static int
cmd_auth(struct conn *c, int argc, char **argv)
{
	struct admin_session	*as = c->pstate;
	int			 rc;

	(void)argc;
	if (as->authed) {
		OPENSSL_cleanse(argv[2], strlen(argv[2]));
		reply(c, "403 Already authenticated");
		return CONN_OK;
	}
	if (!auth_channel_ok(c->srv, c)) {
		OPENSSL_cleanse(argv[2], strlen(argv[2]));
		reply(c, "483 Passwords only over TLS");
		return CONN_OK;
	}
	rc = auth_login_start(c->srv, c, "admin", argv[1], argv[2],
	    auth_done, NULL);
	OPENSSL_cleanse(argv[2], strlen(argv[2]));
	if (rc != AUTH_PENDING)
		auth_done(c, NULL, rc, NULL, NULL);
	return conn_is_closing(c) ? CONN_GONE : CONN_OK;
}

static int
cmd_quit(struct conn *c, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	reply(c, "205 Bye");
	conn_close(c, "quit");
	return CONN_GONE;
}

static const struct admin_cmd admin_cmds[] = {
	{ "auth", NULL, cmd_auth, 3, 3, PRIV_ANY, "auth NAME PASSWORD" },
	{ "quit", NULL, cmd_quit, 1, 1, PRIV_ANY, "quit" },
	{ "status", NULL, cmd_status, 1, 1, PRIV_MOD, "status" },
	{ "backup", NULL, cmd_backup, 2, 2, PRIV_ADMIN, "backup DIR" },
	{ "account", "add", cmd_account_add, 4, 5, PRIV_ADMIN,
	  "account add NAME PASSWORD [ROLE]" },
	{ "account", "list", cmd_account_list, 2, 2, PRIV_MOD,
	  "account list" },
	{ "account", "passwd", cmd_account_passwd, 4, 4, PRIV_ADMIN,
	  "account passwd NAME PASSWORD" },
	{ "account", "role", cmd_account_role, 4, 5, PRIV_ADMIN,
	  "account role NAME ROLE [SPECIALTY]" },
	{ "account", "cert", cmd_account_cert, 4, 5, PRIV_ADMIN,
	  "account cert add|del NAME FINGERPRINT | account cert list NAME" },
	{ "account", "verify-doctor", cmd_verify_doctor, 4, 4, PRIV_ADMIN,
	  "account verify-doctor NAME SPECIALTY" },
	{ "account", "export", cmd_export, 3, 3, PRIV_ADMIN,
	  "account export NAME" },
	{ "account", "erase", cmd_erase, 3, 4, PRIV_ADMIN,
	  "account erase NAME [mode=remove|pseudonymize]" },
	{ "account", "probation", cmd_probation, 4, 4, PRIV_MOD,
	  "account probation NAME N" },
	{ "account", "lang", cmd_account_lang, 4, 4, PRIV_MOD,
	  "account lang NAME ru|en|default" },
	{ "account", "feed-token", cmd_feed_token, 4, 5, PRIV_ADMIN,
	  "account feed-token NAME new [label=L] | list | revoke ID|all" },
	{ "group", "list", cmd_group_list, 2, 2, PRIV_MOD, "group list" },
	{ "group", "access", cmd_group_access, 4, 5, PRIV_MOD,
	  "group access add|remove GROUP ACCOUNT | list GROUP" },
	{ "event", "add", cmd_event_add, 6, 10, PRIV_MOD,
	  "event add title=T starts=ISO duration=D room=#R [group=G] "
	  "[capacity=N] [facilitator=NAME] [description=TEXT]" },
	{ "event", "list", cmd_event_list, 2, 2, PRIV_MOD, "event list" },
	{ "event", "cancel", cmd_event_cancel, 3, 3, PRIV_MOD,
	  "event cancel ID" },
	{ "peer", "add", cmd_peer_add, 4, 12, PRIV_ADMIN,
	  "peer add NAME HOST:PORT [tls|plain] [path=ID] [groups=WILDMAT] "
	  "[user=U pass=P] [maxsize=BYTES]" },
	{ "peer", "list", cmd_peer_list, 2, 2, PRIV_ADMIN, "peer list" },
	{ "peer", "show", cmd_peer_show, 3, 3, PRIV_ADMIN, "peer show NAME" },
	{ "peer", "pause", cmd_peer_change, 3, 3, PRIV_ADMIN,
	  "peer pause NAME" },
	{ "peer", "resume", cmd_peer_change, 3, 3, PRIV_ADMIN,
	  "peer resume NAME" },
	{ "peer", "remove", cmd_peer_change, 3, 3, PRIV_ADMIN,
	  "peer remove NAME" },
};

static int
admin_on_open(struct conn *c)
{
	struct admin_session	*as = xcalloc(1, sizeof *as);

	c->pstate = as;
	if (c->proto == PROTO_ADMIN) {
		/* The Unix socket: whoever can open it is the operator. */
		as->authed = 1;
		as->priv = PRIV_ADMIN;
		snprintf(as->actor, sizeof as->actor, "operator");
		conn_set_idle(c, 0);
		reply(c, ADMIN_GREETING);
	} else
		reply(c, ADMIN_GREETING_REMOTE);
	return CONN_OK;
}

static void
admin_on_free(struct conn *c)
{
	free(c->pstate);
	c->pstate = NULL;
}

static void
admin_on_refuse(struct conn *c, const char *why)
{
	reply(c, "400 %s", why);
}

/*
 * May this connection run a command needing PRIV?  Replies 480 or 402
 * and returns 0 when not.
 */
static int
may_run(struct conn *c, enum admin_priv priv)
{
	struct admin_session	*as = c->pstate;

	if (priv == PRIV_ANY)
		return 1;
	if (!as->authed) {
		reply(c, "480 Authenticate first (auth NAME PASSWORD)");
		return 0;
	}
	if (as->priv < priv) {
		reply(c, "402 Only an admin may do that");
		return 0;
	}
	return 1;
}

/*
 * One request: a row of admin_cmds[], or a moderation command of the
 * shared table (modcmd.h).
 */
static int
admin_on_line(struct conn *c, char *line, size_t len)
{
	const struct modcmd	*mod;
	char			*w[ADMIN_MAX_WORDS];
	int			 n;
	size_t			 i;

	(void)len;
	if ((n = admin_split(line, w, ADMIN_MAX_WORDS)) < 0) {
		reply(c, "400 Malformed request");
		return CONN_OK;
	}
	if (n == 0) {
		reply(c, "400 Empty request");
		return CONN_OK;
	}
	for (i = 0; i < sizeof admin_cmds / sizeof admin_cmds[0]; i++) {
		const struct admin_cmd	*cmd = &admin_cmds[i];

		if (strcmp(cmd->name, w[0]) != 0)
			continue;
		if (cmd->sub != NULL && (n < 2 || strcmp(cmd->sub, w[1]) != 0))
			continue;
		if (!may_run(c, cmd->priv))
			return CONN_OK;
		if (n < cmd->min_words || n > cmd->max_words) {
			reply(c, "400 Usage: %s", cmd->usage);
			return CONN_OK;
		}
		return cmd->fn(c, n, w);
	}
	/* Moderation commands are lower case here, as they always were. */
	if ((mod = modcmd_find(w[0], MODCMD_F_ADMIN)) != NULL &&
	    strcmp(mod->name, w[0]) == 0) {
		if (!may_run(c, mod->role == MODCMD_ROLE_ADMIN ? PRIV_ADMIN :
		    PRIV_MOD))
			return CONN_OK;
		return mod_command(c, mod, n, w);
	}
	reply(c, "400 Unknown command");
	return CONN_OK;
}

static int
admin_on_line_too_long(struct conn *c)
{
	reply(c, "400 Request too long");
	return CONN_OK;
}

static size_t
admin_max_line(struct server *srv)
{
	(void)srv;
	return ADMIN_MAX_LINE;
}

const struct proto_ops admin_ops = {
	.name = "admin",
	.on_open = admin_on_open,
	.on_line = admin_on_line,
	.on_line_too_long = admin_on_line_too_long,
	.on_free = admin_on_free,
	.on_refuse = admin_on_refuse,
	.max_line = admin_max_line,
};
