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
#include "chattoken.h"
#include "log.h"
#include "names.h"
#include "sanction.h"
#include "sasl.h"
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

void
auth_derived_key(struct server *srv, const char *purpose,
    unsigned char out[32])
{
	(void)srv;
	/* Its own label keeps these apart from every other MAC. */
	auth_mac("derive", purpose, strlen(purpose), out);
}

/*
 * HMAC-SHA256 under the server's secret key of LABEL, a NUL, then DATA:
 * each use has its own label, so no two uses' MACs can be swapped.
 */
void
auth_mac(const char *label, const void *data, size_t len,
    unsigned char out[32])
{
	unsigned char	*msg;
	size_t		 ll = strlen(label) + 1;
	unsigned int	 mdlen = 32;

	msg = xmalloc(ll + len);
	memcpy(msg, label, ll);
	memcpy(msg + ll, data, len);
	HMAC(EVP_sha256(), as->key, sizeof as->key, msg, ll + len, out,
	    &mdlen);
	OPENSSL_cleanse(msg, ll + len);
	free(msg);
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
	/* Folded as account names are (names.h): Маша and МАША are one. */
	names_fold(name, k->fold, sizeof k->fold);
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
	struct pw_secret	*secret;
	auth_hash_fn		 hdone;
	/*
	 * SCRAM keys: made with SCRAM_ITER rounds for a new password, or
	 * at a password sign-in of an account without (current) ones
	 * (KEYS then, SCRAM_MADE); or, checking a SCRAM proof instead
	 * (auth_scram_final), the account's KEYS, AUTHMSG and PROOF.
	 */
	int			 scram_iter;
	int			 scram_made;
	int			 scram;
	int			 nocount;	/* a failure is not a guess */
	int			 chat_token;	/* a chat token was taken:
					   no hash to check */
	struct scram_keys	 keys;
	char			*authmsg;
	unsigned char		 proof[SCRAM_KEY_LEN];
};

static void
job_free(struct auth_job *j)
{
	if (j->password != NULL) {
		OPENSSL_cleanse(j->password, strlen(j->password));
		free(j->password);
	}
	free(j->hash);
	pw_secret_free(j->secret);
	free(j->authmsg);
	OPENSSL_cleanse(&j->keys, sizeof j->keys);
	account_clear(&j->a);
	if (j->delay != NULL)
		event_free(j->delay);
	free(j);
}

static void
job_work(void *arg)
{
	struct auth_job	*j = arg;

	if (j->hashing) {
		j->secret->hash = account_hash_password(j->password,
		    j->log2n);
		if (j->secret->hash != NULL && j->scram_iter > 0)
			j->secret->has_scram = account_scram_derive(
			    j->password, j->scram_iter, &j->secret->scram) == 0;
	} else if (j->chat_token)
		j->ok = 1;
	else if (j->scram)
		j->ok = account_scram_verify(&j->keys, j->authmsg, j->proof);
	else {
		j->ok = account_verify_password(j->password, j->hash);
		/* We hold the right password: its SCRAM keys, if due. */
		if (j->ok && j->scram_iter > 0)
			j->scram_made = account_scram_derive(j->password,
			    j->scram_iter, &j->keys) == 0;
	}
}

/*
 * A password sign-in made SCRAM keys (the account had none, or fewer
 * rounds): store them, unless the password changed while the worker ran
 * (then the new password's keys are already there).
 */
static void
scram_keys_made(struct auth_job *j)
{
	char	*now = NULL;

	if (store_account_get(j->srv->store, j->a.name, NULL, &now) ==
	    STORE_OK && now != NULL && strcmp(now, j->hash) == 0 &&
	    account_set_scram(j->srv, j->a.name, &j->keys) == STORE_OK)
		log_info("auth: SCRAM keys made account=%s", j->a.name);
	free(now);
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
		j->hdone(c, j->arg, j->secret->hash != NULL ? j->secret :
		    NULL);
		job_free(j);
		return;
	}
	memset(&why, 0, sizeof why);
	if (!j->ok || !j->known || strcmp(j->a.status, "active") != 0) {
		if (!j->nocount)
			count_failure(j->srv, &j->k);
		log_info("auth: failed proto=%s%s", j->proto, j->scram ?
		    " mech=SCRAM-SHA-256" : "");
		rc = AUTH_BAD;
		account_clear(&j->a);
	} else {
		if (j->scram_made)
			scram_keys_made(j);
		rc = auth_finish(j->srv, &j->k, j->proto, &j->a, &why);
	}
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
	yes = owner != NULL && names_casecmp(owner, name) == 0;
	free(owner);
	return yes;
}

static int	job_start(struct server *, struct conn *, struct auth_job *,
		    const char *);

