/*
 * nntp.c -- the NNTP service: session state, the command table and the
 * session-level commands (CAPABILITIES, MODE, AUTHINFO, STARTTLS, DATE,
 * HELP, QUIT).
 *
 * Every command is a row of nntp_cmds[]: name, handler, argument counts,
 * what the session needs (read access, an account, a peer account) and
 * its price in rate tokens.  The dispatcher checks the row before calling
 * the handler, so handlers deal only with valid shapes.  Commands are
 * case-insensitive (RFC 3977 §3.1).  Reading commands live in
 * nntp-read.c, LIST and NEWGROUPS in nntp-list.c, POST and transit in
 * nntp-post.c.
 *
 * Long replies (OVER over a large range, LISTGROUP, big articles) are
 * produced in steps from on_drain while less than NNTP_CHUNK_HIGH is
 * queued; input is paused meanwhile, so a pipelining reader can never
 * push its own output past the connection's output cap.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "account.h"
#include "auth.h"
#include "conn.h"
#include "log.h"
#include "membership.h"
#include "nntp.h"
#include "nntp-codes.h"
#include "i18n.h"
#include "lang.h"
#include "nntp-int.h"
#include "nntp-util.h"
#include "sanction.h"
#include "sasl.h"
#include "xmalloc.h"

/* Row flags: what the session must have. */
#define NF_READ		0x01	/* read access (anonymous_read or login) */
#define NF_AUTH		0x02	/* a logged-in account */
#define NF_PEER		0x04	/* a configured peer account */
#define NF_REST		0x08	/* last argument takes the rest of line */
/*
 * Prices (see nntp_price): a cheap read, and a peer's transit command,
 * cost 1/nntp_reads_per_token of a token instead of one.
 */
#define NF_CHEAP	0x10	/* a read a newsreader pipelines */
#define NF_TRANSIT	0x20	/* cheap when the session is a peer's */

struct nntp_cmd {
	const char	*name;
	int		(*fn)(struct conn *, struct nntp_session *, int,
			    char **);
	int		 min_args;	/* not counting the command */
	int		 max_args;
	int		 flags;
	int		 cost;		/* rate tokens beyond the line's price */
	const char	*help;
};

static NNTP_HANDLER(cmd_authinfo);
static NNTP_HANDLER(cmd_capabilities);
static NNTP_HANDLER(cmd_compress);
static NNTP_HANDLER(cmd_date);
static NNTP_HANDLER(cmd_help);
static NNTP_HANDLER(cmd_mode);
static NNTP_HANDLER(cmd_quit);
static NNTP_HANDLER(cmd_starttls);
static NNTP_HANDLER(cmd_xpasswd);

static const struct nntp_cmd nntp_cmds[] = {
	{ "ARTICLE", nntp_cmd_article, 0, 1, NF_READ | NF_CHEAP, 0,
	  "[message-id|number]" },
	{ "AUTHINFO", cmd_authinfo, 1, 2, NF_REST, 4,
	  "USER name|PASS password|SASL PLAIN|SCRAM-SHA-256 [response]" },
	{ "BODY", nntp_cmd_article, 0, 1, NF_READ | NF_CHEAP, 0,
	  "[message-id|number]" },
	{ "CAPABILITIES", cmd_capabilities, 0, 1, 0, 0, "[keyword]" },
	{ "CHECK", nntp_cmd_check, 1, 1, NF_AUTH | NF_PEER | NF_TRANSIT, 0,
	  "message-id" },
	{ "COMPRESS", cmd_compress, 1, 1, 0, 0, "DEFLATE" },
	{ "DATE", cmd_date, 0, 0, 0, 0, "" },
	{ "GROUP", nntp_cmd_group, 1, 1, NF_READ | NF_CHEAP, 0, "newsgroup" },
	{ "HDR", nntp_cmd_hdr, 1, 2, NF_READ | NF_CHEAP, 0,
	  "header [message-id|range]" },
	{ "HEAD", nntp_cmd_article, 0, 1, NF_READ | NF_CHEAP, 0,
	  "[message-id|number]" },
	{ "HELP", cmd_help, 0, 0, 0, 0, "" },
	{ "IHAVE", nntp_cmd_ihave, 1, 1, NF_AUTH | NF_PEER | NF_TRANSIT, 0,
	  "message-id" },
	{ "LAST", nntp_cmd_last, 0, 0, NF_READ | NF_CHEAP, 0, "" },
	{ "LIST", nntp_cmd_list, 0, 2, 0, 0,
	  "[ACTIVE|ACTIVE.TIMES|COUNTS|DISTRIB.PATS|DISTRIBUTIONS|HEADERS|"
	  "MODERATORS|MOTD|NEWSGROUPS|OVERVIEW.FMT|SUBSCRIPTIONS] [wildmat]" },
	{ "LISTGROUP", nntp_cmd_listgroup, 0, 2, NF_READ, 0,
	  "[newsgroup [range]]" },
	{ "MODE", cmd_mode, 1, 1, 0, 0, "READER|STREAM" },
	{ "NEWGROUPS", nntp_cmd_newgroups, 2, 3, 0, 0,
	  "[yy]yymmdd hhmmss [GMT]" },
	{ "NEWNEWS", nntp_cmd_newnews, 3, 4, NF_READ, 0,
	  "wildmat [yy]yymmdd hhmmss [GMT]" },
	{ "NEXT", nntp_cmd_next, 0, 0, NF_READ | NF_CHEAP, 0, "" },
	{ "OVER", nntp_cmd_over, 0, 1, NF_READ | NF_CHEAP, 0,
	  "[message-id|range]" },
	{ "POST", nntp_cmd_post, 0, 0, NF_AUTH, 0, "" },
	{ "QUIT", cmd_quit, 0, 0, 0, 0, "" },
	{ "STARTTLS", cmd_starttls, 0, 0, 0, 0, "" },
	{ "STAT", nntp_cmd_article, 0, 1, NF_READ | NF_CHEAP, 0,
	  "[message-id|number]" },
	{ "TAKETHIS", nntp_cmd_takethis, 1, 1, NF_TRANSIT, 0, "message-id" },
	{ "XHDR", nntp_cmd_hdr, 1, 2, NF_READ | NF_CHEAP, 0,
	  "header [message-id|range]" },
	{ "XOVER", nntp_cmd_over, 0, 1, NF_READ | NF_CHEAP, 0, "[range]" },
	{ "XPASSWD", cmd_xpasswd, 2, 2, NF_REST, 4,
	  "current-password new-password (after AUTHINFO, over TLS)" },
	{ "XPAT", nntp_cmd_xpat, 3, 3, NF_READ | NF_CHEAP | NF_REST, 0,
	  "header message-id|range pattern [pattern ...]" },
};

