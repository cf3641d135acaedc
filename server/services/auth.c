/*
 * auth.c -- sign-in for every protocol: the plaintext rule, throttling,
 * password hashing off the loop, and the login record.
 *
 * Throttling (see HACKING.md, Decisions, "Sign-in throttle"):
 *	p:NAME IPHASH	failures of one account from one address: past
 *			login_max_failures, that address may not try that
 *			name until the window has passed;
 *	i:IPHASH	failures from one address, any name: past four
 *			times the limit, the address is refused;
 *	a:NAME		failures of one account from anywhere: never a
 *			refusal, only a delay before the check (doubling
 *			from 1 s up to login_delay_max), skipped when the
 *			client shows a certificate registered to the name.
 * So an attacker cannot lock the owner out from another address; a
 * distributed guesser is slowed to one guess per delay per connection.
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
#include "strmap.h"
#include "workq.h"
#include "xmalloc.h"

#define FAIL_MAX	200000	/* counters kept at most (memory bound) */
#define EXPIRE_EVERY	60	/* seconds between clean-ups */

/* A failure counter for one key (see above). */
struct fail_rec {
	int	count;
	time_t	first;
};

struct auth_state {
	unsigned char	 key[32];	/* the address-hashing secret */
	struct strmap	*fails;		/* key -> struct fail_rec */
	struct event	*ev;
	struct workq	*wq;		/* scrypt workers */
	struct server	*srv;
	int		 stopping;
	time_t		 full_logged;
};

static struct auth_state	*as;

/* Passwords cross only encrypted connections, or loopback if allowed. */
int
auth_channel_ok(const struct server *srv, const struct conn *c)
{
	if (c == NULL)
		return 1;
	return conn_is_tls(c) || (conn_is_loopback(c) &&
	    srv->cf->allow_plain_auth_loopback);
}

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

/* The failures at which KEY refuses (a: keys never do: INT_MAX). */
static int
key_limit(struct server *srv, const char *key)
{
	if (key[0] == 'p')
		return srv->cf->login_max_failures;
	if (key[0] == 'i')
		return srv->cf->login_max_failures * 4;
	return srv->cf->login_max_failures;	/* a: delays from here */
}

struct sweep {
	struct server	*srv;
	time_t		 now;
	int		 unthrottled;	/* also take counters below limit */
	size_t		 want;
	size_t		 n, cap;
	char		**keys;
};

static void
sweep_cb(const char *key, void *val, void *arg)
{
	struct sweep	*sw = arg;
	struct fail_rec	*r = val;
	int		 old = sw->now - r->first >= sw->srv->cf->login_window;

	if (!old && !(sw->unthrottled && r->count < key_limit(sw->srv, key)))
		return;
	if (!old && sw->n >= sw->want)
		return;
	if (sw->n == sw->cap) {
		sw->cap = sw->cap == 0 ? 256 : sw->cap * 2;
		sw->keys = xreallocarray(sw->keys, sw->cap, sizeof *sw->keys);
	}
	sw->keys[sw->n++] = xstrdup(key);
}

/*
 * Drop expired counters; with UNTHROTTLED also up to WANT counters that
 * refuse nothing yet.  A counter at its limit is never dropped before
 * its window ends, so eviction cannot lift a throttle early.
 */
static void
sweep(struct server *srv, int unthrottled, size_t want)
{
	struct sweep	sw;
	size_t		i;

	memset(&sw, 0, sizeof sw);
	sw.srv = srv;
	sw.now = time(NULL);
	sw.unthrottled = unthrottled;
	sw.want = want;
	strmap_foreach(as->fails, sweep_cb, &sw);
	for (i = 0; i < sw.n; i++) {
		free(strmap_del(as->fails, sw.keys[i]));
		free(sw.keys[i]);
	}
	free(sw.keys);
}

