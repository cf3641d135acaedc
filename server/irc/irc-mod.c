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
#include "i18n.h"
#include "irc-int.h"
#include "lang.h"
#include "irc-numeric.h"
#include "i18n.h"
#include "log.h"
#include "names.h"
#include "feedtoken.h"
#include "i18n.h"
#include "modcmd.h"
#include "modexec.h"
#include "modq.h"
#include "notice.h"
#include "notify.h"
#include "sanction.h"
#include "store-chat.h"
#include "store-access.h"
#include "store-modq.h"
#include "tz.h"
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

/*
 * A NOTICE from the service to one client, in its language: FMT is an
 * English text marked N_() at the call.
 */
static void
tell(struct irc_client *cl, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[400];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, i18n(irc_lang(cl), fmt), ap);
	va_end(ap);
	/* A cut text must not end inside a character (UTF8ONLY). */
	buf[utf8_cut(buf, strlen(buf))] = '\0';
	irc_sendf(cl, ":%s NOTICE %s :%s", service_prefix(cl->conn->srv),
	    irc_nick(cl), buf);
}

/* The MESSAGE_HELD note's description in CL's language (static). */
static const char *
held_text(struct irc_client *cl, const char *reason)
{
	static char	buf[400];
	const char	*lang = irc_lang(cl);

	snprintf(buf, sizeof buf, i18n(lang, "Your message waits for a "
	    "moderator (%s); the room sees it once approved"),
	    i18n(lang, reason));
	return buf;
}

/* The flood mute's FAIL description in CL's language (static). */
static const char *
mute_text(struct irc_client *cl, const struct screen_verdict *v)
{
	static char	buf[400];
	const char	*lang = irc_lang(cl);

	snprintf(buf, sizeof buf, i18n_n(lang, "You are muted for %d minute "
	    "(%s); a moderator will look at it", "You are muted for %d "
	    "minutes (%s); a moderator will look at it",
	    (unsigned long)v->mute_minutes), v->mute_minutes,
	    i18n(lang, v->reason));
	return buf;
}

/* The flood mute, told to a guest (a member hears it as a notice). */
static void
tell_muted(struct irc_client *cl, const struct screen_verdict *v)
{
	const char	*lang = irc_lang(cl);
	char		 text[400];

	snprintf(text, sizeof text, i18n_n(lang, "You are muted everywhere "
	    "for %d minute (%s). A moderator will look at it; the mute lifts "
	    "by itself.", "You are muted everywhere for %d minutes (%s). A "
	    "moderator will look at it; the mute lifts by itself.",
	    (unsigned long)v->mute_minutes), v->mute_minutes,
	    i18n(lang, v->reason));
	tell(cl, "%s", text);
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
	if (cl->account == NULL || names_casecmp(cl->account, fa->account) != 0)
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
 * Events (notify.h): lines in the event's room; the room's topic stays
 * the room's own.  (Members who asked for a reminder get it as a notice
 * from events.c.)
 */
static void
on_event(struct server *srv, struct notify_msg *m, void *arg)
{
	(void)arg;
	if (m->action == NULL || m->room == NULL || m->text == NULL)
		return;
	if (strcmp(m->action, "say") == 0)
		room_notice(srv, m->room, m->text);
}

/* How far ahead an event is worth a notice on JOIN. */
#define JOIN_EVENT_AHEAD	(7 * 86400)

/*
 * CL has just joined CH: if an event in CH starts within a week (or is
 * on now), the service says so to CL alone, once per join.
 */
