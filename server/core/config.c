/*
 * config.c -- hearthd configuration file parser.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "i18n.h"
#include "log.h"
#include "tz.h"
#include "xmalloc.h"

static const char *const proto_names[PROTO_COUNT] = {
	"nntp", "nntps", "irc", "ircs", "http", "https", "websocket",
	"websockets", "admins", "admin"
};

const char *
proto_name(enum proto p)
{
	return (p < PROTO_COUNT) ? proto_names[p] : "?";
}

int
proto_is_tls(enum proto p)
{
	return p == PROTO_NNTPS || p == PROTO_IRCS || p == PROTO_HTTPS ||
	    p == PROTO_WSS || p == PROTO_ADMINS;
}

int
proto_from_name(const char *s, enum proto *out)
{
	int	i;

	for (i = 0; i < PROTO_COUNT; i++) {
		if (strcasecmp(s, proto_names[i]) == 0) {
			*out = (enum proto)i;
			return 0;
		}
	}
	return -1;
}

static size_t	config_nkeys(void);

/* The quick-start defaults of DESIGN.md: every listener on loopback. */
static const char *const default_listens[] = {
	"nntp=127.0.0.1:1119", "nntps=127.0.0.1:1563",
	"irc=127.0.0.1:6667", "ircs=127.0.0.1:6697",
	"http=127.0.0.1:8080", "https=127.0.0.1:8443",
	"admins=127.0.0.1:8564",
	"nntp=[::1]:1119", "nntps=[::1]:1563",
	"irc=[::1]:6667", "ircs=[::1]:6697",
	"http=[::1]:8080", "https=[::1]:8443",
	"admins=[::1]:8564",
};

/*
 * The texts etc/hearthd.conf ships (motd lines), in the catalogues so
 * each member reads a line the operator kept in their own language.
 */
const char *const config_shipped_texts[] = {
	N_("Welcome to Hearth, a community for people living with serious "
	    "illness."),
	N_("Be kind. Members' opinions are their own."),
	NULL
};

struct config *
config_default(void)
{
	struct config	*cf;
	char		 err[256];
	size_t		 i;

	cf = xcalloc(1, sizeof *cf);
	cf->key_lines = xcalloc(config_nkeys(), sizeof *cf->key_lines);
	cf->base_dir = xstrdup(".");
	cf->state_dir = xstrdup("var");
	cf->database = xstrdup("hearth.db");
	cf->admin_socket = xstrdup("hearthd.sock");
	cf->server_name = xstrdup("hearth.localhost");
	cf->network_name = xstrdup("Hearth");
	/* INN's /remember/ default: 11 days. */
	cf->history_remember = 11 * 86400;
	/* The shipped texts: said in each reader's language (i18n). */
	cf->motd = xstrdup(N_("Welcome to Hearth."));
	cf->hotline = xstrdup(N_("If you are in crisis, call your local "
	    "emergency number now."));
	cf->disclaimer = xstrdup(N_("Members' opinions are their own and "
	    "are not medical advice."));
	cf->language = xstrdup("ru");
#ifdef HEARTH_LOCALE_DIR
	cf->locale_dir = xstrdup(HEARTH_LOCALE_DIR);
#else
	cf->locale_dir = xstrdup("po");
#endif
	cf->log_level = LOG_LEVEL_INFO;
	cf->max_conns_per_ip = 32;
	cf->max_conns = 0;	/* unset: conn_fd_budget() decides */
	cf->idle_timeout = 600;
	cf->output_cap = 4 * 1024 * 1024;
	cf->output_cap_total = 64 * 1024 * 1024;
	cf->rate_per_sec = 10;
	cf->rate_burst = 40;
	cf->nntp_reads_per_token = 100;
	cf->nntp_max_line = 512;
	cf->irc_max_line = 512 + 8191;
	cf->max_article_size = 1024 * 1024;
	cf->peer_window = 16;
	cf->peer_backoff_max = 300;
	cf->login_max_failures = 5;
	cf->login_window = 300;
	cf->ip_retention_days = 7;
	cf->report_autohide = 3;
	cf->report_group = xstrdup("hearth.report");
	cf->announce_group = xstrdup("hearth.announce");
	cf->erasure_mode = xstrdup("pseudonymize");
	cf->service_nick = xstrdup("Helper");
	cf->moderators_room = xstrdup("#moderators");
	cf->event_reminder_minutes = 15;
	cf->report_window = 86400;
	cf->report_speaker_memory = 86400;
	cf->chat_token_lifetime = 60;
	cf->queue_group = xstrdup("hearth.queue");
	cf->inbox_group = xstrdup("hearth.inbox");
	cf->registration = xstrdup("open");
	cf->probation_days = 7;
	cf->probation_max_links = 2;
	cf->probation_max_emails = 1;
	cf->flood_messages = 20;
	cf->flood_seconds = 10;
	cf->flood_repeats = 4;
	cf->flood_repeat_seconds = 120;
	cf->flood_mute = 600;
	cf->http_rate_per_sec = 20;
	cf->http_rate_burst = 100;
	cf->http_request_timeout = 10;
	cf->allow_plain_auth_loopback = 0;
	cf->scrypt_log2n = 15;
	cf->scram_iterations = 32768;
	cf->auth_threads = 0;		/* one fewer than the CPUs */
	cf->auth_queue = 32;
	cf->login_delay_max = 15;
	cf->db_sync_full = 1;
	cf->anonymous_read = 1;
	cf->irc_replay_lines = 20;
	cf->irc_sts_duration = 0;
	cf->irc_nick_reservation = 1;
	cf->irc_register_before_connect = 1;
	cf->irc_history = 1;
	cf->private_history = 1;
	cf->password_min_length = PASSWORD_MIN_DEFAULT;
	for (i = 0; i < sizeof default_listens / sizeof default_listens[0];
	    i++) {
		if (config_add_listen(cf, default_listens[i], err,
		    sizeof err) != 0)
			fatalx("default listen %s: %s", default_listens[i],
			    err);
	}
	return cf;
}

