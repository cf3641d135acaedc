/*
 * fuzz_sasl.c -- server/parse/sasl.c: base64 and SASL PLAIN.
 *
 * Checked for any input x:
 *  - base64_decode(base64_encode(x)) == x, with the encoding padded to a
 *    multiple of four characters from the standard alphabet;
 *  - x sent through the IRC AUTHENTICATE accumulator in 400-byte chunks
 *    (and "+" after a final full chunk) decodes back to x, or is refused
 *    as too long exactly when its encoding passes SASL_BUF_MAX;
 *  - the decoder is strict, so whatever it accepts is canonical:
 *    base64_encode(base64_decode(x)) == x;
 *  - sasl_plain_decode(x) succeeds only with exactly two NULs and gives
 *    fields that put back together make x;
 *  - sasl_scram_first(x), when it accepts, splits x into the gs2 header
 *    and the bare message exactly, with a user and a nonce; when it
 *    refuses, everything is NULL;
 *  - sasl_scram_final(x), when it accepts, gives the part without the
 *    proof as a prefix of x followed by ",p=";
 *  - sasl_prep_password(x) never grows a valid UTF-8 string.
 */
#include <string.h>

#include "fuzz.h"
#include "sasl.h"
#include "utf8.h"

static void
check_accumulator(const char *enc, size_t elen, const uint8_t *data,
    size_t size)
{
	struct sasl_buf	 sb;
	char		 chunk[SASL_CHUNK_LEN + 1];
	unsigned char	*out;
	size_t		 off = 0, n, outlen;
	int		 r = SASL_BUF_MORE;

	sasl_buf_init(&sb);
	while (r == SASL_BUF_MORE) {
		n = elen - off < SASL_CHUNK_LEN ? elen - off : SASL_CHUNK_LEN;
		if (n == 0)
			r = sasl_buf_add(&sb, "+");
		else {
			memcpy(chunk, enc + off, n);
			chunk[n] = '\0';
			r = sasl_buf_add(&sb, chunk);
			off += n;
		}
	}
	if (elen > SASL_BUF_MAX) {
		FUZZ_CHECK(r == SASL_BUF_TOOLONG);
		FUZZ_CHECK(sasl_buf_decode(&sb, &out, &outlen) == -1);
	} else {
		FUZZ_CHECK(r == SASL_BUF_DONE);
		FUZZ_CHECK(off == elen);
		/* Anything more after the end is refused. */
		FUZZ_CHECK(sasl_buf_add(&sb, "QUJD") == SASL_BUF_BAD);
		FUZZ_CHECK(sasl_buf_decode(&sb, &out, &outlen) == 0);
		FUZZ_CHECK(outlen == size);
		FUZZ_CHECK(size == 0 || memcmp(out, data, size) == 0);
		free(out);
	}
	sasl_buf_free(&sb);
}

static void
check_scram(const uint8_t *data, size_t size)
{
	struct scram_first	 f;
	struct scram_final	 g;
	char			*s, *p;
	size_t			 n;

	if (sasl_scram_first(data, size, &f) == SCRAM_OK) {
		n = strlen(f.gs2);
		FUZZ_CHECK(n + strlen(f.bare) == size);
		FUZZ_CHECK(memcmp(f.gs2, data, n) == 0);
		FUZZ_CHECK(memcmp(f.bare, data + n, size - n) == 0);
		FUZZ_CHECK(f.cbflag == 'n' || f.cbflag == 'y');
		FUZZ_CHECK(f.user[0] != '\0' && f.nonce[0] != '\0');
		FUZZ_CHECK(strchr(f.nonce, ',') == NULL);
		sasl_scram_first_free(&f);
	} else
		FUZZ_CHECK(f.gs2 == NULL && f.user == NULL && f.nonce == NULL &&
		    f.bare == NULL && f.authzid == NULL);
	if (sasl_scram_final(data, size, &g) == SCRAM_OK) {
		n = strlen(g.without_proof);
		FUZZ_CHECK(n + 3 < size);
		FUZZ_CHECK(memcmp(g.without_proof, data, n) == 0);
		FUZZ_CHECK(memcmp(data + n, ",p=", 3) == 0);
		FUZZ_CHECK(strncmp(g.without_proof, "c=", 2) == 0);
		sasl_scram_final_free(&g);
	} else
		FUZZ_CHECK(g.cbind == NULL && g.nonce == NULL &&
		    g.without_proof == NULL);
	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	p = sasl_prep_password(s);
	if (utf8_valid(s, strlen(s)))
		FUZZ_CHECK(strlen(p) <= strlen(s));
	else
		FUZZ_CHECK(strcmp(p, s) == 0);
	free(p);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*enc, *enc2, *authzid, *authcid, *passwd;
	unsigned char	*dec, *joined;
	size_t		 elen, dlen, zl, cl, pl;
	int		 nuls;

	/* Round trip from bytes. */
	enc = base64_encode(data, size);
	elen = strlen(enc);
	FUZZ_CHECK(elen == (size + 2) / 3 * 4);
	FUZZ_CHECK(strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
	    "stuvwxyz0123456789+/=") == elen);
	FUZZ_CHECK(base64_decode(enc, elen, &dec, &dlen) == 0);
	FUZZ_CHECK(dlen == size);
	FUZZ_CHECK(size == 0 || memcmp(dec, data, size) == 0);
	FUZZ_CHECK(dec[dlen] == '\0');
	free(dec);
	check_accumulator(enc, elen, data, size);
	free(enc);

	/* Strict decoding: what is accepted is the canonical encoding. */
	if (base64_decode((const char *)data, size, &dec, &dlen) == 0) {
		FUZZ_CHECK(size % 4 == 0);
		enc2 = base64_encode(dec, dlen);
		FUZZ_CHECK(strlen(enc2) == size);
		FUZZ_CHECK(memcmp(enc2, data, size) == 0);
		free(enc2);
		free(dec);
	} else
		FUZZ_CHECK(dec == NULL && dlen == 0);

	/* PLAIN: authzid NUL authcid NUL passwd. */
	nuls = 0;
	for (dlen = 0; dlen < size; dlen++)
		nuls += data[dlen] == '\0';
	if (sasl_plain_decode(data, size, &authzid, &authcid, &passwd) == 0) {
		FUZZ_CHECK(nuls == 2);
		zl = strlen(authzid);
		cl = strlen(authcid);
		pl = strlen(passwd);
		FUZZ_CHECK(cl > 0 && pl > 0);
		FUZZ_CHECK(zl <= SASL_PLAIN_FIELD_MAX &&
		    cl <= SASL_PLAIN_FIELD_MAX && pl <= SASL_PLAIN_FIELD_MAX);
		FUZZ_CHECK(utf8_valid(authzid, zl) && utf8_valid(authcid, cl) &&
		    utf8_valid(passwd, pl));
		FUZZ_CHECK(zl + cl + pl + 2 == size);
		if ((joined = malloc(size)) == NULL)
			abort();
		memcpy(joined, authzid, zl + 1);
		memcpy(joined + zl + 1, authcid, cl + 1);
		memcpy(joined + zl + cl + 2, passwd, pl);
		FUZZ_CHECK(memcmp(joined, data, size) == 0);
		free(joined);
		free(authzid);
		free(authcid);
		free(passwd);
	} else
		FUZZ_CHECK(authzid == NULL && authcid == NULL &&
		    passwd == NULL);
	check_scram(data, size);
	return 0;
}
