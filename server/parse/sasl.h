/*
 * sasl.h -- base64, SASL PLAIN (RFC 4616) decoding, SCRAM (RFC 5802)
 * message parsing, IRC AUTHENTICATE chunk accumulation.
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

/*
 * SASLprep (RFC 4013) of a password as far as it goes here: the mapping
 * step, no NFKC (see sasl.c).  A new string; the caller wipes it.
 */
char	*sasl_prep_password(const char *);

/*
 * SCRAM (RFC 5802) messages from the client.  Results of
 * sasl_scram_first() and sasl_scram_final():
 */
#define SCRAM_OK		0
#define SCRAM_BAD		-1	/* malformed */
#define SCRAM_CBIND		-2	/* "p=": channel binding asked for */
#define SCRAM_EXTENSION		-3	/* "m=": a mandatory extension */
#define SCRAM_NAME_MAX		255	/* encoded saslname bytes */
#define SCRAM_NONCE_MAX		256	/* client nonce bytes */

/* client-first-message: gs2 header, then the bare part. */
struct scram_first {
	int	 cbflag;	/* 'n' or 'y' */
	char	*gs2;		/* the gs2 header as sent, "n,," */
	char	*authzid;	/* decoded, or NULL */
	char	*user;		/* decoded authcid */
	char	*nonce;		/* the client's nonce */
	char	*bare;		/* client-first-message-bare */
};
/* client-final-message. */
struct scram_final {
	char		*cbind;		/* c=, base64 as sent */
	char		*nonce;		/* r= */
	char		*without_proof;	/* for the AuthMessage */
	unsigned char	 proof[32];	/* p=, decoded (SHA-256 size) */
};
/*
 * Parse BUF[0..LEN) into F (freed with the _free function whatever the
 * result; on failure F is already empty).  Strict: the attribute order
 * of RFC 5802 section 7, valid UTF-8, no NUL, saslnames escaped only
 * as =2C and =3D, a proof of exactly 32 bytes.
 */
int	 sasl_scram_first(const unsigned char *, size_t, struct scram_first *);
void	 sasl_scram_first_free(struct scram_first *);
int	 sasl_scram_final(const unsigned char *, size_t, struct scram_final *);
void	 sasl_scram_final_free(struct scram_final *);

void	 sasl_buf_init(struct sasl_buf *);
int	 sasl_buf_add(struct sasl_buf *, const char *);
int	 sasl_buf_decode(struct sasl_buf *, unsigned char **, size_t *);
void	 sasl_buf_free(struct sasl_buf *);

#endif
