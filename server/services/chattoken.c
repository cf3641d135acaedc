/*
 * chattoken.c -- one-time chat tokens for the web chat (chattoken.h).
 *
 * A fixed table in memory: {keyed hash, account, expiry}.  Lookups
 * compare every live slot's hash in constant time; expired slots are
 * reused.  Nothing here is written to disk.
 */
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "chattoken.h"
#include "config.h"
#include "log.h"
#include "websession.h"

struct chattoken {
	unsigned char	 mac[32];
	int64_t		 account_id;	/* 0: free */
	time_t		 expires;
};

static struct chattoken	tokens[CHATTOKEN_MAX];

static void
token_mac(const char *token, unsigned char mac[32])
{
	auth_mac("chat-token", token, strlen(token), mac);
}

int
chattoken_make(struct server *srv, int64_t account_id,
    char token[CHATTOKEN_LEN + 1])
{
	struct chattoken	*t, *free_slot = NULL, *oldest = NULL;
	time_t			 now = time(NULL);
	size_t			 i;
	int			 mine = 0;

	if (account_id <= 0)
		return -1;
	for (i = 0; i < CHATTOKEN_MAX; i++) {
		t = &tokens[i];
		if (t->account_id != 0 && t->expires <= now) {
			OPENSSL_cleanse(t, sizeof *t);
			t->account_id = 0;
		}
		if (t->account_id == 0) {
			if (free_slot == NULL)
				free_slot = t;
			continue;
		}
		if (t->account_id == account_id) {
			mine++;
			if (oldest == NULL || t->expires < oldest->expires)
				oldest = t;
		}
	}
	/* A member reloading the page: the oldest of theirs gives way. */
	if (mine >= CHATTOKEN_PER_ACCOUNT)
		free_slot = oldest;
	if (free_slot == NULL) {
		log_warnx("chattoken: table full");
		return -1;
	}
	if (websession_new_id(token) != 0)
		return -1;
	token_mac(token, free_slot->mac);
	free_slot->account_id = account_id;
	free_slot->expires = now + srv->cf->chat_token_lifetime;
	return 0;
}

int
chattoken_take(struct server *srv, int64_t account_id, const char *password)
{
	unsigned char		 mac[32];
	struct chattoken	*t, *hit = NULL;
	time_t			 now = time(NULL);
	size_t			 i;

	(void)srv;
	if (account_id <= 0 || password == NULL ||
	    strlen(password) != CHATTOKEN_LEN ||
	    !websession_id_valid(password))
		return 0;
	token_mac(password, mac);
	for (i = 0; i < CHATTOKEN_MAX; i++) {
		t = &tokens[i];
		if (t->account_id != 0 && CRYPTO_memcmp(t->mac, mac,
		    sizeof mac) == 0)
			hit = t;
	}
	OPENSSL_cleanse(mac, sizeof mac);
	if (hit == NULL)
		return 0;
	/* Another account's token stays theirs (and stays unspent). */
	if (hit->account_id != account_id)
		return 0;
	/* Spent whether or not it was still live. */
	i = hit->expires > now;
	OPENSSL_cleanse(hit, sizeof *hit);
	hit->account_id = 0;
	return (int)i;
}

void
chattoken_free(void)
{
	OPENSSL_cleanse(tokens, sizeof tokens);
}
