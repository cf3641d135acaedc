/*
 * account.c -- account names, roles and password hashing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "account.h"
#include "websession.h"
#include "hearth.h"
#include "log.h"
#include "notify.h"
#include "modq.h"
#include "names.h"
#include "sasl.h"
#include "xmalloc.h"

#define SALT_LEN	16
#define HASH_LEN	32
#define SCRYPT_R	8
#define SCRYPT_P	1

int
account_name_valid(const char *s)
{
	return names_check(NAMES_ACCOUNT, s, ACCOUNT_NAME_MAX) == NAMES_OK;
}

/* Is ROLE (may be NULL) one of ROLES... (a NULL-ended list)? */
static int
role_in(const char *role, const char *a, const char *b)
{
	return role != NULL && (strcmp(role, a) == 0 ||
	    (b != NULL && strcmp(role, b) == 0));
}

/*
 * Does NAME (a nick or a display name) claim a role ROLE does not have?
 * The titles are names.c's, as tokens of the name: "Dr_Kim", "DrKim",
 * "Др. Иванова", "Дoктор" with a Latin o claim a doctor's role, "Drew",
 * "drkim" and "doktor_zhivago" do not; "TheModerator", "админ",
 * "hearth_team" a staff role, "staffeeva" not.
 */
enum names_why
account_title_claim(const char *name, const char *role)
{
	int	claims = names_claims(name);

	if ((claims & NAMES_ROLE_DOCTOR) && !role_in(role, "doctor", NULL))
		return NAMES_CLAIMS_DOCTOR;
	if ((claims & NAMES_ROLE_STAFF) && !role_in(role, "moderator",
	    "admin"))
		return NAMES_CLAIMS_STAFF;
	return NAMES_OK;
}

int
account_name_impersonates(const char *name, const char *role)
{
	return account_title_claim(name, role) != NAMES_OK;
}

struct doctor_match {
	const char	*account;	/* who is asking, may be NULL */
	const char	*bare;		/* the name's bare skeleton */
	int		 found;
};

static void
doctor_match_one(const char *name, const char *display, void *arg)
{
	struct doctor_match	*dm = arg;
	char			*b;

	if (dm->found || (dm->account != NULL &&
	    names_casecmp(dm->account, name) == 0))
		return;
	b = names_bare_skeleton(name);
	dm->found = strcmp(b, dm->bare) == 0;
	free(b);
	if (!dm->found && display != NULL) {
		b = names_bare_skeleton(display);
		dm->found = b[0] != '\0' && strcmp(b, dm->bare) == 0;
		free(b);
	}
}

enum names_why
account_name_claim(struct server *srv, const char *name, const char *account,
    const char *role)
{
	struct doctor_match	dm;
	enum names_why		why;
	char			*bare;

	if ((why = account_title_claim(name, role)) != NAMES_OK)
		return why;
	bare = names_bare_skeleton(name);
	memset(&dm, 0, sizeof dm);
	dm.account = account;
	dm.bare = bare;
	if (bare[0] != '\0' && srv != NULL && srv->store != NULL)
		(void)store_doctor_names(srv->store, doctor_match_one, &dm);
	free(bare);
	return dm.found ? NAMES_LOOKS_LIKE_DOCTOR : NAMES_OK;
}

enum names_why
account_name_new(struct server *srv, const char *name, const char *role,
    char *who, size_t wholen)
{
	enum names_why	why;

	if (wholen > 0)
		who[0] = '\0';
	if ((why = names_check(NAMES_ACCOUNT, name, ACCOUNT_NAME_MAX)) !=
	    NAMES_OK)
		return why;
	if ((why = account_name_claim(srv, name, NULL, role)) != NAMES_OK)
		return why;
	if (account_lookalike(srv, name, NULL, who, wholen))
		return NAMES_CONFUSABLE;
	return NAMES_OK;
}

