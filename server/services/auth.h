/*
 * auth.h -- sign-in for every protocol: throttling and the login record.
 *
 * Every password check (NNTP AUTHINFO, IRC SASL and NickServ-style
 * commands, remote hearthmod, private feeds) goes through auth_login().
 * Failed attempts are counted per account name (existing or not, so a
 * lockout reveals nothing) and per source address; past the limit,
 * attempts are refused without checking the password until the window
 * has passed (a client in a reconnect loop never locks an account out
 * for good).  Successful logins are recorded with a keyed hash of the
 * address, never the address itself, and the record expires.
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
/* Keyed hash (HMAC-SHA256, hex, 64 chars + NUL) of an address. */
void	 auth_ip_hash(struct server *, const char *ip, char out[65]);
int	 auth_init(struct server *, char *err, size_t errlen);
void	 auth_free(struct server *);
/* Forget expired failure counters and login records (timer). */
void	 auth_expire(struct server *);

#endif
