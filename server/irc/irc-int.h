/*
 * irc-int.h -- internals shared by the irc*.c files only.
 *
 * One struct irc_server per daemon holds the nick and channel tables;
 * one struct irc_client hangs off every IRC connection (conn->pstate);
 * struct irc_member links a client to a channel, and is listed in both.
 *
 * Output goes through irc_write() and friends, never conn_write()
 * directly: during a command with a labeled-response label the client's
 * own output is captured and wrapped afterwards (irc.c).
 */
#ifndef HEARTH_IRC_INT_H
#define HEARTH_IRC_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <event2/buffer.h>

#include "conn.h"
#include "irc-casemap.h"
#include "strmap.h"
#include "irc-msg.h"
#include "sasl.h"
#include "screen.h"
#include "store.h"

#define IRC_NICKLEN		30
#define IRC_USERLEN		16
#define IRC_CHANLEN		50
#define IRC_TOPICLEN		390
#define IRC_AWAYLEN		390
/* What others see for "AWAY *" (draft/pre-away). */
#define IRC_AWAY_STAR		"Away"
#define IRC_KICKLEN		390
#define IRC_REALLEN		128
#define IRC_MAXCHANNELS		100	/* CHANLIMIT per client */
#define IRC_MAXLIST		100	/* MAXLIST per b/e/I list */
#define IRC_MAXTARGETS		4	/* TARGMAX for PRIVMSG/NOTICE/KICK */
#define IRC_MAXMODES		4	/* MODES: parameter modes per MODE */
#define IRC_MAXMONITOR		100
#define IRC_CHATHISTORY_MAX	100
#define IRC_WHOWAS_MAX		256
#define IRC_SASL_MAX_FAILS	5
/* draft/metadata-2: the allowed keys, subscriptions per connection. */
#define IRC_META_NKEYS		4
#define IRC_META_MAXSUBS	10
#define IRC_CASEMAP		IRC_CASEMAP_PRECIS
/* Longest line we format: tags plus a 512-byte message. */
#define IRC_OUTBUF		(IRC_TAGS_MAX + IRC_LINE_MAX + 16)

/* Capabilities (CAP LS order is the order of irc_caps[] in irc.c). */
enum irc_cap {
	CAP_ACCOUNT_NOTIFY,
	CAP_ACCOUNT_TAG,
	CAP_AWAY_NOTIFY,
	CAP_BATCH,
	CAP_CAP_NOTIFY,
	CAP_CHGHOST,
	CAP_ACCOUNT_REGISTRATION,
	CAP_CHANNEL_RENAME,
	CAP_CHATHISTORY,
	CAP_EVENT_PLAYBACK,
	CAP_MESSAGE_REDACTION,
	CAP_WEBPUSH,
	CAP_METADATA,
	CAP_MULTILINE,
	CAP_LANGUAGES,
	CAP_PRE_AWAY,
	CAP_READ_MARKER,
	CAP_ECHO_MESSAGE,
	CAP_EXTENDED_JOIN,
	CAP_EXTENDED_MONITOR,
	CAP_INVITE_NOTIFY,
	CAP_LABELED_RESPONSE,
	CAP_MESSAGE_TAGS,
	CAP_MULTI_PREFIX,
	CAP_NO_IMPLICIT_NAMES,
	CAP_SASL,
	CAP_SERVER_TIME,
	CAP_SETNAME,
	CAP_STS,
	CAP_USERHOST_IN_NAMES,
	CAP_COUNT
};
#define CAPF(x)		(1u << (x))
_Static_assert(CAP_COUNT <= 32, "a client's caps are a uint32_t bit set");
#define HASCAP(cl, x)	(((cl)->caps & CAPF(x)) != 0)

