/*
 * irc-webpush.c -- IRCv3 draft/webpush on the IRC wire: the WEBPUSH
 * command, and what is pushed (services/webpush.c sends it).
 *
 * Pushed is the least the specification needs: the one IRC line (with
 * its msgid tag only) of a private message to an account none of whose
 * clients is connected, or of a room message that names such an
 * account's nick in a room it was in when its last client left.  The
 * push service sees only ciphertext; the member's phone decrypts it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "conn.h"
#include "irc.h"
#include "irc-int.h"
#include "irc-numeric.h"
#include "log.h"
#include "names.h"
#include "screen.h"
#include "store.h"
#include "webpush.h"
#include "xmalloc.h"

#define ABSENT_MAX	64	/* absent accounts remembered per room */

/* FAIL WEBPUSH CODE SUB ENDPOINT :DESC (ENDPOINT "*" when unfit). */
static void
push_fail(struct irc_client *cl, const char *code, const char *sub,
    const char *endpoint, const char *desc)
{
	if (endpoint == NULL || *endpoint == '\0' || *endpoint == ':' ||
	    strlen(endpoint) > WEBPUSH_ENDPOINT_MAX)
		endpoint = "*";
	irc_sendf(cl, ":%s FAIL WEBPUSH %s %s %s :%s", irc_srvname(cl), code,
	    sub, endpoint, desc);
}

/* The answer to REGISTER (at once, or when the endpoint resolved). */
static void
register_done(struct conn *c, const char *endpoint, int rc)
{
	struct irc_client	*cl = c->pstate;

	irc_label_resume(cl);
	switch (rc) {
	case WEBPUSH_OK:
		irc_sendf(cl, ":%s WEBPUSH REGISTER %s", irc_srvname(cl),
		    endpoint);
		break;
	case WEBPUSH_DISABLED:
		push_fail(cl, "FORBIDDEN", "REGISTER", endpoint,
		    "Web push is not enabled on this server");
		break;
	case WEBPUSH_BAD_ENDPOINT:
		push_fail(cl, "INVALID_PARAMS", "REGISTER", endpoint,
		    "Invalid push endpoint: an https URL of a public push "
		    "service is needed");
		break;
	case WEBPUSH_BAD_KEYS:
		push_fail(cl, "INVALID_PARAMS", "REGISTER", endpoint,
		    "Invalid keys: p256dh (a P-256 public key) and auth (16 "
		    "bytes), base64url, are needed");
		break;
	case WEBPUSH_MAX_REACHED:
		push_fail(cl, "MAX_REGISTRATIONS", "REGISTER", endpoint,
		    "You have too many push subscriptions already");
		break;
	default:
		push_fail(cl, "INTERNAL_ERROR", "REGISTER", endpoint,
		    "Your subscription could not be stored");
		break;
	}
	irc_label_done(cl);
}

/*
 * WEBPUSH REGISTER <endpoint> <keys> | UNREGISTER <endpoint>: only
 * for a client logged in to an account (subscriptions belong to it).
 */