void
irc_mod_join_event(struct irc_client *cl, struct irc_channel *ch)
{
	struct server		*srv = cl->conn->srv;
	struct event_info	 ev;
	char			 when[64], text[400];

	if (!event_next_in_room(srv, ch->name, JOIN_EVENT_AHEAD, &ev))
		return;
	tz_when(ev.starts, when, sizeof when);
	snprintf(text, sizeof text, i18n(irc_lang(cl), "Next in %s: %s - %s, %d "
	    "minutes. (EVENTS lists what is coming up; REMIND %lld for a "
	    "reminder.)"), ev.room, ev.title, when, ev.duration / 60,
	    (long long)ev.id);
	irc_sendf(cl, ":%s NOTICE %s :%s", service_prefix(srv), ch->name,
	    text);
	event_info_clear(&ev);
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
		tell(cl, N_("You are not alone. %s The moderators have been "
		    "told and will check on you."),
		    i18n(irc_lang(cl), v->hotline));
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
		irc_sendf(cl, ":%s FAIL PRIVMSG MUTED :%s", irc_srvname(cl),
		    mute_text(cl, v));
		/* A member heard it already, as the mute's notice. */
		if (cl->account == NULL)
			tell_muted(cl, v);
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
irc_mod_screen_profile(struct irc_client *cl, const char *key,
    const char *value, struct screen_verdict *v)
{
	struct server		*srv = cl->conn->srv;
	struct screen_input	 in;

	memset(&in, 0, sizeof in);
	in.kind = SCREEN_PROFILE;
	in.key = key;
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
		tell_muted(cl, v);
	if (v->action != SCREEN_REFUSE) {
		screen_delivered(srv, &in, v, "user", cl->account != NULL ?
		    cl->account : irc_nick(cl));
		tell_hotline(cl, v);
	}
	return v->action;
}

/* A room message went out: the safety net's queue row and hotline. */
/*
 * Who spoke in the rooms lately (issue 15): REPORT <nick> must work for
 * someone who has left, and a member's client rarely shows msgids.  By
 * folded nick: the account, the prefix, the room and the last line, for
 * report_speaker_memory seconds; at most SPEAKERS_MAX nicks (past it
 * the expired go, then the oldest).  Memory only: a restart forgets.
 */
#define SPEAKERS_MAX	10000

struct speaker {
	char	*account;	/* NULL: a guest */
	char	*prefix;	/* nick!user@cloak when they spoke */
	char	*room;
	char	*text;		/* their last line there */
	size_t	 textcap;	/* bytes allocated for text */
	time_t	 last;
};

static struct strmap	*speakers;

static void
speaker_free(struct speaker *sp)
{
	free(sp->account);
	free(sp->prefix);
	free(sp->room);
	free(sp->text);
	free(sp);
}

struct speaker_sweep {
	time_t		 before;	/* drop those older */
	time_t		 oldest;
	char		 oldest_key[IRC_NICKLEN * 4 + 1];
};

static void
speaker_sweep_one(const char *key, void *val, void *arg)
{
	struct speaker		*sp = val;
	struct speaker_sweep	*ss = arg;

	if (sp->last < ss->before) {
		speaker_free(strmap_del(speakers, key));
		return;
	}
	if (ss->oldest == 0 || sp->last < ss->oldest) {
		ss->oldest = sp->last;
		snprintf(ss->oldest_key, sizeof ss->oldest_key, "%s", key);
	}
}

/* *DST becomes a copy of SRC (NULL too), reusing it when equal. */
static void
speaker_set(char **dst, const char *src)
{
	if (*dst == NULL ? src == NULL : src != NULL && strcmp(*dst, src) == 0)
		return;
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/*
 * CL said TEXT in ROOM: remember it (see above).  Once per room message,
 * so the strings that rarely change are kept and the line's buffer
 * reused: no allocation in the common case.
 */
static void
speaker_note(struct irc_client *cl, const char *room, const char *text)
{
	struct server		*srv = cl->conn->srv;
	struct speaker		*sp;
	struct speaker_sweep	 ss;
	char			 key[IRC_NICKLEN * 4 + 1];
	time_t			 now = time(NULL);
	const char		*k;
	size_t			 n;

	if (srv->cf->report_speaker_memory <= 0 || room == NULL ||
	    text == NULL)
		return;
	if (speakers == NULL)
		speakers = strmap_create();
	/* The nick folded at NICK already (the key speaker_find folds). */
	if (cl->fold[0] != '\0')
		k = cl->fold;
	else {
		irc_casefold(IRC_CASEMAP, irc_nick(cl), key, sizeof key);
		k = key;
	}
	if ((sp = strmap_get(speakers, k)) == NULL) {
		if (strmap_count(speakers) >= SPEAKERS_MAX) {
			memset(&ss, 0, sizeof ss);
			ss.before = now - srv->cf->report_speaker_memory;
			strmap_foreach(speakers, speaker_sweep_one, &ss);
			if (strmap_count(speakers) >= SPEAKERS_MAX &&
			    ss.oldest_key[0] != '\0')
				speaker_free(strmap_del(speakers,
				    ss.oldest_key));
		}
		sp = xcalloc(1, sizeof *sp);
		strmap_put(speakers, k, sp);
	}
	speaker_set(&sp->account, cl->account);
	speaker_set(&sp->prefix, irc_prefix(cl));
	speaker_set(&sp->room, room);
	n = strnlen(text, 400);
	if (n + 1 > sp->textcap) {
		free(sp->text);
		sp->textcap = n + 1 < 64 ? 64 : n + 1;
		sp->text = xmalloc(sp->textcap);
	}
	memcpy(sp->text, text, n);
	sp->text[n] = '\0';
	sp->last = now;
}

/* Who spoke as NICK within report_speaker_memory, or NULL. */
static const struct speaker *
speaker_find(struct server *srv, const char *nick)
{
	struct speaker	*sp;
	char		 key[IRC_NICKLEN * 4 + 1];

	if (speakers == NULL || srv->cf->report_speaker_memory <= 0)
		return NULL;
	irc_casefold(IRC_CASEMAP, nick, key, sizeof key);
	if ((sp = strmap_get(speakers, key)) == NULL ||
	    sp->last < time(NULL) - srv->cf->report_speaker_memory)
		return NULL;
	return sp;
}

static void
speaker_free_cb(const char *key, void *val, void *arg)
{
	(void)arg;
	(void)key;
	speaker_free(val);
}

void
irc_mod_delivered(struct irc_client *cl, const char *msgid,
    const struct screen_input *in, const struct screen_verdict *v)
{
	screen_delivered(cl->conn->srv, in, v, "chat", msgid);
	tell_hotline(cl, v);
	speaker_note(cl, in->where, in->text);
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
		irc_fail(cl, cmd, "MESSAGE_ERROR", ch->name, N_("Your message "
		    "could not be stored; it was not sent"));
		return;
	}
	irc_sendf(cl, ":%s NOTE %s MESSAGE_HELD %s %s :%s", irc_srvname(cl),
	    cmd, ch->name, msgid, held_text(cl, v->reason));
	/* The notice reaches this client too, and the member's inbox. */
	if (notice_held(cl->conn->srv, cl->account, "chat", ch->name, text,
	    v->reason) < 0)
		tell(cl, N_("Your message to %s waits for a moderator (%s); the "
		    "room sees it once approved."), ch->name,
		    i18n(irc_lang(cl), v->reason));
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

	sanction_describe_lang(v, irc_lang(cl), words, sizeof words);
	irc_sendf(cl, i18n(irc_lang(cl), "ERROR :Closing Link: %s (You are "
	    "%s; contact the moderators)"), irc_nick(cl), words);
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
	char		 when[64];

	tz_when(ev->starts, when, sizeof when);
	tell(sv->cl, N_("#%lld %s - %s, %d minutes, in %s"), (long long)ev->id,
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
	const struct speaker	*sp;
	const char		*ref, *type, *author = NULL, *where = NULL;
	const char		*excerpt = NULL;
	char			 msg[300];

	if (sv->argc < 2) {
		tell(sv->cl, N_("Usage: REPORT <msgid|nick> [reason]"));
		return;
	}
	if (sv->cl->account == NULL) {
		tell(sv->cl, N_("Please sign in first so moderators can follow "
		    "up (SASL or IDENTIFY)."));
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
		/* Where they spoke last: the moderators see it in context. */
		if ((sp = speaker_find(sv->srv, irc_nick(target))) != NULL &&
		    (sp->account != NULL ? target->account != NULL &&
		    strcasecmp(sp->account, target->account) == 0 :
		    target->account == NULL)) {
			where = sp->room;
			excerpt = sp->text;
		}
		ref = target->account != NULL ? target->account :
		    irc_prefix(target);
		author = target->account;
	} else if ((sp = speaker_find(sv->srv, ref)) != NULL) {
		/* Gone, but spoke in a room lately. */
		type = "user";
		ref = sp->account != NULL ? sp->account : sp->prefix;
		author = sp->account;
		where = sp->room;
		excerpt = sp->text;
	} else {
		chat_msg_clear(&m);
		tell(sv->cl, N_("I do not know %s: give the nick of someone "
		    "who spoke in a room lately, a message id, or an article "
		    "<message-id>"), ref);
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
		tell(sv->cl, N_("Sign in to see actions taken on your account."));
		return;
	}
	tell(sv->cl, N_("Moderation actions about you or your words, newest "
	    "first:"));
	store_actions_about(sv->srv->store, sv->cl->account, notice_row, sv);
	tell(sv->cl, N_("End of list."));
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
		tell(cl, N_("Sorry, the password could not be changed."));
		return;
	}
	tell(cl, N_("Your password has been changed."));
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
		tell(cl, rc == AUTH_THROTTLED ? N_("Too many failed "
		    "attempts: try again in a few minutes.") : rc == AUTH_BUSY ?
		    N_("Too many sign-ins in progress: try again in a moment.") :
		    N_("That is not your current password."));
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
		tell(cl, N_("Too many sign-ins in progress: try again in a "
		    "moment."));
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
		tell(sv->cl, N_("Usage (signed in): PASSWORD <old> <new>"));
		return;
	}
	if (!auth_channel_ok(sv->srv, sv->cl->conn)) {
		tell(sv->cl, N_("Change your password over TLS only."));
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
		tell(cl, rc == AUTH_THROTTLED ? N_("Too many failed "
		    "attempts: try again in a few minutes; nothing was erased.") :
		    rc == AUTH_BUSY ? N_("Too many sign-ins in progress: try "
		    "again in a moment; nothing was erased.") :
		    N_("That is not your password; nothing was erased."));
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
	tell(cl, N_("%s. Take care."), msg);
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
		tell(sv->cl, N_("Usage (signed in): ERASE <password>. This "
		    "deletes your account; your words are %s."),
		    strcmp(sv->srv->cf->erasure_mode, "remove") == 0 ?
		    "removed everywhere" : "kept under \"former member\"");
		return;
	}
	if (!auth_channel_ok(sv->srv, sv->cl->conn)) {
		tell(sv->cl, N_("Passwords are only accepted over TLS: reconnect "
		    "to the TLS port; nothing was erased."));
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
	tell(sv->cl, N_("#%s %s - made %s, last used %s"), vals[0],
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
		tell(sv->cl, N_("Sign in first: feed tokens belong to an "
		    "account."));
		return;
	}
	if (!auth_channel_ok(sv->srv, sv->cl->conn)) {
		tell(sv->cl, N_("Feed tokens are secrets: use a TLS connection."));
		return;
	}
	if (store_account_get(sv->srv->store, sv->cl->account, &a, NULL) !=
	    STORE_OK) {
		tell(sv->cl, N_("Sorry, your account could not be read."));
		return;
	}
	if (strcasecmp(op, "NEW") == 0 && sv->argc <= 3) {
		if (feedtoken_new(sv->srv, &a, sv->argc == 3 ?
		    sv->argv[2] : "", a.name, tok, &id, why, sizeof why) != 0)
			tell(sv->cl, "%s.", why);
		else {
			tell(sv->cl, N_("Feed token #%lld, shown only this once "
			    "(keep it like a password): %s"), (long long)id,
			    tok);
			tell(sv->cl, N_("In your feed reader: https://%s/t/%s/"
			    "feeds/groups/GROUP.atom (or .rss), and "
			    "/t/%s/feeds/threads/MESSAGE-ID.atom"),
			    sv->srv->cf->server_name, tok, tok);
			tell(sv->cl, N_("FEEDTOKEN REVOKE %lld stops it at once."),
			    (long long)id);
			OPENSSL_cleanse(tok, sizeof tok);
		}
	} else if (strcasecmp(op, "LIST") == 0 && sv->argc == 2) {
		tell(sv->cl, N_("Your feed tokens:"));
		store_feed_token_list(sv->srv->store, a.id, token_row, sv);
		tell(sv->cl, N_("End of list."));
	} else if (strcasecmp(op, "REVOKE") == 0 && sv->argc == 3) {
		if (strcasecmp(sv->argv[2], "all") != 0) {
			id = strtoll(sv->argv[2][0] == '#' ? sv->argv[2] + 1 :
			    sv->argv[2], &end, 10);
			if (*end != '\0' || id <= 0) {
				tell(sv->cl, N_("Give the token's number (see "
				    "FEEDTOKEN LIST) or all."));
				account_clear(&a);
				return;
			}
		}
		if (feedtoken_revoke(sv->srv, &a, id, a.name, why,
		    sizeof why) != 0)
			tell(sv->cl, "%s.", why);
		else if (id > 0)
			tell(sv->cl, N_("Feed token #%lld revoked: its addresses "
			    "no longer work."), (long long)id);
		else
			tell(sv->cl, N_("All your feed tokens are revoked."));
	} else
		tell(sv->cl, N_("Usage: FEEDTOKEN NEW [label] | FEEDTOKEN LIST | "
		    "FEEDTOKEN REVOKE <number|all>"));
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
		tell(cl, N_("Welcome, %s: your account works here and in the "
		    "newsgroups. Next time sign in with SASL."), cl->account);
	else if (cl->pending_account != NULL)
		tell(cl, N_("Thank you, %s: a moderator approves new accounts "
		    "here. Stay connected to hear when yours is ready."),
		    cl->pending_account);
	else
		tell(cl, N_("No account was made (see the message above)."));
}

static void
svc_register(struct svc *sv)
{
	char		*pw = xstrdup(after_words(sv->text, 1));
	enum names_why	 why;

	if (*pw == '\0') {
		tell(sv->cl, N_("Usage: REGISTER <password> - makes an account "
		    "named %s (your nick), for the rooms and the newsgroups. "
		    "Passwords need at least %d characters."), irc_nick(sv->cl),
		    sv->srv->cf->password_min_length);
		free(pw);
		return;
	}
	/* A nick that cannot be an account name: say why, in words. */
	if ((why = account_name_new(sv->srv, irc_nick(sv->cl), "member", NULL,
	    0)) != NAMES_OK) {
		tell(sv->cl, "%s %s %s", i18n(irc_lang(sv->cl), "Your nick "
		    "cannot be an account name:"), i18n(irc_lang(sv->cl),
		    names_why_text(why)), i18n(irc_lang(sv->cl), "- choose "
		    "another nick with /nick, then REGISTER again."));
		OPENSSL_cleanse(pw, strlen(pw));
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
		tell(sv->cl, N_("Give the event number (see EVENTS)."));
		return -1;
	}
	return 0;
}

static void
svc_events(struct svc *sv)
{
	tell(sv->cl, N_("Coming up (REMIND <number> for a reminder):"));
	store_event_list(sv->srv->store, time(NULL), 20, 0, event_row, sv);
	tell(sv->cl, N_("End of events."));
}

static void
svc_remind(struct svc *sv)
{
	int64_t	id;

	if (sv->cl->account == NULL)
		tell(sv->cl, N_("Sign in first, so the reminder can find you."));
	else if (parse_id(sv, 1, &id) == 0) {
		if (store_event_remind_add(sv->srv->store, id,
		    sv->cl->account) == STORE_OK)
		{
			int	 mins = sv->srv->cf->event_reminder_minutes;
			char	 text[300];

			snprintf(text, sizeof text, i18n_n(irc_lang(sv->cl),
			    "I will remind you %d minute before event #%lld "
			    "starts.", "I will remind you %d minutes before "
			    "event #%lld starts.", (unsigned long)mins), mins,
			    (long long)id);
			tell(sv->cl, "%s", text);
		}
		else
			tell(sv->cl, N_("No upcoming event #%lld (see EVENTS)."),
			    (long long)id);
	}
}

static void
svc_export(struct svc *sv)
{
	tell(sv->cl, N_("Sign in at https://%s/me/export.json (and "
	    "/me/articles.mbox) with your account to download everything "
	    "stored about you."), sv->srv->cf->server_name);
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
		tell(sv->cl, N_("Open queue, most urgent first (SHOW n for "
		    "one):"));
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
		tell(sv->cl, N_("End of queue."));
	else if (mc->action == MODCMD_SHOW)
		tell(sv->cl, N_("End of entry #%lld: APPROVE, REJECT, DISMISS "
		    "or HIDE it."), (long long)mc->id);
	else
		tell(sv->cl, N_("End of log."));
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
		tell(sv->cl, N_("Sign in first: a certificate is registered to "
		    "an account."));
		return;
	}
	if (strcasecmp(op, "LIST") == 0 && sv->argc == 2) {
		tell(sv->cl, N_("Certificates that sign you in (SASL EXTERNAL):"));
		store_cert_list(sv->srv->store, sv->cl->account, cert_tell,
		    sv);
		tell(sv->cl, N_("End of certificates."));
		return;
	}
	if (strcasecmp(op, "ADD") == 0 && sv->argc == 2) {
		if (conn_peer_fingerprint(sv->cl->conn, buf, sizeof buf) ==
		    NULL || account_fingerprint_norm(buf, fp) != 0) {
			tell(sv->cl, N_("Connect over TLS with your client "
			    "certificate, then say CERT ADD."));
			return;
		}
		rc = store_cert_add(sv->srv->store, sv->cl->account, fp);
		if (rc == STORE_NOTFOUND)
			tell(sv->cl, N_("That certificate is registered "
			    "already."));
		else if (rc != STORE_OK)
			tell(sv->cl, N_("Sorry, the certificate could not be "
			    "registered."));
		else {
			store_audit(sv->srv->store, sv->cl->account,
			    "account.cert.add", sv->cl->account, fp);
			tell(sv->cl, N_("Registered %s: it signs you in with SASL "
			    "EXTERNAL from now on."), fp);
		}
		return;
	}
	if (strcasecmp(op, "DEL") == 0 && sv->argc == 3) {
		if (account_fingerprint_norm(sv->argv[2], fp) != 0) {
			tell(sv->cl, N_("A fingerprint is 64 hex digits (see "
			    "CERT LIST)."));
			return;
		}
		rc = store_cert_del(sv->srv->store, sv->cl->account, fp);
		if (rc == STORE_OK) {
			store_audit(sv->srv->store, sv->cl->account,
			    "account.cert.del", sv->cl->account, fp);
			tell(sv->cl, N_("Removed %s."), fp);
		} else
			tell(sv->cl, N_("You have no such certificate."));
		return;
	}
	tell(sv->cl, N_("Usage: CERT ADD | CERT LIST | CERT DEL <fingerprint>"));
}

