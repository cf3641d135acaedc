/*
 * test_account.c -- names, password rules, scrypt hashing, SCRAM keys.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "account.h"
#include "sasl.h"
#include "store.h"

START_TEST(fingerprints)
{
	char	out[65];
	char	hex[65], colons[96], *p = colons;
	int	i;

	for (i = 0; i < 32; i++) {
		snprintf(hex + 2 * i, 3, "%02x", i * 7 + 3);
		p += snprintf(p, 4, i == 0 ? "%02X" : ":%02X", i * 7 + 3);
	}
	ck_assert_int_eq(account_fingerprint_norm(hex, out), 0);
	ck_assert_str_eq(out, hex);
	ck_assert_int_eq(account_fingerprint_norm(colons, out), 0);
	ck_assert_str_eq(out, hex);
	hex[63] = '\0';
	ck_assert_int_eq(account_fingerprint_norm(hex, out), -1);
	ck_assert_int_eq(account_fingerprint_norm("", out), -1);
	ck_assert_int_eq(account_fingerprint_norm(
	    "zz00000000000000000000000000000000000000000000000000000000000000",
	    out), -1);
	ck_assert_int_eq(account_fingerprint_norm(
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "00", out), -1);
}
END_TEST

START_TEST(names)
{
	ck_assert(account_name_valid("alice"));
	ck_assert(account_name_valid("Dr_Ivanova-2"));
	ck_assert(!account_name_valid("a"));
	ck_assert(!account_name_valid("2fast"));
	ck_assert(!account_name_valid("has space"));
	ck_assert(!account_name_valid("émile"));
	ck_assert(!account_name_valid("abcdefghijabcdefghijabcdefghijX"));
	ck_assert(account_role_valid("doctor"));
	ck_assert(!account_role_valid("root"));
}
END_TEST

START_TEST(impersonation)
{
	ck_assert(account_name_impersonates("Dr_Kim", "member"));
	ck_assert(account_name_impersonates("Dr. Kim", NULL));
	ck_assert(account_name_impersonates("DrKim", "member"));
	ck_assert(account_name_impersonates("Doctor Who", "member"));
	ck_assert(account_name_impersonates("doc-ock", "member"));
	ck_assert(account_name_impersonates("TheModerator", "doctor"));
	ck_assert(account_name_impersonates("hearth_team", "member"));
	ck_assert(!account_name_impersonates("Drew", "member"));
	ck_assert(!account_name_impersonates("drkim", "member"));
	ck_assert(!account_name_impersonates("Docherty", "member"));
	ck_assert(!account_name_impersonates("Alice", "member"));
	ck_assert(!account_name_impersonates("Dr_Kim", "doctor"));
	ck_assert(!account_name_impersonates("Admin Anna", "admin"));
}
END_TEST

START_TEST(password_rules)
{
	char	why[128];

	ck_assert_int_eq(account_password_acceptable("short",
	    PASSWORD_MIN_DEFAULT, why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "at least 8"));
	ck_assert_int_eq(account_password_acceptable("bad\tpassword",
	    PASSWORD_MIN_DEFAULT, why, sizeof why), -1);
	ck_assert_int_eq(account_password_acceptable("correct horse",
	    PASSWORD_MIN_DEFAULT, why, sizeof why), 0);
	/* The minimum is the caller's (password_min_length). */
	ck_assert_int_eq(account_password_acceptable("sesame",
	    6, why, sizeof why), 0);
	ck_assert_int_eq(account_password_acceptable("sesam",
	    6, why, sizeof why), -1);
	ck_assert_ptr_nonnull(strstr(why, "at least 6"));
}
END_TEST

