/*
 * irc-mod.c -- moderation, safety and member rights in the IRC rooms.
 *
 * The service nick (config service_nick, "Helper") takes commands by
 * private message: svc_cmds[] holds those for everyone (REGISTER,
 * REPORT, ACTIONS, PASSWORD, ERASE, EXPORT, FEEDTOKEN, CERT, EVENTS,
 * REMIND, HELP); the moderators' (QUEUE, SHOW, APPROVE, REJECT, DISMISS,
 * HIDE, UNHIDE, MUTE, UNMUTE, BAN, UNBAN, WARN, NOTE, LOG) are rows of
 * the table every moderation front end shares (modcmd.h), performed by
 * modq_exec(); HELP is written from both tables.  This file also
 * registers the "chat" hooks of the moderation engine (hiding a message
 * keeps it in the database and tells clients to drop it; approving a
 * held one delivers it), holds a new member's room messages, runs the
 * flood watch, tells applicants of sign-up decisions, the alert sink
 * (notices in the moderators' room), warnings to members, the erasure
 * and export of chat messages, and the room side of events.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "account.h"
#include "auth.h"
#include "erase.h"
#include "events.h"
#include "export.h"
#include "irc-int.h"
#include "irc-numeric.h"
#include "log.h"
#include "feedtoken.h"
#include "modcmd.h"
#include "modexec.h"
#include "modq.h"
#include "notice.h"
#include "notify.h"
#include "sanction.h"
#include "store-chat.h"
#include "store-access.h"
#include "store-modq.h"
#include "utf8.h"
#include "xmalloc.h"

static struct irc_server	*mod_is;	/* one IRC service */