#define SVC_STR(x)	#x
#define SVC_XSTR(x)	SVC_STR(x)

static void	svc_help(struct svc *);
static void	svc_language(struct svc *);

/*
 * A and B equal ignoring case, ASCII and the basic Cyrillic alphabet
 * (UTF-8): "помощь" finds ПОМОЩЬ.
 */
static int
cyr_casecmp(const char *a, const char *b)
{
	const unsigned char	*x = (const unsigned char *)a;
	const unsigned char	*y = (const unsigned char *)b;
	unsigned int		 cx, cy;

	while (*x != '\0' && *y != '\0') {
		cx = *x;
		cy = *y;
		if (cx >= 0xc0 && x[1] != '\0') {
			cx = cx << 8 | x[1];
			x++;
		}
		if (cy >= 0xc0 && y[1] != '\0') {
			cy = cy << 8 | y[1];
			y++;
		}
		x++;
		y++;
		/* а..п = d0b0..d0bf -> d090..d09f; р..я = d180..d18f. */
		if (cx >= 0xd0b0 && cx <= 0xd0bf)
			cx -= 0x20;
		else if (cx >= 0xd180 && cx <= 0xd18f)
			cx = cx - 0xd180 + 0xd0a0;
		else if (cx == 0xd191)
			cx = 0xd081;
		else if (cx < 0x80)
			cx = (unsigned int)toupper((int)cx);
		if (cy >= 0xd0b0 && cy <= 0xd0bf)
			cy -= 0x20;
		else if (cy >= 0xd180 && cy <= 0xd18f)
			cy = cy - 0xd180 + 0xd0a0;
		else if (cy == 0xd191)
			cy = 0xd081;
		else if (cy < 0x80)
			cy = (unsigned int)toupper((int)cy);
		if (cx != cy)
			return 1;
	}
	return *x != *y;
}

