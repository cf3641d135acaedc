/*
 * auth.h -- sign-in for every protocol: throttling and the login record.
 *
 * Every password check (NNTP AUTHINFO and XPASSWD, IRC SASL, OPER and
 * the Helper's commands, remote hearthmod, HTTP Basic) goes through
 * auth_login_start() (scrypt on a worker) or auth_login().  Failures are
 * counted per account name and address, per address, and per account
 * (existing or not, so a throttle reveals nothing): the first two refuse
 * until the window has passed, the last only delays (see auth.c), so
 * nobody can lock the owner out.  Successful logins are recorded with a
 * keyed hash of the address, never the address itself, and the record
 * expires.
 */
#ifndef HEARTH_AUTH_H
#define HEARTH_AUTH_H

#include "conn.h"
#include "store.h"

#define AUTH_OK		STORE_OK	/* 0 */
#define AUTH_BAD	STORE_NOTFOUND	/* wrong name or password */
#define AUTH_THROTTLED	3		/* too many failures: wait */
#define AUTH_BANNED	4		/* right password, banned account */
#define AUTH_ERROR	STORE_ERROR
#define AUTH_BUSY	5		/* hashing queue full: try again */
#define AUTH_PENDING	6		/* started: the answer comes later */

struct sanction_verdict;

/*
 * Check NAME/PASSWORD for connection C (may be NULL: IP then is IP).
 * A is filled on AUTH_OK (caller clears with account_clear).  A
 * server-wide ban on the account answers AUTH_BANNED, only once the
 * password was right (a ban is not told to whoever guesses a name).
 */
int	 auth_login(struct server *, const char *ip, const char *proto,
	    const char *name, const char *password, struct account *a);
/* auth_login() that also says which ban in WHY (may be NULL). */
int	 auth_login_why(struct server *, const char *ip, const char *proto,
	    const char *name, const char *password, struct account *a,
	    struct sanction_verdict *why);
/*
 * May a password cross connection C?  Only when it is encrypted, or on
 * loopback while allow_plaintext_auth_on_loopback is set.  Every command
 * that carries a password asks this one function first (NNTP AUTHINFO
 * and XPASSWD, IRC SASL PLAIN, PASS, OPER, REGISTER, Helper REGISTER,
 * PASSWORD and ERASE, HTTP Basic, remote hearthmod).  C NULL: yes.
 */
int	 auth_channel_ok(const struct server *, const struct conn *);

/*
 * The asynchronous sign-in every protocol uses: NAME/PASSWORD from C.
 * The throttles are checked and the account read here, on the loop; the
 * scrypt runs on a worker while C's input waits (conn_wait).  Returns
 * AUTH_PENDING, and later DONE(C, ARG, rc, account, ban) runs on the
 * loop with AUTH_OK (the account is DONE's to clear), AUTH_BAD,
 * AUTH_BANNED (the ban in the verdict), AUTH_BUSY or AUTH_ERROR; should
 * C be freed or closing meanwhile, DONE never runs.  Or returns at once,
 * without DONE: AUTH_THROTTLED, AUTH_BUSY (the hashing queue is full)
 * or AUTH_ERROR.
 */
typedef void	(*auth_done_fn)(struct conn *, void *arg, int rc,
		    struct account *, struct sanction_verdict *);
int	 auth_login_start(struct server *, struct conn *, const char *proto,
	    const char *name, const char *password, auth_done_fn, void *arg);
/*
 * Hash a new PASSWORD for C on a worker (sign-up, password change): its
 * scrypt hash and SCRAM keys.  AUTH_PENDING, then DONE(C, ARG, secret
 * or NULL on failure; valid during the call only) on the loop, which
 * stores it through account_add(), account_set_password() or
 * account_register(); or AUTH_BUSY at once.
 */
struct pw_secret;
typedef void	(*auth_hash_fn)(struct conn *, void *arg,
		    const struct pw_secret *);
int	 auth_hash_start(struct server *, struct conn *, const char *password,
	    auth_hash_fn, void *arg);
/*
 * SASL SCRAM-SHA-256 (RFC 5802, RFC 7677), for every protocol; the
 * protocol carries the messages (decoded from base64) and answers.
 * auth_scram_start() takes the client-first message: AUTH_OK with the
 * exchange in *SP (auth_scram_free) and the server-first message in
 * *SERVER_FIRST (xmalloc'd); AUTH_BAD (malformed, channel binding
 * asked for, another authorization identity), AUTH_THROTTLED or
 * AUTH_ERROR.  A name that does not exist, or an account without keys
 * yet (made before SCRAM; PLAIN still works and makes them), gets an
 * answer all the same and fails at the proof.  auth_scram_final()
 * takes the client-final message: AUTH_BAD at once (malformed, nonce
 * or channel binding wrong), or as auth_login_start(): the proof is
 * checked on a worker after the throttles' delay, with the same
 * failure counting, ban check and login record, and DONE answers.  On
 * AUTH_OK, auth_scram_server_final() is the server-final message
 * ("v=...", xmalloc'd).  No Hi() runs here: the stored keys suffice.
 */
struct auth_scram;
int	 auth_scram_start(struct server *, struct conn *, const char *proto,
	    const unsigned char *msg, size_t len, struct auth_scram **sp,
	    char **server_first);
int	 auth_scram_final(struct server *, struct conn *, struct auth_scram *,
	    const unsigned char *msg, size_t len, auth_done_fn, void *arg);
char	*auth_scram_server_final(const struct auth_scram *);
void	 auth_scram_free(struct auth_scram *);
/* Hashing jobs queued or running (for tests and status). */
int	 auth_pending(void);
/* Keyed hash (HMAC-SHA256, hex, 64 chars + NUL) of an address. */
void	 auth_ip_hash(struct server *, const char *ip, char out[65]);
/*
 * A 32-byte key for PURPOSE derived from the server's secret.key
 * (HMAC-SHA256 of "derive:PURPOSE"), e.g. the Cancel-Lock secret.
 */
void	 auth_derived_key(struct server *, const char *purpose,
	    unsigned char out[32]);
int	 auth_init(struct server *, char *err, size_t errlen);
/* Start the hashing threads (once in the background: see server_run). */
void	 auth_start(struct server *);
void	 auth_free(struct server *);
/* Forget expired failure counters and login records (timer). */
void	 auth_expire(struct server *);

#endif