int
account_lookalike(struct server *srv, const char *name, const char *self,
    char *who, size_t wholen)
{
	char	buf[ACCOUNT_NAME_MAX * 2 + 1];

	if (srv == NULL || srv->store == NULL || store_account_lookalike(
	    srv->store, name, buf, sizeof buf) != STORE_OK)
		return 0;
	if (self != NULL && names_casecmp(self, buf) == 0)
		return 0;
	if (wholen > 0)
		snprintf(who, wholen, "%s", buf);
	return 1;
}

int
account_role_valid(const char *r)
{
	return strcmp(r, "member") == 0 || strcmp(r, "doctor") == 0 ||
	    strcmp(r, "moderator") == 0 || strcmp(r, "admin") == 0;
}

int
account_password_acceptable(const char *pw, int min, char *why, size_t len)
{
	size_t	n = strlen(pw), i;

	if (min < 1)
		min = 1;
	if (n < (size_t)min) {
		snprintf(why, len, "Password must have at least %d characters",
		    min);
		return -1;
	}
	if (n > PASSWORD_MAX) {
		snprintf(why, len, "Password must have at most %d bytes",
		    PASSWORD_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f) {
			snprintf(why, len, "Password must not contain control "
			    "characters");
			return -1;
		}
	}
	return 0;
}

static void
hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < n; i++) {
		out[i * 2] = hex[in[i] >> 4];
		out[i * 2 + 1] = hex[in[i] & 15];
	}
	out[n * 2] = '\0';
}