int
auth_login_start(struct server *srv, struct conn *c, const char *proto,
    const char *name, const char *password, auth_done_fn done, void *arg)
{
	struct auth_job		*j;
	struct scram_keys	 keys;
	int			 rc;

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
	/* Keys for SCRAM: none yet (an older account), or too few rounds. */
	memset(&keys, 0, sizeof keys);
	if (j->known && (store_scram_get(srv->store, name, &keys) !=
	    STORE_OK || keys.iterations < srv->cf->scram_iterations))
		j->scram_iter = srv->cf->scram_iterations;
	OPENSSL_cleanse(&keys, sizeof keys);
	/*
	 * The web chat signs in on IRC with a one-time chat token for
	 * this account (chattoken.h) instead of the password: the same
	 * throttles, backoff, ban check and record, no scrypt, and no
	 * SCRAM keys (we do not hold the password).
	 */
	if (j->known && strcmp(proto, "irc") == 0 &&
	    chattoken_take(srv, j->a.id, password)) {
		j->chat_token = 1;
		j->scram_iter = 0;
		log_info("auth: chat token taken account=%s", j->a.name);
	}
	return job_start(srv, c, j, name);
}

/*
 * Run sign-in job J for NAME from C: after the per-account backoff, if
 * due (a delay, never a refusal), on a worker.  AUTH_PENDING, or
 * AUTH_BUSY (J is freed).  A check from an address without failures in
 * the window is hashed before those from addresses with some: in a
 * storm of guesses the members signing in wait behind the hash running,
 * not behind the guessers' queue (issue 20).  The count is the client's
 * own address's, so the order tells it nothing about names.
 */
