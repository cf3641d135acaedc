/*
 * irc-user.c -- commands about the user and messages: NICK, USER, PASS,
 * PRIVMSG, NOTICE, TAGMSG, AWAY, SETNAME, user MODE, OPER, KILL,
 * MONITOR; host cloaks and nick reservation.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "account.h"
#include "auth.h"
#include "i18n.h"
#include "irc-int.h"
#include "irc-numeric.h"
#include "log.h"
#include "names.h"
#include "store.h"
#include "xmalloc.h"

/*
 * The host others see (DESIGN: no client IP is ever shown).  Logged in:
 * member/<account>, doctor/<specialty>/<account> for verified doctors,
 * staff/<account> for moderators and admins.  Otherwise a keyed hash of
 * the address: stable for one address, useless for finding it.  That
 * one is written anon.<hex>, without a slash, so it stays a valid
 * host name for WHO/WHOWAS readers that check the host's characters.
 */
void
irc_cloak(struct irc_client *cl, char *buf, size_t len)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	char		 spec[64];
	size_t		 i;

	if (cl->account != NULL) {
		if (cl->role == ROLE_DOCTOR && cl->specialty != NULL &&
		    *cl->specialty != '\0') {
			for (i = 0; i + 1 < sizeof spec &&
			    cl->specialty[i] != '\0'; i++) {
				int	ch = tolower((unsigned char)
				    cl->specialty[i]);

				spec[i] = (char)(isalnum(ch) ? ch : '-');
			}
			spec[i] = '\0';
			snprintf(buf, len, "doctor/%s/%s", spec, cl->account);
		} else if (cl->role == ROLE_MODERATOR || cl->role == ROLE_ADMIN)
			snprintf(buf, len, "staff/%s", cl->account);
		else
			snprintf(buf, len, "member/%s", cl->account);
		return;
	}
	HMAC(EVP_sha256(), cl->is->cloak_key, sizeof cl->is->cloak_key,
	    (const unsigned char *)cl->conn->ip, strlen(cl->conn->ip), md,
	    &mdlen);
	snprintf(buf, len, "anon.%02x%02x%02x%02x%02x%02x%02x%02x", md[0],
	    md[1], md[2], md[3], md[4], md[5], md[6], md[7]);
}

/* Is NICK an account name that CL is not logged into? */
int
irc_nick_reserved(struct irc_client *cl, const char *nick)
{
	struct server	*srv = cl->conn->srv;
	struct account	 a;
	int		 active;

	if (irc_is_service_nick(srv, nick))
		return 1;
	if (!srv->cf->irc_nick_reservation)
		return 0;
	if (cl->account != NULL && names_casecmp(cl->account, nick) == 0)
		return 0;
	if (!account_name_valid(nick))
		return 0;
	/* A sign-up still waiting for approval does not show. */
	if (store_account_get(srv->store, nick, &a, NULL) != STORE_OK)
		return 0;
	active = strcmp(a.status, "active") == 0;
	account_clear(&a);
	return active;
}

/*
 * Change the displayed host.  Clients with chghost get CHGHOST; the
 * others see the user quit and join again (IRCv3 chghost fallback).
 * The user itself gets RPL_VISIBLEHOST (396) when TELL is set; a change
 * that ends a SASL exchange goes without it (see irc-sasl.c login()).
 */
void
irc_set_host(struct irc_client *cl, const char *newhost, int tell)
{
	struct irc_event	 chg, quit, join, ejoin;
	struct irc_channel	*ch;
	struct irc_member	*mb;
	struct irc_client	*to;
	uint32_t		 mark;
	char			*old, pfx[8];
	size_t			 i, j;

	if (cl->host != NULL && strcmp(cl->host, newhost) == 0)
		return;
	if (!irc_is_registered(cl)) {
		free(cl->host);
		cl->host = xstrdup(newhost);
		return;
	}
	old = xstrdup(irc_prefix(cl));
	irc_event_init(&chg, ":%s CHGHOST %s %s", old, cl->user, newhost);
	irc_event_init(&quit, ":%s QUIT :Changing host", old);
	free(cl->host);
	cl->host = xstrdup(newhost);
	free(old);

	mark = irc_next_mark(cl->is);
	cl->mark = mark;
	if (HASCAP(cl, CAP_CHGHOST))
		irc_event_send(&chg, cl);
	for (i = 0; i < cl->nchans; i++) {
		ch = cl->chans[i]->ch;
		for (j = 0; j < ch->nmembers; j++) {
			to = ch->members[j]->cl;
			if (to->mark == mark)
				continue;
			to->mark = mark;
			irc_event_send(HASCAP(to, CAP_CHGHOST) ? &chg : &quit,
			    to);
		}
	}
	irc_event_watchers(&chg, cl, CAP_CHGHOST, mark);
	/* Those who saw the quit now see the joins. */
	for (i = 0; i < cl->nchans; i++) {
		mb = cl->chans[i];
		ch = mb->ch;
		irc_event_init(&join, ":%s JOIN %s", irc_prefix(cl), ch->name);
		irc_event_init(&ejoin, ":%s JOIN %s %s :%s", irc_prefix(cl),
		    ch->name, cl->account != NULL ? cl->account : "*",
		    cl->realname);
		for (j = 0; j < ch->nmembers; j++) {
			to = ch->members[j]->cl;
			if (to == cl || HASCAP(to, CAP_CHGHOST))
				continue;
			irc_event_send(HASCAP(to, CAP_EXTENDED_JOIN) ? &ejoin :
			    &join, to);
			if (mb->prefix != 0) {
				snprintf(pfx, sizeof pfx, "+%s%s",
				    mb->prefix & PFX_OP ? "o" : "",
				    mb->prefix & PFX_VOICE ? "v" : "");
				irc_sendf(to, ":%s MODE %s %s%s%s",
				    irc_srvname(to), ch->name, pfx,
				    mb->prefix & PFX_OP ? " " : "",
				    mb->prefix & PFX_OP ? cl->nick : "");
				if (mb->prefix & PFX_VOICE)
					irc_sendf(to, ":%s MODE %s +v %s",
					    irc_srvname(to), ch->name,
					    cl->nick);
			}
		}
		irc_event_free(&join);
		irc_event_free(&ejoin);
	}
	irc_event_free(&chg);
	irc_event_free(&quit);
	if (tell)
		irc_numeric(cl, RPL_VISIBLEHOST, cl->host);
}