void
config_clear_listens(struct config *cf)
{
	size_t	i;

	for (i = 0; i < cf->nlistens; i++) {
		free(cf->listens[i].addr);
		free(cf->listens[i].port);
	}
	free(cf->listens);
	cf->listens = NULL;
	cf->nlistens = 0;
}

void
config_free(struct config *cf)
{
	if (cf == NULL)
		return;
	config_clear_listens(cf);
	free(cf->path);
	free(cf->base_dir);
	free(cf->state_dir);
	free(cf->database);
	free(cf->admin_socket);
	free(cf->tls_cert);
	free(cf->tls_key);
	free(cf->groups_file);
	free(cf->rooms_file);
	free(cf->irc_password);
	free(cf->webpush_subject);
	free(cf->webpush_ca_file);
	free(cf->peers_file);
	free(cf->peer_ca_file);
	free(cf->crisis_phrases_file);
	free(cf->report_group);
	free(cf->queue_group);
	free(cf->inbox_group);
	free(cf->registration);
	free(cf->announce_group);
	free(cf->erasure_mode);
	free(cf->service_nick);
	free(cf->moderators_room);
	free(cf->timezone);
	free(cf->user);
	free(cf->server_name);
	free(cf->network_name);
	free(cf->motd);
	free(cf->hotline);
	free(cf->disclaimer);
	free(cf->language);
	free(cf->locale_dir);
	free(cf->nntp_peers);
	free(cf->nntp_peer_plaintext_from);
	free(cf->path_identity);
	free(cf->pidfile);
	free(cf->log_target);
	free(cf->key_lines);
	free(cf->proxy_from);
	free(cf->websocket_origins);
	free(cf);
}

const char *
config_log_target(const struct config *cf, int foreground)
{
	if (cf->log_target != NULL && cf->log_target[0] != '\0')
		return cf->log_target;
	return (cf->log_syslog || !foreground) ? "syslog" : "stderr";
}

char *
config_path(const char *base, const char *p)
{
	char	*out;

	if (p == NULL)
		return NULL;
	if (p[0] == '/' || base == NULL || strcmp(base, ".") == 0)
		return xstrdup(p);
	xasprintf(&out, "%s/%s", base, p);
	return out;
}

/*
 * Parse "PROTO=ADDR:PORT" or "PROTO ADDR:PORT"; ADDR may be "[v6]" or
 * "*" (all IPv4 and IPv6 addresses).
 */