static int
job_start(struct server *srv, struct conn *c, struct auth_job *j,
    const char *name)
{
	struct timeval	tv = { 0, 0 };
	int		n, shift, rc;

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
	if (failures(srv, j->k.i) == 0)
		rc = workq_submit_first(as->wq, job_work, job_done, j);
	else
		rc = workq_submit(as->wq, job_work, job_done, j);
	if (rc != 0) {
		log_info("auth: busy proto=%s", j->proto);
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
	j->scram_iter = srv->cf->scram_iterations;
	j->secret = xcalloc(1, sizeof *j->secret);
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

/*
 * SASL SCRAM-SHA-256 (RFC 5802, RFC 7677): one exchange.  The keys are
 * the account's, or, for a name that does not exist or has no keys yet,
 * made up (a salt derived from the name with the address-hashing key,
 * so it is the same on every try, and random keys no proof matches):
 * the exchange then runs to its end and fails like a wrong password,
 * and tells nobody whether the name exists.
 */
struct auth_scram {
	char			 proto[16];
	char			*user;
	char			*gs2;		/* to check c= against */
	char			*nonce;		/* client's and ours */
	char			*authmsg;	/* first-bare,server-first[,...] */
	struct scram_keys	 keys;
	int			 real;		/* KEYS are the account's */
	int			 count;		/* a failure counts (see below) */
	unsigned char		 sig[SCRAM_KEY_LEN];	/* ServerSignature */
};

void
auth_scram_free(struct auth_scram *sp)
{
	if (sp == NULL)
		return;
	free(sp->user);
	free(sp->gs2);
	free(sp->nonce);
	free(sp->authmsg);
	OPENSSL_cleanse(sp, sizeof *sp);
	free(sp);
}

/* Made-up keys for NAME (see above). */
static void
scram_fake(struct server *srv, const char *fold, struct scram_keys *k)
{
	unsigned char	md[32];
	unsigned int	len = sizeof md;
	char		*what;

	memset(k, 0, sizeof *k);
	xasprintf(&what, "scram-salt %s", fold);
	HMAC(EVP_sha256(), as->key, sizeof as->key,
	    (const unsigned char *)what, strlen(what), md, &len);
	free(what);
	memcpy(k->salt, md, SCRAM_SALT_LEN);
	k->saltlen = SCRAM_SALT_LEN;
	k->iterations = srv->cf->scram_iterations;
	if (RAND_bytes(k->stored_key, sizeof k->stored_key) != 1 ||
	    RAND_bytes(k->server_key, sizeof k->server_key) != 1)
		memset(k->stored_key, 0xff, sizeof k->stored_key);
}

int
auth_scram_start(struct server *srv, struct conn *c, const char *proto,
    const unsigned char *msg, size_t len, struct auth_scram **out,
    char **server_first)
{
	struct scram_first	 f;
	struct auth_keys	 k;
	struct auth_scram	*sp;
	struct account		 a;
	unsigned char		 rnd[18];
	char			*salt, *snonce;
	int			 rc, active;

	*out = NULL;
	*server_first = NULL;
	rc = sasl_scram_first(msg, len, &f);
	if (rc != SCRAM_OK) {
		log_info("auth: SCRAM client-first refused (%s) proto=%s",
		    rc == SCRAM_CBIND ? "channel binding" : rc ==
		    SCRAM_EXTENSION ? "mandatory extension" : "malformed",
		    proto);
		return AUTH_BAD;
	}
	/* An authorization identity, if given, must be the account. */
	if (f.authzid != NULL && strcasecmp(f.authzid, f.user) != 0) {
		sasl_scram_first_free(&f);
		return AUTH_BAD;
	}
	auth_keys(srv, c->ip, f.user, &k);
	if (throttled(srv, &k)) {
		log_info("auth: throttled proto=%s", proto);
		sasl_scram_first_free(&f);
		return AUTH_THROTTLED;
	}
	rc = store_account_get(srv->store, f.user, &a, NULL);
	if (rc == STORE_ERROR) {
		sasl_scram_first_free(&f);
		return AUTH_ERROR;
	}
	sp = xcalloc(1, sizeof *sp);
	snprintf(sp->proto, sizeof sp->proto, "%s", proto);
	active = rc == STORE_OK && strcmp(a.status, "active") == 0;
	if (rc == STORE_OK)
		account_clear(&a);
	if (active) {
		rc = store_scram_get(srv->store, f.user, &sp->keys);
		if (rc == STORE_ERROR) {
			sasl_scram_first_free(&f);
			auth_scram_free(sp);
			return AUTH_ERROR;
		}
		sp->real = rc == STORE_OK;
	}
	/*
	 * An active account without keys (made before SCRAM, its owner
	 * not signed in with a password since) fails without counting:
	 * that is no guess, and the client goes on with PLAIN, which
	 * makes the keys.  Every other failure counts like PLAIN's.
	 */
	sp->count = !(active && !sp->real);
	if (!sp->real) {
		scram_fake(srv, k.fold, &sp->keys);
		log_info("auth: SCRAM for an account without keys proto=%s",
		    proto);
	}
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		sasl_scram_first_free(&f);
		auth_scram_free(sp);
		return AUTH_ERROR;
	}
	snonce = base64_encode(rnd, sizeof rnd);
	salt = base64_encode(sp->keys.salt, sp->keys.saltlen);
	sp->user = xstrdup(f.user);
	sp->gs2 = xstrdup(f.gs2);
	xasprintf(&sp->nonce, "%s%s", f.nonce, snonce);
	xasprintf(server_first, "r=%s,s=%s,i=%d", sp->nonce, salt,
	    sp->keys.iterations);
	xasprintf(&sp->authmsg, "%s,%s", f.bare, *server_first);
	free(snonce);
	free(salt);
	sasl_scram_first_free(&f);
	*out = sp;
	return AUTH_OK;
}

int
auth_scram_final(struct server *srv, struct conn *c, struct auth_scram *sp,
    const unsigned char *msg, size_t len, auth_done_fn done, void *arg)
{
	struct scram_final	 f;
	struct auth_job		*j;
	unsigned char		*cb;
	size_t			 cblen;
	char			*authmsg;
	unsigned int		 siglen = sizeof sp->sig;
	int			 rc;

	if (sasl_scram_final(msg, len, &f) != SCRAM_OK) {
		log_info("auth: SCRAM client-final malformed proto=%s",
		    sp->proto);
		return AUTH_BAD;
	}
	/* Without channel binding c= is the gs2 header again. */
	if (base64_decode(f.cbind, strlen(f.cbind), &cb, &cblen) != 0 ||
	    cblen != strlen(sp->gs2) || memcmp(cb, sp->gs2, cblen) != 0) {
		log_info("auth: SCRAM channel binding mismatch proto=%s",
		    sp->proto);
		free(cb);
		sasl_scram_final_free(&f);
		return AUTH_BAD;
	}
	free(cb);
	if (strcmp(f.nonce, sp->nonce) != 0) {
		log_info("auth: SCRAM nonce mismatch proto=%s", sp->proto);
		sasl_scram_final_free(&f);
		return AUTH_BAD;
	}
	xasprintf(&authmsg, "%s,%s", sp->authmsg, f.without_proof);
	free(sp->authmsg);
	sp->authmsg = authmsg;
	/* Sent only once the proof is right (auth_scram_server_final). */
	if (HMAC(EVP_sha256(), sp->keys.server_key, SCRAM_KEY_LEN,
	    (const unsigned char *)authmsg, strlen(authmsg), sp->sig,
	    &siglen) == NULL) {
		sasl_scram_final_free(&f);
		return AUTH_ERROR;
	}
	j = xcalloc(1, sizeof *j);
	j->srv = srv;
	j->c = c;
	snprintf(j->proto, sizeof j->proto, "%s", sp->proto);
	auth_keys(srv, c->ip, sp->user, &j->k);
	j->scram = 1;
	j->nocount = !sp->count;
	j->keys = sp->keys;
	j->authmsg = xstrdup(authmsg);
	memcpy(j->proof, f.proof, sizeof j->proof);
	sasl_scram_final_free(&f);
	j->done = done;
	j->arg = arg;
	if (sp->real) {
		rc = store_account_get(srv->store, sp->user, &j->a, NULL);
		if (rc == STORE_ERROR) {
			job_free(j);
			return AUTH_ERROR;
		}
		j->known = rc == STORE_OK;
	}
	return job_start(srv, c, j, sp->user);
}

char *
auth_scram_server_final(const struct auth_scram *sp)
{
	char	*sig, *out;

	sig = base64_encode(sp->sig, sizeof sp->sig);
	xasprintf(&out, "v=%s", sig);
	free(sig);
	return out;
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
	log_info("auth: %d hashing worker%s", workq_threads(as->wq),
	    workq_threads(as->wq) == 1 ? "" : "s");
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
	chattoken_free();
	OPENSSL_cleanse(as->key, sizeof as->key);
	free(as);
	as = NULL;
}