int
cmd_nick(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_server	*is = cl->is;
	struct irc_client	*other;
	struct irc_event	 ev;
	char			 fold[IRC_NICKLEN + 1], old[IRC_NICKLEN + 1];
	const char		*nick;
	enum names_why		 why;

	if (m->nparams < 1 || m->params[0][0] == '\0') {
		irc_numeric(cl, ERR_NONICKNAMEGIVEN);
		return CONN_OK;
	}
	nick = m->params[0];
	if ((why = irc_nick_why(cl, nick, 0)) != NAMES_OK) {
		irc_nick_refused(cl, nick, why);
		return CONN_OK;
	}
	irc_casefold(IRC_CASEMAP, nick, fold, sizeof fold);
	other = strmap_get(is->nicks, fold);
	if (other != NULL && other != cl) {
		if (cl->nick[0] == '\0')
			snprintf(cl->tried_nick, sizeof cl->tried_nick, "%s",
			    nick);
		irc_numeric(cl, ERR_NICKNAMEINUSE, nick);
		return CONN_OK;
	}
	if (strcmp(cl->nick, nick) == 0)
		return CONN_OK;
	if (!irc_is_registered(cl)) {
		/* Titles and accounts: checked when registration ends. */
		irc_nick_set(cl, nick, fold);
		cl->tried_nick[0] = '\0';
		irc_try_register(cl);
		return CONN_OK;
	}
	if (irc_nick_reserved(cl, nick)) {
		irc_numeric(cl, ERR_NICKRESERVED, nick);
		return CONN_OK;
	}
	if ((why = irc_nick_why(cl, nick, 1)) != NAMES_OK) {
		irc_nick_refused(cl, nick, why);
		return CONN_OK;
	}
	irc_event_init(&ev, ":%s NICK :%s", irc_prefix(cl), nick);
	ev.account = cl->account;
	irc_event_common(&ev, cl, -1, 1);
	irc_event_free(&ev);
	irc_whowas_add(is, cl);
	snprintf(old, sizeof old, "%s", cl->nick);
	irc_nick_set(cl, nick, fold);
	if (irc_casecmp(IRC_CASEMAP, old, nick) != 0) {
		irc_monitor_notify(is, old, NULL);
		irc_monitor_notify(is, nick, cl);
	}
	return CONN_OK;
}

int
cmd_user(struct irc_client *cl, struct irc_msg *m)
{
	char	user[IRC_USERLEN + 1];
	size_t	i, n = 0;
	int	wide = 0;

	if (irc_is_registered(cl)) {
		irc_numeric(cl, ERR_ALREADYREGISTERED);
		return CONN_OK;
	}
	/*
	 * Neither the user name nor the real name may be empty; an empty
	 * parameter counts as a missing one (Modern IRC, USER message).
	 */
	if (m->params[0][0] == '\0' || m->params[3][0] == '\0') {
		irc_numeric(cl, ERR_NEEDMOREPARAMS, "USER");
		return CONN_OK;
	}
	/* A user name is shown in prefixes: keep it to safe bytes. */
	for (i = 0; m->params[0][i] != '\0' && n < IRC_USERLEN; i++) {
		unsigned char	c = (unsigned char)m->params[0][i];

		if (c >= 0x80)
			wide = 1;
		if (c > ' ' && c < 0x7f && c != '@' && c != '!' && c != ':')
			user[n++] = (char)c;
	}
	user[n] = '\0';
	/*
	 * A name in another script (a client that sends its UTF-8 nick as
	 * the user name) or of unsafe bytes only still registers, under the
	 * stock ident "~u" (Ergo, too, gives such clients a stock user
	 * name): refusing it would leave the client stuck before 001.
	 */
	if (wide || n == 0)
		snprintf(user, sizeof user, "~u");
	free(cl->user);
	free(cl->realname);
	cl->user = xstrdup(user);
	cl->realname = xstrndup(m->params[3], IRC_REALLEN);
	irc_try_register(cl);
	return CONN_OK;
}

/*
 * PASS <password>: with irc_password set, the connection password, which
 * must come before registration completes (RFC 2812 section 3.1.1); it
 * is checked when NICK and USER are in (irc_try_register).  Without it,
 * PASS is accepted and ignored.
 */