int
config_parse_listen(const char *spec, struct listen_spec *ls, char *err,
    size_t errlen)
{
	char		 proto[16];
	const char	*p, *hp, *colon;
	size_t		 n;
	char		*addr, *port, *end;
	long		 v;

	p = spec + strcspn(spec, "= \t");
	n = (size_t)(p - spec);
	if (*p == '\0' || n == 0 || n >= sizeof proto) {
		snprintf(err, errlen, "listen wants PROTO=ADDRESS:PORT, "
		    "got \"%s\"", spec);
		return -1;
	}
	memcpy(proto, spec, n);
	proto[n] = '\0';
	if (proto_from_name(proto, &ls->proto) != 0 ||
	    ls->proto == PROTO_ADMIN) {
		snprintf(err, errlen, "unknown protocol \"%s\" (one of nntp, "
		    "nntps, irc, ircs, http, https, websocket, websockets, "
		    "admins)", proto);
		return -1;
	}
	hp = p + strspn(p, "= \t");
	if (hp[0] == '[') {
		const char *close = strchr(hp, ']');

		if (close == NULL || close[1] != ':') {
			snprintf(err, errlen, "bad IPv6 listen address "
			    "\"%s\"", hp);
			return -1;
		}
		addr = xstrndup(hp + 1, (size_t)(close - hp - 1));
		colon = close + 1;
	} else {
		colon = strrchr(hp, ':');
		if (colon == NULL || colon == hp) {
			snprintf(err, errlen, "listen address needs ADDRESS:PORT,"
			    " got \"%s\"", hp);
			return -1;
		}
		addr = xstrndup(hp, (size_t)(colon - hp));
	}
	errno = 0;
	v = strtol(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || v < 0 ||
	    v > 65535) {
		snprintf(err, errlen, "bad port \"%s\"", colon + 1);
		free(addr);
		return -1;
	}
	xasprintf(&port, "%ld", v);
	ls->addr = addr;
	ls->port = port;
	ls->line = 0;
	return 0;
}

int
config_add_listen(struct config *cf, const char *spec, char *err,
    size_t errlen)
{
	struct listen_spec	ls;

	if (config_parse_listen(spec, &ls, err, errlen) != 0)
		return -1;
	cf->listens = xreallocarray(cf->listens, cf->nlistens + 1,
	    sizeof *cf->listens);
	cf->listens[cf->nlistens++] = ls;
	return 0;
}

static int
parse_bool(const char *v, int *out)
{
	if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0 || strcasecmp(v, "on") == 0)
		*out = 1;
	else if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0 || strcasecmp(v, "off") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

static int
parse_long(const char *v, long min, long max, long *out)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

/* Append a line to a multi-line text value (motd may repeat). */
static void
append_text(char **dst, const char *v, int *seen)
{
	char	*n;

	if (!*seen) {
		free(*dst);
		*dst = xstrdup(v);
		*seen = 1;
		return;
	}
	xasprintf(&n, "%s\n%s", *dst, v);
	free(*dst);
	*dst = n;
}

enum key_type { K_STR, K_PATH, K_BOOL, K_INT, K_SIZE, K_DOUBLE, K_TEXT,
	K_LISTEN, K_LOGLEVEL };

struct key_def {
	const char	*name;
	enum key_type	 type;
	size_t		 off;
	long		 min, max;
};