static int
hex_decode(const char *in, size_t inlen, unsigned char *out, size_t outlen)
{
	size_t	i;

	if (inlen != outlen * 2)
		return -1;
	for (i = 0; i < outlen; i++) {
		int	hi, lo;

		hi = OPENSSL_hexchar2int((unsigned char)in[i * 2]);
		lo = OPENSSL_hexchar2int((unsigned char)in[i * 2 + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

static int
scrypt_derive(const char *pw, const unsigned char *salt, size_t saltlen,
    int log2n, int r, int p, unsigned char *out, size_t outlen)
{
	uint64_t	n = (uint64_t)1 << log2n;
	uint64_t	maxmem = 128 * (uint64_t)r * n * 2 + (1 << 20);

	return EVP_PBE_scrypt(pw, strlen(pw), salt, saltlen, n, (uint64_t)r,
	    (uint64_t)p, maxmem, out, outlen) == 1 ? 0 : -1;
}

char *
account_hash_password(const char *pw, int log2n)
{
	unsigned char	salt[SALT_LEN], hash[HASH_LEN];
	char		salthex[SALT_LEN * 2 + 1], hashhex[HASH_LEN * 2 + 1];
	char		*out;

	if (log2n < 10 || log2n > 22)
		return NULL;
	if (RAND_bytes(salt, sizeof salt) != 1)
		return NULL;
	if (scrypt_derive(pw, salt, sizeof salt, log2n, SCRYPT_R, SCRYPT_P,
	    hash, sizeof hash) != 0)
		return NULL;
	hex_encode(salt, sizeof salt, salthex);
	hex_encode(hash, sizeof hash, hashhex);
	OPENSSL_cleanse(hash, sizeof hash);
	xasprintf(&out, "$scrypt$ln=%d,r=%d,p=%d$%s$%s", log2n, SCRYPT_R,
	    SCRYPT_P, salthex, hashhex);
	return out;
}

int
account_verify_password(const char *pw, const char *enc)
{
	int		 log2n, r, p, consumed = 0, ok;
	const char	*salt, *hash;
	unsigned char	 saltb[SALT_LEN], want[HASH_LEN], got[HASH_LEN];

	if (sscanf(enc, "$scrypt$ln=%d,r=%d,p=%d$%n", &log2n, &r, &p,
	    &consumed) != 3 || consumed == 0)
		return 0;
	if (log2n < 10 || log2n > 22 || r < 1 || r > 32 || p < 1 || p > 16)
		return 0;
	salt = enc + consumed;
	if ((hash = strchr(salt, '$')) == NULL)
		return 0;
	if (hex_decode(salt, (size_t)(hash - salt), saltb, sizeof saltb) != 0
	    || hex_decode(hash + 1, strlen(hash + 1), want, sizeof want) != 0)
		return 0;
	if (scrypt_derive(pw, saltb, sizeof saltb, log2n, r, p, got,
	    sizeof got) != 0)
		return 0;
	ok = CRYPTO_memcmp(got, want, sizeof got) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return ok;
}

/*
 * SaltedPassword = Hi(Normalize(PW), SALT, I), then ClientKey, StoredKey
 * and ServerKey (RFC 5802 section 3) into K.  The PBKDF2 runs I rounds
 * of HMAC-SHA-256: call it on a hashing worker, never on the loop.
 */
static int
scram_keys_from(const char *pw, struct scram_keys *k)
{
	unsigned char	salted[SCRAM_KEY_LEN], client[SCRAM_KEY_LEN];
	unsigned int	len;
	char		*prep;
	int		 rc = -1;

	prep = sasl_prep_password(pw);
	if (PKCS5_PBKDF2_HMAC(prep, (int)strlen(prep), k->salt,
	    (int)k->saltlen, k->iterations, EVP_sha256(), sizeof salted,
	    salted) != 1)
		goto out;
	len = sizeof client;
	if (HMAC(EVP_sha256(), salted, sizeof salted,
	    (const unsigned char *)"Client Key", 10, client, &len) == NULL)
		goto out;
	SHA256(client, sizeof client, k->stored_key);
	len = SCRAM_KEY_LEN;
	if (HMAC(EVP_sha256(), salted, sizeof salted,
	    (const unsigned char *)"Server Key", 10, k->server_key,
	    &len) == NULL)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(salted, sizeof salted);
	OPENSSL_cleanse(client, sizeof client);
	OPENSSL_cleanse(prep, strlen(prep));
	free(prep);
	return rc;
}

int
account_scram_derive(const char *pw, int iterations, struct scram_keys *k)
{
	memset(k, 0, sizeof *k);
	if (iterations < SCRAM_ITERATIONS_MIN)
		return -1;
	k->saltlen = SCRAM_SALT_LEN;
	k->iterations = iterations;
	if (RAND_bytes(k->salt, SCRAM_SALT_LEN) != 1 ||
	    scram_keys_from(pw, k) != 0) {
		OPENSSL_cleanse(k, sizeof *k);
		return -1;
	}
	return 0;
}

int
account_scram_derive_salt(const char *pw, const unsigned char *salt,
    size_t saltlen, int iterations, struct scram_keys *k)
{
	unsigned char	copy[SCRAM_SALT_MAX];

	if (saltlen < 1 || saltlen > sizeof copy)
		return -1;
	memcpy(copy, salt, saltlen);	/* SALT may be K's own */
	memset(k, 0, sizeof *k);
	memcpy(k->salt, copy, saltlen);
	k->saltlen = saltlen;
	k->iterations = iterations;
	return scram_keys_from(pw, k);
}

/*
 * The client's proof (RFC 5802 section 3): ClientSignature =
 * HMAC(StoredKey, AuthMessage), ClientKey = ClientProof XOR
 * ClientSignature, and H(ClientKey) must be StoredKey (compared in
 * constant time).
 */
int
account_scram_verify(const struct scram_keys *k, const char *authmsg,
    const unsigned char proof[SCRAM_KEY_LEN])
{
	unsigned char	csig[SCRAM_KEY_LEN], ckey[SCRAM_KEY_LEN];
	unsigned char	stored[SCRAM_KEY_LEN];
	unsigned int	len = sizeof csig;
	size_t		i;
	int		ok;

	if (HMAC(EVP_sha256(), k->stored_key, SCRAM_KEY_LEN,
	    (const unsigned char *)authmsg, strlen(authmsg), csig,
	    &len) == NULL)
		return 0;
	for (i = 0; i < SCRAM_KEY_LEN; i++)
		ckey[i] = proof[i] ^ csig[i];
	SHA256(ckey, sizeof ckey, stored);
	ok = CRYPTO_memcmp(stored, k->stored_key, SCRAM_KEY_LEN) == 0;
	OPENSSL_cleanse(ckey, sizeof ckey);
	OPENSSL_cleanse(csig, sizeof csig);
	return ok;
}

void
pw_secret_free(struct pw_secret *pw)
{
	if (pw == NULL)
		return;
	free(pw->hash);
	OPENSSL_cleanse(pw, sizeof *pw);
	free(pw);
}

/* Store PW's SCRAM keys for NAME, or drop stale ones (in a transaction). */
static int
store_secret_keys(struct store *st, const char *name,
    const struct pw_secret *pw)
{
	int	rc;

	if (pw->has_scram)
		return store_scram_set(st, name, &pw->scram);
	rc = store_scram_del(st, name);
	return rc == STORE_NOTFOUND ? STORE_OK : rc;
}

int
account_set_scram(struct server *srv, const char *name,
    const struct scram_keys *k)
{
	int	rc = store_scram_set(srv->store, name, k);

	if (rc != STORE_OK)
		log_warnx("account: SCRAM keys for %s not stored", name);
	return rc;
}

/*
 * A fixed hash to verify against when the account does not exist, so
 * that "no such account" and "wrong password" take the same time.
 */
static char	*dummy_hash;
static int	 dummy_cost = 15;

/*
 * Unknown names are checked at the cost new hashes use (config).  The
 * dummy hash is made here, at start-up or reload, not on the first
 * unknown name: that first attempt would otherwise cost two scrypt runs
 * and stand out from a wrong password.
 */
void
account_set_cost(int log2n)
{
	if (log2n != dummy_cost) {
		free(dummy_hash);
		dummy_hash = NULL;
	}
	dummy_cost = log2n;
	if (dummy_hash == NULL)
		dummy_hash = account_hash_password("hearth-dummy", dummy_cost);
}

const char *
account_dummy_hash(void)
{
	if (dummy_hash == NULL)
		dummy_hash = account_hash_password("hearth-dummy", dummy_cost);
	return dummy_hash;
}

/* Free the dummy hash (at exit). */
void
account_cleanup(void)
{
	free(dummy_hash);
	dummy_hash = NULL;
}

int
account_authenticate(struct store *st, const char *name, const char *pw,
    struct account *a)
{
	char	*hash = NULL;
	int	 rc, ok;

	rc = store_account_get(st, name, a, &hash);
	if (rc == STORE_ERROR)
		return STORE_ERROR;
	if (rc == STORE_NOTFOUND) {
		if (dummy_hash == NULL)
			dummy_hash = account_hash_password("hearth-dummy",
			    dummy_cost);
		if (dummy_hash != NULL)
			account_verify_password(pw, dummy_hash);
		return STORE_NOTFOUND;
	}
	ok = account_verify_password(pw, hash);
	free(hash);
	if (!ok || strcmp(a->status, "active") != 0) {
		account_clear(a);
		return STORE_NOTFOUND;
	}
	return STORE_OK;
}

int
account_fingerprint_norm(const char *in, char out[65])
{
	size_t	n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ':')
			continue;
		if (!isxdigit((unsigned char)*in) || n == 64)
			return -1;
		out[n++] = (char)tolower((unsigned char)*in);
	}
	out[n] = '\0';
	return n == 64 ? 0 : -1;
}

int
account_register(struct server *srv, const char *name,
    const struct pw_secret *pw, const char *via, struct account *a)
{
	struct store	*st = srv->store;
	int		 approval, rc;
	char		 detail[80];

	approval = strcmp(srv->cf->registration, "approval") == 0;
	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	rc = store_account_create(st, name, pw->hash, "member", NULL);
	if (rc == STORE_OK)
		rc = store_secret_keys(st, name, pw);
	if (rc == STORE_OK && approval)
		rc = store_account_set_status(st, name, "active", "pending");
	if (rc == STORE_OK) {
		snprintf(detail, sizeof detail, "%s%s", via, approval ?
		    ", waiting for approval" : "");
		rc = store_audit(st, name, "account.register", name, detail);
	}
	/* New members' first posts wait for a moderator (0: off). */
	if (rc == STORE_OK && !approval &&
	    srv->cf->new_member_probation > 0)
		rc = store_account_set_probation(st, name,
		    srv->cf->new_member_probation);
	/* Pending: a sign-up entry in the queue, or no account at all. */
	if (rc == STORE_OK && approval && modq_signup(srv, name, via) < 0)
		rc = STORE_ERROR;
	if (rc == STORE_OK)
		rc = store_commit(st);
	else
		store_rollback(st);
	if (rc != STORE_OK)
		return rc == STORE_EXISTS ? STORE_EXISTS : STORE_ERROR;
	return store_account_get(st, name, a, NULL) == STORE_OK ? STORE_OK :
	    STORE_ERROR;
}

int
account_set_role(struct server *srv, const char *actor,
    const char *audit_action, const char *name, const char *role,
    const char *specialty)
{
	struct store		*st = srv->store;
	struct notify_msg	 m = { .kind = NOTIFY_ACCOUNT_CHANGED };
	int			 rc;

	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	rc = store_account_set_role(st, name, role, specialty);
	if (rc == STORE_OK)
		rc = store_audit(st, actor, audit_action, name,
		    specialty != NULL && strcmp(audit_action, "account.role") !=
		    0 ? specialty : role);
	if (rc != STORE_OK) {
		store_rollback(st);
		return rc;
	}
	if (store_commit(st) != STORE_OK)
		return STORE_ERROR;
	m.account = name;
	m.actor = actor;
	notify_publish(srv, &m);
	return STORE_OK;
}

/* Run one store change and its audit line in one transaction. */
static int
audited(struct server *srv, int rc, const char *actor, const char *action,
    const char *target, const char *detail)
{
	if (rc == STORE_OK)
		rc = store_audit(srv->store, actor, action, target, detail);
	if (rc != STORE_OK) {
		store_rollback(srv->store);
		return rc;
	}
	return store_commit(srv->store) == STORE_OK ? STORE_OK : STORE_ERROR;
}

int
account_add(struct server *srv, const char *actor, const char *name,
    const struct pw_secret *pw, const char *role)
{
	int	rc;

	if (store_begin(srv->store) != STORE_OK)
		return STORE_ERROR;
	rc = store_account_create(srv->store, name, pw->hash, role, NULL);
	if (rc == STORE_OK)
		rc = store_secret_keys(srv->store, name, pw);
	return audited(srv, rc, actor, "account.add", name, role);
}

int
account_set_password(struct server *srv, const char *actor,
    const char *name, const struct pw_secret *pw, const char *detail)
{
	int	rc;

	if (store_begin(srv->store) != STORE_OK)
		return STORE_ERROR;
	rc = store_account_set_password(srv->store, name, pw->hash);
	if (rc == STORE_OK)
		rc = store_secret_keys(srv->store, name, pw);
	/* A new password signs every web session out. */
	if (rc == STORE_OK)
		rc = websession_destroy_account(srv, name);
	return audited(srv, rc, actor, "account.passwd", name, detail);
}

int
account_set_probation(struct server *srv, const char *actor,
    const char *name, int n)
{
	char	count[16];

	snprintf(count, sizeof count, "%d", n);
	if (store_begin(srv->store) != STORE_OK)
		return STORE_ERROR;
	return audited(srv, store_account_set_probation(srv->store, name, n),
	    actor, "account.probation", name, count);
}

int
account_cert(struct server *srv, const char *actor, const char *name,
    const char *fingerprint, int add)
{
	if (store_begin(srv->store) != STORE_OK)
		return STORE_ERROR;
	return audited(srv, add ? store_cert_add(srv->store, name,
	    fingerprint) : store_cert_del(srv->store, name, fingerprint),
	    actor, add ? "account.cert.add" : "account.cert.del", name,
	    fingerprint);
}