int
cmd_pass(struct irc_client *cl, struct irc_msg *m)
{
	const char	*want = cl->conn->srv->cf->irc_password;
	size_t		 n = strlen(m->params[0]);

	if (irc_is_registered(cl)) {
		irc_numeric(cl, ERR_ALREADYREGISTERED);
		return CONN_OK;
	}
	if (want != NULL && !auth_channel_ok(cl->conn->srv, cl->conn)) {
		/* A password never crosses a plain connection. */
		cl->flags &= ~CL_PASS_OK;
		irc_fail(cl, "PASS", "TLS_REQUIRED", NULL, N_("The server "
		    "password is only accepted over TLS"));
		return CONN_OK;
	}
	if (want != NULL && n == strlen(want) && CRYPTO_memcmp(m->params[0],
	    want, n) == 0)
		cl->flags |= CL_PASS_OK;
	else
		cl->flags &= ~CL_PASS_OK;
	return CONN_OK;
}

/* Client-only tags of M ("+name[=value]"), escaped, or NULL. */
char *
irc_client_tags(struct irc_msg *m)
{
	char	*out = NULL, *esc, *n;
	size_t	 i;

	for (i = 0; i < m->ntags; i++) {
		if (m->tags[i].key[0] != '+')
			continue;
		if (m->tags[i].value != NULL && *m->tags[i].value != '\0') {
			esc = irc_tag_escape(m->tags[i].value);
			xasprintf(&n, "%s%s%s=%s", out != NULL ? out : "",
			    out != NULL ? ";" : "", m->tags[i].key, esc);
			free(esc);
		} else
			xasprintf(&n, "%s%s%s", out != NULL ? out : "",
			    out != NULL ? ";" : "", m->tags[i].key);
		free(out);
		out = n;
	}
	return out;
}

/*
 * "Automatic replies MUST NEVER be sent in response to a NOTICE message.
 * This rule applies to servers too" (RFC 2812 section 3.3.2, RFC 1459
 * section 4.4.2): a NOTICE that cannot be delivered gets no numeric.
 * Standard replies about the server's own failures (FAIL) still go out.
 */
#define IS_NOTICE(cmd)	(strcmp((cmd), "NOTICE") == 0)

/* Why CL may not speak in CH (the mode letter), or NULL. */
static const char *
cannot_send(struct irc_channel *ch, struct irc_client *cl,
    struct irc_member *mb)
{
	if (mb == NULL && (ch->modes & CM_NOEXTERNAL))
		return "+n";
	if (mb != NULL && mb->prefix != 0)
		return NULL;
	if ((ch->modes & CM_MODERATED))
		return "+m";
	if ((ch->modes & CM_REGSPEAK) && cl->account == NULL)
		return "+M";
	switch (irc_banned(ch, cl, 1)) {
	case 1:
		return "+b";
	case 2:
		return "+b m:";
	}
	if (irc_mod_muted(cl, ch))
		return "muted by the moderators";
	return NULL;
}

/*
 * A CTCP other than ACTION (\1VERSION\1, \1PING x\1...): what channel
 * mode +C keeps out (Modern IRC; "/me" stays allowed).
 */
static int
is_ctcp_not_action(const char *text)
{
	if (text == NULL || text[0] != '\001')
		return 0;
	return strncmp(text + 1, "ACTION", 6) != 0 ||
	    (text[7] != ' ' && text[7] != '\001' && text[7] != '\0');
}

/*
 * Send EV, or the lines of TV when the message has several (draft/
 * multiline), to TO.
 */
static void
deliver(struct irc_event *ev, struct irc_textev *tv, struct irc_client *to,
    int unlabeled)
{
	if (tv != NULL)
		irc_textev_send(tv, to, unlabeled);
	else if (unlabeled)
		irc_event_send_unlabeled(ev, to);
	else
		irc_event_send(ev, to);
}

/*
 * A message to a channel; MT is not NULL for a multiline one (then TEXT
 * is its whole text: screened, held and stored as one message).
 */
