/*
 * admin.c -- the admin socket service used by hearthmod.
 *
 * The protocol is described in admin-protocol.h.  Whoever can open the
 * socket (mode 0660 in the state directory) is an operator; the commands
 * are rows of admin_cmds[].
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
#include "admin.h"
#include "admin-protocol.h"
#include "feed.h"
#include "log.h"
#include "store.h"
#include "utf8.h"
#include "xmalloc.h"

struct admin_cmd {
	const char	*name;		/* first word */
	const char	*sub;		/* second word, or NULL */
	int		(*fn)(struct conn *, int, char **);
	int		 min_words;	/* including name and sub */
	int		 max_words;
	const char	*usage;
};

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

static int
cmd_status(struct conn *c, int argc, char **argv)
{
	struct server	*srv = c->srv;

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
	data_line(c, "database.size %lld", (long long)store_db_size(
	    srv->store));
	data_line(c, "database.schema %d", store_schema_version(srv->store));
	reply(c, ".");
	return CONN_OK;
}

static int
cmd_account_add(struct conn *c, int argc, char **argv)
{
	const char	*name = argv[2], *pw = argv[3];
	const char	*role = argc > 4 ? argv[4] : "member";
	char		*hash, why[128];
	int		 rc;

	if (!account_name_valid(name)) {
		reply(c, "401 Invalid account name: use 2-30 letters, digits, "
		    "'-' or '_', starting with a letter");
		return CONN_OK;
	}
	if (!account_role_valid(role)) {
		reply(c, "401 Role must be member, doctor, moderator or admin");
		return CONN_OK;
	}
	if (account_password_acceptable(pw, why, sizeof why) != 0) {
		reply(c, "401 %s", why);
		return CONN_OK;
	}
	hash = account_hash_password(pw, c->srv->cf->scrypt_log2n);
	OPENSSL_cleanse(argv[3], strlen(argv[3]));
	if (hash == NULL) {
		reply(c, "500 Password hashing failed");
		return CONN_OK;
	}
	rc = store_account_create(c->srv->store, name, hash, role, NULL);
	free(hash);
	if (rc == STORE_EXISTS) {
		reply(c, "403 Account %s already exists", name);
		return CONN_OK;
	}
	if (rc != STORE_OK) {
		reply(c, "500 Database error");
		return CONN_OK;
	}
	store_audit(c->srv->store, "admin", "account.add", name, role);
	log_info("admin: account added name=%s role=%s", name, role);
	reply(c, "200 Account %s created with role %s", name, role);
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
	char	*hash, why[128];
	int	 rc;

	(void)argc;
	if (account_password_acceptable(argv[3], why, sizeof why) != 0) {
		reply(c, "401 %s", why);
		return CONN_OK;
	}
	hash = account_hash_password(argv[3], c->srv->cf->scrypt_log2n);
	OPENSSL_cleanse(argv[3], strlen(argv[3]));
	if (hash == NULL) {
		reply(c, "500 Password hashing failed");
		return CONN_OK;
	}
	rc = store_account_set_password(c->srv->store, argv[2], hash);
	free(hash);
	if (rc == STORE_NOTFOUND) {
		reply(c, "404 No such account: %s", argv[2]);
		return CONN_OK;
	}
	if (rc != STORE_OK) {
		reply(c, "500 Database error");
		return CONN_OK;
	}
	store_audit(c->srv->store, "admin", "account.passwd", argv[2], NULL);
	reply(c, "200 Password changed for %s", argv[2]);
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
	rc = store_account_set_role(c->srv->store, argv[2], argv[3], spec);
	if (rc == STORE_NOTFOUND) {
		reply(c, "404 No such account: %s", argv[2]);
		return CONN_OK;
	}
	if (rc != STORE_OK) {
		reply(c, "500 Database error");
		return CONN_OK;
	}
	store_audit(c->srv->store, "admin", "account.role", argv[2], argv[3]);
	reply(c, "200 %s now has role %s", argv[2], argv[3]);
	return CONN_OK;
}

/*
 * "2026-12-01T18:00Z", "2026-12-01T18:00:00+01:00", "2026-12-01 18:00"
 * (UTC when no zone is given).  Returns (time_t)-1 when malformed.
 */
static time_t
parse_iso_time(const char *s)
{
	struct tm	 tm;
	int		 y, mo, d, h, mi, sec = 0, n = 0, oh = 0, om = 0;
	char		 sep;
	const char	*z;
	time_t		 t;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi,
	    &n) != 6 || (sep != 'T' && sep != ' ' && sep != 't'))
		return (time_t)-1;
	z = s + n;
	if (*z == ':') {
		if (sscanf(z, ":%2d%n", &sec, &n) != 1)
			return (time_t)-1;
		z += n;
	}
	if (y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0)
		return (time_t)-1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return t;
	if (*z == '\0' || strcmp(z, "Z") == 0 || strcmp(z, "z") == 0)
		return t;
	if ((*z == '+' || *z == '-') && sscanf(z + 1, "%2d:%2d", &oh, &om) ==
	    2 && strlen(z) == 6 && oh < 24 && om < 60)
		return *z == '+' ? t - (oh * 3600 + om * 60) :
		    t + (oh * 3600 + om * 60);
	return (time_t)-1;
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

