/*
 * irc-query.c -- questions about users and the server: WHO (with WHOX),
 * WHOIS, WHOWAS, ISON, USERHOST, MOTD, LUSERS, VERSION, TIME, ADMIN and
 * INFO.  Nothing here ever shows an address: hosts are cloaks, and the
 * WHOX ip field is always 255.255.255.255.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "i18n.h"
#include "irc-int.h"
#include "lang.h"
#include "irc-numeric.h"
#include "xmalloc.h"

/* Do A and B share a channel? */
static int
share_channel(struct irc_client *a, struct irc_client *b)
{
	size_t	i;

	if (a == b)
		return 1;
	for (i = 0; i < a->nchans; i++)
		if (irc_member_find(b, a->chans[i]->ch) != NULL)
			return 1;
	return 0;
}

struct who_req {
	struct irc_client	*cl;
	const char		*mask;
	int			 whox;
	char			 fields[16];
	char			 token[8];
	size_t			 count;
};

/* One WHO reply (352, or 354 with the WHOX fields asked for). */
static void
who_reply(struct who_req *w, struct irc_client *u, struct irc_channel *ch,
    struct irc_member *mb)
{
	struct irc_client	*cl = w->cl;
	char			 flags[8], pfx[4], out[600], tmp[64];
	const char		*f;
	size_t			 n = 0;

	flags[0] = u->away != NULL ? 'G' : 'H';
	flags[1] = '\0';
	if (u->flags & CL_OPER)
		strcat(flags, "*");
	if (u->flags & CL_BOT)
		strcat(flags, "B");	/* the BOT=B flag (IRCv3 bot mode) */
	if (mb != NULL) {
		irc_prefix_string(cl, mb->prefix, pfx, sizeof pfx);
		strcat(flags, pfx);
	}
	if (!w->whox) {
		irc_numeric(cl, RPL_WHOREPLY, ch != NULL ? ch->name : "*",
		    u->user, u->host, irc_srvname(cl), u->nick, flags,
		    u->realname);
		return;
	}
	out[0] = '\0';
	/* Fields always in the order t c u i h s n f d l a o r. */
	for (f = "tcuihsnfdlaor"; *f != '\0'; f++) {
		const char	*v = NULL;

		if (strchr(w->fields, *f) == NULL)
			continue;
		switch (*f) {
		case 't':
			v = w->token[0] != '\0' ? w->token : "0";
			break;
		case 'c':
			v = ch != NULL ? ch->name : "*";
			break;
		case 'u':
			v = u->user;
			break;
		case 'i':
			v = "255.255.255.255";
			break;
		case 'h':
			v = u->host;
			break;
		case 's':
			v = irc_srvname(cl);
			break;
		case 'n':
			v = u->nick;
			break;
		case 'f':
			v = flags;
			break;
		case 'd':
			v = "0";
			break;
		case 'l':
			snprintf(tmp, sizeof tmp, "%lld", (long long)(time(NULL)
			    - u->last_active));
			v = tmp;
			break;
		case 'a':
			v = u->account != NULL ? u->account : "0";
			break;
		case 'o':
			v = "n/a";
			break;
		case 'r':
			n += (size_t)snprintf(out + n, sizeof out - n, "%s:%s",
			    n > 0 ? " " : "", u->realname);
			continue;
		}
		n += (size_t)snprintf(out + n, sizeof out - n, "%s%s",
		    n > 0 ? " " : "", v);
		if (n >= sizeof out)
			n = sizeof out - 1;
	}
	irc_numeric(cl, RPL_WHOSPCRPL, out);
}

static int
who_matches(struct who_req *w, struct irc_client *u)
{
	if (strcmp(w->mask, "*") == 0 || strcmp(w->mask, "0") == 0)
		return 1;
	return irc_mask_match(IRC_CASEMAP, w->mask, u->nick) ||
	    irc_mask_match(IRC_CASEMAP, w->mask, u->host) ||
	    irc_mask_match(IRC_CASEMAP, w->mask, u->user) ||
	    irc_mask_match(IRC_CASEMAP, w->mask, u->realname) ||
	    irc_mask_match(IRC_CASEMAP, w->mask, irc_srvname(u));
}

static void
who_one(const char *key, void *val, void *arg)
{
	struct who_req		*w = arg;
	struct irc_client	*u = val;

	(void)key;
	if (!irc_is_registered(u) || w->count >= 500)
		return;
	if ((u->flags & CL_INVISIBLE) && !share_channel(w->cl, u))
		return;
	if (!who_matches(w, u))
		return;
	w->count++;
	who_reply(w, u, NULL, NULL);
}