#define O(f) offsetof(struct config, f)
static const struct key_def keys[] = {
	{ "state_dir", K_PATH, O(state_dir), 0, 0 },
	{ "database", K_STR, O(database), 0, 0 },
	{ "admin_socket", K_STR, O(admin_socket), 0, 0 },
	{ "tls_cert", K_PATH, O(tls_cert), 0, 0 },
	{ "tls_key", K_PATH, O(tls_key), 0, 0 },
	{ "groups_file", K_PATH, O(groups_file), 0, 0 },
	{ "rooms_file", K_PATH, O(rooms_file), 0, 0 },
	{ "user", K_STR, O(user), 0, 0 },
	{ "server_name", K_STR, O(server_name), 0, 0 },
	{ "network_name", K_STR, O(network_name), 0, 0 },
	{ "motd", K_TEXT, O(motd), 0, 0 },
	{ "hotline", K_STR, O(hotline), 0, 0 },
	{ "disclaimer", K_STR, O(disclaimer), 0, 0 },
	{ "language", K_STR, O(language), 0, 0 },
	{ "locale_dir", K_PATH, O(locale_dir), 0, 0 },
	{ "log_level", K_LOGLEVEL, O(log_level), 0, 0 },
	{ "log_syslog", K_BOOL, O(log_syslog), 0, 0 },
	{ "listen", K_LISTEN, 0, 0, 0 },
	{ "max_connections_per_ip", K_INT, O(max_conns_per_ip), 1, 100000 },
	{ "max_connections", K_INT, O(max_conns), 1, 1000000 },
	{ "listen_backlog", K_INT, O(listen_backlog), 0, 1000000 },
	{ "idle_timeout", K_INT, O(idle_timeout), 5, 86400 },
	{ "output_cap", K_SIZE, O(output_cap), 4096, 1L << 30 },
	{ "output_cap_total", K_SIZE, O(output_cap_total), 65536,
	    1L << 40 },
	{ "rate_per_second", K_DOUBLE, O(rate_per_sec), 1, 1000000 },
	{ "rate_burst", K_DOUBLE, O(rate_burst), 1, 1000000 },
	{ "nntp_reads_per_token", K_INT, O(nntp_reads_per_token), 1, 10000 },
	{ "nntp_max_line", K_SIZE, O(nntp_max_line), 512, 65536 },
	{ "irc_max_line", K_SIZE, O(irc_max_line), 512, 65536 },
	{ "max_article_size", K_SIZE, O(max_article_size), 1024, 64L << 20 },
	{ "login_max_failures", K_INT, O(login_max_failures), 1, 1000 },
	{ "login_window", K_INT, O(login_window), 10, 86400 },
	{ "ip_retention_days", K_INT, O(ip_retention_days), 1, 365 },
	{ "crisis_phrases_file", K_PATH, O(crisis_phrases_file), 0, 0 },
	{ "report_group", K_STR, O(report_group), 0, 0 },
	{ "announce_group", K_STR, O(announce_group), 0, 0 },
	{ "erasure_mode", K_STR, O(erasure_mode), 0, 0 },
	{ "service_nick", K_STR, O(service_nick), 0, 0 },
	{ "new_member_probation", K_INT, O(new_member_probation), 0, 1000 },
	{ "moderators_room", K_STR, O(moderators_room), 0, 0 },
	{ "timezone", K_STR, O(timezone), 0, 0 },
	{ "event_reminder_minutes", K_INT, O(event_reminder_minutes), 0,
	    10080 },
	{ "report_autohide_threshold", K_INT, O(report_autohide), 0, 1000 },
	{ "report_window", K_INT, O(report_window), 60, 31L * 86400 },
	{ "report_speaker_memory", K_INT, O(report_speaker_memory), 0,
	    31L * 86400 },
	{ "queue_group", K_STR, O(queue_group), 0, 0 },
	{ "inbox_group", K_STR, O(inbox_group), 0, 0 },
	{ "registration", K_STR, O(registration), 0, 0 },
	{ "probation_days", K_INT, O(probation_days), 0, 3650 },
	{ "probation_max_links", K_INT, O(probation_max_links), 0, 1000 },
	{ "probation_max_emails", K_INT, O(probation_max_emails), 0, 1000 },
	{ "flood_messages", K_INT, O(flood_messages), 0, 60 },
	{ "flood_seconds", K_INT, O(flood_seconds), 1, 3600 },
	{ "flood_repeats", K_INT, O(flood_repeats), 0, 60 },
	{ "flood_repeat_seconds", K_INT, O(flood_repeat_seconds), 1, 86400 },
	{ "flood_mute", K_INT, O(flood_mute), 1, 30L * 86400 },
	{ "http_rate_per_second", K_DOUBLE, O(http_rate_per_sec), 1,
	    1000000 },
	{ "http_rate_burst", K_DOUBLE, O(http_rate_burst), 1, 1000000 },
	{ "http_request_timeout", K_INT, O(http_request_timeout), 1, 300 },
	{ "allow_plaintext_auth_on_loopback", K_BOOL,
	    O(allow_plain_auth_loopback), 0, 0 },
	{ "password_scrypt_log2n", K_INT, O(scrypt_log2n), 10, 22 },
	{ "scram_iterations", K_INT, O(scram_iterations), 4096, 1000000 },
	{ "auth_threads", K_INT, O(auth_threads), 0, 64 },
	{ "auth_queue", K_INT, O(auth_queue), 1, 100000 },
	{ "login_delay_max", K_INT, O(login_delay_max), 0, 300 },
	{ "password_min_length", K_INT, O(password_min_length), 1,
	    PASSWORD_MIN_LIMIT },
	{ "database_sync_full", K_BOOL, O(db_sync_full), 0, 0 },
	{ "chat_sync_full", K_BOOL, O(chat_sync_full), 0, 0 },
	{ "anonymous_read", K_BOOL, O(anonymous_read), 0, 0 },
	{ "nntp_peers", K_STR, O(nntp_peers), 0, 0 },
	{ "nntp_peer_plaintext_from", K_STR, O(nntp_peer_plaintext_from), 0,
	    0 },
	{ "path_identity", K_STR, O(path_identity), 0, 0 },
	{ "history_remember", K_INT, O(history_remember), 0, 366L * 86400 },
	{ "proxy_from", K_STR, O(proxy_from), 0, 0 },
	{ "websocket_origins", K_STR, O(websocket_origins), 0, 0 },
	{ "chat_token_lifetime", K_INT, O(chat_token_lifetime), 1, 600 },
	{ "irc_replay_lines", K_INT, O(irc_replay_lines), 0, 100 },
	{ "irc_sts_duration", K_INT, O(irc_sts_duration), 0, 31536000 },
	{ "irc_nick_reservation", K_BOOL, O(irc_nick_reservation), 0, 0 },
	{ "irc_register_before_connect", K_BOOL,
	    O(irc_register_before_connect), 0, 0 },
	{ "irc_history", K_BOOL, O(irc_history), 0, 0 },
	{ "private_history", K_BOOL, O(private_history), 0, 0 },
	{ "irc_password", K_STR, O(irc_password), 0, 0 },
	{ "webpush", K_BOOL, O(webpush), 0, 0 },
	{ "webpush_allow_private", K_BOOL, O(webpush_allow_private), 0, 0 },
	{ "webpush_subject", K_STR, O(webpush_subject), 0, 0 },
	{ "webpush_ca_file", K_PATH, O(webpush_ca_file), 0, 0 },
	{ "peers_file", K_PATH, O(peers_file), 0, 0 },
	{ "peer_ca_file", K_PATH, O(peer_ca_file), 0, 0 },
	{ "peer_window", K_INT, O(peer_window), 1, 1000 },
	{ "peer_backoff_max", K_INT, O(peer_backoff_max), 1, 86400 },
	{ "pidfile", K_PATH, O(pidfile), 0, 0 },
	{ "log", K_STR, O(log_target), 0, 0 },
};
#undef O

