/*
 * account.h -- account names, roles and password hashing.
 *
 * Passwords are hashed with scrypt (OpenSSL EVP_PBE_scrypt) and a random
 * 16-byte salt, encoded with their parameters so the cost can be raised
 * later without invalidating stored hashes:
 *	$scrypt$ln=15,r=8,p=1$<salt hex>$<hash hex>
 */
#ifndef HEARTH_ACCOUNT_H
#define HEARTH_ACCOUNT_H

#include <stddef.h>

#include "config.h"
#include "names.h"
#include "store.h"

#define ACCOUNT_NAME_MAX	30
/*
 * The longest password, in bytes, everywhere one is set or checked (IRC
 * SASL PLAIN and REGISTER, NNTP AUTHINFO, HTTP Basic, hearthmod): long
 * enough for generated passphrases (irctest sends 592 bytes in SASL).
 */
#define PASSWORD_MAX		1024

/* SCRAM-SHA-256 (RFC 7677): 4096 rounds of Hi() at least. */
#define SCRAM_ITERATIONS_MIN	4096
#define SCRAM_SALT_LEN		16

/*
 * What is stored for a password (made on a hashing worker): its scrypt
 * hash, and its SCRAM-SHA-256 keys when HAS_SCRAM.  Never the password.
 */
struct pw_secret {
	char			*hash;		/* $scrypt$... */
	int			 has_scram;
	struct scram_keys	 scram;
};
/* Wipe and free PW (may be NULL). */
void	 pw_secret_free(struct pw_secret *);

struct server;

/*
 * A letter first, then letters, digits, '-' or '_'; 2 to 30 bytes;
 * Latin or Cyrillic, not both (names_check(NAMES_ACCOUNT)).
 */
int	 account_name_valid(const char *);
int	 account_role_valid(const char *);
/*
 * The one check of a name shown beside a member's words, for every
 * door (IRC nick, realname and SETNAME, metadata display-name, NNTP
 * From, account names): NAMES_CLAIMS_DOCTOR or NAMES_CLAIMS_STAFF when
 * NAME has a title (names_claims(): English and Russian, on confusable
 * skeletons, as tokens) of a role ROLE lacks; NAMES_LOOKS_LIKE_DOCTOR
 * when, without its titles, it is a verified doctor's account or
 * display name, or confusable with one, and ACCOUNT (NULL: a guest) is
 * not that doctor; else NAMES_OK.  The reasons' texts:
 * names_why_text(), shown through i18n().
 */
enum names_why	 account_name_claim(struct server *, const char *name,
	    const char *account, const char *role);
/* The titles only (no store): account_name_claim()'s first step. */
enum names_why	 account_title_claim(const char *name, const char *role);
/* 1 when account_title_claim() refuses NAME for ROLE. */
int	 account_name_impersonates(const char *name, const char *role);
/*
 * May NAME be a new account of ROLE?  The repertoire
 * (names_check()), account_name_claim(), then no existing account
 * confusable with it (NAMES_CONFUSABLE, that account's name in WHO).
 */
enum names_why	 account_name_new(struct server *, const char *name,
	    const char *role, char *who, size_t wholen);
/*
 * 1 when an account other than NAME itself and other than SELF (may
 * be NULL) has NAME's confusable skeleton; its name goes to WHO.
 */
int	 account_lookalike(struct server *, const char *name,
	    const char *self, char *who, size_t wholen);
/*
 * 0 when acceptable (at least MIN characters, the configured
 * password_min_length); otherwise -1 and a reason a person understands.
 */
int	 account_password_acceptable(const char *, int min, char *why,
	    size_t);
/*
 * A client-certificate fingerprint as SASL EXTERNAL compares it: SHA-256
 * in hex, colons allowed, any case.  Writes 64 lowercase hex digits and a
 * NUL to OUT (65 bytes) and returns 0, or -1 if IN is not one.
 */