/*
 * Queue one reply line.  A cheap command (see nntp_price) whose answer
 * refuses the command itself (5xx: unknown syntax or arguments, not
 * permitted; 480: not signed in) pays the rest of a whole token: a
 * flood of those is garbage, whatever verb it starts with.
 */
const char *
nntp_lang(struct conn *c)
{
	struct nntp_session	*s = c->pstate;

	if (s == NULL || !(s->flags & NS_AUTHED))
		return NULL;
	if (s->lang_of != s->acct.id) {
		s->lang = member_lang(c->srv, s->acct.name);
		s->lang_of = s->acct.id;
	}
	return s->lang;
}

/*
 * Is FMT a status line whose text we translate: the errors (4xx, 5xx)
 * and the replies a person reads (greeting, bye, posted, signed in).
 */
static int
reply_translated(const char *fmt)
{
	return (fmt[0] == '4' || fmt[0] == '5' ||
	    strncmp(fmt, "200 ", 4) == 0 || strncmp(fmt, "205 ", 4) == 0 ||
	    strncmp(fmt, "240 ", 4) == 0 || strncmp(fmt, "281 ", 4) == 0 ||
	    strncmp(fmt, "290 ", 4) == 0) && fmt[1] >= '0' && fmt[1] <= '9' &&
	    fmt[2] >= '0' && fmt[2] <= '9' && fmt[3] == ' ';
}

void
nntp_reply(struct conn *c, const char *fmt, ...)
{
	struct nntp_session	*s = c->pstate;
	va_list			 ap;

	if (s != NULL && s->price < 1 && (fmt[0] == '5' ||
	    strncmp(fmt, "480", 3) == 0)) {
		conn_debit(c, 1 - s->price);
		s->price = 1;
	}
	va_start(ap, fmt);
	conn_vprintf(c, reply_translated(fmt) ? i18n(nntp_lang(c), fmt) : fmt,
	    ap);
	va_end(ap);
	conn_write(c, "\r\n", 2);
}

/* Reading goes by the account: signed in and not banned since. */
static int
reads_signed_in(struct nntp_session *s)
{
	return (s->flags & (NS_AUTHED | NS_BANNED)) == NS_AUTHED;
}

/*
 * Before each command: has the session's account been banned since it
 * signed in (or the ban lifted)?  Sets or clears NS_BANNED.
 */
static void
nntp_check_banned(struct conn *c, struct nntp_session *s)
{
	if ((s->flags & NS_AUTHED) && sanction_may_sign_in(c->srv,
	    s->acct.name, NULL, &s->ban)) {
		if (!(s->flags & NS_BANNED))
			log_info("conn=%llu proto=nntp account=%s banned "
			    "while signed in", (unsigned long long)c->id,
			    s->acct.name);
		s->flags |= NS_BANNED;
	} else
		s->flags &= ~NS_BANNED;
}

int
nntp_is_moderator(struct nntp_session *s)
{
	return reads_signed_in(s) && s->acct.role != NULL &&
	    (strcmp(s->acct.role, "moderator") == 0 ||
	    strcmp(s->acct.role, "admin") == 0);
}

int
nntp_level(struct conn *c, struct nntp_session *s)
{
	if (!reads_signed_in(s))
		return membership_reader_level(c->srv, NULL);
	return membership_reader_level(c->srv, s->acct.role != NULL ?
	    s->acct.role : "member");
}

/* The account id group and article levels are computed for (0: none). */
int64_t
nntp_viewer(struct nntp_session *s)
{
	return reads_signed_in(s) ? s->acct.id : 0;
}

/*
 * Public groups are listed to everyone, members-only groups after login.
 * A private group exists only for the accounts on its access list and
 * for moderators: to anybody else it answers as an unknown group does.
 * The one exception is the report group (report_group), which every
 * member sees so as to post to it, but only moderators read.  LEVEL is
 * the group's level for this session's account (nntp_viewer()).
 */
int
nntp_can_list(struct conn *c, struct nntp_session *s, const char *name,
    int level)
{
	return membership_can_list(c->srv, reads_signed_in(s) ?
	    nntp_level(c, s) : NG_PUBLIC, name, level);
}

int
nntp_can_read(struct conn *c, struct nntp_session *s, int level)
{
	return level <= nntp_level(c, s);
}