static size_t
config_nkeys(void)
{
	return sizeof keys / sizeof keys[0];
}

int
config_key_line(const struct config *cf, const char *key)
{
	size_t	i;

	for (i = 0; i < config_nkeys(); i++)
		if (strcmp(keys[i].name, key) == 0)
			return cf->key_lines[i];
	return 0;
}

void
config_key_names(void (*fn)(const char *, void *), void *arg)
{
	size_t	i;

	for (i = 0; i < config_nkeys(); i++)
		fn(keys[i].name, arg);
}

static int
apply_key(struct config *cf, const struct key_def *k, const char *v,
    int *listen_seen, int *text_seen, char *err, size_t errlen)
{
	char	*base = (char *)cf;
	long	 n;
	double	 d;
	char	*end;

	switch (k->type) {
	case K_STR:
	case K_PATH:
		free(*(char **)(base + k->off));
		*(char **)(base + k->off) = (k->type == K_PATH) ?
		    config_path(cf->base_dir, v) : xstrdup(v);
		return 0;
	case K_TEXT:
		append_text((char **)(base + k->off), v, text_seen);
		return 0;
	case K_BOOL:
		if (parse_bool(v, (int *)(base + k->off)) != 0) {
			snprintf(err, errlen, "%s wants yes or no, got \"%s\"",
			    k->name, v);
			return -1;
		}
		return 0;
	case K_INT:
		if (parse_long(v, k->min, k->max, &n) != 0) {
			snprintf(err, errlen, "%s wants a whole number from "
			    "%ld to %ld, got \"%s\"", k->name, k->min, k->max,
			    v);
			return -1;
		}
		*(int *)(base + k->off) = (int)n;
		return 0;
	case K_SIZE:
		if (parse_long(v, k->min, k->max, &n) != 0) {
			snprintf(err, errlen, "%s wants a size in bytes from "
			    "%ld to %ld, got \"%s\"", k->name, k->min, k->max,
			    v);
			return -1;
		}
		*(size_t *)(base + k->off) = (size_t)n;
		return 0;
	case K_DOUBLE:
		errno = 0;
		d = strtod(v, &end);
		/* Written so that NaN, which compares false, fails too. */
		if (*v == '\0' || *end != '\0' || errno != 0 ||
		    !(d >= (double)k->min && d <= (double)k->max)) {
			snprintf(err, errlen, "%s wants a number from %ld to "
			    "%ld, got \"%s\"", k->name, k->min, k->max, v);
			return -1;
		}
		*(double *)(base + k->off) = d;
		return 0;
	case K_LOGLEVEL: {
		enum log_level	lv;

		if (log_level_parse(v, &lv) != 0) {
			snprintf(err, errlen, "log_level wants error, warn, "
			    "info or debug, got \"%s\"", v);
			return -1;
		}
		cf->log_level = (int)lv;
		return 0;
	}
	case K_LISTEN:
		if (!*listen_seen) {
			/* The first listen line replaces the defaults. */
			config_clear_listens(cf);
			*listen_seen = 1;
		}
		return config_add_listen(cf, v, err, errlen);
	}
	return -1;
}