/*
 * The service's own commands, for everyone: one row each.  The
 * moderators' commands are rows of the shared table (modcmd.h); HELP is
 * written from both tables.
 */
static const struct svc_cmd {
	const char	*name;
	const char	*alias;		/* the Russian name, UTF-8 upper case */
	void		(*fn)(struct svc *);
	const char	*help;
} svc_cmds[] = {
	{ "HELP", "ПОМОЩЬ", svc_help, N_("HELP - this list") },
	/* The password lengths are the settings': see svc_help(). */
	{ "REGISTER", "РЕГИСТРАЦИЯ", svc_register, N_("REGISTER <password> - "
	  "make an account named after your nick (over TLS; a password has "
	  "%d to 1024 characters, spaces allowed, no control characters)") },
	{ "REPORT", "ЖАЛОБА", svc_report, N_("REPORT "
	  "<nick|msgid|<article-id>> [reason] - tell the moderators about "
	  "someone who spoke in a room (even if they left) or a message; they "
	  "do not tell who reported") },
	{ "ACTIONS", "ДЕЙСТВИЯ", svc_actions, N_("ACTIONS - what moderators "
	  "did about you or your words") },
	{ "PASSWORD", "ПАРОЛЬ", svc_password, N_("PASSWORD <old> <new> - "
	  "change your password (if yours has spaces, use hearthmod or ask "
	  "an operator)") },
	{ "ERASE", "УДАЛИТЬ", svc_erase, N_("ERASE <password> - delete your "
	  "account and your words as the community's policy says (cannot be "
	  "undone)") },
	{ "EXPORT", "ЭКСПОРТ", svc_export, N_("EXPORT - how to download "
	  "everything stored about you") },
	{ "FEEDTOKEN", "ЛЕНТА", svc_feedtoken, N_("FEEDTOKEN NEW [label] | "
	  "LIST | REVOKE <number|all> - private feed addresses for your feed "
	  "reader (over TLS)") },
	{ "CERT", "СЕРТИФИКАТ", svc_cert, N_("CERT ADD | LIST | DEL "
	  "<fingerprint> - sign in with this connection's client certificate "
	  "(SASL EXTERNAL)") },
	{ "EVENTS", "СОБЫТИЯ", svc_events, N_("EVENTS - patient schools and "
	  "meetups") },
	{ "REMIND", "НАПОМНИТЬ", svc_remind, N_("REMIND <number> - a reminder "
	  "before an event starts") },
	{ "LANGUAGE", "ЯЗЫК", svc_language, N_("LANGUAGE ru|en - the language "
	  "I and the server speak to you in") },
};
#define NSVC_CMDS (sizeof svc_cmds / sizeof svc_cmds[0])

