/*
 * irc-mod.c -- moderation, safety and member rights in the IRC rooms.
 *
 * The service nick (config service_nick, "Helper") takes commands by
 * private message; svc_cmds[] holds them, each marked for everyone
 * (REGISTER, REPORT, ACTIONS, PASSWORD, ERASE, EXPORT, FEEDTOKEN, CERT,
 * EVENTS, REMIND, HELP) or for moderators only (QUEUE, SHOW, APPROVE, REJECT, DISMISS,
 * HIDE, UNHIDE, MUTE, UNMUTE, BAN, UNBAN, WARN, NOTE, LOG); HELP is
 * written from the table.  This file also registers the "chat" hooks of
 * the moderation engine (hiding a message keeps it in the database and
 * tells clients to drop it; approving a held one delivers it), holds a
 * new member's room messages, runs the flood watch, tells applicants of
 * sign-up decisions, the alert sink (notices in the moderators' room),
 * warnings to members, the erasure and export of chat messages, and the
 * room side of events.
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
#include "members.h"
#include "modq.h"
#include "notice.h"
#include "notify.h"
#include "store-irc.h"
#include "store-members.h"
#include "store-modq.h"
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
	irc_event_init(&ev, ":%s NOTICE %s :%.400s", service_prefix(srv),
	    ch->name, text);
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
		irc_map_foreach(mod_is->nicks, find_account_cb, &fa);
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

/* Deliver held message M to its room, as sent, and unhide it. */
static int
chat_publish(struct server *srv, struct chat_msg *m, char *msg,
    size_t msglen)
{
	struct irc_channel	*ch;
	struct irc_event	 ev;
	size_t			 i;
	int			 rc;

	ch = mod_is != NULL ? irc_channel_find(mod_is, m->target) : NULL;
	irc_event_init(&ev, ":%s %s %s :%s", m->source, m->command,
	    ch != NULL ? ch->name : m->target, m->text);
	snprintf(ev.msgid, sizeof ev.msgid, "%s", m->msgid);
	ev.account = m->account;
	ev.ctags = m->tags;
	rc = store_chat_publish(srv->store, m->msgid, ev.ms);
	if (rc != STORE_OK) {
		irc_event_free(&ev);
		snprintf(msg, msglen, rc == STORE_NOTFOUND ? "Chat message %s "
		    "is not waiting for approval" : "Database error",
		    m->msgid);
		return -1;
	}
	if (ch != NULL)
		for (i = 0; i < ch->nmembers; i++)
			irc_event_send(&ev, ch->members[i]->cl);
	irc_event_free(&ev);
	return 0;
}

/* Hide or show again a chat message (kept in the database either way). */
static int
chat_apply(struct server *srv, const char *ref, const char *action,
    const char *actor, const char *reason, char *msg, size_t msglen)
{
	struct chat_msg		 m;
	struct irc_channel	*ch;
	struct irc_event	 ev;
	int			 hide, rc;
	size_t			 i;

	(void)actor;
	(void)reason;
	if (strcmp(action, "hide") == 0 || strcmp(action, "reject") == 0)
		hide = 1;
	else if (strcmp(action, "unhide") == 0 ||
	    strcmp(action, "approve") == 0)
		hide = 0;
	else {
		snprintf(msg, msglen, "Chat messages cannot be %s", action);
		return -1;
	}
	memset(&m, 0, sizeof m);
	if (store_chat_get(srv->store, ref, &m) != STORE_OK) {
		snprintf(msg, msglen, "No chat message %s", ref);
		return -1;
	}
	if (strcmp(action, "approve") == 0) {
		/* A held message: the room hears it now, history keeps it. */
		rc = chat_publish(srv, &m, msg, msglen);
		chat_msg_clear(&m);
		return rc;
	}
	rc = store_chat_hide(srv->store, ref, hide);
	/* Rejecting a held message: it stays hidden, as it was. */
	if (rc == STORE_NOTFOUND && strcmp(action, "reject") == 0)
		rc = STORE_OK;
	if (rc == STORE_NOTFOUND) {
		chat_msg_clear(&m);
		snprintf(msg, msglen, "Chat message %s is already %s", ref,
		    hide ? "hidden" : "visible");
		return -1;
	}
	if (rc != STORE_OK) {
		chat_msg_clear(&m);
		snprintf(msg, msglen, "Database error");
		return -1;
	}
	/* Clients that understand redaction drop it from their view. */
	if (hide && mod_is != NULL &&
	    (ch = irc_channel_find(mod_is, m.target)) != NULL) {
		irc_event_init(&ev, ":%s REDACT %s %s :hidden by the moderators",
		    service_prefix(srv), ch->name, ref);
		for (i = 0; i < ch->nmembers; i++)
			if (HASCAP(ch->members[i]->cl,
			    CAP_MESSAGE_REDACTION))
				irc_event_send(&ev, ch->members[i]->cl);
		irc_event_free(&ev);
	}
	chat_msg_clear(&m);
	return 0;
}