/*
 * One entry of an address list ("addr" or "addr/bits") into its family,
 * 16 address bytes and prefix length.  0 on success.
 */
static int
addr_entry(const char *s, size_t n, int *af, unsigned char a[16], int *bits)
{
	char		 buf[INET6_ADDRSTRLEN + 8], *slash;
	long		 b;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*bits = -1;
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash++ = '\0';
		if (parse_long(slash, 0, 128, &b) != 0)
			return -1;
		*bits = (int)b;
	}
	memset(a, 0, 16);
	if (inet_pton(AF_INET, buf, a) == 1) {
		*af = AF_INET;
		if (*bits > 32)
			return -1;
		if (*bits < 0)
			*bits = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a) == 1) {
		*af = AF_INET6;
		if (*bits < 0)
			*bits = 128;
		return 0;
	}
	return -1;
}

int
config_addr_list_check(const char *list, char *err, size_t errlen)
{
	const char	*p;
	size_t		 n;
	unsigned char	 a[16];
	int		 af, bits;

	if (list == NULL)
		return 0;
	for (p = list; *p != '\0'; p += n) {
		p += strspn(p, ", \t");
		if ((n = strcspn(p, ", \t")) == 0)
			break;
		if (addr_entry(p, n, &af, a, &bits) != 0) {
			snprintf(err, errlen, "\"%.*s\" is not an address or "
			    "address/bits", (int)(n > 60 ? 60 : n), p);
			return -1;
		}
	}
	return 0;
}

/*
 * RFC 5536 §3.1.5: path-identity = ( ALPHA / DIGIT ) *( ALPHA / DIGIT /
 * "-" / "." / ":" / "_" ).
 */
int
config_path_identity_ok(const char *id)
{
	const char	*p;

	if (!isalnum((unsigned char)id[0]) || strlen(id) > 200)
		return 0;
	for (p = id; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("-.:_", *p) == NULL)
			return 0;
	return 1;
}

const char *
config_path_identity(const struct config *cf)
{
	return cf->path_identity != NULL ? cf->path_identity :
	    cf->server_name;
}

