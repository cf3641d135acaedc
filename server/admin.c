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

#include <openssl/crypto.h>

#include "account.h"
#include "irc.h"
#include "admin.h"
#include "admin-protocol.h"
#include "log.h"
#include "store.h"
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
	irc_account_changed(c->srv, argv[2]);
	reply(c, "200 %s now has role %s", argv[2], argv[3]);
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