static const struct modq_ops chat_ops = { "chat", chat_apply };

/* Account end "a:name" of a private conversation (see irc-history.c). */
static void
dm_account_end(const char *account, char *buf, size_t len)
{
	size_t	i;

	snprintf(buf, len, "a:%s", account);
	for (i = 2; buf[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
}

/*
 * Erasure: private conversations first (their keys and what was sent
 * to the member get the placeholder; see store_dm_erase()), then the
 * member's own lines, channel and private alike, are removed or
 * pseudonymized.
 */
static int
erase_chat(struct server *srv, const char *account, const char *placeholder,
    int mode)
{
	char	party[128], ph[128];

	dm_account_end(account, party, sizeof party);
	snprintf(ph, sizeof ph, "n:%s", placeholder);
	if (store_dm_erase(srv->store, party, account, ph, placeholder) !=
	    STORE_OK)
		return -1;
	return store_chat_erase(srv->store, account, placeholder,
	    mode == ERASE_REMOVE) == STORE_OK ? 0 : -1;
}

static const struct erase_hooks erase_ops = { erase_chat };

struct export_ctx {
	struct evbuffer	*json;
	int		 n;
	struct server	*srv;
};

static void
export_one(const struct chat_msg *m, void *arg)
{
	struct export_ctx	*ec = arg;
	char			 when[32];
	time_t			 t = (time_t)(m->time / 1000);
	struct tm		 tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	evbuffer_add_printf(ec->json, "%s\n    {\"msgid\": ", ec->n++ ? "," :
	    "");
	json_add_string(ec->json, m->msgid, strlen(m->msgid));
	evbuffer_add_printf(ec->json, ", \"time\": \"%s\", \"room\": ", when);
	json_add_string(ec->json, m->target, strlen(m->target));
	evbuffer_add_printf(ec->json, ", \"text\": ");
	json_add_string(ec->json, m->text, strlen(m->text));
	evbuffer_add(ec->json, "}", 1);
}

/* One private message, sent or received: who, to whom, when, what. */
static void
export_dm(const struct chat_msg *m, void *arg)
{
	struct export_ctx	*ec = arg;
	char			 when[32];
	time_t			 t = (time_t)(m->time / 1000);
	struct tm		 tm;
	size_t			 n = strcspn(m->source, "!");
	const char		*to = m->shown != NULL ? m->shown : "";

	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	evbuffer_add_printf(ec->json, "%s\n    {\"msgid\": ", ec->n++ ? "," :
	    "");
	json_add_string(ec->json, m->msgid, strlen(m->msgid));
	evbuffer_add_printf(ec->json, ", \"time\": \"%s\", \"from\": ", when);
	json_add_string(ec->json, m->source, n);
	evbuffer_add_printf(ec->json, ", \"to\": ");
	json_add_string(ec->json, to, strlen(to));
	evbuffer_add_printf(ec->json, ", \"command\": ");
	json_add_string(ec->json, m->command, strlen(m->command));
	evbuffer_add_printf(ec->json, ", \"text\": ");
	json_add_string(ec->json, m->text, strlen(m->text));
	evbuffer_add(ec->json, "}", 1);
}

static void
export_conv(const char *conv, const char *peer, void *arg)
{
	struct export_ctx	*ec = arg;

	(void)peer;
	store_chat_range(ec->srv->store, conv, INT64_MIN, 0, INT64_MAX, 0, 0,
	    -1, export_dm, ec);
}

/*
 * The chat part of a member's export (see export.h): their room lines,
 * then their private conversations, both directions, one after another.
 */
static void
export_chat(struct server *srv, const char *account, struct evbuffer *json)
{
	struct export_ctx	ec = { json, 0, srv };
	char			party[128];

	evbuffer_add_printf(json, ",\n  \"chat_messages\": [");
	store_chat_by_account(srv->store, account, export_one, &ec);
	evbuffer_add_printf(json, "%s]", ec.n ? "\n  " : "");
	ec.n = 0;
	dm_account_end(account, party, sizeof party);
	evbuffer_add_printf(json, ",\n  \"private_messages\": [");
	store_dm_convs(srv->store, party, export_conv, &ec);
	evbuffer_add_printf(json, "%s]", ec.n ? "\n  " : "");
}

/* Safety net for a room message just sent: hotline to the author. */
void
irc_mod_checked(struct irc_client *cl, struct irc_channel *ch,
    const char *msgid, const char *text)
{
	struct server	*srv = cl->conn->srv;
	const char	*hotline;

	hotline = modq_crisis_check(srv, text, strlen(text), "chat", msgid,
	    cl->account != NULL ? cl->account : irc_nick(cl), ch->name);
	/* A member hears it (and keeps it) as a notice, wherever they are. */
	if (hotline != NULL && (cl->account == NULL ||
	    notice_hotline(srv, cl->account) < 0))
		tell(cl, "You are not alone. %s The moderators have been "
		    "told and will check on you.", hotline);
}

/* Muted in this room (or everywhere)? */
int
irc_mod_muted(struct irc_client *cl, struct irc_channel *ch)
{
	return modq_sanctioned(cl->conn->srv, "mute", cl->account,
	    irc_prefix(cl), ch != NULL ? ch->name : NULL);
}

/*
 * Must this room message of a new member wait for a moderator?  While
 * on probation every message does (the count is read again, as
 * approvals count it down); in the first probation_days, one with too
 * many links or e-mail addresses does.
 */
int
irc_mod_must_hold(struct irc_client *cl, const char *text, char *why,
    size_t whylen)
{
	struct server	*srv = cl->conn->srv;
	struct account	 a;

	if (cl->account == NULL || cl->role != ROLE_MEMBER)
		return 0;
	if (!modq_is_new_member(srv, "member", cl->probation,
	    cl->account_created))
		return 0;
	if (cl->probation > 0 && store_account_get(srv->store, cl->account,
	    &a, NULL) == STORE_OK) {
		cl->probation = a.probation;
		account_clear(&a);
	}
	if (modq_over_link_limit(srv, text, strlen(text), why, whylen))
		return 1;
	if (cl->probation > 0) {
		snprintf(why, whylen, "new member on probation");
		return 1;
	}
	return 0;
}

/*
 * Keep a held room message: stored hidden (with its msgid) and queued.
 * Approval shows it to the room and puts it in the history (chat_apply).
 */
void
irc_mod_hold(struct irc_client *cl, struct irc_channel *ch, const char *cmd,
    const char *msgid, int64_t ms, const char *ctags, const char *text,
    const char *why)
{
	struct server	*srv = cl->conn->srv;

	if (store_begin(srv->store) != STORE_OK ||
	    irc_history_store(ch, cl, cmd, msgid, ms, ctags, text) != 0 ||
	    store_chat_hide(srv->store, msgid, 1) != STORE_OK ||
	    store_commit(srv->store) != STORE_OK) {
		store_rollback(srv->store);
		irc_fail(cl, cmd, "MESSAGE_ERROR", ch->name, "Your message "
		    "could not be stored; it was not sent");
		return;
	}
	modq_hold(srv, "chat", msgid, cl->account, ch->name, text);
	irc_sendf(cl, ":%s NOTE %s MESSAGE_HELD %s %s :Your message waits "
	    "for a moderator (%s); the room sees it once approved",
	    irc_srvname(cl), cmd, ch->name, msgid, why);
	/* The notice reaches this client too, and the member's inbox. */
	if (notice_held(srv, cl->account, "chat", ch->name, text, why) < 0)
		tell(cl, "Your message to %s waits for a moderator (%s); the "
		    "room sees it once approved.", ch->name, why);
	/* The safety net looks at held words too. */
	irc_mod_checked(cl, ch, msgid, text);
}

/* FNV-1a of a message, for "the same text again". */
static uint32_t
text_hash(const char *s)
{
	uint32_t	h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Texts shorter than this never count as repeats ("yes", "thanks"). */
#define FLOOD_MIN_REPEAT_LEN	12

/*
 * The flood watch: more than flood_messages messages within
 * flood_seconds, or the same text flood_repeats times in a row within
 * flood_repeat_seconds, mutes the sender everywhere for flood_mute
 * seconds (actor "system"), queues a review and alerts the moderators.
 * Returns 1 when CL was just muted (the message is dropped).
 */
int
irc_mod_flood(struct irc_client *cl, const char *text)
{
	struct server	*srv = cl->conn->srv;
	const struct config *cf = srv->cf;
	time_t		 now = time(NULL);
	uint32_t	 h;
	double		 level;
	char		 reason[160], msg[300], target[300];
	int		 flooded = 0;

	if (cl->role >= ROLE_MODERATOR)
		return 0;
	if (cf->flood_messages > 0 && cf->flood_seconds > 0) {
		/*
		 * A leaky bucket: 4 bytes a client instead of a ring of
		 * times.  It drains flood_messages per flood_seconds, so
		 * more than flood_messages at once, or a steady rate above
		 * that, fills it.
		 */
		level = cl->flood_level - (double)(now - cl->flood_last) *
		    cf->flood_messages / cf->flood_seconds;
		cl->flood_level = (float)(level > 0 ? level : 0) + 1;
		cl->flood_last = now;
		if (cl->flood_level > (float)cf->flood_messages) {
			snprintf(reason, sizeof reason, "flood: more than %d "
			    "messages in %d seconds", cf->flood_messages,
			    cf->flood_seconds);
			flooded = 1;
		}
	}
	if (!flooded && cf->flood_repeats > 0 &&
	    strlen(text) >= FLOOD_MIN_REPEAT_LEN) {
		h = text_hash(text);
		if (h == cl->flood_hash && now - cl->flood_first_repeat <
		    cf->flood_repeat_seconds)
			cl->flood_repeats++;
		else {
			cl->flood_hash = h;
			cl->flood_repeats = 1;
			cl->flood_first_repeat = now;
		}
		if (cl->flood_repeats >= cf->flood_repeats) {
			snprintf(reason, sizeof reason, "spam: the same text "
			    "%d times", cl->flood_repeats);
			flooded = 1;
		}
	}
	if (!flooded)
		return 0;
	cl->flood_level = 0;
	cl->flood_repeats = 0;
	cl->flood_hash = 0;
	if (cl->account != NULL)
		snprintf(target, sizeof target, "%s", cl->account);
	else
		snprintf(target, sizeof target, "*!*@%s", cl->host != NULL ?
		    cl->host : "*");
	if (modq_sanction(srv, "mute", target, "*", cf->flood_mute, "system",
	    reason, msg, sizeof msg) != 0) {
		log_warnx("irc: automatic mute failed: %s", msg);
		return 0;
	}
	modq_flag(srv, "user", target, cl->account, NULL, text, reason);
	irc_sendf(cl, ":%s FAIL PRIVMSG MUTED :You are muted for %d minutes "
	    "(%s); a moderator will look at it", irc_srvname(cl),
	    (cf->flood_mute + 59) / 60, reason);
	/* A member heard it already, as the mute's notice. */
	if (cl->account == NULL)
		tell(cl, "You are muted everywhere for %d minutes (%s). A "
		    "moderator will look at it; the mute lifts by itself.",
		    (cf->flood_mute + 59) / 60, reason);
	return 1;
}

/* Banned from this room (or everywhere)? */
int
irc_mod_banned(struct irc_client *cl, struct irc_channel *ch)
{
	return modq_sanctioned(cl->conn->srv, "ban", cl->account,
	    irc_prefix(cl), ch != NULL ? ch->name : NULL);
}

/*
 * A server-wide ban (scope "*") on the account or mask: say so and close.
 * Returns 1 when the client was refused.
 */
int
irc_mod_refuse_banned(struct irc_client *cl)
{
	if (!irc_mod_banned(cl, NULL))
		return 0;
	irc_sendf(cl, "ERROR :Closing Link: %s (You are banned from this "
	    "server; contact the moderators)", irc_nick(cl));
	conn_close(cl->conn, "banned");
	return 1;
}

/* Service commands */

struct svc {
	struct irc_client	*cl;
	struct server		*srv;
	char			*argv[8];
	int			 argc;
	const char		*rest;		/* text after the 2nd word */
	const char		*text;		/* the whole message */
	int			 moderator;
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
	dm_account_end(account, party, sizeof party);
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

static void
svc_password(struct svc *sv)
{
	struct account	 a;
	char		 why[128], *hash;
	int		 rc;

	if (sv->cl->account == NULL || sv->argc != 3) {
		tell(sv->cl, "Usage (signed in): PASSWORD <old> <new>");
		return;
	}
	if (!conn_is_tls(sv->cl->conn) && !(conn_is_loopback(sv->cl->conn) &&
	    sv->srv->cf->allow_plain_auth_loopback)) {
		tell(sv->cl, "Change your password over TLS only.");
		return;
	}
	if ((rc = auth_login(sv->srv, sv->cl->conn->ip, "irc",
	    sv->cl->account, sv->argv[1], &a)) != AUTH_OK) {
		tell(sv->cl, "%s", rc == AUTH_THROTTLED ? "Too many failed "
		    "attempts: try again in a few minutes." : "That is not "
		    "your current password.");
		return;
	}
	account_clear(&a);
	if (account_password_acceptable(sv->argv[2],
	    sv->srv->cf->password_min_length, why, sizeof why) != 0) {
		tell(sv->cl, "%s", why);
		return;
	}
	if ((hash = account_hash_password(sv->argv[2],
	    sv->srv->cf->scrypt_log2n)) == NULL ||
	    store_account_set_password(sv->srv->store, sv->cl->account,
	    hash) != STORE_OK) {
		free(hash);
		tell(sv->cl, "Sorry, the password could not be changed.");
		return;
	}
	free(hash);
	store_audit(sv->srv->store, sv->cl->account, "account.passwd",
	    sv->cl->account, "by the member");
	tell(sv->cl, "Your password has been changed.");
}

static void
svc_erase(struct svc *sv)
{
	struct account	 a;
	char		 msg[256], name[64];
	int		 mode, rc;

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
	if ((rc = auth_login(sv->srv, sv->cl->conn->ip, "irc",
	    sv->cl->account, pw, &a)) != AUTH_OK) {
		tell(sv->cl, "%s", rc == AUTH_THROTTLED ? "Too many failed "
		    "attempts: try again in a few minutes; nothing was erased." :
		    "That is not your password; nothing was erased.");
		return;
	}
	account_clear(&a);
	if (erase_mode_parse(sv->srv->cf->erasure_mode, &mode) != 0)
		mode = ERASE_PSEUDONYMIZE;
	snprintf(name, sizeof name, "%s", sv->cl->account);
	if (member_erase(sv->srv, name, mode, name, msg, sizeof msg) != 0) {
		tell(sv->cl, "%s", msg);
		return;
	}
	tell(sv->cl, "%s. Take care.", msg);
	irc_sendf(sv->cl, "ERROR :Closing Link: %s (Account erased)",
	    irc_nick(sv->cl));
	irc_quit(sv->cl, "Account erased");
	conn_close(sv->cl->conn, "account erased");
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
 * read the member's private feeds without a password (see members.h).
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
	if (!conn_is_tls(sv->cl->conn) && !(conn_is_loopback(sv->cl->conn) &&
	    sv->srv->cf->allow_plain_auth_loopback)) {
		tell(sv->cl, "Feed tokens are secrets: use a TLS connection.");
		return;
	}
	if (store_account_get(sv->srv->store, sv->cl->account, &a, NULL) !=
	    STORE_OK) {
		tell(sv->cl, "Sorry, your account could not be read.");
		return;
	}
	if (strcasecmp(op, "NEW") == 0 && sv->argc <= 3) {
		if (members_token_new(sv->srv, &a, sv->argc == 3 ?
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
		if (members_token_revoke(sv->srv, &a, id, a.name, why,
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
static void
svc_register(struct svc *sv)
{
	struct irc_msg	 m;
	char		*pw = xstrdup(after_words(sv->text, 1));

	if (*pw == '\0') {
		tell(sv->cl, "Usage: REGISTER <password> - makes an account "
		    "named %s (your nick), for the rooms and the newsgroups. "
		    "Passwords need at least %d characters.", irc_nick(sv->cl),
		    sv->srv->cf->password_min_length);
		free(pw);
		return;
	}
	memset(&m, 0, sizeof m);
	m.command = (char *)"REGISTER";
	m.params[0] = (char *)"*";
	m.params[1] = (char *)"*";
	m.params[2] = pw;
	m.nparams = 3;
	cmd_register(sv->cl, &m);
	OPENSSL_cleanse(pw, strlen(pw));
	free(pw);
	if (sv->cl->account != NULL)
		tell(sv->cl, "Welcome, %s: your account works here and in the "
		    "newsgroups. Next time sign in with SASL.",
		    sv->cl->account);
	else if (sv->cl->pending_account != NULL)
		tell(sv->cl, "Thank you, %s: a moderator approves new accounts "
		    "here. Stay connected to hear when yours is ready.",
		    sv->cl->pending_account);
	else
		tell(sv->cl, "No account was made (see the message above).");
}

static int
parse_id(struct svc *sv, int i, int64_t *id)
{
	char	*end;

	if (sv->argc <= i || (*id = strtoll(sv->argv[i], &end, 10)) <= 0 ||
	    *end != '\0') {
		tell(sv->cl, "Give the queue entry number (see QUEUE).");
		return -1;
	}
	return 0;
}

static void
svc_decide(struct svc *sv, const char *action)
{
	char	msg[300];
	int64_t	id;

	if (parse_id(sv, 1, &id) != 0)
		return;
	if (strcmp(action, "reject") == 0 && *sv->rest == '\0') {
		tell(sv->cl, "A rejection needs a reason: REJECT n reason");
		return;
	}
	modq_decide(sv->srv, id, action, who(sv), *sv->rest ? sv->rest :
	    NULL, msg, sizeof msg);
	tell(sv->cl, "%s", msg);
}

static void
svc_hide(struct svc *sv, const char *action)
{
	char	msg[300];

	if (sv->argc < 2) {
		tell(sv->cl, "Usage: %s <msgid|<article-id>> [reason]",
		    action);
		return;
	}
	modq_item_action(sv->srv, sv->argv[1][0] == '<' ? "article" : "chat",
	    sv->argv[1], action, who(sv), *sv->rest ? sv->rest : NULL, msg,
	    sizeof msg);
	tell(sv->cl, "%s", msg);
}

/* MUTE|BAN target [#room] [duration] [reason...] */
static void
svc_sanction(struct svc *sv, const char *kind, int lift)
{
	const char	*scope = "*", *reason;
	int		 i = 2, secs = 0, d;
	char		 msg[300];

	if (sv->argc < 2) {
		tell(sv->cl, "Usage: %s account|mask [#room]%s", kind,
		    lift ? "" : " [duration like 1h or 7d] [reason]");
		return;
	}
	if (sv->argc > i && sv->argv[i][0] == '#')
		scope = sv->argv[i++];
	if (!lift && sv->argc > i && (d = modq_parse_duration(sv->argv[i])) >
	    0) {
		secs = d;
		i++;
	}
	reason = sv->argc > i ? after_words(sv->rest, i - 2) : "";
	if (lift)
		modq_lift(sv->srv, kind, sv->argv[1], scope, who(sv), msg,
		    sizeof msg);
	else
		modq_sanction(sv->srv, kind, sv->argv[1], scope, secs,
		    who(sv), reason, msg, sizeof msg);
	tell(sv->cl, "%s", msg);
}

static void
svc_warn_note(struct svc *sv, int note)
{
	char	msg[300];

	if (sv->argc < 3) {
		tell(sv->cl, "Usage: %s account text", note ? "NOTE" : "WARN");
		return;
	}
	if (note) {
		if (store_account_get(sv->srv->store, sv->argv[1], NULL,
		    NULL) != STORE_OK)
			tell(sv->cl, "No such account: %s", sv->argv[1]);
		else if (modq_note(sv->srv, sv->argv[1], who(sv), sv->rest) ==
		    0)
			tell(sv->cl, "Note added for %s", sv->argv[1]);
		return;
	}
	modq_warn(sv->srv, sv->argv[1], who(sv), sv->rest, msg, sizeof msg);
	tell(sv->cl, "%s", msg);
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

static void
svc_queue(struct svc *sv)
{
	tell(sv->cl, "Open queue, most urgent first (SHOW n for one):");
	store_modq_list_open(sv->srv->store, 20, notice_row, sv);
	tell(sv->cl, "End of queue.");
}

static void
show_line(void *arg, const char *text)
{
	struct svc	*sv = arg;

	tell(sv->cl, "%s", text);
}

/* SHOW n: the entry with its context, reports, viewers and history. */
static void
svc_show(struct svc *sv)
{
	int64_t	id;

	if (parse_id(sv, 1, &id) != 0)
		return;
	if (modq_render(sv->srv, id, who(sv), show_line, sv) != 0)
		tell(sv->cl, "No queue entry #%lld", (long long)id);
	else
		tell(sv->cl, "End of entry #%lld: APPROVE, REJECT, DISMISS "
		    "or HIDE it.", (long long)id);
}

static void
svc_approve(struct svc *sv)
{
	svc_decide(sv, "approve");
}

static void
svc_reject(struct svc *sv)
{
	svc_decide(sv, "reject");
}

static void
svc_dismiss(struct svc *sv)
{
	svc_decide(sv, "dismiss");
}

static void
svc_hide_item(struct svc *sv)
{
	svc_hide(sv, "hide");
}

static void
svc_unhide_item(struct svc *sv)
{
	svc_hide(sv, "unhide");
}

static void
svc_mute(struct svc *sv)
{
	svc_sanction(sv, "mute", 0);
}

static void
svc_unmute(struct svc *sv)
{
	svc_sanction(sv, "mute", 1);
}

static void
svc_ban(struct svc *sv)
{
	svc_sanction(sv, "ban", 0);
}

static void
svc_unban(struct svc *sv)
{
	svc_sanction(sv, "ban", 1);
}

static void
svc_warn(struct svc *sv)
{
	svc_warn_note(sv, 0);
}

static void
svc_note(struct svc *sv)
{
	svc_warn_note(sv, 1);
}

static void
svc_log(struct svc *sv)
{
	store_audit_query(sv->srv->store, NULL, sv->argc > 1 ? sv->argv[1] :
	    NULL, NULL, 0, 0, 20, notice_row, sv);
	tell(sv->cl, "End of log.");
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
 * The service's commands: one row each.  The dispatcher refuses
 * moderator rows to everyone else, and HELP is written from the rows.
 */
static const struct svc_cmd {
	const char	*name;
	void		(*fn)(struct svc *);
	int		 moderator;	/* moderators and admins only */
	const char	*help;
} svc_cmds[] = {
	{ "HELP", svc_help, 0, "HELP - this list" },
	/* The password length is the setting's: see svc_help(). */
	{ "REGISTER", svc_register, 0, "REGISTER <password> - make an "
	  "account named after your nick (over TLS; a password has "
	  "%d to " SVC_XSTR(PASSWORD_MAX) " characters, spaces allowed, no "
	  "control characters)" },
	{ "REPORT", svc_report, 0, "REPORT <msgid|nick|<article-id>> "
	  "<reason> - tell the moderators (they do not tell who reported)" },
	{ "ACTIONS", svc_actions, 0, "ACTIONS - what moderators did about "
	  "you or your words" },
	{ "PASSWORD", svc_password, 0, "PASSWORD <old> <new> - change your "
	  "password (if yours has spaces, use hearthmod or ask an operator)" },
	{ "ERASE", svc_erase, 0, "ERASE <password> - delete your account and "
	  "your words as the community's policy says (cannot be undone)" },
	{ "EXPORT", svc_export, 0, "EXPORT - how to download everything "
	  "stored about you" },
	{ "FEEDTOKEN", svc_feedtoken, 0, "FEEDTOKEN NEW [label] | LIST | "
	  "REVOKE <number|all> - private feed addresses for your feed reader "
	  "(over TLS)" },
	{ "CERT", svc_cert, 0, "CERT ADD | LIST | DEL <fingerprint> - sign "
	  "in with this connection's client certificate (SASL EXTERNAL)" },
	{ "EVENTS", svc_events, 0, "EVENTS - patient schools and meetups" },
	{ "REMIND", svc_remind, 0, "REMIND <number> - a reminder before an "
	  "event starts" },
	{ "QUEUE", svc_queue, 1, "QUEUE - open entries, most urgent first" },
	{ "SHOW", svc_show, 1, "SHOW <n> - an entry with its context, "
	  "reports, who has seen it and the author's history" },
	{ "APPROVE", svc_approve, 1, "APPROVE <n> [reason] - publish a held "
	  "item, activate a sign-up, or close a report as fine" },
	{ "REJECT", svc_reject, 1, "REJECT <n> <reason> - refuse a held item "
	  "or a sign-up" },
	{ "DISMISS", svc_dismiss, 1, "DISMISS <n> [reason] - close an entry "
	  "without acting" },
	{ "HIDE", svc_hide_item, 1, "HIDE <msgid|<article-id>> [reason] - "
	  "hide it (kept in the database)" },
	{ "UNHIDE", svc_unhide_item, 1, "UNHIDE <msgid|<article-id>> - show "
	  "it again" },
	{ "MUTE", svc_mute, 1, "MUTE <account|mask> [#room] [duration] "
	  "[reason]" },
	{ "UNMUTE", svc_unmute, 1, "UNMUTE <account|mask> [#room]" },
	{ "BAN", svc_ban, 1, "BAN <account|mask> [#room] [duration] "
	  "[reason]" },
	{ "UNBAN", svc_unban, 1, "UNBAN <account|mask> [#room]" },
	{ "WARN", svc_warn, 1, "WARN <account> <text> - a private word, "
	  "logged" },
	{ "NOTE", svc_note, 1, "NOTE <account> <text> - a note only "
	  "moderators see" },
	{ "LOG", svc_log, 1, "LOG [target] - the audit log, newest first" },
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
	size_t	i;

	tell(sv->cl, "I am %s, the community's service. Commands:",
	    service_nick(sv->srv));
	for (i = 0; i < NSVC_CMDS; i++) {
		if (svc_cmds[i].moderator)
			continue;
		if (svc_cmds[i].fn == svc_register)
			tell_min_length(sv, svc_cmds[i].help);
		else
			tell(sv->cl, "%s", svc_cmds[i].help);
	}
	if (!sv->moderator)
		return;
	tell(sv->cl, "For moderators:");
	for (i = 0; i < NSVC_CMDS; i++)
		if (svc_cmds[i].moderator)
			tell(sv->cl, "%s", svc_cmds[i].help);
}

/*
 * PRIVMSG to the service nick.  The first word is the command; for
 * commands taking free text, sv.rest is the text after their fixed
 * words.
 */
void
irc_service_message(struct irc_client *cl, const char *text)
{
	struct svc	 sv;
	char		*copy, *p, *save = NULL;
	struct account	 a;
	size_t		 i;

	memset(&sv, 0, sizeof sv);
	sv.cl = cl;
	sv.srv = cl->conn->srv;
	if (cl->account != NULL && store_account_get(sv.srv->store,
	    cl->account, &a, NULL) == STORE_OK) {
		sv.moderator = strcmp(a.role, "moderator") == 0 ||
		    strcmp(a.role, "admin") == 0;
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
	if (i == NSVC_CMDS)
		tell(cl, "Unknown command %s; try HELP.", sv.argv[0]);
	else if (svc_cmds[i].moderator && !sv.moderator)
		tell(cl, "Only moderators may use %s.", svc_cmds[i].name);
	else
		svc_cmds[i].fn(&sv);
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
		irc_map_foreach(mod_is->nicks, signup_one, &sc);
}

void
irc_mod_init(struct irc_server *is)
{
	static const struct events_irc_hooks ev_hooks = { room_notice,
	    room_topic };

	mod_is = is;
	modq_register(&chat_ops);
	notify_subscribe(NOTIFY_MOD_ALERT, alert, NULL);
	notify_subscribe(NOTIFY_MEMBER_NOTICE, member_notice, NULL);
	modq_set_account_hook(signup_decided);
	erase_set_hooks(&erase_ops);
	export_set_chat_hook(export_chat);
	events_set_irc_hooks(&ev_hooks);
}

void
irc_mod_free(void)
{
	mod_is = NULL;
}
