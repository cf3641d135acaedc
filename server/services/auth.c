/*
 * auth.c -- sign-in for every protocol: throttling and the login record.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "account.h"
#include "auth.h"
#include "log.h"
#include "sanction.h"
#include "xmalloc.h"

#define FAIL_SLOTS	4096	/* fixed: memory stays bounded */
#define EXPIRE_EVERY	60	/* seconds between clean-ups */

/* A failure counter for one key ("a:name" or "i:iphash"). */
struct fail_slot {
	char	key[80];
	int	count;
	time_t	first;
};

struct auth_state {
	unsigned char	 key[32];	/* the address-hashing secret */
	struct fail_slot slots[FAIL_SLOTS];
	struct event	*ev;
};

static struct auth_state	*as;

/*
 * The secret for hashing addresses lives in STATE_DIR/secret.key (0600),
 * made on first start; losing it only unlinks old hashes from new ones.
 */
static int
load_key(struct server *srv, char *err, size_t errlen)
{
	char	*path = server_state_path(srv, "secret.key");
	int	 fd, rc = -1;
	ssize_t	 n;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, as->key, sizeof as->key);
		close(fd);
		if (n == (ssize_t)sizeof as->key)
			rc = 0;
		else
			snprintf(err, errlen, "%s: short read", path);
		goto out;
	}
	if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (RAND_bytes(as->key, sizeof as->key) != 1) {
		snprintf(err, errlen, "no randomness for %s", path);
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1 || write(fd, as->key, sizeof as->key) !=
	    (ssize_t)sizeof as->key) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	close(fd);
	log_info("auth: made a new address-hashing key %s", path);
	rc = 0;
out:
	free(path);
	return rc;
}

void
auth_ip_hash(struct server *srv, const char *ip, char out[65])
{
	unsigned char	md[32];
	unsigned int	mdlen = sizeof md, i;

	(void)srv;
	HMAC(EVP_sha256(), as->key, sizeof as->key,
	    (const unsigned char *)ip, strlen(ip), md, &mdlen);
	for (i = 0; i < 32; i++)
		snprintf(out + i * 2, 3, "%02x", md[i]);
}

static struct fail_slot *
slot_for(const char *key)
{
	unsigned int	h = 2166136261u;
	const char	*p;

	for (p = key; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return &as->slots[h % FAIL_SLOTS];
}

/* Failures recorded for KEY within the window (0 when expired). */
static int
failures(struct server *srv, const char *key)
{
	struct fail_slot	*s = slot_for(key);

	if (strcmp(s->key, key) != 0)
		return 0;
	if (time(NULL) - s->first >= srv->cf->login_window) {
		s->key[0] = '\0';
		s->count = 0;
		return 0;
	}
	return s->count;
}

static void
fail(struct server *srv, const char *key)
{
	struct fail_slot	*s = slot_for(key);

	if (strcmp(s->key, key) != 0 || time(NULL) - s->first >=
	    srv->cf->login_window) {
		snprintf(s->key, sizeof s->key, "%s", key);
		s->count = 0;
		s->first = time(NULL);
	}
	s->count++;
}

int
auth_login(struct server *srv, const char *ip, const char *proto,
    const char *name, const char *password, struct account *a)
{
	return auth_login_why(srv, ip, proto, name, password, a, NULL);
}

int
auth_login_why(struct server *srv, const char *ip, const char *proto,
    const char *name, const char *password, struct account *a,
    struct sanction_verdict *why)
{
	char	 akey[80], ikey[80], iphash[65], fold[64];
	size_t	 i;
	int	 rc;

	for (i = 0; name[i] != '\0' && i < sizeof fold - 1; i++)
		fold[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ?
		    name[i] + 32 : name[i]);
	fold[i] = '\0';
	auth_ip_hash(srv, ip != NULL ? ip : "", iphash);
	snprintf(akey, sizeof akey, "a:%s", fold);
	snprintf(ikey, sizeof ikey, "i:%.64s", iphash);
	if (failures(srv, akey) >= srv->cf->login_max_failures ||
	    failures(srv, ikey) >= srv->cf->login_max_failures * 4) {
		log_info("auth: throttled proto=%s", proto);
		return AUTH_THROTTLED;
	}
	rc = account_authenticate(srv->store, name, password, a);
	if (rc == STORE_NOTFOUND) {
		fail(srv, akey);
		fail(srv, ikey);
		log_info("auth: failed proto=%s", proto);
		return AUTH_BAD;
	}
	if (rc != STORE_OK)
		return AUTH_ERROR;
	if (sanction_may_sign_in(srv, a->name, NULL, why)) {
		log_info("auth: banned account=%s proto=%s", a->name, proto);
		account_clear(a);
		return AUTH_BANNED;
	}
	store_login_record(srv->store, a->name, proto, iphash);
	return AUTH_OK;
}

static void
expire_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	auth_expire(arg);
}

void
auth_expire(struct server *srv)
{
	store_login_expire(srv->store, time(NULL) -
	    (time_t)srv->cf->ip_retention_days * 86400);
}

int
auth_init(struct server *srv, char *err, size_t errlen)
{
	struct timeval	tv = { EXPIRE_EVERY, 0 };

	as = xcalloc(1, sizeof *as);
	if (load_key(srv, err, errlen) != 0)
		return -1;
	auth_expire(srv);
	as->ev = event_new(srv->base, -1, EV_PERSIST, expire_cb, srv);
	event_add(as->ev, &tv);
	return 0;
}

void
auth_free(struct server *srv)
{
	(void)srv;
	if (as == NULL)
		return;
	if (as->ev != NULL)
		event_free(as->ev);
	OPENSSL_cleanse(as->key, sizeof as->key);
	free(as);
	as = NULL;
}
