/*
 * tls.h -- OpenSSL server context and the self-signed certificate.
 */
#ifndef HEARTH_TLS_H
#define HEARTH_TLS_H

#include <stddef.h>
#include <openssl/ssl.h>

/*
 * A server context: TLS 1.2 minimum, no compression, no renegotiation,
 * forward-secret AEAD ciphers, a session cache, and client certificates
 * requested (not required) for SASL EXTERNAL.  NULL with ERR on failure.
 */
SSL_CTX	*tls_ctx_create(const char *cert, const char *key, char *err,
	    size_t errlen);
/* Write a fresh self-signed EC certificate and key (mode 0600). */
int	 tls_make_self_signed(const char *cert, const char *key,
	    const char *hostname, char *err, size_t errlen);

#endif