int
cmd_webpush(struct irc_client *cl, struct irc_msg *m)
{
	struct server	*srv = cl->conn->srv;
	char		 sub[16];
	const char	*endpoint;
	size_t		 i;
	int		 rc;

	snprintf(sub, sizeof sub, "%s", m->params[0]);
	for (i = 0; sub[i] != '\0'; i++)
		sub[i] = (char)toupper((unsigned char)sub[i]);
	endpoint = m->nparams > 1 ? m->params[1] : NULL;
	if (strcmp(sub, "REGISTER") != 0 && strcmp(sub, "UNREGISTER") != 0) {
		push_fail(cl, "INVALID_PARAMS", "*", endpoint,
		    "Unknown subcommand");
		return CONN_OK;
	}
	if (webpush_vapid_key(srv) == NULL) {
		push_fail(cl, "FORBIDDEN", sub, endpoint,
		    "Web push is not enabled on this server");
		return CONN_OK;
	}
	if (cl->account == NULL) {
		push_fail(cl, "FORBIDDEN", sub, endpoint,
		    "You must be logged in to receive push notifications");
		return CONN_OK;
	}
	if (endpoint == NULL || (strcmp(sub, "REGISTER") == 0 &&
	    m->nparams < 3)) {
		push_fail(cl, "INVALID_PARAMS", sub, endpoint,
		    "Not enough parameters");
		return CONN_OK;
	}
	if (m->nparams > (strcmp(sub, "REGISTER") == 0 ? 3 : 2)) {
		push_fail(cl, "INVALID_PARAMS", sub, endpoint,
		    "Too many parameters");
		return CONN_OK;
	}
	if (strcmp(sub, "UNREGISTER") == 0) {
		/* Unknown subscriptions are silently fine (the spec). */
		if (webpush_unregister(srv, cl->account, endpoint) !=
		    WEBPUSH_OK)
			push_fail(cl, "INTERNAL_ERROR", sub, endpoint,
			    "Your subscription could not be removed");
		else
			irc_sendf(cl, ":%s WEBPUSH UNREGISTER %s",
			    irc_srvname(cl), endpoint);
		return CONN_OK;
	}
	rc = webpush_register(srv, cl->conn, cl->account, endpoint,
	    m->params[2], register_done);
	if (rc != WEBPUSH_PENDING)
		register_done(cl->conn, endpoint, rc);
	else
		irc_label_defer(cl);
	return CONN_OK;
}

/* Is a client logged in to ACCOUNT connected? */
static int
account_online(struct server *srv, const char *account)
{
	struct conn		*c;
	struct irc_client	*cl;

	TAILQ_FOREACH(c, &srv->conns, entry) {
		if (c->ops != &irc_ops || (cl = c->pstate) == NULL ||
		    (cl->flags & CL_QUITTING) || cl->account == NULL)
			continue;
		if (names_casecmp(cl->account, account) == 0)
			return 1;
	}
	return 0;
}

/* "@msgid=ID LINE": the pushed form of a message. */
static void
push_line(struct server *srv, const char *account, const char *msgid,
    const char *line)
{
	char	*full;

	xasprintf(&full, "@msgid=%s %s", msgid, line);
	webpush_send(srv, account, full);
	free(full);
}

int
irc_push_private(struct irc_client *cl, const char *cmd, const char *target,
    const char *text, const char *ctags)
{
	struct server		*srv = cl->conn->srv;
	struct irc_event	 ev;
	struct account		 a;
	struct screen_input	 in;
	struct screen_verdict	 v;

	if (webpush_vapid_key(srv) == NULL || !account_name_valid(target) ||
	    store_account_get(srv->store, target, &a, NULL) != STORE_OK)
		return 0;
	/* Most accounts have no subscription: the cheap question first. */
	if (webpush_count(srv, a.name) <= 0 || account_online(srv, a.name)) {
		account_clear(&a);
		return 0;
	}
	if (irc_mod_muted(cl, NULL)) {
		irc_fail(cl, cmd, "MUTED", target, N_("You are muted by the "
		    "moderators for now"));
		account_clear(&a);
		return 1;
	}
	if (irc_mod_screen(cl, NULL, 0, text, &in, &v) == SCREEN_REFUSE) {
		account_clear(&a);
		return 1;
	}
	irc_event_init(&ev, ":%s %s %s :%s", irc_prefix(cl), cmd, target,
	    text);
	irc_new_msgid(cl->is, ev.msgid, sizeof ev.msgid);
	ev.account = cl->account;
	ev.ctags = ctags;
	ev.bot = (cl->flags & CL_BOT) != 0;
	/* Kept for the member's return, as a private message is. */
	if (irc_dm_store_account(cl, a.name, target, cmd, ev.msgid, ev.ms,
	    ctags, text) != 0) {
		irc_fail(cl, cmd, "MESSAGE_ERROR", target,
		    N_("Your message could not be stored; it was not sent"));
		irc_event_free(&ev);
		account_clear(&a);
		return 1;
	}
	push_line(srv, a.name, ev.msgid, ev.body);
	if (HASCAP(cl, CAP_ECHO_MESSAGE))
		irc_event_send(&ev, cl);
	irc_event_free(&ev);
	account_clear(&a);
	return 1;
}