/* Queue TEXT with every line that starts with "." doubled. */
void
nntp_write_stuffed(struct conn *c, const char *p, size_t len)
{
	struct evbuffer	*out;
	const char	*end = p + len, *q;

	if (conn_is_closing(c) || len == 0)
		return;
	out = conn_output(c);
	if (*p == '.')
		evbuffer_add(out, ".", 1);
	while ((q = memmem(p, (size_t)(end - p), "\n.", 2)) != NULL) {
		evbuffer_add(out, p, (size_t)(q - p) + 1);
		evbuffer_add(out, ".", 1);
		p = q + 1;
	}
	evbuffer_add(out, p, (size_t)(end - p));
	if (end[-1] != '\n')
		evbuffer_add(out, "\r\n", 2);
	conn_check_output(c);
}

void
nntp_write_end(struct conn *c)
{
	conn_write(c, ".\r\n", 3);
}

static void
long_reply_clear(struct nntp_session *s)
{
	s->more = NULL;
	free(s->lr_field);
	s->lr_field = NULL;
	free(s->lr_text);
	s->lr_text = NULL;
	free(s->lr_wild);
	s->lr_wild = NULL;
	s->lr_len = s->lr_off = 0;
}

size_t
nntp_chunk(struct conn *c)
{
	size_t	q = c->srv->cf->output_cap / 4;

	return q < NNTP_CHUNK_HIGH ? q : NNTP_CHUNK_HIGH;
}

/*
 * Produce the long reply under way while little output is queued; pause
 * reading commands while it lasts or while much output is queued, and
 * resume once it drained.
 */
static void
nntp_pump(struct conn *c, struct nntp_session *s)
{
	while (s->more != NULL) {
		if (conn_is_closing(c)) {
			long_reply_clear(s);
			return;
		}
		if (conn_output_len(c) >= nntp_chunk(c))
			break;
		if (s->more(c, s) != 0)
			long_reply_clear(s);
	}
	if (conn_is_closing(c))
		return;
	if (s->more != NULL || conn_output_len(c) >= 2 * nntp_chunk(c)) {
		if (!(s->flags & NS_PAUSED)) {
			s->flags |= NS_PAUSED;
			conn_pause(c);
			conn_want_drain(c, 1);
		}
	} else if (s->flags & NS_PAUSED) {
		s->flags &= ~NS_PAUSED;
		conn_want_drain(c, 0);
		conn_resume(c);
	}
}

int
nntp_long_reply(struct conn *c, struct nntp_session *s, nntp_more_fn fn)
{
	s->more = fn;
	nntp_pump(c, s);
	return CONN_OK;
}

static int
nntp_on_drain(struct conn *c)
{
	struct nntp_session	*s = c->pstate;

	if (s->more != NULL || (s->flags & NS_PAUSED))
		nntp_pump(c, s);
	return CONN_OK;
}

/* Secure enough to send a password: TLS, or loopback if allowed. */
static int
nntp_auth_allowed(struct conn *c)
{
	return auth_channel_ok(c->srv, c);
}

static int	is_peer(struct conn *, const char *);

/*
 * A private link the operator named (nntp_peer_plaintext_from): without
 * TLS, a configured peer may still sign in with AUTHINFO USER/PASS, as
 * INN's innfeed does (it has no TLS); nobody else may.  Everything but
 * the peers keeps auth_channel_ok()'s rule.
 */
static int
nntp_peer_link(struct conn *c)
{
	return !nntp_auth_allowed(c) &&
	    conn_addr_in_list(c, c->srv->cf->nntp_peer_plaintext_from);
}

/* RFC 3977 §9.8: keyword = ALPHA 2*(ALPHA / DIGIT / "." / "-"). */
static int
nntp_is_keyword(const char *w)
{
	size_t	i;

	if (!isalpha((unsigned char)w[0]))
		return 0;
	for (i = 1; w[i] != '\0'; i++)
		if (!isalnum((unsigned char)w[i]) && w[i] != '.' &&
		    w[i] != '-')
			return 0;
	return i >= 3;
}

/* RFC 3977 §5.2: advertise exactly what this session may use. */
static int
cmd_capabilities(struct conn *c, struct nntp_session *s, int argc,
    char **argv)
{
	/*
	 * §5.2.2: an argument must be a keyword (a letter, then letters,
	 * digits, dots and dashes); none is defined, so any keyword is
	 * ignored and anything else is a syntax error.
	 */
	if (argc > 1 && !nntp_is_keyword(argv[1])) {
		nntp_reply(c, NNTP_501_SYNTAX);
		return CONN_OK;
	}
	nntp_reply(c, NNTP_101_CAPS);
	nntp_reply(c, "VERSION 2");
	nntp_reply(c, "IMPLEMENTATION Hearth %s", PACKAGE_VERSION);
	nntp_reply(c, "READER");
	nntp_reply(c, "POST");
	nntp_reply(c, "HDR");
	nntp_reply(c, "OVER MSGID");
	nntp_reply(c, "NEWNEWS");
	nntp_reply(c, "XPAT");
	nntp_reply(c, "LIST ACTIVE ACTIVE.TIMES COUNTS DISTRIB.PATS "
	    "DISTRIBUTIONS HEADERS MODERATORS MOTD NEWSGROUPS OVERVIEW.FMT "
	    "SUBSCRIPTIONS");
	if (!conn_is_tls(c) && !(s->flags & (NS_AUTHED | NS_COMPRESS)))
		nntp_reply(c, "STARTTLS");
	/*
	 * RFC 4643 §2.2: after AUTHINFO only the AUTHINFO line goes; SASL
	 * stays.  RFC 8054 §2.2.2: after COMPRESS, AUTHINFO USER is no
	 * longer offered (SASL still is).
	 */
	if (!(s->flags & NS_AUTHED)) {
		if (nntp_peer_link(c))
			nntp_reply(c, "AUTHINFO USER");	/* peers only */
		else if (!nntp_auth_allowed(c))
			nntp_reply(c, "AUTHINFO");
		else if (s->flags & NS_COMPRESS)
			nntp_reply(c, "AUTHINFO SASL");
		else
			nntp_reply(c, "AUTHINFO USER SASL");
	}
	if (nntp_auth_allowed(c))
		nntp_reply(c, "SASL PLAIN SCRAM-SHA-256");
	if (!(s->flags & NS_COMPRESS))
		nntp_reply(c, "COMPRESS DEFLATE");
	/* A private extension (RFC 3977 §3.3.3): a signed-in member's own
	 * password, only where a password may cross. */
	if ((s->flags & NS_AUTHED) && nntp_auth_allowed(c))
		nntp_reply(c, "XPASSWD");
	if (s->flags & NS_PEER) {
		nntp_reply(c, "IHAVE");
		nntp_reply(c, "STREAMING");
	}
	nntp_write_end(c);
	return CONN_OK;
}