/* Failures recorded for KEY within the window (0 when expired). */
static int
failures(struct server *srv, const char *key)
{
	struct fail_rec	*r = strmap_get(as->fails, key);

	if (r == NULL)
		return 0;
	if (time(NULL) - r->first >= srv->cf->login_window) {
		free(strmap_del(as->fails, key));
		return 0;
	}
	return r->count;
}

static void
fail(struct server *srv, const char *key)
{
	struct fail_rec	*r = strmap_get(as->fails, key);
	time_t		 now = time(NULL);

	if (r != NULL && now - r->first >= srv->cf->login_window) {
		r->count = 0;
		r->first = now;
	}
	if (r == NULL) {
		if (strmap_count(as->fails) >= FAIL_MAX)
			sweep(srv, 1, FAIL_MAX / 8);
		if (strmap_count(as->fails) >= FAIL_MAX) {
			/* Every counter is throttling: keep them all. */
			if (now - as->full_logged >= 60) {
				log_warnx("auth: %d failure counters, all "
				    "throttling; new ones not kept", FAIL_MAX);
				as->full_logged = now;
			}
			return;
		}
		r = xcalloc(1, sizeof *r);
		r->first = now;
		strmap_put(as->fails, key, r);
	}
	r->count++;
}

/* The three counter keys of NAME from IP (see the top of the file). */
#define FOLD_MAX	(PASSWORD_MAX + 1)	/* any name a client sends */
struct auth_keys {
	char	fold[FOLD_MAX];
	char	iphash[65];
	char	p[FOLD_MAX + 68];
	char	i[68];
	char	a[FOLD_MAX + 2];
};

static void
auth_keys(struct server *srv, const char *ip, const char *name,
    struct auth_keys *k)
{
	size_t	i;

	for (i = 0; name[i] != '\0' && i < sizeof k->fold - 1; i++)
		k->fold[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ?
		    name[i] + 32 : name[i]);
	k->fold[i] = '\0';
	auth_ip_hash(srv, ip != NULL ? ip : "", k->iphash);
	snprintf(k->p, sizeof k->p, "p:%s %s", k->fold, k->iphash);
	snprintf(k->i, sizeof k->i, "i:%s", k->iphash);
	snprintf(k->a, sizeof k->a, "a:%s", k->fold);
}

/* May this address try this name now (the two refusing counters)? */
static int
throttled(struct server *srv, const struct auth_keys *k)
{
	return failures(srv, k->p) >= key_limit(srv, k->p) ||
	    failures(srv, k->i) >= key_limit(srv, k->i);
}

static void
count_failure(struct server *srv, const struct auth_keys *k)
{
	fail(srv, k->p);
	fail(srv, k->i);
	fail(srv, k->a);
}

/* After the password was right: ban check and the login record. */
static int
auth_finish(struct server *srv, const struct auth_keys *k,
    const char *proto, struct account *a, struct sanction_verdict *why)
{
	if (sanction_may_sign_in(srv, a->name, NULL, why)) {
		log_info("auth: banned account=%s proto=%s", a->name, proto);
		account_clear(a);
		return AUTH_BANNED;
	}
	free(strmap_del(as->fails, k->p));
	store_login_record(srv->store, a->name, proto, k->iphash);
	return AUTH_OK;
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
	struct auth_keys	k;
	int			rc;

	auth_keys(srv, ip, name, &k);
	if (throttled(srv, &k)) {
		log_info("auth: throttled proto=%s", proto);
		return AUTH_THROTTLED;
	}
	rc = account_authenticate(srv->store, name, password, a);
	if (rc == STORE_NOTFOUND) {
		count_failure(srv, &k);
		log_info("auth: failed proto=%s", proto);
		return AUTH_BAD;
	}
	if (rc != STORE_OK)
		return AUTH_ERROR;
	return auth_finish(srv, &k, proto, a, why);
}

/*
 * An asynchronous sign-in: everything but the scrypt runs on the loop
 * (SQLite included); the hash is verified on a worker.
 */
