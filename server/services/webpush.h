/*
 * webpush.h -- Web Push for members whose clients are gone (IRCv3
 * draft/webpush, RFC 8030, 8291, 8292).
 *
 * A member's client registers a push subscription (an https endpoint of
 * a push service, the client's P-256 key and auth secret); what reaches
 * the member while none of their clients is connected is encrypted to
 * that key (RFC 8291, aes128gcm of RFC 8188), signed for the push
 * service with the server's VAPID key (RFC 8292) and POSTed over TLS
 * with certificate verification.  Endpoints are checked twice: when
 * registered (https only; the host's addresses may not be loopback,
 * private, link-local, unique-local, multicast or unspecified unless
 * webpush_allow_private) and when connecting, to the very address
 * checked, so a name that resolves differently later cannot reach
 * inside.  Name resolution (evdns) and the HTTP exchange
 * (bufferevent_openssl) never block the loop; a bounded queue and a
 * bounded number of exchanges at once keep memory and sockets bounded.
 */
#ifndef HEARTH_WEBPUSH_H
#define HEARTH_WEBPUSH_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>

#include "hearth.h"

#define WEBPUSH_MAX_SUBS	8	/* per account */
#define WEBPUSH_ENDPOINT_MAX	1024	/* bytes of an endpoint URL */
#define WEBPUSH_QUEUE_MAX	256	/* pushes waiting */
#define WEBPUSH_RUNNING_MAX	4	/* exchanges at once */
#define WEBPUSH_PAYLOAD_MAX	3072	/* bytes of a pushed line */
#define WEBPUSH_EXPIRE_DAYS	30	/* a subscription not renewed */
#define WEBPUSH_RATE_MAX	20	/* pushes per account ... */
#define WEBPUSH_RATE_WINDOW	300	/* ... in this many seconds */

/* What a registration came to. */
enum webpush_rc {
	WEBPUSH_OK = 0,
	WEBPUSH_PENDING,	/* resolving; DONE answers later */
	WEBPUSH_DISABLED,
	WEBPUSH_BAD_ENDPOINT,
	WEBPUSH_BAD_KEYS,
	WEBPUSH_MAX_REACHED,
	WEBPUSH_INTERNAL
};

struct conn;
/* The answer to a registration of ENDPOINT (valid during the call). */
typedef void	(*webpush_done_fn)(struct conn *, const char *endpoint,
		    int rc);

/*
 * Load the VAPID key pair from STATE_DIR/vapid.pem (made, mode 0600, at
 * the first start with webpush on) and set up the resolver and the TLS
 * client.  Nothing when webpush is off.  0, or -1 with ERR.
 */
int	 webpush_init(struct server *, char *err, size_t errlen);
void	 webpush_free(struct server *);
/*
 * --check-config: what webpush_init() would refuse (the subject, the
 * CA file, an unreadable key); 0, or -1 with the config KEY and ERR.
 */
int	 webpush_check_config(const struct config *, const char *state_dir,
	    const char **key, char *err, size_t errlen);
/* Push is on and ready: the VAPID public key (base64url), else NULL. */
const char	*webpush_vapid_key(struct server *);

/*
 * Register ACCOUNT's subscription to ENDPOINT with KEYS (message-tag
 * form "p256dh=...;auth=..."), replacing one to the same endpoint.
 * Answers at once (any rc but WEBPUSH_PENDING), or holds C's input
 * while the endpoint's host resolves and calls DONE on the loop (never
 * if C is freed meanwhile).
 */
int	 webpush_register(struct server *, struct conn *c,
	    const char *account, const char *endpoint, const char *keys,
	    webpush_done_fn done);
/* How many subscriptions ACCOUNT has (-1: storage failed). */
int	 webpush_count(struct server *, const char *account);
/* Drop ACCOUNT's subscription to ENDPOINT; none is no error. */
int	 webpush_unregister(struct server *, const char *account,
	    const char *endpoint);
/*
 * Push LINE (one IRC message without CR LF) to every subscription of
 * ACCOUNT.  Queued; a full queue drops it (logged).
 */
void	 webpush_send(struct server *, const char *account,
	    const char *line);

/* The pieces, for the unit tests. */
/* 1 when SA is an address push may not reach without allow_private. */
int	 webpush_addr_refused(const struct sockaddr *);
struct webpush_url {
	char	 host[256];	/* lower case, no brackets */
	char	 port[6];
	char	*path;		/* path and query, "/" at least */
	char	*origin;	/* "https://host[:port]" */
	char	*hostport;	/* for the Host header */
	int	 literal;	/* the host is an IP address */
};
int	 webpush_url_parse(const char *, struct webpush_url *);
void	 webpush_url_clear(struct webpush_url *);
/*
 * RFC 8291: encrypt PLAIN for the user agent's public key UA_PUB (65
 * bytes, uncompressed P-256) and AUTH (16 bytes) as one aes128gcm
 * record; *OUT is xmalloc'd.  SALT NULL: random.  0 or -1.
 */
int	 webpush_encrypt(const unsigned char ua_pub[65],
	    const unsigned char auth[16], const unsigned char *plain,
	    size_t len, const unsigned char *salt, unsigned char **out,
	    size_t *outlen);
/* base64url without padding; decoding takes padding too.  -1: bad. */
char	*webpush_b64url(const unsigned char *, size_t);
int	 webpush_unb64url(const char *, unsigned char *, size_t max,
	    size_t *len);

#endif
