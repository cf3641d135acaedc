/*
 * websession.c -- web sessions and form tokens (see websession.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "auth.h"
#include "log.h"
#include "store.h"
#include "store-web.h"
#include "websession.h"

/* Touch a session at most this often (seconds): reads stay reads. */
#define TOUCH_EVERY	60

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 32 bytes as 43 base64url characters (no padding). */
static void
enc32(const unsigned char in[32], char out[44])
{
	size_t		i, o = 0;
	uint32_t	v;

	for (i = 0; i + 3 <= 30; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64url[v >> 18 & 63];
		out[o++] = b64url[v >> 12 & 63];
		out[o++] = b64url[v >> 6 & 63];
		out[o++] = b64url[v & 63];
	}
	v = (uint32_t)in[30] << 16 | (uint32_t)in[31] << 8;
	out[o++] = b64url[v >> 18 & 63];
	out[o++] = b64url[v >> 12 & 63];
	out[o++] = b64url[v >> 6 & 63];
	out[o] = '\0';
}

int
websession_new_id(char id[WEBSESSION_ID_LEN + 1])
{
	unsigned char	r[32];

	if (RAND_bytes(r, sizeof r) != 1)
		return -1;
	enc32(r, id);
	OPENSSL_cleanse(r, sizeof r);
	return 0;
}

int
websession_id_valid(const char *s)
{
	size_t	i;

	for (i = 0; i < WEBSESSION_ID_LEN; i++)
		if (s[i] == '\0' || strchr(b64url, s[i]) == NULL)
			return 0;
	return s[i] == '\0';
}

/* What the store keeps of ID: the hex of its MAC. */
static void
id_hash(const char *id, char out[65])
{
	unsigned char	md[32];
	int		i;

	auth_mac("hearth web session", id, strlen(id), md);
	for (i = 0; i < 32; i++)
		snprintf(out + i * 2, 3, "%02x", md[i]);
}

int
websession_create(struct server *srv, int64_t account_id,
    char id[WEBSESSION_ID_LEN + 1])
{
	char	hash[65];
	int64_t	now = (int64_t)time(NULL);

	if (websession_new_id(id) != 0) {
		log_warnx("websession: no randomness for a session id");
		return STORE_ERROR;
	}
	id_hash(id, hash);
	if (store_begin(srv->store) != STORE_OK)
		return STORE_ERROR;
	if (store_websession_expire(srv->store, now) != STORE_OK ||
	    store_websession_put(srv->store, hash, account_id, now,
	    now + WEBSESSION_IDLE) != STORE_OK) {
		store_rollback(srv->store);
		return STORE_ERROR;
	}
	return store_commit(srv->store);
}

int
websession_lookup(struct server *srv, const char *id, struct websession *ws)
{
	struct web_session_row	r;
	char			hash[65];
	int64_t			now = (int64_t)time(NULL), exp;
	int			rc;

	if (!websession_id_valid(id))
		return STORE_NOTFOUND;
	id_hash(id, hash);
	if ((rc = store_websession_get(srv->store, hash, now, &r)) !=
	    STORE_OK)
		return rc;
	if (r.created + WEBSESSION_MAX <= now)
		return STORE_NOTFOUND;
	if (now - r.last_seen >= TOUCH_EVERY) {
		exp = now + WEBSESSION_IDLE;
		if (exp > r.created + WEBSESSION_MAX)
			exp = r.created + WEBSESSION_MAX;
		/* A failed touch costs only a little of the session's life. */
		(void)store_websession_touch(srv->store, hash, now, exp);
	}
	memset(ws, 0, sizeof *ws);
	ws->account_id = r.account_id;
	ws->created = r.created;
	snprintf(ws->account, sizeof ws->account, "%s", r.account);
	snprintf(ws->role, sizeof ws->role, "%s", r.role);
	return STORE_OK;
}

int
websession_destroy(struct server *srv, const char *id)
{
	char	hash[65];

	if (!websession_id_valid(id))
		return STORE_OK;
	id_hash(id, hash);
	return store_websession_del(srv->store, hash);
}

int
websession_destroy_account(struct server *srv, const char *account)
{
	return store_websession_del_account(srv->store, account);
}

void
websession_token(const char *cookie, char token[WEBSESSION_TOKEN_LEN + 1])
{
	unsigned char	md[32];

	auth_mac("hearth form token", cookie, strlen(cookie), md);
	enc32(md, token);
}

int
websession_token_ok(const char *cookie, const char *token)
{
	char	want[WEBSESSION_TOKEN_LEN + 1];

	if (cookie == NULL || token == NULL ||
	    strlen(token) != WEBSESSION_TOKEN_LEN)
		return 0;
	websession_token(cookie, want);
	return CRYPTO_memcmp(want, token, WEBSESSION_TOKEN_LEN) == 0;
}