/* Client flags. */
#define CL_REGISTERED	0x0001
#define CL_CAPNEG	0x0002	/* CAP LS/REQ seen, CAP END not yet */
#define CL_PING_SENT	0x0004
#define CL_OPER		0x0008	/* user mode +o */
#define CL_INVISIBLE	0x0010	/* user mode +i */
#define CL_WALLOPS	0x0020	/* user mode +w */
#define CL_QUITTING	0x0040
#define CL_PASS_OK	0x0080
#define CL_BOT		0x0100	/* user mode +B (IRCv3 bot mode) */
#define CL_NOHISTORY	0x0200	/* erased: record no more events of it */

/* Account roles, from the accounts table. */
enum irc_role {
	ROLE_NONE = 0,
	ROLE_MEMBER,
	ROLE_DOCTOR,
	ROLE_MODERATOR,
	ROLE_ADMIN
};

/* Membership prefixes (PREFIX=(ov)@+). */
#define PFX_OP		0x01
#define PFX_VOICE	0x02

/* Channel modes (CHANMODES=beI,k,l,imnstCRM). */
#define CM_INVITE	0x0001	/* i */
#define CM_MODERATED	0x0002	/* m */
#define CM_NOEXTERNAL	0x0004	/* n */
#define CM_SECRET	0x0008	/* s */
#define CM_TOPICLOCK	0x0010	/* t */
#define CM_REGONLY	0x0020	/* R: an account is needed to join */
#define CM_REGSPEAK	0x0040	/* M: an account is needed to speak */
#define CM_NOCTCP	0x0080	/* C: no CTCP but ACTION */

/* Mask lists of a channel. */
enum irc_list_kind {
	LIST_BAN,	/* b */
	LIST_EXCEPT,	/* e */
	LIST_INVEX,	/* I */
	LIST_COUNT
};

struct irc_mask {
	char	*mask;
	char	*setter;
	time_t	 when;
};

struct irc_masklist {
	struct irc_mask	*v;
	size_t		 n;
};

struct irc_client;
struct irc_channel;

struct irc_member {
	struct irc_client	*cl;
	struct irc_channel	*ch;
	size_t			 idx;		/* index in ch->members */
	uint8_t			 prefix;	/* PFX_* */
};

struct irc_channel {
	char			*name;
	char			*fold;
	char			*topic;		/* NULL: no topic */
	char			*topic_who;
	time_t			 topic_time;
	time_t			 created;
	uint32_t		 modes;		/* CM_* */
	char			*key;		/* +k, or NULL */
	int			 limit;		/* +l, or 0 */
	struct irc_masklist	 lists[LIST_COUNT];
	struct irc_member	**members;
	size_t			 nmembers;
	size_t			 cap;
	int64_t			 room_id;	/* rooms.id, 0: not registered */
	int			 history;	/* store messages */
	/* Accounts away with push subscriptions (irc-webpush.c). */
	struct irc_absent	*absent;
	size_t			 nabsent;
};

struct irc_absent {
	char	*account;
	char	 nick[IRC_NICKLEN + 1];	/* the nick it had here */
};

/* SASL exchange in progress. */
struct auth_scram;
struct irc_sasl {
	int			 mech;		/* SASL_MECH_* */
	struct sasl_buf		 buf;
	/* SCRAM-SHA-256 (see irc-sasl.c): the exchange and its step. */
	struct auth_scram	*scram;
	int			 step;
	struct account		 acct;		/* proof right, until "+" */
};
#define SASL_MECH_PLAIN		1
#define SASL_MECH_EXTERNAL	2
#define SASL_MECH_SCRAM		3

