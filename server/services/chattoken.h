/*
 * chattoken.h -- chat tokens: how the web chat page signs a member in
 * on IRC without the session cookie ever reaching JavaScript (issue 16).
 *
 * A signed-in member's chat page asks for a token by a same-origin POST
 * carrying the form token (http-chat.c); the script then gives it to
 * the IRC server over the WebSocket as the password of SASL PLAIN.  A
 * token is 32 bytes from the CSPRNG (43 base64url characters), lives
 * chat_token_lifetime seconds (60 by default), opens only the account it was made for, and
 * only once: auth_login_start() takes it (the same throttles, backoff,
 * ban check and login record as a password; no scrypt).  Only
 * HMAC(secret.key, token) is kept, in memory: a restart forgets them,
 * which costs a page reload at worst.
 */
#ifndef HEARTH_CHATTOKEN_H
#define HEARTH_CHATTOKEN_H

#include <stdint.h>

#include "hearth.h"

#define CHATTOKEN_LEN		43	/* base64url of 32 random bytes */
#define CHATTOKEN_MAX		512	/* live tokens, server-wide */
#define CHATTOKEN_PER_ACCOUNT	4	/* live tokens of one account */

/*
 * A new token for ACCOUNT_ID into TOKEN.  0, or -1 (no randomness, or
 * too many live tokens: try again later).
 */
int	chattoken_make(struct server *, int64_t account_id,
	    char token[CHATTOKEN_LEN + 1]);
/*
 * Is PASSWORD a live token of ACCOUNT_ID?  1 and the token is spent, or
 * 0 (not a token, expired, spent, another account's).
 */
int	chattoken_take(struct server *, int64_t account_id,
	    const char *password);
/* Forget every token (shutdown). */
void	chattoken_free(void);

#endif
