/*
 * feedtoken.h -- members' feed tokens: made, listed and revoked from IRC
 * (the Helper's FEEDTOKEN) and hearthmod, checked by the HTTP service.
 *
 * A token is 24 random bytes written as 32 base64url characters.  It is
 * shown once, when made; the database keeps only its SHA-256, so a copy
 * of the database cannot be used to read anybody's feeds.  A token gives
 * read access to the feeds its account may read (members-only groups,
 * the private groups whose access list holds the account), nothing else.
 */
#ifndef HEARTH_FEEDTOKEN_H
#define HEARTH_FEEDTOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "hearth.h"
#include "store.h"

#define FEED_TOKEN_LEN		32	/* characters */
#define FEED_TOKENS_MAX		10	/* per account */
#define FEED_TOKEN_LABEL_MAX	40

/*
 * Make a token for account A labelled LABEL (may be ""), audit-logged as
 * done by ACTOR.  Writes the token into OUT (FEED_TOKEN_LEN + 1 bytes)
 * and its id into *ID; -1 with a reason in WHY when it cannot.
 */
int	 feedtoken_new(struct server *, const struct account *a,
	    const char *label, const char *actor, char *out, int64_t *id,
	    char *why, size_t whylen);
/* Revoke token ID of A (0: all); 0, or -1 with WHY. */
int	 feedtoken_revoke(struct server *, const struct account *a,
	    int64_t id, const char *actor, char *why, size_t whylen);
/*
 * The account a token belongs to: STORE_OK and A filled (caller clears)
 * and *ID its token id; STORE_NOTFOUND for a malformed, revoked or
 * unknown token, or an account that is not active or is banned (the
 * token works again once the ban is lifted or ends).
 */
int	 feedtoken_check(struct server *, const char *token,
	    struct account *a, int64_t *id);

#endif