struct irc_client {
	struct conn		*conn;
	struct irc_server	*is;
	char			 nick[IRC_NICKLEN + 1];	/* "" until NICK */
	char			 fold[IRC_NICKLEN + 1];
	char			 skel[IRC_NICKLEN + 1];	/* names_skeleton() */
	/* The nick last refused as taken while nick was "" (REGISTER *). */
	char			 tried_nick[IRC_NICKLEN + 1];
	char			*user;
	char			*realname;
	char			*host;		/* the cloak; never the IP */
	char			*account;	/* NULL: not logged in */
	char			*specialty;	/* doctors */
	char			*pending_account; /* sign-up awaiting approval */
	char			*reg_name;	/* REGISTER: hashing its password */
	char			*pw_new;	/* Helper PASSWORD: the new one */
	void			(*reg_after)(struct irc_client *);
	int			 probation;	/* messages still held */
	int64_t			 account_created;
	/* Flood watch of this connection (see screen.c). */
	struct screen_flood	 flood;
	char			*away;		/* NULL: here */
	uint32_t		 caps;
	uint32_t		 mark;		/* fan-out de-duplication */
	uint16_t		 flags;		/* CL_* */
	uint8_t			 role;		/* enum irc_role */
	uint8_t			 sasl_fails;
	int			 cap_version;
	struct irc_member	**chans;
	uint16_t		 nchans;
	uint16_t		 chancap;
	char			**monitor;	/* folded nicks */
	uint16_t		 nmonitor;
	char			**invites;	/* folded channel names */
	uint16_t		 ninvites;
	struct irc_sasl		*sasl;
	struct strmap		*marks;		/* read markers without an account */
	struct irc_mline	*mline;		/* an open draft/multiline batch */
	/* draft/metadata-2: a guest's values; the keys subscribed to. */
	char			*meta[IRC_META_NKEYS];
	char			**msubs;
	uint8_t			 nmsubs;
	struct evbuffer		*capture;	/* labeled-response */
	/* A labeled command answered later (irc_label_defer()). */
	int			 label_defer;
	char			*label_wait;
	time_t			 signon;
	time_t			 last_active;
	/*
	 * The language this client reads (issue 15): the account's,
	 * looked up once per account (irc_lang()); lang_set 0 to look
	 * again.  NULL: the operator's default.
	 */
	const char		*lang;
	char			*lang_acct;	/* whose lang it is */
	int			 lang_set;
	const char		*guest_lang;	/* LANGUAGE before signing in */
	const char		*session_lang;	/* draft/languages LANGUAGE */
};

struct irc_whowas {
	char	*nick;
	char	*user;
	char	*host;
	char	*realname;
	char	*account;
	time_t	 when;
};

struct irc_server {
	struct server		*srv;
	char			 created[64];
	struct strmap		*nicks;		/* fold -> irc_client */
	struct strmap		*skels;		/* skeleton -> irc_client */
	struct strmap		*chans;		/* fold -> irc_channel */
	struct strmap		*watchers;	/* fold -> irc_watch */
	unsigned int		 nusers;	/* registered */
	unsigned int		 ninvisible;
	unsigned int		 nopers;
	unsigned int		 maxusers;
	uint32_t		 mark;
	uint64_t		 msgid_seq;
	uint64_t		 batch_seq;
	char			 msgid_prefix[16];
	unsigned char		 cloak_key[32];
	struct irc_whowas	 whowas[IRC_WHOWAS_MAX];
	size_t			 whowas_next;
	/* Channel messages in the open group commit (irc-history.c). */
	struct irc_pending	*pend;
	size_t			 npend, pend_cap;
};

struct irc_pending {
	uint64_t	 conn;		/* the sender's connection id */
	char		*cmd;
	char		*target;
};

/* A watcher list of MONITOR. */
struct irc_watch {
	struct irc_client	**v;
	size_t			  n;
};

/*
 * An outgoing event relayed to many clients: formatted once per
 * distinct set of tags (server-time, msgid and client tags, account),
 * then written to each connection.
 */
struct irc_event {
	char		*body;		/* ":src CMD params", no CR LF */
	size_t		 bodylen;
	char		 time[32];	/* server-time value */
	int64_t		 ms;		/* the same, in milliseconds */
	char		 msgid[40];	/* "" when none */
	const char	*account;	/* account-tag, or NULL */
	const char	*ctags;		/* escaped client-only tags, or NULL */
	const char	*batch;		/* batch reference, or NULL */
	int		 bot;		/* from a +B client: bot tags */
	char		*v[16];		/* formatted variants, with CR LF */
	size_t		 vlen[16];
};

