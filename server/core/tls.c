/*
 * tls.c -- OpenSSL server context and the self-signed certificate.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls.h"

/* TLS 1.2 suites: forward secret (ECDHE) and AEAD only. */
#define TLS12_CIPHERS	"ECDHE-ECDSA-AES128-GCM-SHA256:" \
	"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:" \
	"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:" \
	"ECDHE-RSA-CHACHA20-POLY1305"

static void
ssl_err(char *err, size_t errlen, const char *what)
{
	unsigned long	e = ERR_get_error();

	snprintf(err, errlen, "%s: %s", what,
	    e != 0 ? ERR_reason_error_string(e) : "unknown error");
	ERR_clear_error();
}

/*
 * Accept any client certificate: it is only a credential for SASL
 * EXTERNAL, matched by fingerprint against accounts, never a CA chain.
 */
static int
verify_any(int ok, X509_STORE_CTX *ctx)
{
	(void)ok;
	(void)ctx;
	return 1;
}

SSL_CTX *
tls_ctx_create(const char *cert, const char *key, char *err, size_t errlen)
{
	SSL_CTX		*ctx;
	static const unsigned char sid[] = "hearthd";

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		ssl_err(err, errlen, "SSL_CTX_new");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) != 1) {
		ssl_err(err, errlen, "cipher list");
		goto fail;
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_set_session_id_context(ctx, sid, sizeof sid - 1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE,
	    verify_any);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		snprintf(err, errlen, "cannot load certificate %s", cert);
		ERR_clear_error();
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		snprintf(err, errlen, "cannot load private key %s", key);
		ERR_clear_error();
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(err, errlen, "key %s does not match certificate %s",
		    key, cert);
		ERR_clear_error();
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509_EXTENSION	*ex;
	X509V3_CTX	 v3;
	int		 rc;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	if ((ex = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL)
		return -1;
	rc = X509_add_ext(x, ex, -1);
	X509_EXTENSION_free(ex);
	return rc == 1 ? 0 : -1;
}

int
tls_make_self_signed(const char *cert, const char *key, const char *hostname,
    char *err, size_t errlen)
{
	EVP_PKEY	*pk = NULL;
	X509		*x = NULL;
	X509_NAME	*name;
	FILE		*f = NULL;
	int		 fd, rc = -1;
	char		 san[512];
	unsigned char	 serial[16];
	BIGNUM		*bn = NULL;

	if ((pk = EVP_EC_gen("P-256")) == NULL) {
		ssl_err(err, errlen, "key generation");
		goto out;
	}
	if ((x = X509_new()) == NULL)
		goto out;
	X509_set_version(x, 2);
	if (RAND_bytes(serial, sizeof serial) != 1)
		goto out;
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof serial, NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 825L * 86400);
	X509_set_pubkey(x, pk);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
	    (const unsigned char *)"Hearth (self-signed)", -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)hostname, -1, -1, 0);
	X509_set_issuer_name(x, name);
	snprintf(san, sizeof san, "DNS:%s,DNS:localhost,IP:127.0.0.1,IP:::1",
	    hostname);
	if (add_ext(x, NID_subject_alt_name, san) != 0 ||
	    add_ext(x, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") != 0) {
		ssl_err(err, errlen, "certificate extensions");
		goto out;
	}
	if (X509_sign(x, pk, EVP_sha256()) == 0) {
		ssl_err(err, errlen, "certificate signing");
		goto out;
	}
	fd = open(key, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", key, strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	if (PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) != 1) {
		ssl_err(err, errlen, "writing key");
		goto out;
	}
	fclose(f);
	fd = open(cert, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", cert, strerror(errno));
		if (fd != -1)
			close(fd);
		f = NULL;
		goto out;
	}
	if (PEM_write_X509(f, x) != 1) {
		ssl_err(err, errlen, "writing certificate");
		goto out;
	}
	rc = 0;
out:
	if (f != NULL && fclose(f) != 0 && rc == 0) {
		snprintf(err, errlen, "write: %s", strerror(errno));
		rc = -1;
	}
	BN_free(bn);
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}