int
config_addr_in_list(const char *list, const struct sockaddr *sa)
{
	const unsigned char	*peer;
	unsigned char		 a[16], mask;
	const char		*p;
	size_t			 n;
	int			 af, paf, bits, i;

	if (list == NULL)
		return 0;
	if (sa->sa_family == AF_INET) {
		paf = AF_INET;
		peer = (const unsigned char *)&((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		peer = in6->sin6_addr.s6_addr;
		paf = AF_INET6;
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			paf = AF_INET;
			peer += 12;
		}
	} else
		return 0;
	for (p = list; *p != '\0'; p += n) {
		p += strspn(p, ", \t");
		if ((n = strcspn(p, ", \t")) == 0)
			break;
		if (addr_entry(p, n, &af, a, &bits) != 0 || af != paf)
			continue;
		for (i = 0; bits >= 8; i++, bits -= 8)
			if (a[i] != peer[i])
				break;
		if (bits >= 8)
			continue;
		mask = (unsigned char)(0xff << (8 - bits));
		if (bits == 0 || (a[i] & mask) == (peer[i] & mask))
			return 1;
	}
	return 0;
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
config_load(struct config *cf, const char *file, char *err, size_t errlen)
{
	FILE		*f;
	char		*line = NULL, *key, *val, *eq, *slash;
	size_t		 cap = 0, i;
	ssize_t		 len;
	int		 lineno = 0, listen_seen = 0, rc = -1;
	int		 text_seen[sizeof keys / sizeof keys[0]];
	char		 why[512];

	memset(text_seen, 0, sizeof text_seen);
	if ((f = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	free(cf->path);
	cf->path = xstrdup(file);
	free(cf->base_dir);
	if ((slash = strrchr(file, '/')) != NULL)
		cf->base_dir = (slash == file) ? xstrdup("/") :
		    xstrndup(file, (size_t)(slash - file));
	else
		cf->base_dir = xstrdup(".");

	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (memchr(line, '\0', (size_t)len) != NULL) {
			snprintf(err, errlen, "%s:%d: NUL byte in line", file,
			    lineno);
			goto out;
		}
		key = trim(line);
		if (*key == '#' || *key == '\0')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			snprintf(err, errlen, "%s:%d: expected \"key = value\"",
			    file, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(key);
		val = trim(eq + 1);
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (strcmp(keys[i].name, key) == 0)
				break;
		if (i == sizeof keys / sizeof keys[0]) {
			snprintf(err, errlen, "%s:%d: unknown key \"%s\"", file,
			    lineno, key);
			goto out;
		}
		if (apply_key(cf, &keys[i], val, &listen_seen, &text_seen[i],
		    why, sizeof why) != 0) {
			snprintf(err, errlen, "%s:%d: %s", file, lineno, why);
			goto out;
		}
		cf->key_lines[i] = lineno;
		if (keys[i].type == K_LISTEN)
			cf->listens[cf->nlistens - 1].line = lineno;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", file);
		goto out;
	}
	if (cf->log_target != NULL && cf->log_target[0] != '\0' &&
	    strcmp(cf->log_target, "syslog") != 0 &&
	    strcmp(cf->log_target, "stderr") != 0) {
		/* log = FILE: relative to the config file like other paths. */
		char	*p = config_path(cf->base_dir, cf->log_target);

		free(cf->log_target);
		cf->log_target = p;
	}
	if (config_addr_list_check(cf->proxy_from, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: proxy_from: %s", file, why);
		goto out;
	}
	if (config_addr_list_check(cf->nntp_peer_plaintext_from, why,
	    sizeof why) != 0) {
		snprintf(err, errlen, "%s:%d: nntp_peer_plaintext_from: %s",
		    file, config_key_line(cf, "nntp_peer_plaintext_from"), why);
		goto out;
	}
	if (cf->path_identity != NULL &&
	    !config_path_identity_ok(cf->path_identity)) {
		snprintf(err, errlen, "%s:%d: path_identity: \"%.60s\" is not "
		    "a path-identity (RFC 5536 3.1.5: a letter or digit, then "
		    "letters, digits, \"-\", \".\", \":\", \"_\")", file,
		    config_key_line(cf, "path_identity"), cf->path_identity);
		goto out;
	}
	if (cf->timezone != NULL && tz_check(cf->timezone, why,
	    sizeof why) != 0) {
		snprintf(err, errlen, "%s:%d: %s", file,
		    config_key_line(cf, "timezone"), why);
		goto out;
	}
	if (strcmp(cf->registration, "open") != 0 &&
	    strcmp(cf->registration, "approval") != 0 &&
	    strcmp(cf->registration, "closed") != 0) {
		snprintf(err, errlen, "%s:%d: registration must be open, "
		    "approval or closed", file,
		    config_key_line(cf, "registration"));
		goto out;
	}
	{
		const char	*l = cf->language;
		size_t		 li;

		for (li = 0; l[li] != '\0' && li <= 8 &&
		    ((l[li] >= 'a' && l[li] <= 'z') ||
		    (li > 0 && l[li] == '-')); li++)
			;
		if (li < 2 || li > 8 || l[li] != '\0') {
			snprintf(err, errlen, "%s:%d: language must be a "
			    "language tag such as ru or en", file,
			    config_key_line(cf, "language"));
			goto out;
		}
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	return rc;
}