/*
 * A multiline message (draft/multiline): its lines as the client sent
 * them, CONCAT[i] set when line i joins the one before without a line
 * break, and TEXT the whole message (what is screened and stored).
 */
struct irc_mtext {
	char		**lines;
	uint8_t		 *concat;
	size_t		  n;
	char		 *text;
};

/* A client's draft/multiline batch while it is open (irc-v3.c). */
struct irc_mline {
	char		 ref[64];
	char		*target;
	char		*cmd;		/* PRIVMSG or NOTICE, from the lines */
	char		*ctags;		/* client-only tags of BATCH + */
	char		*label;		/* labeled-response of BATCH + */
	struct irc_mtext mt;
	size_t		 bytes;
	int		 failed;	/* refused: swallow it to its end */
};

/*
 * A message with several lines relayed to many: the draft/multiline
 * batch (opening line with the message's tags, the lines inside, the
 * closing line) for those who negotiated it, separate messages for the
 * rest (the msgid on the first only).  Formatted once each.
 */
struct irc_textev {
	struct irc_event	 open, close;
	struct irc_event	*in, *fb;
	size_t			 n, nfb;
	char			 ref[24];
	char			 cref[64];	/* ref;draft/multiline-concat */
};

/* Handler of one command row. */
typedef int (*irc_handler)(struct irc_client *, struct irc_msg *);

/* irc-sasl.c: NOTIFY_ACCOUNT_CHANGED (role, specialty): refresh the
 * account's sessions (cloak, WHOIS). */
struct notify_msg;
void		 irc_account_changed(struct server *, struct notify_msg *,
		    void *);