int	 account_fingerprint_norm(const char *in, char out[65]);
/* The encoded hash (xmalloc'd), or NULL on failure. */
char	*account_hash_password(const char *password, int log2n);
/* 1 when PASSWORD matches ENCODED, else 0.  Constant time compare. */
int	 account_verify_password(const char *password, const char *encoded);
/*
 * Check NAME and PASSWORD against the store.  Returns STORE_OK and fills
 * A (caller clears) on success; STORE_NOTFOUND for unknown name or wrong
 * password alike (the time spent is the same); STORE_ERROR on failure.
 */
int	 account_authenticate(struct store *, const char *name,
	    const char *password, struct account *a);
/*
 * SCRAM-SHA-256 keys of PASSWORD with a new random salt and ITERATIONS
 * rounds (at least SCRAM_ITERATIONS_MIN) into K: 0, or -1.  The password
 * is normalised first (sasl_prep_password()).  CPU-bound: workers only.
 */
int	 account_scram_derive(const char *password, int iterations,
	    struct scram_keys *k);
/* The same with a given SALT (tests, RFC 7677 example). */
int	 account_scram_derive_salt(const char *password,
	    const unsigned char *salt, size_t saltlen, int iterations,
	    struct scram_keys *k);
/*
 * 1 when PROOF is the ClientProof of AUTHMSG for K (constant-time
 * compare), else 0.  Cheap (no Hi()).
 */
int	 account_scram_verify(const struct scram_keys *k, const char *authmsg,
	    const unsigned char proof[SCRAM_KEY_LEN]);
/* The scrypt cost (log2 N) of new hashes, used for unknown names too. */
void	 account_set_cost(int log2n);
/* The hash unknown names are checked against (same cost as new ones). */
const char *account_dummy_hash(void);
void	 account_cleanup(void);

/*
 * A member signs up as NAME (password PW as stored) over VIA ("irc").
 * With registration "approval" the account is made pending and queued
 * for the moderators (a "signup" entry); otherwise it is active, on
 * probation when new_member_probation is set.  The account, its status,
 * the audit line and the queue row are one transaction.  STORE_OK with
 * A filled (caller clears; A->status "pending" while it waits),
 * STORE_EXISTS when the name is taken, or STORE_ERROR.
 */
struct server;
int	 account_register(struct server *, const char *name,
	    const struct pw_secret *pw, const char *via, struct account *a);
/*
 * An operator gives account NAME ROLE (SPECIALTY for doctors, else
 * NULL): stored and audited (as AUDIT_ACTION) in one transaction, then
 * announced (NOTIFY_ACCOUNT_CHANGED) so live sessions show it at once.
 * STORE_OK, STORE_NOTFOUND or STORE_ERROR.
 */
/*
 * An operator creates account NAME (ROLE, password PW as stored), or
 * ACTOR (an operator, or the member) sets its password (DETAIL for the
 * audit line, may be NULL): the hash and the SCRAM keys (or, lacking
 * them, no stale ones) stored and audited in one transaction.
 * STORE_OK, STORE_EXISTS (add), STORE_NOTFOUND (password) or
 * STORE_ERROR.
 */
int	 account_add(struct server *, const char *actor, const char *name,
	    const struct pw_secret *pw, const char *role);
int	 account_set_password(struct server *, const char *actor,
	    const char *name, const struct pw_secret *pw, const char *detail);
/*
 * Store K as NAME's SCRAM keys: an account older than SCRAM, or with
 * fewer rounds than configured, at a password sign-in (auth.c).
 */
int	 account_set_scram(struct server *, const char *name,
	    const struct scram_keys *k);
/*
 * The same for probation (the next N posts and messages held) and for a
 * client certificate FINGERPRINT registered to (ADD) or removed from
 * NAME.  STORE_OK, STORE_NOTFOUND or STORE_ERROR.
 */
int	 account_set_probation(struct server *, const char *actor,
	    const char *name, int n);
int	 account_cert(struct server *, const char *actor, const char *name,
	    const char *fingerprint, int add);
int	 account_set_role(struct server *, const char *actor,
	    const char *audit_action, const char *name, const char *role,
	    const char *specialty);

#endif
