/*
 * websession.h -- the web door's sign-ins (issue 16): sessions kept in
 * a cookie, and the tokens that prove a form came from our own page.
 *
 * A session id is 32 bytes from the CSPRNG, written base64url (43
 * characters); the store keeps only HMAC-SHA256(secret.key, id), so a
 * copy of the database opens no session.  Every sign-in makes a new id
 * (a cookie planted before sign-in is never the one after: no session
 * fixation).  A session lasts WEBSESSION_IDLE seconds from its last use
 * (slid forward at most once a minute), never more than WEBSESSION_MAX
 * from its sign-in; it ends at sign-out, and every session of an account
 * ends when its password changes or it is erased
 * (websession_destroy_account()).
 *
 * Form tokens (CSRF): the token of a form is a MAC of the cookie that
 * carries the visitor's state: the session id when signed in, else a
 * random "form cookie" of its own (signed double submit, for sign-in and
 * sign-up).  A cross-site page can neither read the cookie nor make the
 * MAC, so it cannot fill in the token.
 */
#ifndef HEARTH_WEBSESSION_H
#define HEARTH_WEBSESSION_H

#include <stdint.h>

#include "hearth.h"

#define WEBSESSION_ID_LEN	43	/* base64url of 32 random bytes */
#define WEBSESSION_TOKEN_LEN	43	/* base64url of a 32-byte MAC */
#define WEBSESSION_IDLE		(30 * 86400)
#define WEBSESSION_MAX		(180 * 86400)

struct websession {
	int64_t		 account_id;
	char		 account[64];
	char		 role[16];
	int64_t		 created;
};

/*
 * A new random id (a session's, or a form cookie's) into ID.  0, or -1
 * when the CSPRNG fails.
 */
int	 websession_new_id(char id[WEBSESSION_ID_LEN + 1]);
/* Is S shaped like an id (43 base64url characters)? */
int	 websession_id_valid(const char *s);
/*
 * Sign ACCOUNT_ID in: a new session, its id into ID (for the cookie).
 * Expired sessions of everyone are swept in the same transaction.
 * STORE_OK or STORE_ERROR.
 */
int	 websession_create(struct server *, int64_t account_id,
	    char id[WEBSESSION_ID_LEN + 1]);
/*
 * The live session ID of an active account into *WS, noting its use:
 * STORE_OK, STORE_NOTFOUND (unknown, expired, signed out, the account
 * gone, pending or locked) or STORE_ERROR.
 */
int	 websession_lookup(struct server *, const char *id,
	    struct websession *ws);
/* Sign out: session ID ends (an unknown one: STORE_OK as well). */
int	 websession_destroy(struct server *, const char *id);
/*
 * Every session of ACCOUNT ends (its password changed: account.c calls
 * this inside the change's transaction; erasure deletes them with the
 * account).
 */
int	 websession_destroy_account(struct server *, const char *account);
/*
 * The form token bound to COOKIE (a session id or a form cookie) into
 * TOKEN; websession_token_ok() checks one in constant time.
 */
void	 websession_token(const char *cookie,
	    char token[WEBSESSION_TOKEN_LEN + 1]);
int	 websession_token_ok(const char *cookie, const char *token);

#endif
