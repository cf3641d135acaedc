/*
 * sasl.h -- base64 and SASL PLAIN (RFC 4616) decoding, IRC AUTHENTICATE
 * chunk accumulation.
 *
 * Pure module: no I/O. Buffers here may hold passwords: whoever gets one
 * back wipes it with explicit_bzero() (or OPENSSL_cleanse()) before
 * freeing it.
 */
#ifndef HEARTH_SASL_H
#define HEARTH_SASL_H

#include <stddef.h>

#define SASL_CHUNK_LEN		400	/* AUTHENTICATE payload per line */
#define SASL_BUF_MAX		8192	/* base64 bytes over all chunks */
#define SASL_PLAIN_FIELD_MAX	1024	/* bytes per PLAIN field (PASSWORD_MAX) */

/* sasl_buf_add() results. */
#define SASL_BUF_MORE		0	/* chunk of exactly 400: more follow */
#define SASL_BUF_DONE		1	/* shorter chunk or "+": decode now */
#define SASL_BUF_TOOLONG	2	/* over SASL_BUF_MAX */
#define SASL_BUF_BAD		3	/* malformed chunk or added after end */

struct sasl_buf {
	char	*data;		/* base64 so far, NUL-terminated */
	size_t	 len;
	size_t	 cap;
	int	 state;		/* SASL_BUF_MORE while still open */
};

int	 base64_decode(const char *, size_t, unsigned char **, size_t *);
char	*base64_encode(const unsigned char *, size_t);

int	 sasl_plain_decode(const unsigned char *, size_t, char **, char **,
	    char **);

void	 sasl_buf_init(struct sasl_buf *);
int	 sasl_buf_add(struct sasl_buf *, const char *);
int	 sasl_buf_decode(struct sasl_buf *, unsigned char **, size_t *);
void	 sasl_buf_free(struct sasl_buf *);

#endif
