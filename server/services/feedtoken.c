/*
 * feedtoken.c -- feed tokens (see feedtoken.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "log.h"
#include "feedtoken.h"
#include "notify.h"
#include "sanction.h"
#include "store-access.h"

/* Hex SHA-256 of TOKEN into OUT (65 bytes). */
static void
token_hash(const char *token, char out[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	EVP_Digest(token, strlen(token), md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(out + i * 2, 3, "%02x", md[i]);
	out[64] = '\0';
}

static int
token_valid(const char *t)
{
	static const char	b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";

	return strlen(t) == FEED_TOKEN_LEN && strspn(t, b64url) ==
	    FEED_TOKEN_LEN;
}

/* Labels are short printable ASCII words, so that lists stay readable. */
static int
label_valid(const char *l)
{
	const char	*p;

	if (strlen(l) > FEED_TOKEN_LABEL_MAX)
		return 0;
	for (p = l; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~')
			return 0;
	return 1;
}

int
feedtoken_new(struct server *srv, const struct account *a,
    const char *label, const char *actor, char *out, int64_t *id,
    char *why, size_t whylen)
{
	static const char	b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char		raw[24];
	char			hash[65];
	int			i, n;

	if (!label_valid(label)) {
		snprintf(why, whylen, "A label is one word of at most %d "
		    "letters, digits or punctuation", FEED_TOKEN_LABEL_MAX);
		return -1;
	}
	if ((n = store_feed_token_count(srv->store, a->id)) < 0) {
		snprintf(why, whylen, "Storage error, try again later");
		return -1;
	}
	if (n >= FEED_TOKENS_MAX) {
		snprintf(why, whylen, "You have %d feed tokens already; "
		    "revoke one first", n);
		return -1;
	}
	if (RAND_bytes(raw, sizeof raw) != 1) {
		snprintf(why, whylen, "No randomness, try again later");
		return -1;
	}
	/* 24 bytes, 6 bits a character: 32 characters, no padding. */
	for (i = 0; i < FEED_TOKEN_LEN; i++) {
		int	bit = i * 6, v;

		v = (raw[bit / 8] << 8 | (bit / 8 + 1 < (int)sizeof raw ?
		    raw[bit / 8 + 1] : 0)) >> (10 - bit % 8) & 63;
		out[i] = b64url[v];
	}
	out[FEED_TOKEN_LEN] = '\0';
	OPENSSL_cleanse(raw, sizeof raw);
	token_hash(out, hash);
	if (store_feed_token_add(srv->store, a->id, hash, label, id) !=
	    STORE_OK) {
		OPENSSL_cleanse(out, FEED_TOKEN_LEN);
		snprintf(why, whylen, "Storage error, try again later");
		return -1;
	}
	store_audit(srv->store, actor, "account.feed-token.new", a->name,
	    label[0] != '\0' ? label : NULL);
	return 0;
}

int
feedtoken_revoke(struct server *srv, const struct account *a,
    int64_t id, const char *actor, char *why, size_t whylen)
{
	char	what[32];
	int	rc;

	rc = store_feed_token_revoke(srv->store, a->id, id);
	if (rc == STORE_NOTFOUND) {
		if (id > 0)
			snprintf(why, whylen, "No feed token #%lld",
			    (long long)id);
		else
			snprintf(why, whylen, "No feed tokens to revoke");
		return -1;
	}
	if (rc != STORE_OK) {
		snprintf(why, whylen, "Storage error, try again later");
		return -1;
	}
	if (id > 0)
		snprintf(what, sizeof what, "#%lld", (long long)id);
	else
		snprintf(what, sizeof what, "all");
	store_audit(srv->store, actor, "account.feed-token.revoke", a->name,
	    what);
	/* Cached feeds made for the token must not outlive it. */
	notify_content_changed(srv);
	return 0;
}

int
feedtoken_check(struct server *srv, const char *token,
    struct account *a, int64_t *id)
{
	char	hash[65];
	int64_t	account;
	int	rc;

	if (!token_valid(token))
		return STORE_NOTFOUND;
	token_hash(token, hash);
	rc = store_feed_token_find(srv->store, hash, &account, id);
	if (rc != STORE_OK)
		return rc;
	if ((rc = store_account_by_id(srv->store, account, a)) != STORE_OK)
		return rc;
	/* A banned member's tokens read nothing while the ban lasts. */
	if (sanction_may_sign_in(srv, a->name, NULL, NULL)) {
		account_clear(a);
		return STORE_NOTFOUND;
	}
	store_feed_token_used(srv->store, *id, (int64_t)time(NULL));
	return STORE_OK;
}