static int
cmd_quit(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	(void)s;
	(void)argc;
	(void)argv;
	nntp_reply(c, NNTP_205_BYE);
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
	nntp_reply(c, NNTP_111_DATE, buf);
	return CONN_OK;
}

static int
cmd_help(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	size_t	i;

	(void)argc;
	(void)argv;
	nntp_reply(c, NNTP_100_HELP);
	for (i = 0; i < sizeof nntp_cmds / sizeof nntp_cmds[0]; i++) {
		/* Transit commands are listed to a peer's session only, as
		 * INN's innd lists them and its nnrpd does not. */
		if ((nntp_cmds[i].flags & (NF_PEER | NF_TRANSIT)) &&
		    !(s->flags & NS_PEER))
			continue;
		nntp_reply(c, "  %s%s%s", nntp_cmds[i].name,
		    nntp_cmds[i].help[0] != '\0' ? " " : "",
		    nntp_cmds[i].help);
	}
	nntp_reply(c, "Report problems to the moderators in hearth.report.");
	nntp_write_end(c);
	return CONN_OK;
}

static int
cmd_mode(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	(void)argc;
	if (strcasecmp(argv[1], "READER") == 0) {
		nntp_reply(c, NNTP_200_READER);
		return CONN_OK;
	}
	if (strcasecmp(argv[1], "STREAM") == 0) {
		if (!(s->flags & NS_AUTHED))
			nntp_reply(c, NNTP_480_AUTH);
		else if (!(s->flags & NS_PEER))
			nntp_reply(c, NNTP_502_PEERS);
		else {
			s->flags |= NS_STREAM;
			nntp_reply(c, NNTP_203_STREAM);
		}
		return CONN_OK;
	}
	nntp_reply(c, NNTP_501_KEYWORD);
	return CONN_OK;
}

/*
 * RFC 4642 as updated by RFC 8143: 382, then the handshake; whatever
 * the session knew is forgotten, and CAPABILITIES now answers for an
 * encrypted connection.  Refused once logged in.
 */
static int
cmd_starttls(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (conn_is_tls(c)) {
		nntp_reply(c, NNTP_502_TLS_ACTIVE);
		return CONN_OK;
	}
	if (s->flags & NS_AUTHED) {
		nntp_reply(c, NNTP_502_TLS_AUTHED);
		return CONN_OK;
	}
	if (s->flags & NS_COMPRESS) {
		nntp_reply(c, NNTP_502_COMPRESSED);
		return CONN_OK;
	}
	nntp_reply(c, NNTP_382_TLS);
	nntp_session_group_clear(s);
	free(s->auth_user);
	s->auth_user = NULL;
	if (conn_starttls(c) != 0) {
		log_warnx("conn=%llu STARTTLS failed",
		    (unsigned long long)c->id);
		conn_close(c, "STARTTLS failed");
		return CONN_GONE;
	}
	return CONN_OK;
}

static int
is_peer(struct conn *c, const char *name)
{
	const char	*list = c->srv->cf->nntp_peers, *p;
	size_t		 n = strlen(name), len;

	if (list == NULL)
		return 0;
	for (p = list; *p != '\0'; p += len) {
		p += strspn(p, ", \t");
		len = strcspn(p, ", \t");
		if (len == n && strncasecmp(p, name, n) == 0)
			return 1;
	}
	return 0;
}

/* C is signed in to A (the session owns it now). */
static void
nntp_signed_in(struct conn *c, struct nntp_session *s, struct account *a)
{
	s->acct = *a;
	s->flags |= NS_AUTHED;
	if (is_peer(c, a->name))
		s->flags |= NS_PEER;
	log_info("conn=%llu proto=nntp login account=%s role=%s",
	    (unsigned long long)c->id, a->name, a->role);
}

/* The answer to a sign-in (see nntp_login), on the loop. */
static void
nntp_login_done(struct conn *c, void *arg, int rc, struct account *a,
    struct sanction_verdict *ban)
{
	struct nntp_session	*s = c->pstate;
	char			 why[512];

	(void)arg;
	if (rc == AUTH_OK) {
		nntp_signed_in(c, s, a);
		nntp_reply(c, NNTP_281_AUTH_OK, a->name);
		return;
	}
	if (rc == AUTH_ERROR) {
		nntp_reply(c, NNTP_403_FAULT);
		return;
	}
	if (rc == AUTH_BUSY) {
		/* RFC 4643 2.3.2: a temporary failure, the client may retry. */
		nntp_reply(c, NNTP_403_BUSY);
		return;
	}
	if (rc == AUTH_BANNED) {
		nntp_reply(c, NNTP_481_BANNED, sanction_describe_lang(ban, nntp_lang(c), why,
		    sizeof why));
		return;
	}
	log_info("conn=%llu proto=nntp login failed", (unsigned long long)
	    c->id);
	if (rc == AUTH_THROTTLED) {
		/* The same for any name, existing or not (see auth.h). */
		nntp_reply(c, NNTP_481_THROTTLED);
		return;
	}
	if (++s->auth_failures >= NNTP_MAX_AUTH_FAILURES) {
		nntp_reply(c, NNTP_400_AUTHFAIL);
		conn_close(c, "too many failed logins");
		return;
	}
	nntp_reply(c, NNTP_481_AUTHFAIL);
}

