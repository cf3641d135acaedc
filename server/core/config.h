/*
 * config.h -- hearthd configuration: defaults, file parser, overrides.
 *
 * The file format is documented in etc/hearthd.conf: one "key = value"
 * per line, '#' starts a comment, "listen" may repeat.  Relative paths
 * resolve against the folder of the config file (or of the state
 * directory, for files that live there).
 */
#ifndef HEARTH_CONFIG_H
#define HEARTH_CONFIG_H

#include <stddef.h>

/* The default of password_min_length (1..PASSWORD_MIN_LIMIT). */
#define PASSWORD_MIN_DEFAULT	8
#define PASSWORD_MIN_LIMIT	64

enum proto {
	PROTO_NNTP = 0,
	PROTO_NNTPS,
	PROTO_IRC,
	PROTO_IRCS,
	PROTO_HTTP,
	PROTO_HTTPS,
	PROTO_WS,		/* IRC over WebSocket, its own listener */
	PROTO_WSS,		/* the same over TLS */
	PROTO_ADMINS,		/* remote admin protocol over TLS */
	PROTO_ADMIN,		/* the Unix admin socket, never "listen" */
	PROTO_COUNT
};

struct listen_spec {
	enum proto	 proto;
	char		*addr;		/* numeric address or host name */
	char		*port;		/* numeric, "0" for any */
	int		 line;		/* in the config file, 0: not there */
};

struct config {
	char			*path;		/* config file, or NULL */
	char			*base_dir;	/* folder relative paths use */

	char			*state_dir;
	char			*database;	/* relative to state_dir */
	char			*admin_socket;	/* relative to state_dir */
	char			*tls_cert;	/* NULL: self-signed in state */
	char			*tls_key;
	char			*groups_file;
	char			*rooms_file;
	char			*user;		/* drop to this user as root */
	char			*server_name;
	char			*network_name;
	char			*motd;		/* text, '\n' separated */
	char			*hotline;
	char			*disclaimer;
	char			*language;	/* operator's default: "ru" */
	char			*locale_dir;	/* the compiled catalogues */

	int			 log_level;
	int			 log_syslog;

	struct listen_spec	*listens;
	size_t			 nlistens;

	/* Connection limits shared by every protocol. */
	int			 max_conns_per_ip;
	int			 max_conns;	/* 0 until conn_fd_budget */
	int			 listen_backlog;	/* 0: somaxconn */
	int			 idle_timeout;		/* seconds */
	size_t			 output_cap;		/* bytes */
	size_t			 output_cap_total;	/* all conns */
	double			 rate_per_sec;		/* token refill */
	double			 rate_burst;		/* bucket size */
	int			 nntp_reads_per_token;	/* NNTP read price */
	size_t			 nntp_max_line;
	size_t			 irc_max_line;
	size_t			 max_article_size;
	int			 login_max_failures;	/* per account */
	int			 login_window;		/* seconds */
	int			 ip_retention_days;
	char			*crisis_phrases_file;
	char			*report_group;
	char			*announce_group;
	char			*erasure_mode;
	char			*service_nick;
	int			 new_member_probation;
	char			*moderators_room;
	int			 event_reminder_minutes;
	char			*timezone;	/* IANA name; NULL: system's */
	int			 report_autohide;	/* reporters */
	int			 report_window;		/* seconds */
	int			 report_speaker_memory;	/* REPORT <nick>: seconds */
	char			*queue_group;	/* NNTP view of the queue */
	char			*inbox_group;	/* NNTP view of notices */
	char			*registration;	/* open, approval, closed */
	int			 probation_days;	/* new members */
	int			 probation_max_links;
	int			 probation_max_emails;
	int			 flood_messages;	/* more than this ... */
	int			 flood_seconds;		/* ... in this: mute */
	int			 flood_repeats;		/* same text N times */
	int			 flood_repeat_seconds;
	int			 flood_mute;		/* seconds */
	double			 http_rate_per_sec;	/* per IP */
	double			 http_rate_burst;
	int			 http_request_timeout;	/* seconds for a
							   request's head
							   and body */

