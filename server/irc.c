/*
 * irc.c -- the IRC service: client state, registration and the command
 * table.
 *
 * Every command is a row of irc_cmds[]: name, handler, minimum
 * parameters and whether registration must be complete.  The dispatcher
 * enforces the row (ERR_NEEDMOREPARAMS, ERR_NOTREGISTERED) before the
 * handler runs.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "conn.h"
#include "irc.h"
#include "irc-numeric.h"
#include "log.h"
#include "xmalloc.h"

#define IRC_MAXPARAMS	15
#define IRC_NICKLEN	30

struct irc_server {
	struct server	*srv;
	char		 created[64];
};

struct irc_client {
	char	 nick[IRC_NICKLEN + 1];
	char	*user;
	char	*realname;
	int	 registered;
	int	 ping_sent;
};

struct irc_cmd {
	const char	*name;
	int		(*fn)(struct conn *, struct irc_client *, int,
			    char **);
	int		 min_params;
	int		 need_reg;
};

static const char *
srvname(struct conn *c)
{
	return c->srv->cf->server_name;
}

static const char *
nick_or_star(struct irc_client *cl)
{
	return cl->nick[0] != '\0' ? cl->nick : "*";
}

static void
send_line(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
send_line(struct conn *c, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	conn_vprintf(c, fmt, ap);
	va_end(ap);
	conn_write(c, "\r\n", 2);
}

static void
numeric(struct conn *c, const char *num, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
numeric(struct conn *c, const char *num, const char *fmt, ...)
{
	struct irc_client	*cl = c->pstate;
	va_list			 ap;

	conn_printf(c, ":%s %s %s ", srvname(c), num, nick_or_star(cl));
	va_start(ap, fmt);
	conn_vprintf(c, fmt, ap);
	va_end(ap);
	conn_write(c, "\r\n", 2);
}

static int
nick_valid(const char *n)
{
	size_t	i, len = strlen(n);

	if (len == 0 || len > IRC_NICKLEN)
		return 0;
	if (!isalpha((unsigned char)n[0]) && strchr("[]\\`_^{|}", n[0]) ==
	    NULL)
		return 0;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)n[i]) &&
		    strchr("[]\\`_^{|}-", n[i]) == NULL)
			return 0;
	return 1;
}

static void
try_register(struct conn *c, struct irc_client *cl)
{
	struct irc_server	*is = c->srv->irc;

	if (cl->registered || cl->nick[0] == '\0' || cl->user == NULL)
		return;
	cl->registered = 1;
	numeric(c, RPL_WELCOME, ":Welcome to the %s IRC network, %s",
	    c->srv->cf->network_name, cl->nick);
	numeric(c, RPL_YOURHOST, ":Your host is %s, running version "
	    "hearthd-%s", srvname(c), PACKAGE_VERSION);
	numeric(c, RPL_CREATED, ":This server was created %s", is->created);
	numeric(c, RPL_MYINFO, "%s hearthd-%s i nt", srvname(c),
	    PACKAGE_VERSION);
	numeric(c, RPL_ISUPPORT, "CASEMAPPING=rfc1459 CHANTYPES=# "
	    "NICKLEN=%d NETWORK=%s UTF8ONLY :are supported by this server",
	    IRC_NICKLEN, c->srv->cf->network_name);
}

static int
cmd_nick(struct conn *c, struct irc_client *cl, int argc, char **argv)
{
	(void)argc;
	if (!nick_valid(argv[1])) {
		numeric(c, ERR_ERRONEUSNICKNAME, "%s :Erroneous nickname",
		    argv[1]);
		return CONN_OK;
	}
	snprintf(cl->nick, sizeof cl->nick, "%s", argv[1]);
	try_register(c, cl);
	return CONN_OK;
}

static int
cmd_user(struct conn *c, struct irc_client *cl, int argc, char **argv)
{
	(void)argc;
	if (cl->registered) {
		numeric(c, ERR_ALREADYREGISTERED, ":You may not reregister");
		return CONN_OK;
	}
	free(cl->user);
	free(cl->realname);
	cl->user = xstrdup(argv[1]);
	cl->realname = xstrdup(argv[4]);
	try_register(c, cl);
	return CONN_OK;
}

static int
cmd_ping(struct conn *c, struct irc_client *cl, int argc, char **argv)
{
	(void)cl;
	(void)argc;
	send_line(c, ":%s PONG %s :%s", srvname(c), srvname(c), argv[1]);
	return CONN_OK;
}

static int
cmd_pong(struct conn *c, struct irc_client *cl, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	cl->ping_sent = 0;
	return CONN_OK;
}

static int
cmd_quit(struct conn *c, struct irc_client *cl, int argc, char **argv)
{
	(void)cl;
	send_line(c, "ERROR :Closing Link: %s (Quit: %s)", nick_or_star(cl),
	    argc > 1 ? argv[1] : "Client Quit");
	conn_close(c, "QUIT");
	return CONN_GONE;
}

static const struct irc_cmd irc_cmds[] = {
	{ "NICK", cmd_nick, 1, 0 },
	{ "PING", cmd_ping, 1, 0 },
	{ "PONG", cmd_pong, 0, 0 },
	{ "QUIT", cmd_quit, 0, 0 },
	{ "USER", cmd_user, 4, 0 },
};

static int
irc_on_open(struct conn *c)
{
	c->pstate = xcalloc(1, sizeof(struct irc_client));
	return CONN_OK;
}

/*
 * Split a message into parameters (RFC 1459 §2.3.1): a leading ':'
 * introduces the last parameter, which may hold spaces.  Tags and a
 * source prefix from clients are skipped here.
 */