int
cmd_who(struct irc_client *cl, struct irc_msg *m)
{
	struct who_req		 w;
	struct irc_channel	*ch;
	struct irc_client	*u;
	const char		*opt, *comma;
	size_t			 i;
	int			 member;

	memset(&w, 0, sizeof w);
	w.cl = cl;
	w.mask = (m->nparams > 0 && m->params[0][0] != '\0') ?
	    m->params[0] : "*";
	if (m->nparams > 1 && (opt = strchr(m->params[1], '%')) != NULL) {
		w.whox = 1;
		comma = strchr(opt, ',');
		snprintf(w.fields, sizeof w.fields, "%.*s", comma != NULL ?
		    (int)(comma - opt - 1) : (int)strlen(opt + 1), opt + 1);
		if (comma != NULL)
			snprintf(w.token, sizeof w.token, "%s", comma + 1);
		/* A token is digits only, at most 3 of them. */
		for (i = 0; w.token[i] != '\0'; i++)
			if (!isdigit((unsigned char)w.token[i]) || i >= 3)
				w.token[0] = '\0';
	}
	if (w.mask[0] == '#') {
		ch = irc_channel_find(cl->is, w.mask);
		if (ch != NULL && irc_channel_visible(ch, cl)) {
			member = irc_member_find(cl, ch) != NULL;
			for (i = 0; i < ch->nmembers; i++) {
				u = ch->members[i]->cl;
				if (!member && (u->flags & CL_INVISIBLE))
					continue;
				who_reply(&w, u, ch, ch->members[i]);
			}
		}
	} else if ((u = irc_find_nick(cl->is, w.mask)) != NULL &&
	    irc_is_registered(u)) {
		who_reply(&w, u, NULL, NULL);
	} else
		strmap_foreach(cl->is->nicks, who_one, &w);
	irc_numeric(cl, RPL_ENDOFWHO, w.mask);
	return CONN_OK;
}

int
cmd_whois(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_client	*u;
	struct irc_channel	*ch;
	char			 chans[400], pfx[4], nick[IRC_NICKLEN + 1];
	const char		*target;
	size_t			 i, len = 0;
	char			 what[128];

	/* RFC 2812 3.6.2: no nick at all is ERR_NONICKNAMEGIVEN too. */
	if (m->nparams == 0) {
		irc_numeric(cl, ERR_NONICKNAMEGIVEN);
		return CONN_OK;
	}
	target = m->nparams > 1 ? m->params[1] : m->params[0];
	if (*target == '\0') {
		irc_numeric(cl, ERR_NONICKNAMEGIVEN);
		return CONN_OK;
	}
	snprintf(nick, sizeof nick, "%.*s", (int)strcspn(target, ","),
	    target);
	u = irc_find_nick(cl->is, nick);
	if (u == NULL || !irc_is_registered(u)) {
		irc_numeric(cl, ERR_NOSUCHNICK, nick);
		irc_numeric(cl, RPL_ENDOFWHOIS, nick);
		return CONN_OK;
	}
	irc_numeric(cl, RPL_WHOISUSER, u->nick, u->user, u->host,
	    u->realname);
	chans[0] = '\0';
	for (i = 0; i < u->nchans; i++) {
		ch = u->chans[i]->ch;
		if (!irc_channel_visible(ch, cl))
			continue;
		/*
		 * An invisible user's channels are shown only to members
		 * of them (RFC 2812 3.1.5 user mode 'i'), as WHO does.
		 */
		if (u != cl && (u->flags & CL_INVISIBLE) &&
		    irc_member_find(cl, ch) == NULL)
			continue;
		irc_prefix_string(cl, u->chans[i]->prefix, pfx, sizeof pfx);
		if (len + strlen(ch->name) + 4 > 300) {
			irc_numeric(cl, RPL_WHOISCHANNELS, u->nick, chans);
			len = 0;
			chans[0] = '\0';
		}
		len += (size_t)snprintf(chans + len, sizeof chans - len,
		    "%s%s%s", len > 0 ? " " : "", pfx, ch->name);
	}
	if (len > 0)
		irc_numeric(cl, RPL_WHOISCHANNELS, u->nick, chans);
	irc_numeric(cl, RPL_WHOISSERVER, u->nick, irc_srvname(cl),
	    u->conn->srv->cf->network_name);
	if (u->flags & CL_OPER)
		irc_numeric(cl, RPL_WHOISOPERATOR, u->nick);
	if (u->flags & CL_BOT)
		irc_numeric(cl, RPL_WHOISBOT, u->nick);
	if (u->away != NULL)
		irc_numeric(cl, RPL_AWAY, u->nick, u->away);
	if (u->account != NULL)
		irc_numeric(cl, RPL_WHOISACCOUNT, u->nick, u->account);
	if (u->role == ROLE_DOCTOR) {
		char	badge[200];

		doctor_badge(irc_lang(cl), u->specialty, badge, sizeof badge);
		snprintf(what, sizeof what, i18n(irc_lang(cl), "is a %s"),
		    badge);
		irc_numeric(cl, RPL_WHOISSPECIAL, u->nick, what);
	} else if (u->role == ROLE_MODERATOR || u->role == ROLE_ADMIN)
		irc_numeric(cl, RPL_WHOISSPECIAL, u->nick,
		    i18n(irc_lang(cl), "is a Hearth moderator"));
	if (conn_is_tls(u->conn))
		irc_numeric(cl, RPL_WHOISSECURE, u->nick);
	irc_numeric(cl, RPL_WHOISIDLE, u->nick, (long long)(time(NULL) -
	    u->last_active), (long long)u->signon);
	irc_numeric(cl, RPL_ENDOFWHOIS, u->nick);
	return CONN_OK;
}