START_TEST(hash_and_verify)
{
	char	*h1 = account_hash_password("correct horse", 12);
	char	*h2 = account_hash_password("correct horse", 12);

	ck_assert_ptr_nonnull(h1);
	ck_assert_ptr_nonnull(h2);
	ck_assert(strncmp(h1, "$scrypt$ln=12,r=8,p=1$", 22) == 0);
	/* Salted: the same password gives different hashes. */
	ck_assert_str_ne(h1, h2);
	ck_assert_int_eq(account_verify_password("correct horse", h1), 1);
	ck_assert_int_eq(account_verify_password("correct horse", h2), 1);
	ck_assert_int_eq(account_verify_password("correct horsf", h1), 0);
	ck_assert_int_eq(account_verify_password("", h1), 0);
	/* Malformed encodings never verify. */
	ck_assert_int_eq(account_verify_password("x", "$scrypt$ln=12"), 0);
	ck_assert_int_eq(account_verify_password("x", "plain"), 0);
	ck_assert_int_eq(account_verify_password("x",
	    "$scrypt$ln=40,r=8,p=1$00$00"), 0);
	free(h1);
	free(h2);
}
END_TEST

/* The default cost (2^15) is what production uses: it must work. */
START_TEST(default_cost)
{
	char	*h = account_hash_password("another password", 15);

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(account_verify_password("another password", h), 1);
	free(h);
}
END_TEST

START_TEST(authenticate)
{
	char		 err[128];
	struct store	*st = store_open(":memory:", 0, 0, err, sizeof err);
	struct account	 a;
	char		*h = account_hash_password("sesame open", 10);

	ck_assert_int_eq(store_account_create(st, "Carol", h, "moderator",
	    NULL), STORE_OK);
	ck_assert_int_eq(account_authenticate(st, "carol", "sesame open", &a),
	    STORE_OK);
	ck_assert_str_eq(a.role, "moderator");
	account_clear(&a);
	ck_assert_int_eq(account_authenticate(st, "carol", "sesame shut", &a),
	    STORE_NOTFOUND);
	ck_assert_int_eq(account_authenticate(st, "dave", "sesame open", &a),
	    STORE_NOTFOUND);
	free(h);
	store_close(st);
}
END_TEST

/*
 * RFC 7677 section 3: user "user", password "pencil", the salt and
 * nonces of the example; our keys must check its proof and give its
 * server signature.
 */
START_TEST(scram_rfc7677)
{
	static const char authmsg[] = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
	    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
	    "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,"
	    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
	struct scram_keys	 k;
	unsigned char		*salt, *proof, sig[32];
	unsigned int		 siglen = sizeof sig;
	size_t			 saltlen, prooflen;
	char			*v;

	ck_assert_int_eq(base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==", 24, &salt,
	    &saltlen), 0);
	ck_assert_int_eq(base64_decode(
	    "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=", 44, &proof,
	    &prooflen), 0);
	ck_assert_uint_eq(prooflen, 32);
	ck_assert_int_eq(account_scram_derive_salt("pencil", salt, saltlen,
	    4096, &k), 0);
	ck_assert_int_eq(account_scram_verify(&k, authmsg, proof), 1);
	HMAC(EVP_sha256(), k.server_key, 32, (const unsigned char *)authmsg,
	    strlen(authmsg), sig, &siglen);
	v = base64_encode(sig, sizeof sig);
	ck_assert_str_eq(v, "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
	free(v);
	/* One bit off anywhere in the proof: refused. */
	proof[31] ^= 1;
	ck_assert_int_eq(account_scram_verify(&k, authmsg, proof), 0);
	proof[31] ^= 1;
	/* Another password, same salt: refused. */
	ck_assert_int_eq(account_scram_derive_salt("pencil2", salt, saltlen,
	    4096, &k), 0);
	ck_assert_int_eq(account_scram_verify(&k, authmsg, proof), 0);
	free(salt);
	free(proof);
}
END_TEST