/* irc.c: output. */
void	 irc_write(struct irc_client *, const char *, size_t);
void	 irc_sendf(struct irc_client *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* The language CL reads, for i18n() (NULL: the operator's default). */
const char	*irc_lang(struct irc_client *);
/* Every client of ACCOUNT looks its language up again. */
void	 irc_lang_changed(struct irc_server *, const char *account);
void	 irc_numeric(struct irc_client *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 irc_fail(struct irc_client *, const char *cmd, const char *code,
	    const char *context, const char *desc);
const char *irc_srvname(struct irc_client *);
const char *irc_nick(struct irc_client *);
int	 irc_is_registered(struct irc_client *);
void	 irc_time_now(char *, size_t, int64_t *ms);
void	 irc_time_format(int64_t ms, char *, size_t);
int	 irc_time_parse(const char *, int64_t *ms);
void	 irc_new_msgid(struct irc_server *, char *, size_t);
void	 irc_new_batch(struct irc_server *, char *, size_t);
void	 irc_batch_start(struct irc_client *, const char *ref,
	    const char *type, const char *params);
void	 irc_batch_end(struct irc_client *, const char *ref);
/* Send the labeled command's captured output (labeled-response). */
void	 irc_capture_finish(struct irc_client *, const char *label);

void	 irc_event_init(struct irc_event *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 irc_event_send(struct irc_event *, struct irc_client *);
/*
 * labeled-response for a command answered after its handler returned
 * (input held with conn_wait()): the handler calls irc_label_defer();
 * the answer is written between irc_label_resume() and
 * irc_label_done(), and carries the command's label.
 */
void	 irc_label_defer(struct irc_client *);
void	 irc_label_resume(struct irc_client *);
void	 irc_label_done(struct irc_client *);
/* The same, never part of a labeled response (a delivery to oneself). */
void	 irc_event_send_unlabeled(struct irc_event *, struct irc_client *);
void	 irc_event_free(struct irc_event *);
/* Send EV to every client sharing a channel with CL (once each). */
void	 irc_event_common(struct irc_event *, struct irc_client *,
	    int needcap, int self);
void	 irc_event_watchers(struct irc_event *, struct irc_client *,
	    int needcap, uint32_t mark);
uint32_t irc_next_mark(struct irc_server *);

struct irc_client *irc_find_nick(struct irc_server *, const char *);
void	 irc_quit(struct irc_client *, const char *reason);
void	 irc_register_done(struct irc_client *);
void	 irc_try_register(struct irc_client *);
const char *irc_role_name(struct irc_client *);
/*
 * CL's nick becomes NICK (FOLD folded) in the nick and skeleton maps,
 * or (unset) is taken out of both and emptied.
 */
void	 irc_nick_set(struct irc_client *, const char *nick,
	    const char *fold);
void	 irc_nick_unset(struct irc_client *);
/*
 * Why NICK may not be CL's (NAMES_OK when it may): outside the
 * repertoire or mixing scripts, confusable with another client's nick
 * or, when CHECK_ACCOUNTS, with an account other than CL's own, or a
 * title or doctor's name (account_name_claim()) when CHECK_ACCOUNTS.
 * An exact nick in use is not checked here (433).
 */
enum names_why irc_nick_why(struct irc_client *, const char *nick,
	    int check_accounts);
/* 432 for NICK with the reason WHY, in CL's language. */
void	 irc_nick_refused(struct irc_client *, const char *nick,
	    enum names_why why);
void	 irc_send_isupport(struct irc_client *);
void	 irc_send_motd(struct irc_client *);
void	 irc_send_lusers(struct irc_client *);
char	*irc_prefix(struct irc_client *);	/* static buffer */
void	 irc_whowas_add(struct irc_server *, struct irc_client *);

/* irc-user.c */
int	 cmd_nick(struct irc_client *, struct irc_msg *);
int	 cmd_user(struct irc_client *, struct irc_msg *);
int	 cmd_pass(struct irc_client *, struct irc_msg *);
int	 cmd_privmsg(struct irc_client *, struct irc_msg *);
int	 cmd_notice(struct irc_client *, struct irc_msg *);
int	 cmd_tagmsg(struct irc_client *, struct irc_msg *);
/* Deliver a finished multiline batch as one message. */
void	 irc_message_multi(struct irc_client *, const char *cmd,
	    const char *target, const struct irc_mtext *, const char *ctags);
char	*irc_client_tags(struct irc_msg *);
int	 cmd_away(struct irc_client *, struct irc_msg *);
int	 cmd_setname(struct irc_client *, struct irc_msg *);
int	 cmd_oper(struct irc_client *, struct irc_msg *);
int	 cmd_kill(struct irc_client *, struct irc_msg *);
int	 cmd_wallops(struct irc_client *, struct irc_msg *);
int	 cmd_monitor(struct irc_client *, struct irc_msg *);
int	 irc_user_mode(struct irc_client *, struct irc_msg *);
void	 irc_monitor_notify(struct irc_server *, const char *nick,
	    struct irc_client *online);
void	 irc_monitor_clear(struct irc_client *);
int	 irc_nick_reserved(struct irc_client *, const char *nick);
void	 irc_set_host(struct irc_client *, const char *newhost, int tell);
int	 irc_register_early(const struct server *);
void	 irc_cloak(struct irc_client *, char *, size_t);

/* irc-channel.c */
int	 cmd_join(struct irc_client *, struct irc_msg *);
int	 cmd_part(struct irc_client *, struct irc_msg *);
int	 cmd_topic(struct irc_client *, struct irc_msg *);
int	 cmd_names(struct irc_client *, struct irc_msg *);
int	 cmd_list(struct irc_client *, struct irc_msg *);
int	 cmd_mode(struct irc_client *, struct irc_msg *);
int	 cmd_kick(struct irc_client *, struct irc_msg *);
int	 cmd_invite(struct irc_client *, struct irc_msg *);
int	 cmd_rename(struct irc_client *, struct irc_msg *);
struct irc_channel *irc_channel_find(struct irc_server *, const char *);
struct irc_member *irc_member_find(struct irc_client *,
	    struct irc_channel *);
void	 irc_channel_remove(struct irc_member *);
void	 irc_channels_load(struct irc_server *);
void	 irc_channels_free(struct irc_server *);
/* 1: banned from the channel; with SPEAK, 2: only muted there; 0: no. */
int	 irc_banned(struct irc_channel *, struct irc_client *, int speak);
void	 irc_channel_save(struct irc_server *, struct irc_channel *);

/* irc-mod.c: the service nick, moderation hooks, safety net. */
void	 irc_mod_init(struct irc_server *);
void	 irc_mod_free(void);
/* An event in CH within a week: a notice to CL, who has just joined. */
void	 irc_mod_join_event(struct irc_client *, struct irc_channel *);
int	 irc_is_service_nick(struct server *, const char *);
void	 irc_service_message(struct irc_client *, const char *text);
/*
 * Screen a message (to room CH when ROOM, else private): fills IN and V,
 * answers a refusal itself.  See screen.h.
 */
enum screen_action irc_mod_screen(struct irc_client *, struct irc_channel *,
	    int room, const char *text, struct screen_input *,
	    struct screen_verdict *);
/* Screen a profile value of KEY (METADATA SET); see irc-mod.c. */
enum screen_action irc_mod_screen_profile(struct irc_client *,
	    const char *key, const char *value, struct screen_verdict *);
/* After a room message went out: crisis queue row and hotline. */
void	 irc_mod_delivered(struct irc_client *, const char *msgid,
	    const struct screen_input *, const struct screen_verdict *);
int	 irc_mod_muted(struct irc_client *, struct irc_channel *);
/* Keep a held room message hidden and queued; the sender is told. */
void	 irc_mod_hold(struct irc_client *, struct irc_channel *,
	    const char *cmd, const char *msgid, int64_t ms, const char *ctags,
	    const char *text, const struct screen_verdict *);
int	 irc_mod_banned(struct irc_client *, struct irc_channel *);
int	 irc_mod_refuse_banned(struct irc_client *);
/* Say which ban keeps the client out (why, until when) and close. */
struct sanction_verdict;
void	 irc_mod_refuse_ban(struct irc_client *,
	    const struct sanction_verdict *);
void	 irc_prefix_string(struct irc_client *to, uint8_t, char *, size_t);
int	 irc_channel_visible(struct irc_channel *, struct irc_client *);

/* irc-query.c */
int	 cmd_who(struct irc_client *, struct irc_msg *);
int	 cmd_whois(struct irc_client *, struct irc_msg *);
int	 cmd_whowas(struct irc_client *, struct irc_msg *);
int	 cmd_ison(struct irc_client *, struct irc_msg *);
int	 cmd_userhost(struct irc_client *, struct irc_msg *);
int	 cmd_motd(struct irc_client *, struct irc_msg *);
int	 cmd_lusers(struct irc_client *, struct irc_msg *);
int	 cmd_version(struct irc_client *, struct irc_msg *);
int	 cmd_time(struct irc_client *, struct irc_msg *);
int	 cmd_admin(struct irc_client *, struct irc_msg *);
int	 cmd_info(struct irc_client *, struct irc_msg *);
int	 cmd_links(struct irc_client *, struct irc_msg *);
int	 cmd_help(struct irc_client *, struct irc_msg *);

/* irc-history.c */
int	 cmd_chathistory(struct irc_client *, struct irc_msg *);
int	 cmd_redact(struct irc_client *, struct irc_msg *);
struct chat_msg;
/* Fill M for a history row from CL (pointers into the arguments and
 * SID, SIDLEN bytes; TARGET folded; SHOWN NULL for a room). */
void	 irc_history_row(struct irc_client *, const char *target,
	    const char *shown, const char *cmd, const char *msgid, int64_t ms,
	    const char *ctags, const char *text, struct chat_msg *m, char *sid,
	    size_t sidlen);
int	 irc_history_store(struct irc_channel *, struct irc_client *,
	    const char *cmd, const char *msgid, int64_t ms,
	    const char *ctags, const char *text);
void	 irc_history_replay(struct irc_client *, struct irc_channel *);
/* Is a TAGMSG with these client tags kept in history (irc-history.c)? */
int	 irc_tagmsg_persists(const char *ctags);
void	 irc_history_event(struct irc_channel *, struct irc_client *,
	    const struct irc_event *, const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* Store a private message FROM -> TO (when private_history says so). */
int	 irc_dm_store(struct irc_client *from, struct irc_client *to,
	    const char *cmd, const char *msgid, int64_t ms,
	    const char *ctags, const char *text);

/*
 * The same for a private message to ACCOUNT, none of whose clients is
 * connected (SHOWN: the nick it was sent to).
 */
int	 irc_dm_store_account(struct irc_client *from, const char *account,
	    const char *shown, const char *cmd, const char *msgid, int64_t ms,
	    const char *ctags, const char *text);

/* irc-webpush.c */
int	 cmd_webpush(struct irc_client *, struct irc_msg *);
/*
 * A PRIVMSG/NOTICE to TARGET, a nick nobody uses: when it is an account
 * with push subscriptions and no client connected, store and push it
 * (1: handled), else 0 (the caller answers 401).
 */
int	 irc_push_private(struct irc_client *, const char *cmd,
	    const char *target, const char *text, const char *ctags);
/* CL is leaving: its rooms remember its account for highlights. */
void	 irc_push_absent(struct irc_client *);
/* LINE (TEXT in CH from FROM) to the absent accounts it names. */
void	 irc_push_channel(struct irc_channel *, struct irc_client *from,
	    const char *msgid, const char *line, const char *text);
void	 irc_push_channel_free(struct irc_channel *);
/* irc-v3.c: draft/read-marker. */
int	 cmd_markread(struct irc_client *, struct irc_msg *);
void	 irc_markread_join(struct irc_client *, struct irc_channel *);
void	 irc_markers_free(struct irc_client *);
/* draft/multiline. */
/* The cap value in irc.c (irc_caps[]) says the same numbers. */
#define IRC_ML_MAX_BYTES	4096
#define IRC_ML_MAX_LINES	100
int	 cmd_batch(struct irc_client *, struct irc_msg *);
/* A line while a batch may be open: 1 when it was taken (not to run). */
int	 irc_multiline_absorb(struct irc_client *, struct irc_msg *);
void	 irc_multiline_free(struct irc_client *);
void	 irc_mtext_clear(struct irc_mtext *);
/* Does a stored TEXT need several lines?  Then split it into MT. */
int	 irc_mtext_split(const char *text, struct irc_mtext *mt);
/*
 * Prepare MT from SOURCE as CMD to TARGET with the message's MSGID, MS,
 * ACCOUNT and CTAGS, inside batch OUTER (NULL: none).
 */
void	 irc_textev_init(struct irc_textev *, struct irc_server *,
	    const char *source, const char *cmd, const char *target,
	    const struct irc_mtext *mt, const char *msgid, int64_t ms,
	    const char *account, const char *ctags, int bot,
	    const char *outer);
void	 irc_textev_send(struct irc_textev *, struct irc_client *,
	    int unlabeled);
void	 irc_textev_free(struct irc_textev *);

/* draft/metadata-2. */
int	 cmd_metadata(struct irc_client *, struct irc_msg *);
void	 irc_metadata_join(struct irc_client *, struct irc_channel *);
void	 irc_metadata_welcome(struct irc_client *);
void	 irc_metadata_free(struct irc_client *);

/* irc-sasl.c */
int	 cmd_authenticate(struct irc_client *, struct irc_msg *);
int	 cmd_register(struct irc_client *, struct irc_msg *);
/*
 * REGISTER's work: NAME with PW ("*": the nick).  The password is hashed
 * on a worker; AFTER (may be NULL) runs once the outcome was told.
 */
int	 irc_register_account(struct irc_client *, const char *name,
	    const char *pw, void (*after)(struct irc_client *));
int	 cmd_verify(struct irc_client *, struct irc_msg *);
void	 irc_login(struct irc_client *, const struct account *);
void	 irc_sasl_free(struct irc_client *);

#endif