int
cmd_whowas(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_server	*is = cl->is;
	struct irc_whowas	*w;
	size_t			 i, idx;
	long			 max = 0, found = 0;

	if (m->nparams > 1)
		max = atol(m->params[1]);
	for (i = 0; i < IRC_WHOWAS_MAX; i++) {
		idx = (is->whowas_next + IRC_WHOWAS_MAX - 1 - i) %
		    IRC_WHOWAS_MAX;
		w = &is->whowas[idx];
		if (w->nick == NULL || irc_casecmp(IRC_CASEMAP, w->nick,
		    m->params[0]) != 0)
			continue;
		irc_numeric(cl, RPL_WHOWASUSER, w->nick, w->user, w->host,
		    w->realname);
		irc_numeric(cl, RPL_WHOISSERVER, w->nick, irc_srvname(cl),
		    cl->conn->srv->cf->network_name);
		if (++found == max && max > 0)
			break;
	}
	if (found == 0)
		irc_numeric(cl, ERR_WASNOSUCHNICK, m->params[0]);
	irc_numeric(cl, RPL_ENDOFWHOWAS, m->params[0]);
	return CONN_OK;
}

int
cmd_ison(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_client	*u;
	char			 out[450], *copy, *t, *save;
	size_t			 i, len = 0;

	out[0] = '\0';
	for (i = 0; i < m->nparams; i++) {
		copy = xstrdup(m->params[i]);
		save = NULL;
		for (t = strtok_r(copy, " ", &save); t != NULL;
		    t = strtok_r(NULL, " ", &save)) {
			u = irc_find_nick(cl->is, t);
			if (u == NULL || !irc_is_registered(u) ||
			    len + strlen(u->nick) + 2 > sizeof out)
				continue;
			len += (size_t)snprintf(out + len, sizeof out - len,
			    "%s%s", len > 0 ? " " : "", u->nick);
		}
		free(copy);
	}
	irc_numeric(cl, RPL_ISON, out);
	return CONN_OK;
}

int
cmd_userhost(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_client	*u;
	char			 out[450];
	size_t			 i, len = 0;

	out[0] = '\0';
	for (i = 0; i < m->nparams && i < 5; i++) {
		u = irc_find_nick(cl->is, m->params[i]);
		if (u == NULL || !irc_is_registered(u))
			continue;
		len += (size_t)snprintf(out + len, sizeof out - len,
		    "%s%s%s=%c%s@%s", len > 0 ? " " : "", u->nick,
		    (u->flags & CL_OPER) ? "*" : "", u->away != NULL ? '-' :
		    '+', u->user, u->host);
		if (len >= sizeof out)
			len = sizeof out - 1;
	}
	irc_numeric(cl, RPL_USERHOST, out);
	return CONN_OK;
}