struct auth_job {
	struct server		*srv;
	struct conn		*c;		/* NULL once C is freed */
	char			 proto[16];
	struct auth_keys	 k;
	char			*password;
	char			*hash;		/* stored, or the dummy */
	int			 known;		/* the account exists */
	int			 ok;		/* worker: password matched */
	struct account		 a;
	struct event		*delay;		/* backoff before submitting */
	auth_done_fn		 done;
	void			*arg;
	/* Hashing a new password instead (auth_hash_start). */
	int			 hashing;
	int			 log2n;
	char			*newhash;
	auth_hash_fn		 hdone;
};

static void
job_free(struct auth_job *j)
{
	if (j->password != NULL) {
		OPENSSL_cleanse(j->password, strlen(j->password));
		free(j->password);
	}
	free(j->hash);
	free(j->newhash);
	account_clear(&j->a);
	if (j->delay != NULL)
		event_free(j->delay);
	free(j);
}

static void
job_work(void *arg)
{
	struct auth_job	*j = arg;

	if (j->hashing)
		j->newhash = account_hash_password(j->password, j->log2n);
	else
		j->ok = account_verify_password(j->password, j->hash);
}

/* Back on the loop: finish the sign-in and answer through DONE. */
static void
job_done(void *arg)
{
	struct auth_job		*j = arg;
	struct sanction_verdict	 why;
	struct conn		*c = j->c;
	int			 rc;

	if (c == NULL || as == NULL || as->stopping) {
		if (c != NULL)
			c->wait_cancel = NULL;
		job_free(j);
		return;
	}
	/* Input may go on after DONE (which may start another job). */
	conn_unwait(c);
	if (conn_is_closing(c)) {
		job_free(j);
		return;
	}
	if (j->hashing) {
		j->hdone(c, j->arg, j->newhash);
		j->newhash = NULL;
		job_free(j);
		return;
	}
	memset(&why, 0, sizeof why);
	if (!j->ok || !j->known || strcmp(j->a.status, "active") != 0) {
		count_failure(j->srv, &j->k);
		log_info("auth: failed proto=%s", j->proto);
		rc = AUTH_BAD;
		account_clear(&j->a);
	} else
		rc = auth_finish(j->srv, &j->k, j->proto, &j->a, &why);
	/* DONE owns the account on AUTH_OK. */
	j->done(c, j->arg, rc, &j->a, &why);
	if (rc == AUTH_OK)
		memset(&j->a, 0, sizeof j->a);
	job_free(j);
}

static void
job_cancel(void *arg)
{
	struct auth_job	*j = arg;

	if (j->delay != NULL && evtimer_pending(j->delay, NULL)) {
		/* Still waiting out the backoff: nobody else holds it. */
		job_free(j);
		return;
	}
	j->c = NULL;
}

/* The backoff has passed: hash now, or answer "busy". */
static void
delay_cb(evutil_socket_t fd, short what, void *arg)
{
	struct auth_job	*j = arg;

	(void)fd;
	(void)what;
	if (workq_submit(as->wq, job_work, job_done, j) == 0)
		return;
	conn_unwait(j->c);
	if (!conn_is_closing(j->c))
		j->done(j->c, j->arg, AUTH_BUSY, &j->a, NULL);
	job_free(j);
}

int
auth_pending(void)
{
	return as != NULL && as->wq != NULL ? workq_pending(as->wq) : 0;
}

/* 1 when C shows a client certificate registered to NAME. */
static int
cert_owner(struct server *srv, struct conn *c, const char *name)
{
	char	 fp[80], *owner = NULL;
	int	 yes;

	if (conn_peer_fingerprint(c, fp, sizeof fp) == NULL ||
	    store_cert_account(srv->store, fp, &owner) != STORE_OK)
		return 0;
	yes = owner != NULL && strcasecmp(owner, name) == 0;
	free(owner);
	return yes;
}