/*
 * Check NAME and PASS; reply 281, 481 (with the reason and end of a ban)
 * or 403 (a fault, or too many sign-ins in progress).  The password is
 * checked on a hashing worker while this connection's input waits.
 * Never logs PASS.
 */
static int
nntp_login(struct conn *c, struct nntp_session *s, const char *name,
    const char *pass)
{
	int	rc;

	(void)s;
	rc = auth_login_start(c->srv, c, "nntp", name, pass,
	    nntp_login_done, NULL);
	if (rc == AUTH_PENDING)
		return CONN_OK;
	nntp_login_done(c, NULL, rc, NULL, NULL);
	return conn_is_closing(c) ? CONN_GONE : CONN_OK;
}

/* Decode a SASL PLAIN response line and log in with it. */
static int
nntp_sasl_plain(struct conn *c, struct nntp_session *s, const char *b64)
{
	unsigned char	*raw = NULL;
	size_t		 rawlen = 0;
	char		*authz = NULL, *authc = NULL, *pass = NULL;
	int		 rc;

	if (strcmp(b64, "*") == 0) {
		nntp_reply(c, NNTP_481_CANCELLED);
		return CONN_OK;
	}
	if (strcmp(b64, "=") == 0)
		b64 = "";
	if (base64_decode(b64, strlen(b64), &raw, &rawlen) != 0) {
		nntp_reply(c, NNTP_504_BASE64);
		return CONN_OK;
	}
	if (sasl_plain_decode(raw, rawlen, &authz, &authc, &pass) != 0 ||
	    (authz[0] != '\0' && strcmp(authz, authc) != 0)) {
		nntp_reply(c, NNTP_481_AUTHFAIL);
		rc = CONN_OK;
	} else
		rc = nntp_login(c, s, authc, pass);
	if (pass != NULL)
		explicit_bzero(pass, strlen(pass));
	explicit_bzero(raw, rawlen);
	free(raw);
	free(authz);
	free(authc);
	free(pass);
	return rc;
}

/* The answer to a SCRAM proof (see auth_scram_final), on the loop. */
static void
nntp_scram_done(struct conn *c, void *arg, int rc, struct account *a,
    struct sanction_verdict *ban)
{
	struct nntp_session	*s = c->pstate;
	char			*final, *b64;

	if (rc == AUTH_OK) {
		/* RFC 4643 2.4.1: 283 carries the server-final message. */
		final = auth_scram_server_final(s->scram);
		b64 = base64_encode((const unsigned char *)final,
		    strlen(final));
		nntp_signed_in(c, s, a);
		nntp_reply(c, NNTP_283_AUTH_OK, b64);
		free(b64);
		free(final);
	} else
		nntp_login_done(c, arg, rc, a, ban);
	auth_scram_free(s->scram);
	s->scram = NULL;
}

/*
 * One SASL SCRAM-SHA-256 response line (RFC 4643 2.4, RFC 5802): the
 * client-first message is answered with 383 and the server-first one,
 * the client-final one is checked (on a worker, input waiting) and
 * answered with 283 and the server-final one, or 481.  "*" cancels.
 */
static int
nntp_sasl_scram(struct conn *c, struct nntp_session *s, const char *b64)
{
	unsigned char	*raw = NULL;
	size_t		 rawlen = 0;
	char		*first, *enc;
	int		 rc;

	if (strcmp(b64, "*") == 0) {
		auth_scram_free(s->scram);
		s->scram = NULL;
		nntp_reply(c, NNTP_481_CANCELLED);
		return CONN_OK;
	}
	if (strcmp(b64, "=") == 0)
		b64 = "";
	if (base64_decode(b64, strlen(b64), &raw, &rawlen) != 0) {
		auth_scram_free(s->scram);
		s->scram = NULL;
		nntp_reply(c, NNTP_504_BASE64);
		return CONN_OK;
	}
	if (s->scram == NULL) {
		rc = auth_scram_start(c->srv, c, "nntp", raw, rawlen, &s->scram,
		    &first);
		free(raw);
		if (rc != AUTH_OK) {
			nntp_login_done(c, NULL, rc, NULL, NULL);
			return conn_is_closing(c) ? CONN_GONE : CONN_OK;
		}
		enc = base64_encode((const unsigned char *)first,
		    strlen(first));
		nntp_reply(c, "383 %s", enc);
		free(enc);
		free(first);
		s->sasl_scram = 1;
		nntp_data_begin(c, s, ND_SASL);
		return CONN_OK;
	}
	rc = auth_scram_final(c->srv, c, s->scram, raw, rawlen,
	    nntp_scram_done, NULL);
	free(raw);
	if (rc != AUTH_PENDING)
		nntp_scram_done(c, NULL, rc, NULL, NULL);
	return conn_is_closing(c) ? CONN_GONE : CONN_OK;
}

/*
 * RFC 4643.  Passwords only cross an encrypted connection (483 without),
 * unless the operator allows loopback in clear.  The password argument is
 * the rest of the line (NF_REST) and is wiped after use.
 */