/* A query naming another server: we are the only one. */
static int
other_server(struct irc_client *cl, struct irc_msg *m)
{
	if (m->nparams > 0 && m->params[0][0] != '\0' &&
	    strcasecmp(m->params[0], irc_srvname(cl)) != 0 &&
	    !irc_mask_match(IRC_CASEMAP, m->params[0], irc_srvname(cl))) {
		irc_numeric(cl, ERR_NOSUCHSERVER, m->params[0]);
		return 1;
	}
	return 0;
}

int
cmd_motd(struct irc_client *cl, struct irc_msg *m)
{
	if (!other_server(cl, m))
		irc_send_motd(cl);
	return CONN_OK;
}

int
cmd_lusers(struct irc_client *cl, struct irc_msg *m)
{
	(void)m;
	irc_send_lusers(cl);
	return CONN_OK;
}

int
cmd_version(struct irc_client *cl, struct irc_msg *m)
{
	if (other_server(cl, m))
		return CONN_OK;
	irc_numeric(cl, RPL_VERSION, "hearthd-" PACKAGE_VERSION,
	    irc_srvname(cl), "Hearth community server (IRCv3, history)");
	irc_send_isupport(cl);
	return CONN_OK;
}

int
cmd_time(struct irc_client *cl, struct irc_msg *m)
{
	time_t		now = time(NULL);
	struct tm	tm;
	char		buf[64];

	if (other_server(cl, m))
		return CONN_OK;
	gmtime_r(&now, &tm);
	strftime(buf, sizeof buf, "%A %B %d %Y -- %H:%M:%S +00:00", &tm);
	irc_numeric(cl, RPL_TIME, irc_srvname(cl), (long long)now, buf);
	return CONN_OK;
}

int
cmd_admin(struct irc_client *cl, struct irc_msg *m)
{
	struct config	*cf = cl->conn->srv->cf;

	if (other_server(cl, m))
		return CONN_OK;
	irc_numeric(cl, RPL_ADMINME, irc_srvname(cl));
	irc_numeric(cl, RPL_ADMINLOC1, cf->network_name);
	irc_numeric(cl, RPL_ADMINLOC2, "Ask a moderator in any room");
	irc_numeric(cl, RPL_ADMINEMAIL, "The operators use hearthmod");
	return CONN_OK;
}

int
cmd_info(struct irc_client *cl, struct irc_msg *m)
{
	struct config	*cf = cl->conn->srv->cf;

	if (other_server(cl, m))
		return CONN_OK;
	irc_numeric(cl, RPL_INFO, "hearthd " PACKAGE_VERSION
	    ": a community server for people living with serious illness");
	irc_numeric(cl, RPL_INFO, "NNTP support groups, IRC meetup rooms "
	    "with history, feeds");
	if (cf->disclaimer != NULL)
		irc_numeric(cl, RPL_INFO, i18n(irc_lang(cl), cf->disclaimer));
	if (cf->hotline != NULL)
		irc_numeric(cl, RPL_INFO, cf->hotline);
	irc_numeric(cl, RPL_ENDOFINFO);
	return CONN_OK;
}

/*
 * LINKS: this network is one server, so there is nothing to list; the
 * reply is the end marker alone, "<client> * :End of /LINKS list"
 * (RFC 2812 section 3.4.5, Modern IRC RPL_ENDOFLINKS).
 */
int
cmd_links(struct irc_client *cl, struct irc_msg *m)
{
	(void)m;
	irc_numeric(cl, RPL_ENDOFLINKS, "*");
	return CONN_OK;
}