struct svc;
static void	tell(struct irc_client *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static const char *
service_nick(struct server *srv)
{
	return srv->cf->service_nick;
}

/* "Helper!service@server.name" */
static const char *
service_prefix(struct server *srv)
{
	static char	buf[256];

	snprintf(buf, sizeof buf, "%s!service@%s", service_nick(srv),
	    srv->cf->server_name);
	return buf;
}

int
irc_is_service_nick(struct server *srv, const char *nick)
{
	return irc_casecmp(IRC_CASEMAP, nick, service_nick(srv)) == 0;
}

/* A NOTICE from the service to one client. */
static void
tell(struct irc_client *cl, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[400];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* A cut text must not end inside a character (UTF8ONLY). */
	buf[utf8_cut(buf, strlen(buf))] = '\0';
	irc_sendf(cl, ":%s NOTICE %s :%s", service_prefix(cl->conn->srv),
	    irc_nick(cl), buf);
}

/* A NOTICE from the service to everyone in ROOM. */
static void
room_notice(struct server *srv, const char *room, const char *text)
{
	struct irc_channel	*ch;
	struct irc_event	 ev;
	size_t			 i;

	if (mod_is == NULL || (ch = irc_channel_find(mod_is, room)) == NULL)
		return;
	irc_event_init(&ev, ":%s NOTICE %s :%.*s", service_prefix(srv),
	    ch->name, (int)utf8_cut(text, strnlen(text, 400)), text);
	for (i = 0; i < ch->nmembers; i++)
		irc_event_send(&ev, ch->members[i]->cl);
	irc_event_free(&ev);
}

/* The service sets the topic of ROOM (kept like any topic). */
static void
room_topic(struct server *srv, const char *room, const char *topic)
{
	struct irc_channel	*ch;
	struct irc_event	 ev;
	size_t			 i;

	if (mod_is == NULL || (ch = irc_channel_find(mod_is, room)) == NULL)
		return;
	free(ch->topic);
	free(ch->topic_who);
	ch->topic = xstrndup(topic, IRC_TOPICLEN);
	ch->topic_who = xstrdup(service_nick(srv));
	ch->topic_time = time(NULL);
	irc_channel_save(mod_is, ch);
	irc_event_init(&ev, ":%s TOPIC %s :%s", service_prefix(srv), ch->name,
	    ch->topic);
	for (i = 0; i < ch->nmembers; i++)
		irc_event_send(&ev, ch->members[i]->cl);
	irc_event_free(&ev);
}

/* Alerts for moderators (NOTIFY_MOD_ALERT): their room. */
static void
alert(struct server *srv, struct notify_msg *m, void *arg)
{
	(void)arg;
	room_notice(srv, srv->cf->moderators_room, m->text);
}

struct find_account {
	const char	*account;
	const char	*text;
	int		 n;
	struct irc_client **found;
	size_t		 nfound;
};

static void
find_account_cb(const char *key, void *val, void *arg)
{
	struct irc_client	*cl = val;
	struct find_account	*fa = arg;

	(void)key;
	if (cl->account == NULL || strcasecmp(cl->account, fa->account) != 0)
		return;
	fa->found = xreallocarray(fa->found, fa->nfound + 1,
	    sizeof *fa->found);
	fa->found[fa->nfound++] = cl;
}

/* Every registered client signed in as ACCOUNT (caller frees). */
static size_t
clients_of(const char *account, struct irc_client ***out)
{
	struct find_account	fa;

	memset(&fa, 0, sizeof fa);
	fa.account = account;
	if (mod_is != NULL)
		strmap_foreach(mod_is->nicks, find_account_cb, &fa);
	*out = fa.found;
	return fa.nfound;
}

/* Longest piece of a notice in one NOTICE line (tell() keeps 400). */
#define NOTICE_PIECE	360

/*
 * The length of the next piece of LINE (LEN bytes) to send: all of it
 * when short, else up to the last space before NOTICE_PIECE bytes, or
 * at a character boundary when there is no space.
 */
static size_t
notice_piece(const char *line, size_t len)
{
	size_t	n;

	if (len <= NOTICE_PIECE)
		return len;
	for (n = NOTICE_PIECE; n > NOTICE_PIECE / 2; n--)
		if (line[n] == ' ')
			return n;
	for (n = NOTICE_PIECE; n > 0 &&
	    ((unsigned char)line[n] & 0xc0) == 0x80; n--)
		;
	return n > 0 ? n : NOTICE_PIECE;
}

/*
 * A notice for a member (NOTIFY_MEMBER_NOTICE, see notice.h): every
 * client signed in to the account hears it from the service, a NOTICE
 * a line (a long line in pieces, never cut inside a word when it can
 * be helped: a hotline number must arrive whole).  The notice is
 * stored either way (hearth.inbox).
 */
static void
member_notice(struct server *srv, struct notify_msg *m, void *arg)
{
	struct irc_client	**v;
	const char		 *p, *nl;
	size_t			  n, i, k;

	(void)srv;
	(void)arg;
	if (m->account == NULL || m->text == NULL)
		return;
	n = clients_of(m->account, &v);
	for (i = 0; i < n; i++)
		for (p = m->text; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
			nl = p + strcspn(p, "\n");
			while (p < nl) {
				k = notice_piece(p, (size_t)(nl - p));
				tell(v[i], "%.*s", (int)k, p);
				p += k;
				while (p < nl && *p == ' ')
					p++;
			}
		}
	free(v);
	if (n > 0)
		m->delivered++;
}

/*
 * Events (notify.h): lines and topics in the event's room.  (Members who
 * asked for a reminder get it as a notice from events.c.)
 */
static void
on_event(struct server *srv, struct notify_msg *m, void *arg)
{
	(void)arg;
	if (m->action == NULL || m->room == NULL || m->text == NULL)
		return;
	if (strcmp(m->action, "say") == 0)
		room_notice(srv, m->room, m->text);
	else if (strcmp(m->action, "topic") == 0)
		room_topic(srv, m->room, m->text);
}


/*
 * A decision on chat message REF is committed: an approved one goes to
 * its room as sent (at the time it was published); clients that
 * understand redaction drop a hidden one from their view.
 */
static void
chat_done(struct server *srv, const char *ref, const char *action,
    const char *reason)
{
	struct chat_msg		 m;
	struct irc_channel	*ch;
	struct irc_event	 ev;
	struct irc_mtext	 mt;
	struct irc_textev	 tv;
	size_t			 i;

	(void)reason;
	if (mod_is == NULL)
		return;
	memset(&m, 0, sizeof m);
	if (store_chat_get(srv->store, ref, &m) != STORE_OK)
		return;
	ch = irc_channel_find(mod_is, m.target);
	if (strcmp(action, "approve") == 0 && irc_mtext_split(m.text, &mt)) {
		/* A multiline message (draft/multiline): its lines. */
		irc_textev_init(&tv, mod_is, m.source, m.command, ch != NULL ?
		    ch->name : m.target, &mt, m.msgid, m.time, m.account,
		    m.tags, 0, NULL);
		if (ch != NULL)
			for (i = 0; i < ch->nmembers; i++)
				irc_textev_send(&tv, ch->members[i]->cl, 0);
		irc_textev_free(&tv);
		irc_mtext_clear(&mt);
	} else if (strcmp(action, "approve") == 0) {
		irc_event_init(&ev, ":%s %s %s :%s", m.source, m.command,
		    ch != NULL ? ch->name : m.target, m.text);
		snprintf(ev.msgid, sizeof ev.msgid, "%s", m.msgid);
		ev.ms = m.time;
		irc_time_format(m.time, ev.time, sizeof ev.time);
		ev.account = m.account;
		ev.ctags = m.tags;
		if (ch != NULL)
			for (i = 0; i < ch->nmembers; i++)
				irc_event_send(&ev, ch->members[i]->cl);
		irc_event_free(&ev);
	} else if ((strcmp(action, "hide") == 0 ||
	    strcmp(action, "reject") == 0) && ch != NULL) {
		irc_event_init(&ev, ":%s REDACT %s %s :hidden by the moderators",
		    service_prefix(srv), ch->name, ref);
		for (i = 0; i < ch->nmembers; i++)
			if (HASCAP(ch->members[i]->cl,
			    CAP_MESSAGE_REDACTION))
				irc_event_send(&ev, ch->members[i]->cl);
		irc_event_free(&ev);
	}
	chat_msg_clear(&m);
}


/* The crisis hotline, privately, when the safety net matched. */
static void
tell_hotline(struct irc_client *cl, const struct screen_verdict *v)
{
	/* A member hears it (and keeps it) as a notice, wherever they are. */
	if ((v->flags & SCREEN_F_CRISIS) && v->hotline != NULL &&
	    (cl->account == NULL || notice_hotline(cl->conn->srv,
	    cl->account) < 0))
		tell(cl, "You are not alone. %s The moderators have been "
		    "told and will check on you.", v->hotline);
}

/*
 * Screen a message of CL before it goes out (screen.c decides): to room
 * CH when ROOM is set, else a private or status message (flood watch
 * only).  A refusal is answered here; a hold or a delivery is the
 * caller's to carry out (irc_mod_hold(), irc_mod_delivered()).
 */
enum screen_action
irc_mod_screen(struct irc_client *cl, struct irc_channel *ch, int room,
    const char *text, struct screen_input *in,
    struct screen_verdict *v)
{
	memset(in, 0, sizeof *in);
	in->kind = room ? SCREEN_ROOM : SCREEN_PRIVATE;
	in->account = cl->account;
	in->nick = irc_nick(cl);
	in->host = cl->host;
	in->role = irc_role_name(cl);
	in->probation = cl->probation;
	in->created = cl->account_created;
	in->where = ch != NULL ? ch->name : NULL;
	in->flood = &cl->flood;
	in->text = text;
	in->len = strlen(text);
	screen_words(cl->conn->srv, in, v);
	cl->probation = v->probation;
	if (v->action == SCREEN_REFUSE && (v->flags & SCREEN_F_FLOOD)) {
		irc_sendf(cl, ":%s FAIL PRIVMSG MUTED :You are muted for %d "
		    "minutes (%s); a moderator will look at it",
		    irc_srvname(cl), v->mute_minutes, v->reason);
		/* A member heard it already, as the mute's notice. */
		if (cl->account == NULL)
			tell(cl, "You are muted everywhere for %d minutes "
			    "(%s). A moderator will look at it; the mute "
			    "lifts by itself.", v->mute_minutes, v->reason);
	}
	return v->action;
}

/*
 * Screen a profile value CL wants to show (METADATA SET, irc-v3.c) as
 * its words are screened (screen.c, SCREEN_PROFILE).  A refusal is the
 * caller's to answer (V->reason; a flood mute was told as for words);
 * a crisis phrase that passes is queued and the hotline told.
 */
enum screen_action
irc_mod_screen_profile(struct irc_client *cl, const char *value,
    struct screen_verdict *v)
{
	struct server		*srv = cl->conn->srv;
	struct screen_input	 in;

	memset(&in, 0, sizeof in);
	in.kind = SCREEN_PROFILE;
	in.account = cl->account;
	in.nick = irc_nick(cl);
	in.host = cl->host;
	in.role = irc_role_name(cl);
	in.probation = cl->probation;
	in.created = cl->account_created;
	in.flood = &cl->flood;
	in.text = value;
	in.len = strlen(value);
	screen_words(srv, &in, v);
	if (v->action == SCREEN_REFUSE && (v->flags & SCREEN_F_FLOOD) &&
	    cl->account == NULL)
		tell(cl, "You are muted everywhere for %d minutes (%s). A "
		    "moderator will look at it; the mute lifts by itself.",
		    v->mute_minutes, v->reason);
	if (v->action != SCREEN_REFUSE) {
		screen_delivered(srv, &in, v, "user", cl->account != NULL ?
		    cl->account : irc_nick(cl));
		tell_hotline(cl, v);
	}
	return v->action;
}

/* A room message went out: the safety net's queue row and hotline. */
void
irc_mod_delivered(struct irc_client *cl, const char *msgid,
    const struct screen_input *in, const struct screen_verdict *v)
{
	screen_delivered(cl->conn->srv, in, v, "chat", msgid);
	tell_hotline(cl, v);
}

/* Muted (or banned) in this room or everywhere? */
int
irc_mod_muted(struct irc_client *cl, struct irc_channel *ch)
{
	return sanction_may_speak(cl->conn->srv, cl->account, irc_prefix(cl),
	    ch != NULL ? ch->name : NULL, NULL);
}

/*
 * Keep a held room message: stored hidden (with its msgid) together with
 * its queue row, in one transaction (modq_hold_chat()).  Approval shows
 * it to the room and puts it in the history (chat_apply).
 */
void
irc_mod_hold(struct irc_client *cl, struct irc_channel *ch, const char *cmd,
    const char *msgid, int64_t ms, const char *ctags, const char *text,
    const struct screen_verdict *v)
{
	struct chat_msg	m;
	char		sid[64];

	irc_history_row(cl, ch->fold, NULL, cmd, msgid, ms, ctags, text, &m,
	    sid, sizeof sid);
	if (modq_hold_chat(cl->conn->srv, &m, ch->name, v->crisis) != 0) {
		irc_fail(cl, cmd, "MESSAGE_ERROR", ch->name, "Your message "
		    "could not be stored; it was not sent");
		return;
	}
	irc_sendf(cl, ":%s NOTE %s MESSAGE_HELD %s %s :Your message waits "
	    "for a moderator (%s); the room sees it once approved",
	    irc_srvname(cl), cmd, ch->name, msgid, v->reason);
	/* The notice reaches this client too, and the member's inbox. */
	if (notice_held(cl->conn->srv, cl->account, "chat", ch->name, text,
	    v->reason) < 0)
		tell(cl, "Your message to %s waits for a moderator (%s); the "
		    "room sees it once approved.", ch->name, v->reason);
	/* The safety net looks at held words too. */
	tell_hotline(cl, v);
}

/* Banned from this room (or everywhere)? */
int
irc_mod_banned(struct irc_client *cl, struct irc_channel *ch)
{
	return sanction_may_enter(cl->conn->srv, cl->account, irc_prefix(cl),
	    ch != NULL ? ch->name : NULL, NULL);
}

/* Tell CL which ban keeps them out (V), and close. */
void
irc_mod_refuse_ban(struct irc_client *cl, const struct sanction_verdict *v)
{
	char	words[512];

	sanction_describe(v, words, sizeof words);
	irc_sendf(cl, "ERROR :Closing Link: %s (You are %s; contact the "
	    "moderators)", irc_nick(cl), words);
	conn_close(cl->conn, "banned");
}

/*
 * A server-wide ban (scope "*") on the account or mask: say so (why and
 * until when) and close.  Returns 1 when the client was refused.
 */
int
irc_mod_refuse_banned(struct irc_client *cl)
{
	struct sanction_verdict	v;

	if (!sanction_may_sign_in(cl->conn->srv, cl->account, irc_prefix(cl),
	    &v))
		return 0;
	irc_mod_refuse_ban(cl, &v);
	return 1;
}

struct ban_sweep {
	struct server		 *srv;
	struct irc_client	**v;
	size_t			  n;
};

static void
ban_sweep_one(const char *key, void *val, void *arg)
{
	struct irc_client	*cl = val;
	struct ban_sweep	*bs = arg;

	(void)key;
	if ((cl->flags & CL_QUITTING) || conn_is_closing(cl->conn) ||
	    !sanction_may_sign_in(bs->srv, cl->account, irc_prefix(cl), NULL))
		return;
	bs->v = xreallocarray(bs->v, bs->n + 1, sizeof *bs->v);
	bs->v[bs->n++] = cl;
}

/*
 * A ban everywhere was just set: the clients it covers (by account or
 * mask) leave at once, told why and until when, and their rooms see
 * them quit.  A newsreader's session notices at its next command.
 */
static void
sanction_added(struct server *srv, struct notify_msg *m, void *arg)
{
	struct ban_sweep	bs = { srv, NULL, 0 };
	struct sanction_verdict	v;
	size_t			i;

	(void)arg;
	if (mod_is == NULL || strcmp(m->sanction, "ban") != 0 ||
	    (m->scope != NULL && *m->scope != '\0'))
		return;
	/* Collected first: quitting changes the nick table. */
	strmap_foreach(mod_is->nicks, ban_sweep_one, &bs);
	for (i = 0; i < bs.n; i++) {
		if (!sanction_may_sign_in(srv, bs.v[i]->account,
		    irc_prefix(bs.v[i]), &v))
			continue;
		irc_mod_refuse_ban(bs.v[i], &v);
		irc_quit(bs.v[i], "Banned");
	}
	free(bs.v);
}

/* Service commands */

struct svc {
	struct irc_client	*cl;
	struct server		*srv;
	char			*argv[8];
	int			 argc;
	const char		*rest;		/* text after the 2nd word */
	const char		*text;		/* the whole message */
	int			 role;		/* MODCMD_ROLE_*, 0: member */
};

static const char *
who(struct svc *sv)
{
	return sv->cl->account != NULL ? sv->cl->account : irc_nick(sv->cl);
}

static void
event_row(const struct event_info *ev, void *arg)
{
	struct svc	*sv = arg;
	char		 when[32];
	struct tm	 tm;

	gmtime_r(&ev->starts, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
	tell(sv->cl, "#%lld %s - %s, %d minutes, in %s", (long long)ev->id,
	    ev->title, when, ev->duration / 60, ev->room);
}

/* Rows of a list query, one notice each. */
static void
notice_row(int n, const char *const *names, const char *const *vals,
    void *arg)
{
	struct svc	*sv = arg;
	char		 line[400];
	size_t		 o = 0;
	int		 i;

	for (i = 0; i < n && o < sizeof line - 1; i++)
		o += (size_t)snprintf(line + o, sizeof line - o, "%s%s=%s",
		    i ? " " : "", names[i], vals[i] != NULL ? vals[i] : "-");
	tell(sv->cl, "%s", line);
}

/* The text after the first N words of the original message. */
static const char *
after_words(const char *text, int n)
{
	const char	*p = text;

	while (n-- > 0) {
		while (*p == ' ')
			p++;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	while (*p == ' ')
		p++;
	return p;
}

/*
 * May ACCOUNT report stored message M?  A room line, yes; a private
 * message only when ACCOUNT is one of its ends (anyone else is told it
 * is unknown, as if it did not exist).
 */
static int
dm_reportable(const char *account, const struct chat_msg *m)
{
	char		 party[128];
	const char	*a = m->target + 1, *sp;
	size_t		 n;

	if (m->target[0] != '@')
		return 1;
	if (account == NULL || (sp = strchr(a, ' ')) == NULL)
		return 0;
	store_dm_account_end(account, party, sizeof party);
	n = strlen(party);
	return ((size_t)(sp - a) == n && strncmp(a, party, n) == 0) ||
	    strcmp(sp + 1, party) == 0;
}

static void
svc_report(struct svc *sv)
{
	struct chat_msg		 m;
	struct irc_client	*target;
	const char		*ref, *type, *author = NULL, *where = NULL;
	const char		*excerpt = NULL;
	char			 msg[300];

	if (sv->argc < 3) {
		tell(sv->cl, "Usage: REPORT <msgid|nick> <reason>");
		return;
	}
	if (sv->cl->account == NULL) {
		tell(sv->cl, "Please sign in first so moderators can follow "
		    "up (SASL or IDENTIFY).");
		return;
	}
	ref = sv->argv[1];
	memset(&m, 0, sizeof m);
	if (ref[0] == '<') {
		type = "article";
	} else if (store_chat_get(sv->srv->store, ref, &m) == STORE_OK &&
	    dm_reportable(sv->cl->account, &m)) {
		type = "chat";
		author = m.account;
		/* A conversation's key names both ends: not shown. */
		where = m.target[0] == '@' ? "private message" : m.target;
		excerpt = m.text;
	} else if ((target = irc_find_nick(sv->cl->is, ref)) != NULL &&
	    irc_is_registered(target)) {
		type = "user";
		ref = target->account != NULL ? target->account :
		    irc_prefix(target);
		author = target->account;
	} else {
		chat_msg_clear(&m);
		tell(sv->cl, "I do not know %s: give a message id (from your "
		    "client's msgid tag), a nick online, or an article "
		    "<message-id>", ref);
		return;
	}
	if (modq_report(sv->srv, sv->cl->account, "irc", type, ref, author,
	    where, excerpt, sv->rest, msg, sizeof msg) != 0)
		tell(sv->cl, "%s", msg);
	else
		tell(sv->cl, "%s", msg);
	chat_msg_clear(&m);
}

static void
svc_actions(struct svc *sv)
{
	if (sv->cl->account == NULL) {
		tell(sv->cl, "Sign in to see actions taken on your account.");
		return;
	}
	tell(sv->cl, "Moderation actions about you or your words, newest "
	    "first:");
	store_actions_about(sv->srv->store, sv->cl->account, notice_row, sv);
	tell(sv->cl, "End of list.");
}

/* Forget the new password Helper PASSWORD held. */
static void
pw_new_drop(struct irc_client *cl)
{
	if (cl->pw_new == NULL)
		return;
	OPENSSL_cleanse(cl->pw_new, strlen(cl->pw_new));
	free(cl->pw_new);
	cl->pw_new = NULL;
}

/* PASSWORD, last step: the new hash is ready (or NULL). */
static void
password_hashed(struct conn *c, void *arg, const struct pw_secret *pw)
{
	struct irc_client	*cl = c->pstate;

	(void)arg;
	/* The hash and SCRAM keys with their audit line (account.c). */
	if (pw == NULL || cl->account == NULL ||
	    account_set_password(c->srv, cl->account, cl->account, pw,
	    "by the member") != STORE_OK) {
		tell(cl, "Sorry, the password could not be changed.");
		return;
	}
	tell(cl, "Your password has been changed.");
}

/* PASSWORD, second step: the current password was checked. */
static void
password_checked(struct conn *c, void *arg, int rc, struct account *a,
    struct sanction_verdict *ban)
{
	struct irc_client	*cl = c->pstate;
	char			 why[128];

	(void)arg;
	(void)ban;
	if (rc == AUTH_OK)
		account_clear(a);
	if (rc != AUTH_OK || cl->pw_new == NULL) {
		tell(cl, "%s", rc == AUTH_THROTTLED ? "Too many failed "
		    "attempts: try again in a few minutes." : rc == AUTH_BUSY ?
		    "Too many sign-ins in progress: try again in a moment." :
		    "That is not your current password.");
		pw_new_drop(cl);
		return;
	}
	if (account_password_acceptable(cl->pw_new,
	    c->srv->cf->password_min_length, why, sizeof why) != 0) {
		tell(cl, "%s", why);
		pw_new_drop(cl);
		return;
	}
	rc = auth_hash_start(c->srv, c, cl->pw_new, password_hashed, NULL);
	pw_new_drop(cl);
	if (rc != AUTH_PENDING)
		tell(cl, "Too many sign-ins in progress: try again in a "
		    "moment.");
}

/*
 * PASSWORD <old> <new>: the current password is checked and the new one
 * hashed on the workers; the answers follow.
 */
static void
svc_password(struct svc *sv)
{
	int	rc;

	if (sv->cl->account == NULL || sv->argc != 3) {
		tell(sv->cl, "Usage (signed in): PASSWORD <old> <new>");
		return;
	}
	if (!auth_channel_ok(sv->srv, sv->cl->conn)) {
		tell(sv->cl, "Change your password over TLS only.");
		return;
	}
	pw_new_drop(sv->cl);
	sv->cl->pw_new = xstrdup(sv->argv[2]);
	rc = auth_login_start(sv->srv, sv->cl->conn, "irc", sv->cl->account,
	    sv->argv[1], password_checked, NULL);
	if (rc != AUTH_PENDING)
		password_checked(sv->cl->conn, NULL, rc, NULL, NULL);
}

/* ERASE, second step: the password was checked. */
static void
erase_checked(struct conn *c, void *arg, int rc, struct account *a,
    struct sanction_verdict *ban)
{
	struct irc_client	*cl = c->pstate;
	char			 msg[256], name[64];
	int			 mode;

	(void)arg;
	(void)ban;
	if (rc != AUTH_OK || cl->account == NULL) {
		if (rc == AUTH_OK)
			account_clear(a);
		tell(cl, "%s", rc == AUTH_THROTTLED ? "Too many failed "
		    "attempts: try again in a few minutes; nothing was erased." :
		    rc == AUTH_BUSY ? "Too many sign-ins in progress: try again "
		    "in a moment; nothing was erased." :
		    "That is not your password; nothing was erased.");
		return;
	}
	account_clear(a);
	if (erase_mode_parse(c->srv->cf->erasure_mode, &mode) != 0)
		mode = ERASE_PSEUDONYMIZE;
	snprintf(name, sizeof name, "%s", cl->account);
	if (member_erase(c->srv, name, mode, name, msg, sizeof msg) != 0) {
		tell(cl, "%s", msg);
		return;
	}
	tell(cl, "%s. Take care.", msg);
	irc_sendf(cl, "ERROR :Closing Link: %s (Account erased)",
	    irc_nick(cl));
	/* Its leaving is not kept in any room's history. */
	cl->flags |= CL_NOHISTORY;
	irc_quit(cl, "Account erased");
	conn_close(c, "account erased");
}

static void
svc_erase(struct svc *sv)
{
	int	rc;

	/* The password is everything after the command (it may hold
	 * spaces). */
	const char	*pw = after_words(sv->text, 1);

	if (sv->cl->account == NULL || *pw == '\0') {
		tell(sv->cl, "Usage (signed in): ERASE <password>. This "
		    "deletes your account; your words are %s.",
		    strcmp(sv->srv->cf->erasure_mode, "remove") == 0 ?
		    "removed everywhere" : "kept under \"former member\"");
		return;
	}
	if (!auth_channel_ok(sv->srv, sv->cl->conn)) {
		tell(sv->cl, "Passwords are only accepted over TLS: reconnect "
		    "to the TLS port; nothing was erased.");
		return;
	}
	rc = auth_login_start(sv->srv, sv->cl->conn, "irc", sv->cl->account,
	    pw, erase_checked, NULL);
	if (rc != AUTH_PENDING)
		erase_checked(sv->cl->conn, NULL, rc, NULL, NULL);
}

/* One row of FEEDTOKEN LIST: id, label, created, last_used. */
static void
token_row(int n, const char *const *names, const char *const *vals,
    void *arg)
{
	struct svc	*sv = arg;

	if (n < 4)
		return;
	(void)names;
	tell(sv->cl, "#%s %s - made %s, last used %s", vals[0],
	    vals[1] != NULL && *vals[1] != '\0' ? vals[1] : "(no label)",
	    vals[2] != NULL ? vals[2] : "?", vals[3] != NULL ? vals[3] :
	    "never");
}

/*
 * FEEDTOKEN NEW [label] | LIST | REVOKE <n|all>: feed addresses that
 * read the member's private feeds without a password (see feedtoken.h).
 * The token is shown once, so only over TLS.
 */
static void
svc_feedtoken(struct svc *sv)
{
	struct account	 a;
	const char	*op = sv->argc > 1 ? sv->argv[1] : "";
	char		 tok[FEED_TOKEN_LEN + 1], why[200], *end;
	int64_t		 id = 0;

	if (sv->cl->account == NULL) {
		tell(sv->cl, "Sign in first: feed tokens belong to an "
		    "account.");
		return;
	}
	if (!auth_channel_ok(sv->srv, sv->cl->conn)) {
		tell(sv->cl, "Feed tokens are secrets: use a TLS connection.");
		return;
	}
	if (store_account_get(sv->srv->store, sv->cl->account, &a, NULL) !=
	    STORE_OK) {
		tell(sv->cl, "Sorry, your account could not be read.");
		return;
	}
	if (strcasecmp(op, "NEW") == 0 && sv->argc <= 3) {
		if (feedtoken_new(sv->srv, &a, sv->argc == 3 ?
		    sv->argv[2] : "", a.name, tok, &id, why, sizeof why) != 0)
			tell(sv->cl, "%s.", why);
		else {
			tell(sv->cl, "Feed token #%lld, shown only this once "
			    "(keep it like a password): %s", (long long)id,
			    tok);
			tell(sv->cl, "In your feed reader: https://%s/t/%s/"
			    "feeds/groups/GROUP.atom (or .rss), and "
			    "/t/%s/feeds/threads/MESSAGE-ID.atom",
			    sv->srv->cf->server_name, tok, tok);
			tell(sv->cl, "FEEDTOKEN REVOKE %lld stops it at once.",
			    (long long)id);
			OPENSSL_cleanse(tok, sizeof tok);
		}
	} else if (strcasecmp(op, "LIST") == 0 && sv->argc == 2) {
		tell(sv->cl, "Your feed tokens:");
		store_feed_token_list(sv->srv->store, a.id, token_row, sv);
		tell(sv->cl, "End of list.");
	} else if (strcasecmp(op, "REVOKE") == 0 && sv->argc == 3) {
		if (strcasecmp(sv->argv[2], "all") != 0) {
			id = strtoll(sv->argv[2][0] == '#' ? sv->argv[2] + 1 :
			    sv->argv[2], &end, 10);
			if (*end != '\0' || id <= 0) {
				tell(sv->cl, "Give the token's number (see "
				    "FEEDTOKEN LIST) or all.");
				account_clear(&a);
				return;
			}
		}
		if (feedtoken_revoke(sv->srv, &a, id, a.name, why,
		    sizeof why) != 0)
			tell(sv->cl, "%s.", why);
		else if (id > 0)
			tell(sv->cl, "Feed token #%lld revoked: its addresses "
			    "no longer work.", (long long)id);
		else
			tell(sv->cl, "All your feed tokens are revoked.");
	} else
		tell(sv->cl, "Usage: FEEDTOKEN NEW [label] | FEEDTOKEN LIST | "
		    "FEEDTOKEN REVOKE <number|all>");
	account_clear(&a);
}

/*
 * REGISTER <password>: an account named after the current nick, for
 * clients without draft/account-registration (the password may hold
 * spaces).  The work is cmd_register()'s; this only frames it.
 */
/* After Helper REGISTER: say what came of it, in the Helper's words. */
static void
svc_register_after(struct irc_client *cl)
{
	if (cl->account != NULL)
		tell(cl, "Welcome, %s: your account works here and in the "
		    "newsgroups. Next time sign in with SASL.", cl->account);
	else if (cl->pending_account != NULL)
		tell(cl, "Thank you, %s: a moderator approves new accounts "
		    "here. Stay connected to hear when yours is ready.",
		    cl->pending_account);
	else
		tell(cl, "No account was made (see the message above).");
}

static void
svc_register(struct svc *sv)
{
	char	*pw = xstrdup(after_words(sv->text, 1));

	if (*pw == '\0') {
		tell(sv->cl, "Usage: REGISTER <password> - makes an account "
		    "named %s (your nick), for the rooms and the newsgroups. "
		    "Passwords need at least %d characters.", irc_nick(sv->cl),
		    sv->srv->cf->password_min_length);
		free(pw);
		return;
	}
	irc_register_account(sv->cl, "*", pw, svc_register_after);
	OPENSSL_cleanse(pw, strlen(pw));
	free(pw);
}

static int
parse_id(struct svc *sv, int i, int64_t *id)
{
	char	*end;

	if (sv->argc <= i || (*id = strtoll(sv->argv[i], &end, 10)) <= 0 ||
	    *end != '\0') {
		tell(sv->cl, "Give the event number (see EVENTS).");
		return -1;
	}
	return 0;
}

static void
svc_events(struct svc *sv)
{
	tell(sv->cl, "Coming up (REMIND <number> for a reminder):");
	store_event_list(sv->srv->store, time(NULL), 20, 0, event_row, sv);
	tell(sv->cl, "End of events.");
}

static void
svc_remind(struct svc *sv)
{
	int64_t	id;

	if (sv->cl->account == NULL)
		tell(sv->cl, "Sign in first, so the reminder can find you.");
	else if (parse_id(sv, 1, &id) == 0) {
		if (store_event_remind_add(sv->srv->store, id,
		    sv->cl->account) == STORE_OK)
			tell(sv->cl, "I will remind you %d minutes before "
			    "event #%lld starts.",
			    sv->srv->cf->event_reminder_minutes,
			    (long long)id);
		else
			tell(sv->cl, "No upcoming event #%lld (see EVENTS).",
			    (long long)id);
	}
}

static void
svc_export(struct svc *sv)
{
	tell(sv->cl, "Sign in at https://%s/me/export.json (and "
	    "/me/articles.mbox) with your account to download everything "
	    "stored about you.", sv->srv->cf->server_name);
}

/*
 * The moderation commands (modcmd.h) in Helper's words: listings come
 * as notices, a show as the rendering for people.
 */
static void
svc_mod_begin(void *arg, const struct modcmd_call *mc)
{
	struct svc	*sv = arg;

	if (mc->action == MODCMD_QUEUE)
		tell(sv->cl, "Open queue, most urgent first (SHOW n for "
		    "one):");
}

static void
svc_mod_row(void *arg, const char *section, int n,
    const char *const *names, const char *const *vals)
{
	(void)section;
	notice_row(n, names, vals, arg);
}

static void
show_line(void *arg, const char *text)
{
	struct svc	*sv = arg;

	tell(sv->cl, "%s", text);
}

static void
svc_mod_end(void *arg, const struct modcmd_call *mc)
{
	struct svc	*sv = arg;

	if (mc->action == MODCMD_QUEUE)
		tell(sv->cl, "End of queue.");
	else if (mc->action == MODCMD_SHOW)
		tell(sv->cl, "End of entry #%lld: APPROVE, REJECT, DISMISS "
		    "or HIDE it.", (long long)mc->id);
	else
		tell(sv->cl, "End of log.");
}

/*
 * A moderation command CMD: the rest of the message after its name is
 * parsed by the table, the executor performs it and Helper tells what
 * happened.
 */
static void
svc_moderate(struct svc *sv, const struct modcmd *cmd)
{
	struct modexec_sink	 sk = { svc_mod_begin, svc_mod_row, show_line,
				    svc_mod_end, sv, 20, 20 };
	struct modcmd_call	 mc;
	char			*line, msg[300];

	line = xstrdup(after_words(sv->text, 1));
	if (modcmd_parse_text(cmd, line, 0, MODCMD_S_CHAT, &mc, msg,
	    sizeof msg) != MODCMD_OK ||
	    modq_exec(sv->srv, who(sv), &mc, &sk, msg, sizeof msg) !=
	    MODEXEC_OK || msg[0] != '\0')
		tell(sv->cl, "%s", msg);
	free(line);
}

static void
cert_tell(const char *fp, int64_t added, void *arg)
{
	struct svc	*sv = arg;

	(void)added;
	tell(sv->cl, "  %s", fp);
}

/*
 * CERT ADD | LIST | DEL <fingerprint>: the client certificates that sign
 * this account in with SASL EXTERNAL.  ADD registers the certificate of
 * this very connection, so a member can only add one they hold (an
 * operator adds any with hearthmod account cert).
 */
static void
svc_cert(struct svc *sv)
{
	const char	*op = sv->argc > 1 ? sv->argv[1] : "";
	char		 fp[65], buf[EVP_MAX_MD_SIZE * 2 + 1];
	int		 rc;

	if (sv->cl->account == NULL) {
		tell(sv->cl, "Sign in first: a certificate is registered to "
		    "an account.");
		return;
	}
	if (strcasecmp(op, "LIST") == 0 && sv->argc == 2) {
		tell(sv->cl, "Certificates that sign you in (SASL EXTERNAL):");
		store_cert_list(sv->srv->store, sv->cl->account, cert_tell,
		    sv);
		tell(sv->cl, "End of certificates.");
		return;
	}
	if (strcasecmp(op, "ADD") == 0 && sv->argc == 2) {
		if (conn_peer_fingerprint(sv->cl->conn, buf, sizeof buf) ==
		    NULL || account_fingerprint_norm(buf, fp) != 0) {
			tell(sv->cl, "Connect over TLS with your client "
			    "certificate, then say CERT ADD.");
			return;
		}
		rc = store_cert_add(sv->srv->store, sv->cl->account, fp);
		if (rc == STORE_NOTFOUND)
			tell(sv->cl, "That certificate is registered "
			    "already.");
		else if (rc != STORE_OK)
			tell(sv->cl, "Sorry, the certificate could not be "
			    "registered.");
		else {
			store_audit(sv->srv->store, sv->cl->account,
			    "account.cert.add", sv->cl->account, fp);
			tell(sv->cl, "Registered %s: it signs you in with SASL "
			    "EXTERNAL from now on.", fp);
		}
		return;
	}
	if (strcasecmp(op, "DEL") == 0 && sv->argc == 3) {
		if (account_fingerprint_norm(sv->argv[2], fp) != 0) {
			tell(sv->cl, "A fingerprint is 64 hex digits (see "
			    "CERT LIST).");
			return;
		}
		rc = store_cert_del(sv->srv->store, sv->cl->account, fp);
		if (rc == STORE_OK) {
			store_audit(sv->srv->store, sv->cl->account,
			    "account.cert.del", sv->cl->account, fp);
			tell(sv->cl, "Removed %s.", fp);
		} else
			tell(sv->cl, "You have no such certificate.");
		return;
	}
	tell(sv->cl, "Usage: CERT ADD | CERT LIST | CERT DEL <fingerprint>");
}

#define SVC_STR(x)	#x
#define SVC_XSTR(x)	SVC_STR(x)

static void	svc_help(struct svc *);

/*
 * The service's own commands, for everyone: one row each.  The
 * moderators' commands are rows of the shared table (modcmd.h); HELP is
 * written from both tables.
 */
static const struct svc_cmd {
	const char	*name;
	void		(*fn)(struct svc *);
	const char	*help;
} svc_cmds[] = {
	{ "HELP", svc_help, "HELP - this list" },
	/* The password length is the setting's: see svc_help(). */
	{ "REGISTER", svc_register, "REGISTER <password> - make an "
	  "account named after your nick (over TLS; a password has "
	  "%d to " SVC_XSTR(PASSWORD_MAX) " characters, spaces allowed, no "
	  "control characters)" },
	{ "REPORT", svc_report, "REPORT <msgid|nick|<article-id>> "
	  "<reason> - tell the moderators (they do not tell who reported)" },
	{ "ACTIONS", svc_actions, "ACTIONS - what moderators did about "
	  "you or your words" },
	{ "PASSWORD", svc_password, "PASSWORD <old> <new> - change your "
	  "password (if yours has spaces, use hearthmod or ask an operator)" },
	{ "ERASE", svc_erase, "ERASE <password> - delete your account and "
	  "your words as the community's policy says (cannot be undone)" },
	{ "EXPORT", svc_export, "EXPORT - how to download everything "
	  "stored about you" },
	{ "FEEDTOKEN", svc_feedtoken, "FEEDTOKEN NEW [label] | LIST | "
	  "REVOKE <number|all> - private feed addresses for your feed reader "
	  "(over TLS)" },
	{ "CERT", svc_cert, "CERT ADD | LIST | DEL <fingerprint> - sign "
	  "in with this connection's client certificate (SASL EXTERNAL)" },
	{ "EVENTS", svc_events, "EVENTS - patient schools and meetups" },
	{ "REMIND", svc_remind, "REMIND <number> - a reminder before an "
	  "event starts" },
};
#define NSVC_CMDS (sizeof svc_cmds / sizeof svc_cmds[0])

/*
 * Tell TEXT with its one "%d" replaced by password_min_length (the
 * texts are constants of this file, never client input).
 */
static void
tell_min_length(struct svc *sv, const char *text)
{
	const char	*d = strstr(text, "%d");

	if (d == NULL) {
		tell(sv->cl, "%s", text);
		return;
	}
	tell(sv->cl, "%.*s%d%s", (int)(d - text), text,
	    sv->srv->cf->password_min_length, d + 2);
}

static void
svc_help(struct svc *sv)
{
	char	usage[200];
	size_t	i;

	tell(sv->cl, "I am %s, the community's service. Commands:",
	    service_nick(sv->srv));
	for (i = 0; i < NSVC_CMDS; i++) {
		if (svc_cmds[i].fn == svc_register)
			tell_min_length(sv, svc_cmds[i].help);
		else
			tell(sv->cl, "%s", svc_cmds[i].help);
	}
	if (sv->role < MODCMD_ROLE_MODERATOR)
		return;
	tell(sv->cl, "For moderators:");
	for (i = 0; i < modcmd_count; i++) {
		if (!(modcmd_table[i].fronts & MODCMD_F_CHAT) ||
		    sv->role < (int)modcmd_table[i].role)
			continue;
		modcmd_usage(&modcmd_table[i], MODCMD_S_CHAT, usage,
		    sizeof usage);
		tell(sv->cl, "%s - %s", usage, modcmd_table[i].help);
	}
}

/*
 * PRIVMSG to the service nick.  The first word is the command: a row
 * of svc_cmds[] or a moderation command.  For commands taking free
 * text, sv.rest is the text after their fixed words.
 */
void
irc_service_message(struct irc_client *cl, const char *text)
{
	const struct modcmd	*mod;
	struct svc		 sv;
	char			*copy, *p, *save = NULL, name[32];
	struct account		 a;
	size_t			 i;

	memset(&sv, 0, sizeof sv);
	sv.cl = cl;
	sv.srv = cl->conn->srv;
	if (cl->account != NULL && store_account_get(sv.srv->store,
	    cl->account, &a, NULL) == STORE_OK) {
		if (strcmp(a.role, "admin") == 0)
			sv.role = MODCMD_ROLE_ADMIN;
		else if (strcmp(a.role, "moderator") == 0)
			sv.role = MODCMD_ROLE_MODERATOR;
		account_clear(&a);
	}
	copy = xstrdup(text);
	for (p = strtok_r(copy, " ", &save); p != NULL && sv.argc < 8;
	    p = strtok_r(NULL, " ", &save))
		sv.argv[sv.argc++] = p;
	sv.text = text;
	sv.rest = after_words(text, 2);
	if (sv.argc == 0) {
		svc_help(&sv);
		free(copy);
		return;
	}
	for (i = 0; i < NSVC_CMDS; i++)
		if (strcasecmp(svc_cmds[i].name, sv.argv[0]) == 0)
			break;
	if (i < NSVC_CMDS)
		svc_cmds[i].fn(&sv);
	else if ((mod = modcmd_find(sv.argv[0], MODCMD_F_CHAT)) == NULL)
		tell(cl, "Unknown command %s; try HELP.", sv.argv[0]);
	else if (sv.role < (int)mod->role) {
		for (i = 0; i + 1 < sizeof name && mod->name[i] != '\0'; i++)
			name[i] = (char)toupper((unsigned char)mod->name[i]);
		name[i] = '\0';
		tell(cl, "Only %s may use %s.", mod->role ==
		    MODCMD_ROLE_ADMIN ? "admins" : "moderators", name);
	} else
		svc_moderate(&sv, mod);
	free(copy);
}

struct signup_ctx {
	struct server	*srv;
	const char	*name;
	int		 approved;
	const char	*reason;
};

static void
signup_one(const char *key, void *val, void *arg)
{
	struct irc_client	*cl = val;
	struct signup_ctx	*sc = arg;
	struct account		 a;

	(void)key;
	if (cl->pending_account == NULL ||
	    strcasecmp(cl->pending_account, sc->name) != 0)
		return;
	free(cl->pending_account);
	cl->pending_account = NULL;
	if (!sc->approved) {
		tell(cl, "Your sign-up as %s was not accepted%s%s.", sc->name,
		    sc->reason != NULL ? ": " : "", sc->reason != NULL ?
		    sc->reason : "");
		return;
	}
	if (cl->account != NULL || store_account_get(sc->srv->store,
	    sc->name, &a, NULL) != STORE_OK)
		return;
	tell(cl, "Welcome, %s: a moderator approved your account. You are "
	    "signed in; next time use SASL.", a.name);
	irc_login(cl, &a);
	account_clear(&a);
}

/*
 * A moderator decided on a sign-up: an applicant still connected hears
 * it, and is signed in when approved.
 */
static void
signup_decided(struct server *srv, const char *name, int approved,
    const char *reason)
{
	struct signup_ctx	sc = { srv, name, approved, reason };

	if (mod_is != NULL)
		strmap_foreach(mod_is->nicks, signup_one, &sc);
}

/* A committed decision (notify.h): what the rooms and applicants see. */
static void
entry_decided(struct server *srv, struct notify_msg *m, void *arg)
{
	(void)arg;
	if (m->item_type == NULL || m->item_ref == NULL || m->action == NULL)
		return;
	if (strcmp(m->item_type, "chat") == 0)
		chat_done(srv, m->item_ref, m->action, m->reason);
	else if (strcmp(m->item_type, "account") == 0)
		signup_decided(srv, m->item_ref, strcmp(m->action,
		    "approve") == 0, m->reason);
}

void
irc_mod_init(struct irc_server *is)
{
	mod_is = is;
	notify_subscribe(NOTIFY_MOD_ALERT, alert, NULL);
	notify_subscribe(NOTIFY_MEMBER_NOTICE, member_notice, NULL);
	notify_subscribe(NOTIFY_ENTRY_DECIDED, entry_decided, NULL);
	notify_subscribe(NOTIFY_EVENT, on_event, NULL);
	notify_subscribe(NOTIFY_ACCOUNT_CHANGED, irc_account_changed, NULL);
	notify_subscribe(NOTIFY_SANCTION_ADDED, sanction_added, NULL);
}

void
irc_mod_free(void)
{
	mod_is = NULL;
}