static int
cmd_authinfo(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	int	rc;

	if (s->flags & NS_AUTHED) {
		nntp_reply(c, NNTP_502_AUTHED);
		return CONN_OK;
	}
	/*
	 * On a peer link only a peer's USER and PASS are taken; its name
	 * is checked at USER and again at PASS.
	 */
	if (!nntp_auth_allowed(c) && !(nntp_peer_link(c) &&
	    argc == 3 && ((strcasecmp(argv[1], "USER") == 0 &&
	    is_peer(c, argv[2])) || (strcasecmp(argv[1], "PASS") == 0 &&
	    s->auth_user != NULL && is_peer(c, s->auth_user))))) {
		if (argc == 3 && strcasecmp(argv[1], "PASS") == 0)
			explicit_bzero(argv[2], strlen(argv[2]));
		nntp_reply(c, NNTP_483_TLS);
		return CONN_OK;
	}
	if (strcasecmp(argv[1], "USER") == 0) {
		if (s->flags & NS_COMPRESS) {
			/* RFC 8054 §2.2.2: not offered once compressed. */
			nntp_reply(c, NNTP_502_USER_COMPRESSED);
			return CONN_OK;
		}
		if (argc != 3) {
			nntp_reply(c, NNTP_501_SYNTAX);
			return CONN_OK;
		}
		free(s->auth_user);
		s->auth_user = xstrdup(argv[2]);
		nntp_reply(c, NNTP_381_PASS);
		return CONN_OK;
	}
	if (strcasecmp(argv[1], "PASS") == 0) {
		if (argc != 3) {
			nntp_reply(c, NNTP_501_SYNTAX);
			return CONN_OK;
		}
		if (s->auth_user == NULL) {
			explicit_bzero(argv[2], strlen(argv[2]));
			nntp_reply(c, NNTP_482_SEQUENCE);
			return CONN_OK;
		}
		rc = nntp_login(c, s, s->auth_user, argv[2]);
		explicit_bzero(argv[2], strlen(argv[2]));
		if (rc == CONN_OK) {
			free(s->auth_user);
			s->auth_user = NULL;
		}
		return rc;
	}
	if (strcasecmp(argv[1], "SASL") == 0) {
		char	*mech, *ir;

		if (argc != 3) {
			nntp_reply(c, NNTP_501_SYNTAX);
			return CONN_OK;
		}
		mech = argv[2];
		ir = mech + strcspn(mech, " \t");
		if (*ir != '\0') {
			*ir++ = '\0';
			ir += strspn(ir, " \t");
		}
		if (strcasecmp(mech, "SCRAM-SHA-256") == 0) {
			auth_scram_free(s->scram);
			s->scram = NULL;
			s->sasl_scram = 1;
		} else if (strcasecmp(mech, "PLAIN") == 0)
			s->sasl_scram = 0;
		else {
			nntp_reply(c, NNTP_503_MECH);
			return CONN_OK;
		}
		if (*ir == '\0') {
			nntp_reply(c, NNTP_383_SASL);
			nntp_data_begin(c, s, ND_SASL);
			return CONN_OK;
		}
		rc = s->sasl_scram ? nntp_sasl_scram(c, s, ir) :
		    nntp_sasl_plain(c, s, ir);
		explicit_bzero(ir, strlen(ir));
		return rc;
	}
	nntp_reply(c, NNTP_501_KEYWORD);
	return CONN_OK;
}

/* Forget the new password XPASSWD held. */
static void
pw_new_drop(struct nntp_session *s)
{
	if (s->pw_new == NULL)
		return;
	explicit_bzero(s->pw_new, strlen(s->pw_new));
	free(s->pw_new);
	s->pw_new = NULL;
}

/* XPASSWD, last step: the new hash is ready (or NULL). */
static void
xpasswd_hashed(struct conn *c, void *arg, const struct pw_secret *pw)
{
	struct nntp_session	*s = c->pstate;

	(void)arg;
	/* The hash and SCRAM keys with their audit line (account.c). */
	if (pw == NULL || account_set_password(c->srv, s->acct.name,
	    s->acct.name, pw, "by the member over NNTP") != STORE_OK) {
		nntp_reply(c, NNTP_403_FAULT);
		return;
	}
	log_info("conn=%llu proto=nntp password changed account=%s",
	    (unsigned long long)c->id, s->acct.name);
	nntp_reply(c, NNTP_290_PASSWD, s->acct.name);
}

/* XPASSWD, second step: the current password was checked. */
static void
xpasswd_checked(struct conn *c, void *arg, int rc, struct account *a,
    struct sanction_verdict *ban)
{
	struct nntp_session	*s = c->pstate;
	char			 why[512];

	(void)arg;
	if (rc == AUTH_OK)
		account_clear(a);
	if (rc == AUTH_THROTTLED)
		nntp_reply(c, NNTP_481_THROTTLED);
	else if (rc == AUTH_ERROR)
		nntp_reply(c, NNTP_403_FAULT);
	else if (rc == AUTH_BUSY)
		nntp_reply(c, NNTP_403_BUSY);
	else if (rc == AUTH_BANNED)
		nntp_reply(c, NNTP_481_BANNED, sanction_describe_lang(ban, nntp_lang(c), why,
		    sizeof why));
	else if (rc != AUTH_OK)
		nntp_reply(c, NNTP_481_OLDPASS);
	else if (account_password_acceptable(s->pw_new,
	    c->srv->cf->password_min_length, why, sizeof why) != 0)
		nntp_reply(c, NNTP_591_PASSWD, why);
	else if (auth_hash_start(c->srv, c, s->pw_new, xpasswd_hashed,
	    NULL) != AUTH_PENDING)
		nntp_reply(c, NNTP_403_BUSY);
	pw_new_drop(s);
}