/* HELP texts: a command's syntax, then one line on what it does. */
static const struct help_entry {
	const char	*name;
	const char	*syntax;
	const char	*text;
} help_entries[] = {
	{ "AWAY", "AWAY [:<message>]",
	    "Mark yourself away with a message, or back without one." },
	{ "HELP", "HELP [<subject>]", "Show help on a command." },
	{ "INFO", "INFO", "Show information about this server." },
	{ "INVITE", "INVITE <nick> <channel>",
	    "Invite someone to a channel you are on." },
	{ "ISON", "ISON <nick>{ <nick>}", "Which of these nicks are online." },
	{ "JOIN", "JOIN <channel>{,<channel>} [<key>{,<key>}]",
	    "Join channels; JOIN 0 leaves them all." },
	{ "KICK", "KICK <channel> <nick>{,<nick>} [:<comment>]",
	    "Remove someone from a channel (channel operators)." },
	{ "LIST", "LIST [<channel or mask>{,...}] [<n|>n|C<n|T<n]",
	    "List channels, optionally filtered." },
	{ "LUSERS", "LUSERS", "Show how many users are connected." },
	{ "MODE", "MODE <target> [<modes> [<arguments>]]",
	    "Show or change channel or user modes." },
	{ "MONITOR", "MONITOR {+|-} <nick>{,<nick>} | C | L | S",
	    "Be told when nicks come online or leave." },
	{ "MOTD", "MOTD", "Show the message of the day." },
	{ "NAMES", "NAMES [<channel>{,<channel>}]",
	    "List who is on a channel." },
	{ "NICK", "NICK <nick>", "Change your nick." },
	{ "NOTICE", "NOTICE <target>{,<target>} :<text>",
	    "Send a notice; nothing ever answers one automatically." },
	{ "PART", "PART <channel>{,<channel>} [:<reason>]",
	    "Leave channels." },
	{ "PING", "PING <token>", "The server answers PONG <token>." },
	{ "PRIVMSG", "PRIVMSG <target>{,<target>} :<text>",
	    "Send a message to a channel or a nick." },
	{ "QUIT", "QUIT [:<reason>]", "Leave the server." },
	{ "RENAME", "RENAME <channel> <new name> [:<reason>]",
	    "Rename a channel (channel operators; moderators for a room)." },
	{ "TIME", "TIME", "Show the server's time." },
	{ "TOPIC", "TOPIC <channel> [:<topic>]",
	    "Show or set a channel's topic." },
	{ "USERHOST", "USERHOST <nick>{ <nick>}",
	    "Show nicks' user@host (hosts are cloaks)." },
	{ "VERSION", "VERSION", "Show the server's version." },
	{ "WALLOPS", "WALLOPS :<text>",
	    "Tell everyone with user mode +w (operators)." },
	{ "WEBPUSH", "WEBPUSH REGISTER <endpoint> <keys> | UNREGISTER "
	    "<endpoint>", "Be told by Web Push of private messages and "
	    "mentions while you are away (when the server offers it)." },
	{ "WHO", "WHO <mask> [%<fields>[,<token>]]",
	    "List users matching a mask or on a channel." },
	{ "WHOIS", "WHOIS <nick>", "Show information about a nick." },
	{ "WHOWAS", "WHOWAS <nick> [<count>]",
	    "Show who recently used a nick." },
};

/*
 * HELP and HELPOP [<subject>] (Modern IRC, HELP message): RPL_HELPSTART,
 * RPL_HELPTXT lines, RPL_ENDOFHELP, each naming the subject ("*" with
 * none); ERR_HELPNOTFOUND for a subject we have no text for.
 */
int
cmd_help(struct irc_client *cl, struct irc_msg *m)
{
	const char	*subject;
	char		 line[128];
	size_t		 i, len, n = sizeof help_entries / sizeof help_entries[0];

	if (m->nparams == 0 || m->params[0][0] == '\0') {
		irc_numeric(cl, RPL_HELPSTART, "*", "Hearth IRC help");
		irc_numeric(cl, RPL_HELPTXT, "*", "");
		irc_numeric(cl, RPL_HELPTXT, "*",
		    "HELP <command> explains a command.  Commands:");
		len = 0;
		for (i = 0; i < n; i++) {
			if (len > 50) {
				irc_numeric(cl, RPL_HELPTXT, "*", line);
				len = 0;
			}
			len += (size_t)snprintf(line + len, sizeof line - len,
			    " %s", help_entries[i].name);
		}
		irc_numeric(cl, RPL_HELPTXT, "*", line);
		irc_numeric(cl, RPL_ENDOFHELP, "*", "End of /HELP");
		return CONN_OK;
	}
	subject = m->params[0];
	for (i = 0; i < n; i++)
		if (strcasecmp(help_entries[i].name, subject) == 0)
			break;
	if (i == n) {
		irc_numeric(cl, ERR_HELPNOTFOUND, subject);
		return CONN_OK;
	}
	irc_numeric(cl, RPL_HELPSTART, help_entries[i].name,
	    help_entries[i].syntax);
	irc_numeric(cl, RPL_HELPTXT, help_entries[i].name, "");
	irc_numeric(cl, RPL_HELPTXT, help_entries[i].name,
	    help_entries[i].text);
	irc_numeric(cl, RPL_ENDOFHELP, help_entries[i].name, "End of /HELP");
	return CONN_OK;
}