	/* Security. */
	int			 allow_plain_auth_loopback;
	int			 scrypt_log2n;		/* password KDF cost */
	int			 scram_iterations;	/* SCRAM-SHA-256 Hi() */
	int			 auth_threads;		/* hashing workers, 0: auto */
	int			 auth_queue;		/* hashes in flight */
	int			 login_delay_max;	/* backoff cap, s */
	int			 password_min_length;	/* shortest password taken */
	int			 db_sync_full;
	int			 chat_sync_full;	/* fsync chat lines too */
	int			 anonymous_read;
	/* NNTP: accounts that may feed articles (IHAVE, TAKETHIS). */
	char			*nntp_peers;
	/*
	 * Addresses (addr[/bits]) from which a peer of nntp_peers may sign
	 * in and feed without TLS: a private link the operator names.
	 */
	char			*nntp_peer_plaintext_from;
	/* This site's name in Path and Xref (RFC 5536 §3.1.5, §3.2.14). */
	char			*path_identity;
	/* Seconds a refused, cancelled or expired message-id is kept. */
	int			 history_remember;
	char			*proxy_from;	/* PROXY senders: addr[/bits] */
	char			*websocket_origins; /* more allowed Origins */
	int			 chat_token_lifetime; /* web chat tokens: s */

	/* IRC. */
	int			 irc_replay_lines;	/* replayed on JOIN */
	int			 irc_sts_duration;	/* seconds, 0: none */
	int			 irc_nick_reservation;	/* nick = account */
	int			 irc_register_before_connect;
	int			 irc_history;		/* store channel lines */
	int			 private_history;	/* store private messages */
	char			*irc_password;		/* PASS needed, or NULL */
	/* IRCv3 draft/webpush (services/webpush.c). */
	int			 webpush;		/* off by default */
	int			 webpush_allow_private;	/* private endpoints */
	char			*webpush_subject;	/* VAPID sub, or NULL */
	char			*webpush_ca_file;	/* NULL: system CAs */
	char			*peers_file;	/* outgoing feeds, or NULL */
	char			*peer_ca_file;	/* NULL: system CAs */
	int			 peer_window;	/* CHECKs outstanding */
	int			 peer_backoff_max;	/* seconds */

	/* Daemon habits (issue 19). */
	char			*pidfile;	/* NULL: STATE_DIR/hearthd.pid */
	char			*log_target;	/* "syslog", "stderr", a file
						   path, or NULL: see
						   config_log_target() */
	int			*key_lines;	/* per key: last line set */
};

/* The shipped config's texts, marked for translation (NULL-ended). */
extern const char *const config_shipped_texts[];
struct config	*config_default(void);
void		 config_free(struct config *);
/*
 * Parse FILE into CF (which holds defaults).  On error return -1 and put
 * "file:line: message" in ERR.
 */
int		 config_load(struct config *, const char *file, char *err,
		    size_t errlen);
int		 config_parse_listen(const char *, struct listen_spec *,
		    char *err, size_t errlen);
int		 config_add_listen(struct config *, const char *spec, char *err,
		    size_t errlen);
void		 config_clear_listens(struct config *);
/* Resolve P against BASE when relative; returns an xmalloc'd string. */
char		*config_path(const char *base, const char *p);
/*
 * Where log lines go: "syslog", "stderr" or a file path.  Without a
 * "log" line: syslog when log_syslog is set or when detached, else
 * stderr (hearthd's behaviour before the key existed).
 */
/* The config file line that last set KEY, or 0. */
int		 config_key_line(const struct config *, const char *key);
/* Call FN for every key name of the table (the man page test uses it). */
void		 config_key_names(void (*fn)(const char *, void *), void *);
const char	*config_log_target(const struct config *, int foreground);
const char	*proto_name(enum proto);
int		 proto_is_tls(enum proto);
int		 proto_from_name(const char *, enum proto *);

/*
 * 1 when address SA is in LIST ("addr[/bits], ..."; IPv4 and IPv6, an
 * IPv4-mapped IPv6 peer matches its IPv4 form).  LIST NULL: 0.
 */
struct sockaddr;
int	 config_addr_in_list(const char *list, const struct sockaddr *sa);
/* 0 when every entry of LIST is an address or a prefix; else -1 + ERR. */
int	 config_addr_list_check(const char *list, char *err, size_t errlen);
/* Is ID a path-identity (RFC 5536 §3.1.5)? */
int	 config_path_identity_ok(const char *id);
/* This site's path identity: path_identity, else server_name. */
const char *config_path_identity(const struct config *);

#endif