int
auth_login_start(struct server *srv, struct conn *c, const char *proto,
    const char *name, const char *password, auth_done_fn done, void *arg)
{
	struct auth_job	*j;
	struct timeval	 tv = { 0, 0 };
	int		 rc, n, shift;

	j = xcalloc(1, sizeof *j);
	j->srv = srv;
	j->c = c;
	snprintf(j->proto, sizeof j->proto, "%s", proto);
	auth_keys(srv, c->ip, name, &j->k);
	if (throttled(srv, &j->k)) {
		log_info("auth: throttled proto=%s", proto);
		job_free(j);
		return AUTH_THROTTLED;
	}
	rc = store_account_get(srv->store, name, &j->a, &j->hash);
	if (rc == STORE_ERROR) {
		job_free(j);
		return AUTH_ERROR;
	}
	j->known = rc == STORE_OK;
	if (!j->known) {
		free(j->hash);
		j->hash = NULL;
		if (account_dummy_hash() == NULL) {
			job_free(j);
			return AUTH_ERROR;
		}
		j->hash = xstrdup(account_dummy_hash());
	}
	j->password = xstrdup(password);
	j->done = done;
	j->arg = arg;
	/* The global per-account backoff: a delay, never a refusal. */
	n = failures(srv, j->k.a) - srv->cf->login_max_failures;
	if (n >= 0 && srv->cf->login_delay_max > 0 &&
	    !cert_owner(srv, c, name)) {
		shift = n > 16 ? 16 : n;
		tv.tv_sec = 1L << shift;
		if (tv.tv_sec > srv->cf->login_delay_max)
			tv.tv_sec = srv->cf->login_delay_max;
		j->delay = evtimer_new(srv->base, delay_cb, j);
		evtimer_add(j->delay, &tv);
		conn_wait(c, job_cancel, j);
		return AUTH_PENDING;
	}
	if (workq_submit(as->wq, job_work, job_done, j) != 0) {
		log_info("auth: busy proto=%s", proto);
		job_free(j);
		return AUTH_BUSY;
	}
	conn_wait(c, job_cancel, j);
	return AUTH_PENDING;
}

int
auth_hash_start(struct server *srv, struct conn *c, const char *password,
    auth_hash_fn done, void *arg)
{
	struct auth_job	*j;

	j = xcalloc(1, sizeof *j);
	j->srv = srv;
	j->c = c;
	j->hashing = 1;
	j->log2n = srv->cf->scrypt_log2n;
	j->password = xstrdup(password);
	j->hdone = done;
	j->arg = arg;
	if (workq_submit(as->wq, job_work, job_done, j) != 0) {
		job_free(j);
		return AUTH_BUSY;
	}
	conn_wait(c, job_cancel, j);
	return AUTH_PENDING;
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
	sweep(srv, 0, 0);
	store_login_expire(srv->store, time(NULL) -
	    (time_t)srv->cf->ip_retention_days * 86400);
}

int
auth_init(struct server *srv, char *err, size_t errlen)
{
	struct timeval	tv = { EXPIRE_EVERY, 0 };

	as = xcalloc(1, sizeof *as);
	as->srv = srv;
	as->fails = strmap_create();
	if (load_key(srv, err, errlen) != 0)
		return -1;
	as->wq = workq_create(srv->base, srv->cf->auth_threads,
	    srv->cf->auth_queue);
	auth_expire(srv);
	as->ev = event_new(srv->base, -1, EV_PERSIST, expire_cb, srv);
	event_add(as->ev, &tv);
	return 0;
}

static void
free_rec(const char *key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	free(val);
}

/* After the fork into the background: the hashing threads. */
void
auth_start(struct server *srv)
{
	(void)srv;
	if (as != NULL)
		workq_start(as->wq);
}

void
auth_free(struct server *srv)
{
	(void)srv;
	if (as == NULL)
		return;
	as->stopping = 1;
	workq_free(as->wq);
	if (as->ev != NULL)
		event_free(as->ev);
	strmap_foreach(as->fails, free_rec, NULL);
	strmap_free(as->fails);
	OPENSSL_cleanse(as->key, sizeof as->key);
	free(as);
	as = NULL;
}