static int
message_channel(struct irc_client *cl, const char *cmd, const char *target,
    uint8_t need, const char *text, const char *ctags,
    const struct irc_mtext *mt)
{
	struct irc_channel	*ch;
	struct irc_member	*mb, *to;
	struct irc_event	 ev;
	struct irc_textev	 tv, *tvp = NULL;
	const char		*why_not, *name = target;
	struct screen_input	 in;
	struct screen_verdict	 v;
	int			 tagmsg = (strcmp(cmd, "TAGMSG") == 0);
	size_t			 i;

	while (*name == '@' || *name == '+')
		name++;
	if ((ch = irc_channel_find(cl->is, name)) == NULL) {
		if (!IS_NOTICE(cmd))
			irc_numeric(cl, ERR_NOSUCHCHANNEL, name);
		return CONN_OK;
	}
	mb = irc_member_find(cl, ch);
	if ((why_not = cannot_send(ch, cl, mb)) != NULL) {
		if (!IS_NOTICE(cmd))
			irc_numeric(cl, ERR_CANNOTSENDTOCHAN, ch->name,
			    why_not);
		return CONN_OK;
	}
	/* +C: for everyone, operators too (as Ergo); a NOTICE silently. */
	if (!tagmsg && (ch->modes & CM_NOCTCP) && is_ctcp_not_action(text)) {
		if (!IS_NOTICE(cmd))
			irc_numeric(cl, ERR_CANNOTSENDTOCHAN, ch->name,
			    "+C: no CTCP");
		return CONN_OK;
	}
	/* One screening, one verdict (a status message: flood only). */
	if (!tagmsg && irc_mod_screen(cl, ch, need == 0, text, &in, &v) ==
	    SCREEN_REFUSE)
		return CONN_OK;
	if (tagmsg)
		irc_event_init(&ev, ":%s TAGMSG %s", irc_prefix(cl), target);
	else if (mt != NULL)
		irc_event_init(&ev, ":%s %s %s", irc_prefix(cl), cmd,
		    need != 0 ? target : ch->name);
	else
		irc_event_init(&ev, ":%s %s %s :%s", irc_prefix(cl), cmd,
		    need != 0 ? target : ch->name, text);
	irc_new_msgid(cl->is, ev.msgid, sizeof ev.msgid);
	ev.account = cl->account;
	ev.ctags = ctags;
	ev.bot = (cl->flags & CL_BOT) != 0;
	if (mt != NULL) {
		irc_textev_init(&tv, cl->is, irc_prefix(cl), cmd, need != 0 ?
		    target : ch->name, mt, ev.msgid, ev.ms, cl->account, ctags,
		    ev.bot, NULL);
		tvp = &tv;
	}
	/* A new member's message may wait for a moderator first. */
	if (!tagmsg && v.action == SCREEN_HOLD) {
		irc_mod_hold(cl, ch, cmd, ev.msgid, ev.ms, ctags, text, &v);
		goto out;
	}
	/*
	 * Stored (and committed) before anyone sees it, the sender's echo
	 * included: whatever was echoed survives a crash.
	 */
	if ((!tagmsg || irc_tagmsg_persists(ctags)) && need == 0 &&
	    ch->history && irc_history_store(ch, cl, cmd, ev.msgid, ev.ms,
	    ctags, text) != 0) {
		irc_fail(cl, cmd, "MESSAGE_ERROR", ch->name,
		    N_("Your message could not be stored; it was not sent"));
		goto out;
	}
	for (i = 0; i < ch->nmembers; i++) {
		to = ch->members[i];
		if (to->cl == cl && !HASCAP(cl, CAP_ECHO_MESSAGE))
			continue;
		if (need != 0 && to->cl != cl && (to->prefix & need) == 0 &&
		    !(need == PFX_VOICE && to->prefix != 0))
			continue;
		if (tagmsg && !HASCAP(to->cl, CAP_MESSAGE_TAGS))
			continue;
		deliver(&ev, tvp, to->cl, 0);
	}
	/* Not a member (-n channel): the echo still goes back. */
	if (mb == NULL && HASCAP(cl, CAP_ECHO_MESSAGE) && (!tagmsg ||
	    HASCAP(cl, CAP_MESSAGE_TAGS)))
		deliver(&ev, tvp, cl, 0);
	/*
	 * Members away with push subscriptions, if it names them; a
	 * multiline message is pushed as its first line (a push carries
	 * one IRC line).
	 */
	if (!tagmsg && need == 0 && mt == NULL)
		irc_push_channel(ch, cl, ev.msgid, ev.body, text);
	else if (!tagmsg && need == 0) {
		char	first[512];

		snprintf(first, sizeof first, ":%s %s %s :%.*s",
		    irc_prefix(cl), cmd, ch->name,
		    (int)strcspn(text, "\r\n"), text);
		irc_push_channel(ch, cl, ev.msgid, first, text);
	}
	/* The safety net: it never stops a message, it cares for its author. */
	if (!tagmsg && need == 0)
		irc_mod_delivered(cl, ev.msgid, &in, &v);
out:
	if (tvp != NULL)
		irc_textev_free(tvp);
	irc_event_free(&ev);
	return CONN_OK;
}

static int
message_user(struct irc_client *cl, const char *cmd, const char *target,
    const char *text, const char *ctags, const struct irc_mtext *mt)
{
	struct irc_client	*to;
	struct irc_event	 ev;
	struct irc_textev	 tv, *tvp = NULL;
	struct screen_input	 in;
	struct screen_verdict	 v;
	int			 tagmsg = (strcmp(cmd, "TAGMSG") == 0);

	if (irc_is_service_nick(cl->conn->srv, target)) {
		/* The service answers PRIVMSG; NOTICE gets no reply. */
		if (strcmp(cmd, "PRIVMSG") == 0)
			irc_service_message(cl, mt != NULL ? mt->lines[0] :
			    text);
		return CONN_OK;
	}
	to = irc_find_nick(cl->is, target);
	/*
	 * An account away from IRC may be told by Web Push (one line: a
	 * multiline message to an absent nick gets 401 as before).
	 */
	if (to == NULL && !tagmsg && mt == NULL &&
	    irc_push_private(cl, cmd, target, text, ctags))
		return CONN_OK;
	if (to == NULL || !irc_is_registered(to)) {
		if (!IS_NOTICE(cmd))
			irc_numeric(cl, ERR_NOSUCHNICK, target);
		return CONN_OK;
	}
	/* Muted everywhere: not to members privately either. */
	if (!tagmsg && to != cl && irc_mod_muted(cl, NULL)) {
		irc_fail(cl, cmd, "MUTED", to->nick, N_("You are muted by the "
		    "moderators for now"));
		return CONN_OK;
	}
	if (!tagmsg && irc_mod_screen(cl, NULL, 0, text, &in, &v) ==
	    SCREEN_REFUSE)
		return CONN_OK;
	if (tagmsg)
		irc_event_init(&ev, ":%s TAGMSG %s", irc_prefix(cl), to->nick);
	else if (mt != NULL)
		irc_event_init(&ev, ":%s %s %s", irc_prefix(cl), cmd,
		    to->nick);
	else
		irc_event_init(&ev, ":%s %s %s :%s", irc_prefix(cl), cmd,
		    to->nick, text);
	irc_new_msgid(cl->is, ev.msgid, sizeof ev.msgid);
	ev.account = cl->account;
	ev.ctags = ctags;
	ev.bot = (cl->flags & CL_BOT) != 0;
	if (mt != NULL) {
		irc_textev_init(&tv, cl->is, irc_prefix(cl), cmd, to->nick, mt,
		    ev.msgid, ev.ms, cl->account, ctags, ev.bot, NULL);
		tvp = &tv;
	}
	/*
	 * Private history: stored (in the group commit) before either end
	 * sees it, with the msgid and time both are shown.
	 */
	if ((!tagmsg || irc_tagmsg_persists(ctags)) && irc_dm_store(cl, to,
	    cmd, ev.msgid, ev.ms, ctags, text) != 0) {
		irc_fail(cl, cmd, "MESSAGE_ERROR", to->nick,
		    N_("Your message could not be stored; it was not sent"));
		if (tvp != NULL)
			irc_textev_free(tvp);
		irc_event_free(&ev);
		return CONN_OK;
	}
	if (to == cl && HASCAP(cl, CAP_ECHO_MESSAGE) && (!tagmsg ||
	    HASCAP(cl, CAP_MESSAGE_TAGS))) {
		/* To oneself: the delivery, then the (labeled) echo. */
		deliver(&ev, tvp, cl, 1);
		deliver(&ev, tvp, cl, 0);
	} else if (!tagmsg || HASCAP(to, CAP_MESSAGE_TAGS))
		deliver(&ev, tvp, to, 0);
	if (to != cl && HASCAP(cl, CAP_ECHO_MESSAGE) && (!tagmsg ||
	    HASCAP(cl, CAP_MESSAGE_TAGS)))
		deliver(&ev, tvp, cl, 0);
	if (tvp != NULL)
		irc_textev_free(tvp);
	irc_event_free(&ev);
	if (strcmp(cmd, "PRIVMSG") == 0 && to->away != NULL)
		irc_numeric(cl, RPL_AWAY, to->nick, to->away);
	return CONN_OK;
}