/*
 * XPASSWD current new: a signed-in member changes their own password.
 * The new password is the rest of the line (it may hold spaces; the
 * current one may not: such members use the IRC Helper or an operator).
 * Checked like a sign-in (a wrong current password counts towards the
 * throttle), then against the password rules; both hashes run on the
 * workers.  Both are wiped.
 */
static int
cmd_xpasswd(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	int	rc;

	(void)argc;
	if (!nntp_auth_allowed(c)) {
		nntp_reply(c, NNTP_483_TLS);
		goto out;
	}
	if (!(s->flags & NS_AUTHED)) {
		nntp_reply(c, NNTP_480_AUTH);
		goto out;
	}
	pw_new_drop(s);
	s->pw_new = xstrdup(argv[2]);
	rc = auth_login_start(c->srv, c, "nntp", s->acct.name, argv[1],
	    xpasswd_checked, NULL);
	if (rc != AUTH_PENDING)
		xpasswd_checked(c, NULL, rc, NULL, NULL);
out:
	explicit_bzero(argv[1], strlen(argv[1]));
	explicit_bzero(argv[2], strlen(argv[2]));
	return CONN_OK;
}

static int
cmd_compress(struct conn *c, struct nntp_session *s, int argc, char **argv)
{
	(void)argc;
	if (strcasecmp(argv[1], "DEFLATE") != 0) {
		/* RFC 8054 §2.2.2: an unknown algorithm is 503. */
		nntp_reply(c, NNTP_503_ALGORITHM);
		return CONN_OK;
	}
	if (s->flags & NS_COMPRESS) {
		nntp_reply(c, NNTP_502_COMPRESSED);
		return CONN_OK;
	}
	/* The reply goes out uncompressed; all after it is compressed. */
	nntp_reply(c, NNTP_206_COMPRESS);
	if (conn_compress(c) != 0) {
		conn_close(c, "COMPRESS failed");
		return CONN_GONE;
	}
	s->flags |= NS_COMPRESS;
	return CONN_OK;
}

static const struct nntp_cmd *
nntp_find(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof nntp_cmds / sizeof nntp_cmds[0]; i++)
		if (strcasecmp(nntp_cmds[i].name, name) == 0)
			return &nntp_cmds[i];
	return NULL;
}

/*
 * What a command line costs from the connection's token bucket.  A
 * newsreader pipelines its reads (ARTICLE, HEAD, OVER ... down a
 * thread): each costs 1/nntp_reads_per_token of a token, so a reader
 * is never slowed (at the defaults 4,000 at once, 1,000 a second
 * after) while anything else, a garbage line included, costs a whole
 * one as before; so do the transit commands, except from a peer, whose
 * streaming feed pipelines them by design.  AUTHINFO and XPASSWD cost
 * their row's extra tokens on top.
 */
static double
nntp_price(struct conn *c, struct nntp_session *s, const struct nntp_cmd *cmd)
{
	if (cmd != NULL && ((cmd->flags & NF_CHEAP) ||
	    ((cmd->flags & NF_TRANSIT) && (s->flags & NS_PEER))))
		return 1.0 / c->srv->cf->nntp_reads_per_token;
	return 1;
}

/* proto_ops.line_cost: the price of the command LINE (see nntp_price). */
static double
nntp_line_cost(struct conn *c, const char *line, size_t len)
{
	struct nntp_session	*s = c->pstate;
	char			 verb[16];
	size_t			 n;

	(void)len;
	if (s == NULL || s->data != ND_NONE)
		return 1;
	line += strspn(line, " \t");
	n = strcspn(line, " \t");
	if (n == 0 || n >= sizeof verb)
		return 1;
	memcpy(verb, line, n);
	verb[n] = '\0';
	return nntp_price(c, s, nntp_find(verb));
}

void
nntp_data_begin(struct conn *c, struct nntp_session *s, enum nntp_data d)
{
	s->data = d;
	s->len = 0;
	s->data_error = NULL;
	if (d != ND_SASL) {
		conn_set_max_line(c, NNTP_DATA_MAX_LINE);
		conn_set_free_lines(c, 1);
	} else
		/*
		 * RFC 4643 §2.4.2: the response after 383 is not a command
		 * line; a long password makes it longer than 512 octets.  It
		 * is bounded like IRC's AUTHENTICATE total.
		 */
		conn_set_max_line(c, SASL_BUF_MAX);
}

void
nntp_data_end(struct conn *c, struct nntp_session *s)
{
	if (s->data != ND_SASL) {
		conn_set_max_line(c, 0);
		conn_set_free_lines(c, 0);
	}
	s->data = ND_NONE;
	s->data_error = NULL;
	s->len = 0;
	if (s->cap > 1024 * 1024) {
		free(s->buf);
		s->buf = NULL;
		s->cap = 0;
	}
}

/* One line of article data: unstuff it and add it with CR LF. */
static int
nntp_data_line(struct conn *c, struct nntp_session *s, char *line,
    size_t len)
{
	size_t	max = c->srv->cf->max_article_size;
	int	rc;

	if (s->data == ND_SASL) {
		s->data = ND_NONE;
		conn_set_max_line(c, 0);
		rc = s->sasl_scram ? nntp_sasl_scram(c, s, line) :
		    nntp_sasl_plain(c, s, line);
		explicit_bzero(line, len);
		return rc;
	}
	if (len == 1 && line[0] == '.')
		return nntp_post_done(c, s);
	if (line[0] == '.') {
		line++;
		len--;
	}
	if (s->data_error != NULL)
		return CONN_OK;
	if (s->len + len + 2 > max) {
		s->data_error = "the article is too large";
		return CONN_OK;
	}
	if (s->len + len + 2 > s->cap) {
		s->cap = s->cap == 0 ? 16384 : s->cap;
		while (s->cap < s->len + len + 2)
			s->cap *= 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, line, len);
	memcpy(s->buf + s->len + len, "\r\n", 2);
	s->len += len + 2;
	return CONN_OK;
}