/* New keys: a fresh salt each time, the rounds asked, RFC 7677's floor. */
START_TEST(scram_derive)
{
	struct scram_keys	a, b;
	unsigned char		salt[SCRAM_SALT_LEN];

	ck_assert_int_eq(account_scram_derive("pencil", 4095, &a), -1);
	ck_assert_int_eq(account_scram_derive("pencil", 4096, &a), 0);
	ck_assert_int_eq(account_scram_derive("pencil", 4096, &b), 0);
	ck_assert_int_eq(a.iterations, 4096);
	ck_assert_uint_eq(a.saltlen, SCRAM_SALT_LEN);
	ck_assert(memcmp(a.salt, b.salt, SCRAM_SALT_LEN) != 0);
	ck_assert(memcmp(a.stored_key, b.stored_key, 32) != 0);
	/* The same salt gives the same keys (the password is all). */
	ck_assert_int_eq(account_scram_derive_salt("pencil", a.salt,
	    a.saltlen, 4096, &b), 0);
	ck_assert(memcmp(a.stored_key, b.stored_key, 32) == 0);
	ck_assert(memcmp(a.server_key, b.server_key, 32) == 0);
	/* SASLprep's mapping: a no-break space is a space. */
	memcpy(salt, a.salt, sizeof salt);
	ck_assert_int_eq(account_scram_derive_salt("pen\xc2\xa0" "cil",
	    salt, sizeof salt, 4096, &b), 0);
	ck_assert_int_eq(account_scram_derive_salt("pen cil", salt,
	    sizeof salt, 4096, &a), 0);
	ck_assert(memcmp(a.stored_key, b.stored_key, 32) == 0);
}
END_TEST

/* The keys in the store: set, read back, replaced, gone with the row. */
START_TEST(scram_store)
{
	char			 err[256];
	struct store		*st = store_open(":memory:", 0, 0, err,
				    sizeof err);
	struct scram_keys	 k, got;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_account_create(st, "Erin", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_eq(store_scram_get(st, "erin", &got), STORE_NOTFOUND);
	ck_assert_int_eq(account_scram_derive("pencil", 4096, &k), 0);
	ck_assert_int_eq(store_scram_set(st, "ERIN", &k), STORE_OK);
	ck_assert_int_eq(store_scram_get(st, "erin", &got), STORE_OK);
	ck_assert_int_eq(got.iterations, 4096);
	ck_assert_uint_eq(got.saltlen, k.saltlen);
	ck_assert(memcmp(got.salt, k.salt, k.saltlen) == 0);
	ck_assert(memcmp(got.stored_key, k.stored_key, 32) == 0);
	ck_assert(memcmp(got.server_key, k.server_key, 32) == 0);
	ck_assert_int_eq(account_scram_derive("other", 8192, &k), 0);
	ck_assert_int_eq(store_scram_set(st, "erin", &k), STORE_OK);
	ck_assert_int_eq(store_scram_get(st, "erin", &got), STORE_OK);
	ck_assert_int_eq(got.iterations, 8192);
	ck_assert(memcmp(got.stored_key, k.stored_key, 32) == 0);
	/* No account, no keys. */
	ck_assert_int_eq(store_scram_set(st, "nobody", &k), STORE_NOTFOUND);
	ck_assert_int_eq(store_scram_del(st, "erin"), STORE_OK);
	ck_assert_int_eq(store_scram_get(st, "erin", &got), STORE_NOTFOUND);
	ck_assert_int_eq(store_scram_del(st, "erin"), STORE_NOTFOUND);
	store_close(st);
}
END_TEST

static Suite *
account_suite(void)
{
	Suite	*s = suite_create("account");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, names);
	tcase_add_test(tc, impersonation);
	tcase_add_test(tc, password_rules);
	tcase_add_test(tc, hash_and_verify);
	tcase_add_test(tc, default_cost);
	tcase_add_test(tc, authenticate);
	tcase_add_test(tc, fingerprints);
	tcase_add_test(tc, scram_rfc7677);
	tcase_add_test(tc, scram_derive);
	tcase_add_test(tc, scram_store);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(account_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