/*
 * PRIVMSG, NOTICE and TAGMSG: up to IRC_MAXTARGETS comma-separated
 * targets, channels (with an optional STATUSMSG prefix) or nicks.
 */
static int
message(struct irc_client *cl, struct irc_msg *m, const char *cmd)
{
	char		*targets, *t, *save = NULL, *ctags;
	const char	*text = "";
	int		 tagmsg = (strcmp(cmd, "TAGMSG") == 0), n = 0;
	uint8_t		 need;

	if (m->nparams < 1 || m->params[0][0] == '\0') {
		if (!IS_NOTICE(cmd))
			irc_numeric(cl, ERR_NORECIPIENT, cmd);
		return CONN_OK;
	}
	if (!tagmsg) {
		if (m->nparams < 2 || m->params[1][0] == '\0') {
			if (!IS_NOTICE(cmd))
				irc_numeric(cl, ERR_NOTEXTTOSEND);
			return CONN_OK;
		}
		text = m->params[1];
		cl->last_active = time(NULL);
	}
	ctags = irc_client_tags(m);
	targets = xstrdup(m->params[0]);
	for (t = strtok_r(targets, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		if (++n > IRC_MAXTARGETS) {
			if (!IS_NOTICE(cmd))
				irc_numeric(cl, ERR_TOOMANYTARGETS, t);
			break;
		}
		need = 0;
		if (t[0] == '@')
			need = PFX_OP;
		else if (t[0] == '+')
			need = PFX_VOICE;
		if (need != 0 || t[0] == '#')
			message_channel(cl, cmd, t, need, text, ctags, NULL);
		else
			message_user(cl, cmd, t, text, ctags, NULL);
		if (conn_is_closing(cl->conn))
			break;
	}
	free(targets);
	free(ctags);
	return CONN_OK;
}

/*
 * A closed draft/multiline batch from CL: one message of MT's lines to
 * TARGET (one channel, with an optional status prefix, or one nick),
 * checked, screened, stored and relayed like any PRIVMSG or NOTICE.
 */
void
irc_message_multi(struct irc_client *cl, const char *cmd, const char *target,
    const struct irc_mtext *mt, const char *ctags)
{
	uint8_t	need = 0;

	cl->last_active = time(NULL);
	if (target[0] == '@')
		need = PFX_OP;
	else if (target[0] == '+')
		need = PFX_VOICE;
	if (need != 0 || target[0] == '#')
		message_channel(cl, cmd, target, need, mt->text, ctags, mt);
	else
		message_user(cl, cmd, target, mt->text, ctags, mt);
}

int
cmd_privmsg(struct irc_client *cl, struct irc_msg *m)
{
	return message(cl, m, "PRIVMSG");
}

int
cmd_notice(struct irc_client *cl, struct irc_msg *m)
{
	return message(cl, m, "NOTICE");
}

int
cmd_tagmsg(struct irc_client *cl, struct irc_msg *m)
{
	return message(cl, m, "TAGMSG");
}

/*
 * AWAY with away-notify (IRCv3 away-notify).  With draft/pre-away it may
 * come before registration ends (a phone reconnecting to read history
 * need not look present), and "AWAY *" means away without a message:
 * others are shown a readable text instead of the bare star.
 */
int
cmd_away(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_event	ev;

	if (!irc_is_registered(cl) && !HASCAP(cl, CAP_PRE_AWAY)) {
		irc_numeric(cl, ERR_NOTREGISTERED);
		return CONN_OK;
	}
	free(cl->away);
	cl->away = NULL;
	if (m->nparams > 0 && m->params[0][0] != '\0') {
		if (strcmp(m->params[0], "*") == 0)
			cl->away = xstrdup(IRC_AWAY_STAR);
		else
			cl->away = xstrndup(m->params[0], IRC_AWAYLEN);
		irc_numeric(cl, RPL_NOWAWAY);
	} else
		irc_numeric(cl, RPL_UNAWAY);
	/* Before registration no one can see the client yet. */
	if (!irc_is_registered(cl))
		return CONN_OK;
	if (cl->away != NULL)
		irc_event_init(&ev, ":%s AWAY :%s", irc_prefix(cl), cl->away);
	else
		irc_event_init(&ev, ":%s AWAY", irc_prefix(cl));
	ev.account = cl->account;
	irc_event_common(&ev, cl, CAP_AWAY_NOTIFY, 0);
	irc_event_free(&ev);
	return CONN_OK;
}

/* SETNAME (IRCv3 setname). */
int
cmd_setname(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_event	ev;
	enum names_why		why;

	if (strlen(m->params[0]) > IRC_REALLEN || m->params[0][0] == '\0') {
		irc_fail(cl, "SETNAME", "INVALID_REALNAME", NULL,
		    N_("Realname is not valid"));
		return CONN_OK;
	}
	if ((why = account_name_claim(cl->is->srv, m->params[0], cl->account,
	    irc_role_name(cl))) != NAMES_OK) {
		irc_fail(cl, "SETNAME", "INVALID_REALNAME", NULL,
		    names_why_text(why));
		return CONN_OK;
	}
	free(cl->realname);
	cl->realname = xstrdup(m->params[0]);
	irc_event_init(&ev, ":%s SETNAME :%s", irc_prefix(cl), cl->realname);
	ev.account = cl->account;
	irc_event_common(&ev, cl, CAP_SETNAME, HASCAP(cl, CAP_SETNAME));
	irc_event_free(&ev);
	return CONN_OK;
}

/* MODE <nick> [modes]: user modes i, w and o (only dropped here). */
int
irc_user_mode(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_client	*target;
	const char		*p;
	char			 added[16], removed[16], buf[40];
	size_t			 na = 0, nr = 0;
	int			 dir = 1, unknown = 0;
	uint16_t		 flag;

	target = irc_find_nick(cl->is, m->params[0]);
	if (target == NULL) {
		irc_numeric(cl, ERR_NOSUCHNICK, m->params[0]);
		return CONN_OK;
	}
	if (target != cl) {
		irc_numeric(cl, ERR_USERSDONTMATCH);
		return CONN_OK;
	}
	if (m->nparams < 2) {
		snprintf(buf, sizeof buf, "+%s%s%s%s",
		    cl->flags & CL_BOT ? "B" : "",
		    cl->flags & CL_INVISIBLE ? "i" : "",
		    cl->flags & CL_OPER ? "o" : "",
		    cl->flags & CL_WALLOPS ? "w" : "");
		irc_numeric(cl, RPL_UMODEIS, buf);
		return CONN_OK;
	}
	for (p = m->params[1]; *p != '\0'; p++) {
		switch (*p) {
		case '+':
			dir = 1;
			continue;
		case '-':
			dir = 0;
			continue;
		case 'B':
			/* IRCv3 bot mode: anyone may mark themselves. */
			flag = CL_BOT;
			break;
		case 'i':
			flag = CL_INVISIBLE;
			break;
		case 'w':
			flag = CL_WALLOPS;
			break;
		case 'o':
			/* +o only through OPER. */
			if (dir)
				continue;
			flag = CL_OPER;
			break;
		case 'r':
			/* Set by the server from the account. */
			continue;
		default:
			unknown = 1;
			continue;
		}
		if (dir && !(cl->flags & flag)) {
			cl->flags |= flag;
			if (na < sizeof added - 1)
				added[na++] = *p;
			if (flag == CL_INVISIBLE)
				cl->is->ninvisible++;
		} else if (!dir && (cl->flags & flag)) {
			cl->flags &= ~flag;
			if (nr < sizeof removed - 1)
				removed[nr++] = *p;
			if (flag == CL_INVISIBLE)
				cl->is->ninvisible--;
			if (flag == CL_OPER)
				cl->is->nopers--;
		}
	}
	added[na] = removed[nr] = '\0';
	if (unknown)
		irc_numeric(cl, ERR_UMODEUNKNOWNFLAG);
	if (na + nr > 0)
		irc_sendf(cl, ":%s MODE %s :%s%s%s%s", irc_prefix(cl), cl->nick,
		    na > 0 ? "+" : "", added, nr > 0 ? "-" : "", removed);
	return CONN_OK;
}

/* The answer to OPER, on the loop (see auth_login_start). */
static void
oper_done(struct conn *c, void *arg, int rc, struct account *a,
    struct sanction_verdict *ban)
{
	struct irc_client	*cl = c->pstate;

	(void)arg;
	(void)ban;
	if (rc == AUTH_BUSY) {
		irc_fail(cl, "OPER", "TEMPORARILY_UNAVAILABLE", NULL, N_("Too "
		    "many sign-ins in progress: try again in a moment"));
		return;
	}
	if (rc != AUTH_OK) {
		irc_numeric(cl, ERR_PASSWDMISMATCH);
		log_info("conn=%llu irc OPER failed",
		    (unsigned long long)c->id);
		return;
	}
	if (strcmp(a->role, "moderator") != 0 && strcmp(a->role, "admin") !=
	    0) {
		account_clear(a);
		irc_numeric(cl, ERR_NOOPERHOST);
		return;
	}
	if (!(cl->flags & CL_OPER)) {
		cl->flags |= CL_OPER;
		cl->is->nopers++;
	}
	irc_numeric(cl, RPL_YOUREOPER);
	irc_sendf(cl, ":%s MODE %s :+o", irc_prefix(cl), cl->nick);
	store_audit(c->srv->store, a->name, "irc.oper", cl->nick, NULL);
	account_clear(a);
}

/*
 * OPER <account> <password>: moderators and admins only.  A password,
 * so only over TLS (or loopback when allowed), like every sign-in.
 */
int
cmd_oper(struct irc_client *cl, struct irc_msg *m)
{
	int	rc;

	if (!auth_channel_ok(cl->conn->srv, cl->conn)) {
		OPENSSL_cleanse(m->params[1], strlen(m->params[1]));
		irc_fail(cl, "OPER", "TLS_REQUIRED", NULL, N_("Passwords are "
		    "only accepted over TLS: reconnect to the TLS port"));
		return CONN_OK;
	}
	rc = auth_login_start(cl->conn->srv, cl->conn, "irc", m->params[0],
	    m->params[1], oper_done, NULL);
	OPENSSL_cleanse(m->params[1], strlen(m->params[1]));
	if (rc != AUTH_PENDING)
		oper_done(cl->conn, NULL, rc, NULL, NULL);
	return conn_is_closing(cl->conn) ? CONN_GONE : CONN_OK;
}

/*
 * KILL <nick> [<reason>].  The reason is required by RFC 2812 3.7.1 but
 * many servers take KILL with the nick alone; it then defaults to the
 * operator's nick, as a missing KICK comment does.
 */
int
cmd_kill(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_client	*to;
	char			 reason[IRC_KICKLEN + 64];
	const char		*why;

	if (strcasecmp(m->params[0], irc_srvname(cl)) == 0) {
		irc_numeric(cl, ERR_CANTKILLSERVER);
		return CONN_OK;
	}
	to = irc_find_nick(cl->is, m->params[0]);
	if (to == NULL || !irc_is_registered(to)) {
		irc_numeric(cl, ERR_NOSUCHNICK, m->params[0]);
		return CONN_OK;
	}
	why = m->nparams > 1 && *m->params[1] != '\0' ? m->params[1] :
	    cl->nick;
	snprintf(reason, sizeof reason, "Killed (%s (%s))", cl->nick, why);
	store_audit(cl->conn->srv->store, cl->account, "irc.kill", to->nick,
	    why);
	irc_sendf(to, ":%s KILL %s :%s", irc_prefix(cl), to->nick, why);
	irc_sendf(to, "ERROR :Closing Link: %s (%s)", to->nick, reason);
	irc_quit(to, reason);
	if (to == cl) {
		if (cl->capture != NULL) {
			conn_write(cl->conn, evbuffer_pullup(cl->capture, -1),
			    evbuffer_get_length(cl->capture));
			evbuffer_free(cl->capture);
			cl->capture = NULL;
		}
		conn_close(cl->conn, "killed");
		return CONN_GONE;
	}
	conn_close(to->conn, "killed");
	return CONN_OK;
}

struct wallops {
	struct irc_client	*from;
	struct irc_event	*ev;
};

static void
wallops_one(const char *key, void *val, void *arg)
{
	struct irc_client	*to = val;
	struct wallops		*w = arg;

	(void)key;
	if (!(to->flags & CL_WALLOPS) || !irc_is_registered(to) ||
	    (to->flags & CL_QUITTING))
		return;
	if (to == w->from)
		irc_event_send(w->ev, to);
	else
		irc_event_send_unlabeled(w->ev, to);
}

/*
 * WALLOPS <text> (RFC 2812 section 4.7, Modern IRC): operators only (the
 * row says so: 481 for others); every registered client with user mode
 * +w gets it from the operator, the sender too when it has +w.
 */
int
cmd_wallops(struct irc_client *cl, struct irc_msg *m)
{
	struct irc_event	ev;
	struct wallops		w;

	if (m->params[0][0] == '\0') {
		irc_numeric(cl, ERR_NEEDMOREPARAMS, "WALLOPS");
		return CONN_OK;
	}
	irc_event_init(&ev, ":%s WALLOPS :%s", irc_prefix(cl), m->params[0]);
	w.from = cl;
	w.ev = &ev;
	strmap_foreach(cl->is->nicks, wallops_one, &w);
	irc_event_free(&ev);
	store_audit(cl->conn->srv->store, cl->account, "irc.wallops", "*",
	    NULL);
	return CONN_OK;
}

/* MONITOR (IRCv3 monitor). */

static void
watch_add(struct irc_client *cl, const char *fold)
{
	struct irc_watch	*w;

	if ((w = strmap_get(cl->is->watchers, fold)) == NULL) {
		w = xcalloc(1, sizeof *w);
		strmap_put(cl->is->watchers, fold, w);
	}
	w->v = xreallocarray(w->v, w->n + 1, sizeof *w->v);
	w->v[w->n++] = cl;
}

static void
watch_del(struct irc_client *cl, const char *fold)
{
	struct irc_watch	*w;
	size_t			 i;

	if ((w = strmap_get(cl->is->watchers, fold)) == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		if (w->v[i] == cl) {
			w->v[i] = w->v[--w->n];
			break;
		}
	}
	if (w->n == 0) {
		strmap_del(cl->is->watchers, fold);
		free(w->v);
		free(w);
	}
}

void
irc_monitor_clear(struct irc_client *cl)
{
	size_t	i;

	for (i = 0; i < cl->nmonitor; i++) {
		watch_del(cl, cl->monitor[i]);
		free(cl->monitor[i]);
	}
	free(cl->monitor);
	cl->monitor = NULL;
	cl->nmonitor = 0;
}

/* NICK came online (as ONLINE) or went offline (ONLINE NULL). */
void
irc_monitor_notify(struct irc_server *is, const char *nick,
    struct irc_client *online)
{
	struct irc_watch	*w;
	char			 fold[IRC_NICKLEN + 1];
	size_t			 i;

	irc_casefold(IRC_CASEMAP, nick, fold, sizeof fold);
	if ((w = strmap_get(is->watchers, fold)) == NULL)
		return;
	for (i = 0; i < w->n; i++) {
		if (online != NULL)
			irc_numeric(w->v[i], RPL_MONONLINE,
			    irc_prefix(online));
		else
			irc_numeric(w->v[i], RPL_MONOFFLINE, nick);
	}
}

/* Append ITEM to a comma list, flushing a numeric when it gets long. */
static void
list_add(struct irc_client *cl, char *buf, size_t len, const char *item,
    int online)
{
	if (strlen(buf) + strlen(item) + 2 > 300) {
		if (online)
			irc_numeric(cl, RPL_MONONLINE, buf);
		else
			irc_numeric(cl, RPL_MONOFFLINE, buf);
		buf[0] = '\0';
	}
	if (buf[0] != '\0')
		strncat(buf, ",", len - strlen(buf) - 1);
	strncat(buf, item, len - strlen(buf) - 1);
}

static void
monitor_status(struct irc_client *cl, char **nicks, size_t n)
{
	char			 on[512] = "", off[512] = "";
	struct irc_client	*t;
	size_t			 i;

	for (i = 0; i < n; i++) {
		t = strmap_get(cl->is->nicks, nicks[i]);
		if (t != NULL && irc_is_registered(t))
			list_add(cl, on, sizeof on, irc_prefix(t), 1);
		else
			list_add(cl, off, sizeof off, t != NULL ? t->nick :
			    nicks[i], 0);
	}
	if (on[0] != '\0')
		irc_numeric(cl, RPL_MONONLINE, on);
	if (off[0] != '\0')
		irc_numeric(cl, RPL_MONOFFLINE, off);
}

int
cmd_monitor(struct irc_client *cl, struct irc_msg *m)
{
	char	*copy, *t, *save = NULL, fold[IRC_NICKLEN + 1], buf[512];
	char	**added = NULL;
	size_t	 i, nadded = 0;
	int	 op = m->params[0][0];

	if (op == '+' || op == '-') {
		if (m->nparams < 2) {
			irc_numeric(cl, ERR_NEEDMOREPARAMS, "MONITOR");
			return CONN_OK;
		}
		copy = xstrdup(m->params[1]);
		for (t = strtok_r(copy, ",", &save); t != NULL;
		    t = strtok_r(NULL, ",", &save)) {
			if (strlen(t) > IRC_NICKLEN ||
			    !irc_nick_valid(t, IRC_NICKLEN))
				continue;
			irc_casefold(IRC_CASEMAP, t, fold, sizeof fold);
			for (i = 0; i < cl->nmonitor; i++)
				if (strcmp(cl->monitor[i], fold) == 0)
					break;
			if (op == '-') {
				if (i == cl->nmonitor)
					continue;
				watch_del(cl, fold);
				free(cl->monitor[i]);
				cl->monitor[i] = cl->monitor[--cl->nmonitor];
				continue;
			}
			if (i < cl->nmonitor) {
				/*
				 * Already watched: its status is told again,
				 * as for every target of "MONITOR +" (IRCv3
				 * monitor, "MONITOR + targets").
				 */
				added = xreallocarray(added, nadded + 1,
				    sizeof *added);
				added[nadded++] = cl->monitor[i];
				continue;
			}
			if (cl->nmonitor >= IRC_MAXMONITOR) {
				/* The rest of the list, as given. */
				irc_numeric(cl, ERR_MONLISTFULL,
				    IRC_MAXMONITOR, m->params[1] + (t - copy));
				break;
			}
			cl->monitor = xreallocarray(cl->monitor,
			    cl->nmonitor + 1, sizeof *cl->monitor);
			cl->monitor[cl->nmonitor++] = xstrdup(fold);
			watch_add(cl, fold);
			added = xreallocarray(added, nadded + 1,
			    sizeof *added);
			added[nadded++] = cl->monitor[cl->nmonitor - 1];
		}
		if (nadded > 0)
			monitor_status(cl, added, nadded);
		free(added);
		free(copy);
	} else if (op == 'C' || op == 'c') {
		irc_monitor_clear(cl);
	} else if (op == 'L' || op == 'l') {
		buf[0] = '\0';
		for (i = 0; i < cl->nmonitor; i++) {
			if (strlen(buf) + strlen(cl->monitor[i]) + 2 > 300) {
				irc_numeric(cl, RPL_MONLIST, buf);
				buf[0] = '\0';
			}
			if (buf[0] != '\0')
				strcat(buf, ",");
			strcat(buf, cl->monitor[i]);
		}
		if (buf[0] != '\0')
			irc_numeric(cl, RPL_MONLIST, buf);
		irc_numeric(cl, RPL_ENDOFMONLIST);
	} else if (op == 'S' || op == 's') {
		monitor_status(cl, cl->monitor, cl->nmonitor);
	}
	return CONN_OK;
}