static int
nntp_on_open(struct conn *c)
{
	struct nntp_session	*s;

	c->pstate = s = xcalloc(1, sizeof(struct nntp_session));
	s->price = 1;
	nntp_reply(c, NNTP_200_READY, c->srv->cf->server_name);
	return CONN_OK;
}

/* For nntp_split_command(): where an NF_REST verb's rest of line starts. */
static int
nntp_rest_at(const char *verb)
{
	const struct nntp_cmd	*cmd = nntp_find(verb);

	return cmd != NULL && (cmd->flags & NF_REST) ? cmd->max_args : -1;
}

static int	nntp_dispatch(struct conn *, struct nntp_session *,
		    const struct nntp_cmd *, int, char **);

static int
nntp_on_line(struct conn *c, char *line, size_t len)
{
	struct nntp_session	*s = c->pstate;
	const struct nntp_cmd	*cmd = NULL;
	char			*argv[NNTP_MAX_ARGS];
	int			 argc, rc;

	if (s->data != ND_NONE) {
		rc = nntp_data_line(c, s, line, len);
		if (rc == CONN_OK)
			nntp_pump(c, s);
		return rc;
	}
	argc = nntp_split_command(line, argv, NNTP_MAX_ARGS, nntp_rest_at);
	if (argc != 0)
		cmd = nntp_find(argv[0]);
	if (argc == 0 || cmd == NULL) {
		nntp_reply(c, NNTP_500_UNKNOWN);
		return CONN_OK;
	}
	/* What the line was charged, until its handler returns. */
	s->price = nntp_price(c, s, cmd);
	rc = nntp_dispatch(c, s, cmd, argc, argv);
	if (rc != CONN_GONE)
		s->price = 1;
	return rc;
}

/* Check CMD's row against the session, then run it. */
static int
nntp_dispatch(struct conn *c, struct nntp_session *s,
    const struct nntp_cmd *cmd, int argc, char **argv)
{
	int	rc;

	if (argc < 0 || argc - 1 < cmd->min_args ||
	    argc - 1 > cmd->max_args) {
		nntp_reply(c, NNTP_501_SYNTAX);
		return CONN_OK;
	}
	nntp_check_banned(c, s);
	if ((s->flags & NS_BANNED) && (cmd->flags & NF_READ) &&
	    nntp_level(c, s) < 0) {
		/* Signing in again cannot help: say why, not 480. */
		char	why[512];

		nntp_reply(c, NNTP_502_BANNED, sanction_describe_lang(&s->ban, nntp_lang(c), why,
		    sizeof why));
		return CONN_OK;
	}
	if (((cmd->flags & NF_AUTH) && !(s->flags & NS_AUTHED)) ||
	    ((cmd->flags & NF_READ) && nntp_level(c, s) < 0)) {
		nntp_reply(c, NNTP_480_AUTH);
		return CONN_OK;
	}
	if ((cmd->flags & NF_PEER) && !(s->flags & NS_PEER)) {
		nntp_reply(c, NNTP_502_PEERS);
		return CONN_OK;
	}
	if (cmd->cost > 0 && conn_charge(c, cmd->cost) != 0) {
		nntp_reply(c, NNTP_502_RATE);
		return CONN_OK;
	}
	rc = cmd->fn(c, s, argc, argv);
	if (rc == CONN_OK)
		nntp_pump(c, s);
	return rc;
}

static int
nntp_on_line_too_long(struct conn *c)
{
	struct nntp_session	*s = c->pstate;

	if (s->data != ND_NONE && s->data != ND_SASL) {
		/* Keep reading to the dot line, then refuse the article. */
		s->data_error = "a line is too long";
		return CONN_OK;
	}
	if (s->data == ND_SASL) {
		/* A response past SASL_BUF_MAX ends the exchange. */
		s->data = ND_NONE;
		conn_set_max_line(c, 0);
	}
	/* RFC 3977 §3.2.1: 501 for a command line that is too long. */
	nntp_reply(c, NNTP_501_TOO_LONG);
	return CONN_OK;
}

static int
nntp_on_idle(struct conn *c)
{
	nntp_reply(c, NNTP_400_IDLE);
	conn_close(c, "idle");
	return CONN_GONE;
}

static void
nntp_on_shutdown(struct conn *c)
{
	nntp_reply(c, NNTP_400_SHUTDOWN);
}

static void
nntp_on_refuse(struct conn *c, const char *why)
{
	nntp_reply(c, NNTP_400_REFUSED, why);
}

static void
nntp_on_free(struct conn *c)
{
	struct nntp_session	*s = c->pstate;

	if (s == NULL)
		return;
	long_reply_clear(s);
	nntp_transfers_drop(c, s);
	nntp_batch_forget(c);
	nntp_session_group_clear(s);
	account_clear(&s->acct);
	free(s->auth_user);
	auth_scram_free(s->scram);
	pw_new_drop(s);
	free(s->buf);
	free(s);
	c->pstate = NULL;
}

static size_t
nntp_max_line(struct server *srv)
{
	return srv->cf->nntp_max_line;
}

const struct proto_ops nntp_ops = {
	.name = "nntp",
	.on_open = nntp_on_open,
	.on_line = nntp_on_line,
	.on_line_too_long = nntp_on_line_too_long,
	.on_drain = nntp_on_drain,
	.on_idle = nntp_on_idle,
	.on_shutdown = nntp_on_shutdown,
	.on_refuse = nntp_on_refuse,
	.on_free = nntp_on_free,
	.max_line = nntp_max_line,
	.line_cost = nntp_line_cost,
};