static int
irc_split(char *line, char **argv)
{
	char	*p = line;
	int	 argc = 0;

	if (*p == '@') {
		p = strchr(p, ' ');
		if (p == NULL)
			return 0;
	}
	while (*p == ' ')
		p++;
	if (*p == ':') {
		p = strchr(p, ' ');
		if (p == NULL)
			return 0;
	}
	while (*p != '\0' && argc < IRC_MAXPARAMS + 1) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (*p == ':' && argc > 0) {
			argv[argc++] = p + 1;
			break;
		}
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	return argc;
}

static int
irc_on_line(struct conn *c, char *line, size_t len)
{
	struct irc_client	*cl = c->pstate;
	char			*argv[IRC_MAXPARAMS + 2];
	int			 argc;
	size_t			 i;

	(void)len;
	if ((argc = irc_split(line, argv)) == 0)
		return CONN_OK;
	for (i = 0; i < sizeof irc_cmds / sizeof irc_cmds[0]; i++) {
		if (strcasecmp(irc_cmds[i].name, argv[0]) != 0)
			continue;
		if (irc_cmds[i].need_reg && !cl->registered) {
			numeric(c, ERR_NOTREGISTERED, ":You have not "
			    "registered");
			return CONN_OK;
		}
		if (argc - 1 < irc_cmds[i].min_params) {
			numeric(c, ERR_NEEDMOREPARAMS, "%s :Not enough "
			    "parameters", irc_cmds[i].name);
			return CONN_OK;
		}
		return irc_cmds[i].fn(c, cl, argc, argv);
	}
	if (!cl->registered)
		numeric(c, ERR_NOTREGISTERED, ":You have not registered");
	else
		numeric(c, ERR_UNKNOWNCOMMAND, "%s :Unknown command", argv[0]);
	return CONN_OK;
}

static int
irc_on_line_too_long(struct conn *c)
{
	numeric(c, ERR_INPUTTOOLONG, ":Input line was too long");
	return CONN_OK;
}

static int
irc_on_idle(struct conn *c)
{
	struct irc_client	*cl = c->pstate;

	if (!cl->registered || cl->ping_sent) {
		send_line(c, "ERROR :Closing Link: %s (Ping timeout)",
		    nick_or_star(cl));
		conn_close(c, "ping timeout");
		return CONN_GONE;
	}
	cl->ping_sent = 1;
	send_line(c, "PING :%s", srvname(c));
	conn_set_idle(c, c->srv->cf->idle_timeout);
	return CONN_OK;
}

static int
irc_on_flood(struct conn *c)
{
	struct irc_client	*cl = c->pstate;

	send_line(c, "ERROR :Closing Link: %s (Excess Flood)",
	    nick_or_star(cl));
	conn_close(c, "excess flood");
	return CONN_GONE;
}

static void
irc_on_shutdown(struct conn *c)
{
	send_line(c, "ERROR :Server shutting down");
}

static void
irc_on_refuse(struct conn *c, const char *why)
{
	send_line(c, "ERROR :Closing Link: (%s)", why);
}

static void
irc_on_free(struct conn *c)
{
	struct irc_client	*cl = c->pstate;

	if (cl != NULL) {
		free(cl->user);
		free(cl->realname);
		free(cl);
	}
	c->pstate = NULL;
}

struct irc_server *
irc_server_create(struct server *srv)
{
	struct irc_server	*is;
	struct tm		 tm;

	is = xcalloc(1, sizeof *is);
	is->srv = srv;
	gmtime_r(&srv->started, &tm);
	strftime(is->created, sizeof is->created, "%Y-%m-%d %H:%M:%S UTC",
	    &tm);
	return is;
}

void
irc_server_free(struct irc_server *is)
{
	free(is);
}

const struct proto_ops irc_ops = {
	.name = "irc",
	.on_open = irc_on_open,
	.on_line = irc_on_line,
	.on_line_too_long = irc_on_line_too_long,
	.on_flood = irc_on_flood,
	.on_idle = irc_on_idle,
	.on_shutdown = irc_on_shutdown,
	.on_refuse = irc_on_refuse,
	.on_free = irc_on_free,
};
