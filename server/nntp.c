/*
 * nntp.c -- the NNTP service: session state and the command table.
 *
 * Every command is a row of nntp_cmds[]: name, handler and argument
 * count.  The dispatcher checks the row before calling the handler, so
 * handlers deal only with valid shapes.  Commands are case-insensitive
 * (RFC 3977 §3.1).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "conn.h"
#include "log.h"
#include "nntp.h"
#include "nntp-codes.h"
#include "xmalloc.h"

#define NNTP_MAX_ARGS	16

struct nntp_session {
	int	mode_reader;
};

struct nntp_cmd {
	const char	*name;
	int		(*fn)(struct conn *, struct nntp_session *, int,
			    char **);
	int		 min_args;	/* not counting the command */
	int		 max_args;
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

/* RFC 3977 §5.2: the list ends with a line holding a single dot. */
static int
cmd_capabilities(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	(void)s;
	(void)argc;
	(void)argv;
	reply(c, "101 Capability list:");
	reply(c, "VERSION 2");
	reply(c, "IMPLEMENTATION Hearth %s", PACKAGE_VERSION);
	reply(c, ".");
	return CONN_OK;
}

static int
cmd_quit(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	(void)s;
	(void)argc;
	(void)argv;
	reply(c, NNTP_205_BYE);
	conn_close(c, "QUIT");
	return CONN_GONE;
}

/* RFC 3977 §7.1: DATE answers 111 yyyymmddhhmmss in UTC. */
static int
cmd_date(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	time_t		now = time(NULL);
	struct tm	tm;
	char		buf[32];

	(void)s;
	(void)argc;
	(void)argv;
	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
	reply(c, "111 %s", buf);
	return CONN_OK;
}

static const struct nntp_cmd nntp_cmds[] = {
	{ "CAPABILITIES", cmd_capabilities, 0, 1 },
	{ "DATE", cmd_date, 0, 0 },
	{ "QUIT", cmd_quit, 0, 0 },
};

static const struct nntp_cmd *
nntp_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof nntp_cmds / sizeof nntp_cmds[0]; i++)
		if (strcasecmp(nntp_cmds[i].name, name) == 0)
			return &nntp_cmds[i];
	return NULL;
}

static int
nntp_on_open(struct conn *c)
{
	c->pstate = xcalloc(1, sizeof(struct nntp_session));
	reply(c, NNTP_200_READY, c->srv->cf->server_name);
	return CONN_OK;
}

static int
nntp_on_line(struct conn *c, char *line, size_t len)
{
	struct nntp_session	*s = c->pstate;
	const struct nntp_cmd	*cmd;
	char			*argv[NNTP_MAX_ARGS], *p = line;
	int			 argc = 0;

	(void)len;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (argc == NNTP_MAX_ARGS) {
			reply(c, NNTP_501_SYNTAX);
			return CONN_OK;
		}
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	if (argc == 0) {
		reply(c, NNTP_500_UNKNOWN);
		return CONN_OK;
	}
	if ((cmd = nntp_find(argv[0])) == NULL) {
		reply(c, NNTP_500_UNKNOWN);
		return CONN_OK;
	}
	if (argc - 1 < cmd->min_args || argc - 1 > cmd->max_args) {
		reply(c, NNTP_501_SYNTAX);
		return CONN_OK;
	}
	return cmd->fn(c, s, argc, argv);
}

static int
nntp_on_line_too_long(struct conn *c)
{
	reply(c, NNTP_500_TOO_LONG);
	return CONN_OK;
}

static int
nntp_on_idle(struct conn *c)
{
	reply(c, NNTP_400_IDLE);
	conn_close(c, "idle");
	return CONN_GONE;
}

static void
nntp_on_shutdown(struct conn *c)
{
	reply(c, NNTP_400_SHUTDOWN);
}

static void
nntp_on_refuse(struct conn *c, const char *why)
{
	reply(c, NNTP_400_REFUSED, why);
}

static void
nntp_on_free(struct conn *c)
{
	free(c->pstate);
	c->pstate = NULL;
}

const struct proto_ops nntp_ops = {
	.name = "nntp",
	.on_open = nntp_on_open,
	.on_line = nntp_on_line,
	.on_line_too_long = nntp_on_line_too_long,
	.on_idle = nntp_on_idle,
	.on_shutdown = nntp_on_shutdown,
	.on_refuse = nntp_on_refuse,
	.on_free = nntp_on_free,
};