struct room_find {
	const char	*name;
	int		 found;
};

static void
room_find_cb(const struct room_info *r, void *arg)
{
	struct room_find	*rf = arg;

	if (strcasecmp(r->name, rf->name) == 0)
		rf->found = 1;
}

static void
group_find_cb(const struct group_info *g, void *arg)
{
	struct room_find	*rf = arg;

	if (strcmp(g->name, rf->name) == 0)
		rf->found = 1;
}

/*
 * event add title=T starts=ISO duration=D room=#R [group=G]
 *     [capacity=N] [facilitator=NAME] [description=TEXT]
 */
static int
cmd_event_add(struct conn *c, int argc, char **argv)
{
	struct event_info	 ev;
	struct room_find	 rf;
	const char		*starts = NULL, *dur = NULL;
	unsigned char		 rnd[12];
	char			 uid[64];
	int			 i;

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
	if ((ev.starts = parse_iso_time(starts)) == (time_t)-1) {
		reply(c, "401 starts must look like 2026-12-01T18:00Z or "
		    "2026-12-01T18:00+01:00");
		return CONN_OK;
	}
	if ((ev.duration = parse_duration(dur)) < 0) {
		reply(c, "401 duration must look like 90m, 1h30m or 2h (at "
		    "most 7 days)");
		return CONN_OK;
	}
	if (ev.capacity < 0) {
		reply(c, "401 capacity must be a positive number");
		return CONN_OK;
	}
	rf.name = ev.room;
	rf.found = 0;
	store_room_list(c->srv->store, room_find_cb, &rf);
	if (!rf.found) {
		reply(c, "404 No such room: %s", ev.room);
		return CONN_OK;
	}
	if (ev.group != NULL) {
		rf.name = ev.group;
		rf.found = 0;
		store_group_list(c->srv->store, group_find_cb, &rf);
		if (!rf.found) {
			reply(c, "404 No such group: %s", ev.group);
			return CONN_OK;
		}
	}
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		reply(c, "500 No randomness for the event id");
		return CONN_OK;
	}
	for (i = 0; i < (int)sizeof rnd; i++)
		snprintf(uid + i * 2, 3, "%02x", rnd[i]);
	snprintf(uid + sizeof rnd * 2, sizeof uid - sizeof rnd * 2, "@%s",
	    c->srv->cf->server_name);
	ev.uid = uid;
	if (store_event_add(c->srv->store, &ev) != STORE_OK) {
		reply(c, "500 Database error");
		return CONN_OK;
	}
	server_content_changed(c->srv);
	store_audit(c->srv->store, "admin", "event.add", ev.title, NULL);
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
	int	 rc;

	(void)argc;
	id = strtoll(argv[2], &end, 10);
	if (*argv[2] == '\0' || *end != '\0' || id <= 0) {
		reply(c, "401 Event id must be a number");
		return CONN_OK;
	}
	rc = store_event_cancel(c->srv->store, id);
	if (rc == STORE_NOTFOUND) {
		reply(c, "404 No such event, or already cancelled: %lld", id);
		return CONN_OK;
	}
	if (rc != STORE_OK) {
		reply(c, "500 Database error");
		return CONN_OK;
	}
	server_content_changed(c->srv);
	store_audit(c->srv->store, "admin", "event.cancel", argv[2], NULL);
	reply(c, "200 Event %lld cancelled", id);
	return CONN_OK;
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
	{ "status", NULL, cmd_status, 1, 1, "status" },
	{ "account", "add", cmd_account_add, 4, 5,
	  "account add NAME PASSWORD [ROLE]" },
	{ "account", "list", cmd_account_list, 2, 2, "account list" },
	{ "account", "passwd", cmd_account_passwd, 4, 4,
	  "account passwd NAME PASSWORD" },
	{ "account", "role", cmd_account_role, 4, 5,
	  "account role NAME ROLE [SPECIALTY]" },
	{ "event", "add", cmd_event_add, 6, 10,
	  "event add title=T starts=ISO duration=D room=#R [group=G] "
	  "[capacity=N] [facilitator=NAME] [description=TEXT]" },
	{ "event", "list", cmd_event_list, 2, 2, "event list" },
	{ "event", "cancel", cmd_event_cancel, 3, 3, "event cancel ID" },
	{ "quit", NULL, cmd_quit, 1, 1, "quit" },
};

static int
admin_on_open(struct conn *c)
{
	conn_set_idle(c, 0);
	reply(c, ADMIN_GREETING);
	return CONN_OK;
}

static int
admin_on_line(struct conn *c, char *line, size_t len)
{
	char		*w[ADMIN_MAX_WORDS];
	int		 n;
	size_t		 i;

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
		if (n < cmd->min_words || n > cmd->max_words) {
			reply(c, "400 Usage: %s", cmd->usage);
			return CONN_OK;
		}
		return cmd->fn(c, n, w);
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

const struct proto_ops admin_ops = {
	.name = "admin",
	.on_open = admin_on_open,
	.on_line = admin_on_line,
	.on_line_too_long = admin_on_line_too_long,
};