/*
 * LANGUAGE [ru|en|default]: the language this account reads; without
 * an argument, which one it is and which there are.
 */
static void
svc_language(struct svc *sv)
{
	const char	*tag = sv->argc > 1 ? sv->argv[1] : NULL;
	const char	*lang = NULL;
	int		 rc;

	if (tag == NULL) {
		lang = irc_lang(sv->cl);
		tell(sv->cl, N_("Your language: %s. Languages: %s. Change it "
		    "with LANGUAGE <language>."), lang != NULL ? lang :
		    i18n_default(), i18n_languages());
		return;
	}
	/* The Russian and English names of the two languages, too. */
	if (cyr_casecmp(tag, "РУССКИЙ") == 0 || strcasecmp(tag, "russian") == 0)
		tag = "ru";
	else if (cyr_casecmp(tag, "АНГЛИЙСКИЙ") == 0 ||
	    strcasecmp(tag, "english") == 0)
		tag = "en";
	if (sv->cl->account == NULL) {
		/* A guest: this connection only (an account keeps it). */
		if (strcmp(tag, "default") == 0)
			sv->cl->guest_lang = NULL;
		else if ((lang = i18n_lang(tag)) != NULL)
			sv->cl->guest_lang = lang;
		rc = lang != NULL || strcmp(tag, "default") == 0 ? 0 : -1;
	} else
		rc = member_lang_set(sv->srv, sv->cl->account, tag,
		    sv->cl->account);
	if (rc == -1) {
		tell(sv->cl, N_("I do not speak %s. Languages: %s."), tag,
		    i18n_languages());
		return;
	}
	if (rc != 0) {
		tell(sv->cl, N_("Sorry, your language could not be saved."));
		return;
	}
	if (sv->cl->account != NULL)
		irc_lang_changed(sv->cl->is, sv->cl->account);
	tell(sv->cl, N_("From now on I speak to you in English."));
}

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

	tell(sv->cl, N_("I am %s, the community's service. Commands:"),
	    service_nick(sv->srv));
	for (i = 0; i < NSVC_CMDS; i++) {
		const char *h = i18n(irc_lang(sv->cl), svc_cmds[i].help);

		if (svc_cmds[i].fn == svc_register)
			tell_min_length(sv, h);
		else
			tell(sv->cl, "%s", h);
	}
	if (sv->role < MODCMD_ROLE_MODERATOR)
		return;
	tell(sv->cl, N_("For moderators:"));
	for (i = 0; i < modcmd_count; i++) {
		if (!(modcmd_table[i].fronts & MODCMD_F_CHAT) ||
		    sv->role < (int)modcmd_table[i].role)
			continue;
		modcmd_usage(&modcmd_table[i], MODCMD_S_CHAT, usage,
		    sizeof usage);
		tell(sv->cl, "%s - %s", usage,
		    i18n(irc_lang(sv->cl), modcmd_table[i].help));
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
		if (strcasecmp(svc_cmds[i].name, sv.argv[0]) == 0 ||
		    cyr_casecmp(svc_cmds[i].alias, sv.argv[0]) == 0)
			break;
	if (i < NSVC_CMDS)
		svc_cmds[i].fn(&sv);
	else if ((mod = modcmd_find(sv.argv[0], MODCMD_F_CHAT)) == NULL)
		tell(cl, N_("Unknown command %s; try HELP."), sv.argv[0]);
	else if (sv.role < (int)mod->role) {
		for (i = 0; i + 1 < sizeof name && mod->name[i] != '\0'; i++)
			name[i] = (char)toupper((unsigned char)mod->name[i]);
		name[i] = '\0';
		tell(cl, mod->role == MODCMD_ROLE_ADMIN ?
		    N_("Only admins may use %s.") :
		    N_("Only moderators may use %s."), name);
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
	    names_casecmp(cl->pending_account, sc->name) != 0)
		return;
	free(cl->pending_account);
	cl->pending_account = NULL;
	if (!sc->approved) {
		tell(cl, N_("Your sign-up as %s was not accepted%s%s."), sc->name,
		    sc->reason != NULL ? ": " : "", sc->reason != NULL ?
		    sc->reason : "");
		return;
	}
	if (cl->account != NULL || store_account_get(sc->srv->store,
	    sc->name, &a, NULL) != STORE_OK)
		return;
	tell(cl, N_("Welcome, %s: a moderator approved your account. You are "
	    "signed in; next time use SASL."), a.name);
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
	if (speakers != NULL) {
		strmap_foreach(speakers, speaker_free_cb, NULL);
		strmap_free(speakers);
		speakers = NULL;
	}
}