/*
 * CL's connection is going: if it was its account's last and the
 * account has push subscriptions, each of its rooms remembers the
 * account and the nick it had, for highlights.
 */
void
irc_push_absent(struct irc_client *cl)
{
	struct server		*srv = cl->conn->srv;
	struct irc_channel	*ch;
	size_t			 i, k;

	if (cl->account == NULL || webpush_vapid_key(srv) == NULL ||
	    cl->nchans == 0 || webpush_count(srv, cl->account) <= 0 ||
	    account_online(srv, cl->account))
		return;
	for (i = 0; i < cl->nchans; i++) {
		ch = cl->chans[i]->ch;
		for (k = 0; k < ch->nabsent; k++)
			if (names_casecmp(ch->absent[k].account, cl->account) ==
			    0)
				break;
		if (k < ch->nabsent) {
			snprintf(ch->absent[k].nick, sizeof ch->absent[k].nick,
			    "%s", cl->nick);
			continue;
		}
		if (ch->nabsent == ABSENT_MAX) {
			/* The oldest goes. */
			free(ch->absent[0].account);
			memmove(ch->absent, ch->absent + 1, (ch->nabsent - 1) *
			    sizeof *ch->absent);
			ch->nabsent--;
		}
		ch->absent = xreallocarray(ch->absent, ch->nabsent + 1,
		    sizeof *ch->absent);
		ch->absent[ch->nabsent].account = xstrdup(cl->account);
		snprintf(ch->absent[ch->nabsent].nick,
		    sizeof ch->absent[ch->nabsent].nick, "%s", cl->nick);
		ch->nabsent++;
	}
}

static int
word_char(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '|' || c == '[' ||
	    c == ']' || c == '\\' || c == '`' || c == '^' || c == '{' ||
	    c == '}' || c >= 0x80;
}

/* Does TEXT name NICK as a word (any letter case)? */
static int
highlights(const char *text, const char *nick)
{
	size_t		 n = strlen(nick);
	const char	*p;

	if (n == 0)
		return 0;
	for (p = text; *p != '\0'; p++) {
		if (strncasecmp(p, nick, n) != 0)
			continue;
		if ((p == text || !word_char((unsigned char)p[-1])) &&
		    !word_char((unsigned char)p[n]))
			return 1;
	}
	return 0;
}

/*
 * A message in CH: push it to absent accounts it names.  An account
 * named that came back is forgotten (only then is it looked for among
 * the connections, so a busy room costs a word search per absent
 * account, never a scan per line).
 */
void
irc_push_channel(struct irc_channel *ch, struct irc_client *from,
    const char *msgid, const char *line, const char *text)
{
	struct server	*srv = from->conn->srv;
	size_t		 k = 0;

	if (ch->nabsent == 0 || webpush_vapid_key(srv) == NULL)
		return;
	while (k < ch->nabsent) {
		if (!highlights(text, ch->absent[k].nick) &&
		    !highlights(text, ch->absent[k].account)) {
			k++;
			continue;
		}
		if (account_online(srv, ch->absent[k].account)) {
			free(ch->absent[k].account);
			memmove(ch->absent + k, ch->absent + k + 1,
			    (ch->nabsent - k - 1) * sizeof *ch->absent);
			ch->nabsent--;
			continue;
		}
		push_line(srv, ch->absent[k].account, msgid, line);
		k++;
	}
}

void
irc_push_channel_free(struct irc_channel *ch)
{
	size_t	k;

	for (k = 0; k < ch->nabsent; k++)
		free(ch->absent[k].account);
	free(ch->absent);
	ch->absent = NULL;
	ch->nabsent = 0;
}
