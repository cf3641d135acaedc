/*
 * webpush.c -- Web Push: VAPID keys, subscriptions, endpoint checks,
 * RFC 8291 encryption, RFC 8292 tokens and the HTTPS sender (see
 * webpush.h).
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "conn.h"
#include "log.h"
#include "store.h"
#include "store-webpush.h"
#include "strmap.h"
#include "webpush.h"
#include "xmalloc.h"

#define TOKEN_LIFETIME	(12 * 3600)	/* RFC 8292: at most 24 hours */
#define PUSH_TTL	86400		/* seconds a push service keeps it */
#define PUSH_TIMEOUT	15		/* seconds per exchange step */
#define RECORD_SIZE	4096		/* RFC 8291's rs */

struct wp_job {
	TAILQ_ENTRY(wp_job)	 entry;
	char			*account;
	char			*endpoint;
	struct webpush_url	 url;
	unsigned char		*body;
	size_t			 bodylen;
	struct evdns_getaddrinfo_request *req;
	struct bufferevent	*bev;
	int			 orphan;	/* webpush_free() left it */
};
TAILQ_HEAD(wp_jobs, wp_job);

struct wp_state {
	struct server		*srv;
	EVP_PKEY		*vapid;
	char			*vapid_pub;	/* base64url */
	struct evdns_base	*dns;
	SSL_CTX			*ctx;
	struct wp_jobs		 queue;
	struct wp_jobs		 running;
	int			 nqueued;
	int			 nrunning;
	struct strmap		*rate;		/* folded account -> wp_rate */
};

/* Pushes to one account in the current window. */
struct wp_rate {
	time_t	start;
	int	n;
};

static struct wp_state	*ws;

/* Registration while its host resolves. */
struct wp_reg {
	struct server	*srv;
	struct conn	*c;		/* NULL once the conn is gone */
	char		*account, *endpoint, *p256dh, *auth;
	struct evdns_getaddrinfo_request *req;
	webpush_done_fn	 done;
	int		 starting;	/* inside evdns_getaddrinfo() */
	int		 early_rc;	/* answered while starting, or -1 */
};

static void	job_start(struct wp_job *);
static void	job_next(void);

/* base64url (RFC 4648 section 5) without padding; xmalloc'd. */
char *
webpush_b64url(const unsigned char *p, size_t len)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	char			*out = xmalloc(len / 3 * 4 + 5), *o = out;
	size_t			 i;
	uint32_t		 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = a[v >> 18];
		*o++ = a[(v >> 12) & 63];
		*o++ = a[(v >> 6) & 63];
		*o++ = a[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)p[i] << 16;
		*o++ = a[v >> 18];
		*o++ = a[(v >> 12) & 63];
	} else if (len - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		*o++ = a[v >> 18];
		*o++ = a[(v >> 12) & 63];
		*o++ = a[(v >> 6) & 63];
	}
	*o = '\0';
	return out;
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int
webpush_unb64url(const char *s, unsigned char *out, size_t max, size_t *len)
{
	size_t		 n = strlen(s), i, o = 0;
	uint32_t	 acc = 0;
	int		 bits = 0, v;

	while (n > 0 && s[n - 1] == '=')
		n--;
	if (n % 4 == 1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((v = b64val((unsigned char)s[i])) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == max)
				return -1;
			out[o++] = (acc >> bits) & 0xff;
		}
	}
	/* Leftover bits must be zero (one spelling per value). */
	if ((acc & ((1u << bits) - 1)) != 0)
		return -1;
	*len = o;
	return 0;
}

/*
 * Addresses push may not reach: loopback, RFC 1918 and shared (CGNAT)
 * space, link-local, unique-local and site-local, multicast,
 * unspecified and the reserved IPv4 block; an IPv4-mapped or
 * -compatible IPv6 address is judged as its IPv4 address.
 */
static int
v4_refused(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127 ||
	    (a >> 16) == 0xa9fe ||		/* 169.254/16 */
	    (a >> 20) == 0xac1 ||		/* 172.16/12 */
	    (a >> 16) == 0xc0a8 ||		/* 192.168/16 */
	    (a >> 22) == (100u << 2 | 1) ||	/* 100.64/10 */
	    (a >> 28) >= 0xe;			/* multicast, reserved */
}

int
webpush_addr_refused(const struct sockaddr *sa)
{
	const struct sockaddr_in	*s4;
	const struct sockaddr_in6	*s6;
	const unsigned char		*b;
	static const unsigned char	 zero[12];

	if (sa->sa_family == AF_INET) {
		s4 = (const struct sockaddr_in *)sa;
		return v4_refused(ntohl(s4->sin_addr.s_addr));
	}
	if (sa->sa_family != AF_INET6)
		return 1;
	s6 = (const struct sockaddr_in6 *)sa;
	b = s6->sin6_addr.s6_addr;
	if (memcmp(b, zero, 10) == 0 && ((b[10] == 0xff && b[11] == 0xff) ||
	    (b[10] == 0 && b[11] == 0)))
		/* ::ffff:a.b.c.d, ::a.b.c.d (and so :: and ::1) */
		return memcmp(b, zero, 12) == 0 && b[12] == 0 && b[13] == 0 &&
		    b[14] == 0 && b[15] <= 1 ? 1 : v4_refused(
		    (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
		    (uint32_t)b[14] << 8 | b[15]);
	return b[0] == 0xff ||				/* multicast */
	    (b[0] & 0xfe) == 0xfc ||			/* fc00::/7 */
	    (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||	/* fe80::/10 */
	    (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0);	/* fec0::/10 */
}

void
webpush_url_clear(struct webpush_url *u)
{
	free(u->path);
	free(u->origin);
	free(u->hostport);
	memset(u, 0, sizeof *u);
}

/*
 * An endpoint: "https://" host [":" port] [path-and-query], printable
 * ASCII only, no user information and no fragment.  0 or -1.
 */
int
webpush_url_parse(const char *s, struct webpush_url *u)
{
	const char		*p, *h, *hend, *pp = NULL;
	size_t			 i, hl;
	long			 port = 443;
	char			*end;
	unsigned char		 tmp[16];

	memset(u, 0, sizeof *u);
	if (strlen(s) > WEBPUSH_ENDPOINT_MAX || strncasecmp(s, "https://",
	    8) != 0)
		return -1;
	for (p = s; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '#')
			return -1;
	h = s + 8;
	p = h + strcspn(h, "/?");
	if (memchr(h, '@', p - h) != NULL)
		return -1;
	if (*h == '[') {
		if ((hend = memchr(h, ']', p - h)) == NULL)
			return -1;
		h++;
		if (hend + 1 < p) {
			if (hend[1] != ':')
				return -1;
			pp = hend + 2;
		}
	} else {
		hend = memchr(h, ':', p - h);
		if (hend != NULL)
			pp = hend + 1;
		else
			hend = p;
	}
	hl = hend - h;
	if (hl == 0 || hl >= sizeof u->host)
		return -1;
	memcpy(u->host, h, hl);
	u->host[hl] = '\0';
	for (i = 0; i < hl; i++)
		u->host[i] = tolower((unsigned char)u->host[i]);
	if (pp != NULL) {
		if (pp == p || !isdigit((unsigned char)*pp))
			return -1;
		port = strtol(pp, &end, 10);
		if (end != p || port < 1 || port > 65535)
			return -1;
	}
	snprintf(u->port, sizeof u->port, "%ld", port);
	if (inet_pton(AF_INET6, u->host, tmp) == 1) {
		if (h[-1] != '[')
			return -1;
		u->literal = 6;
	} else if (h[-1] == '[')
		return -1;
	else if (inet_pton(AF_INET, u->host, tmp) == 1)
		u->literal = 4;
	else {
		for (i = 0; i < hl; i++)
			if (!isalnum((unsigned char)u->host[i]) &&
			    u->host[i] != '-' && u->host[i] != '.')
				return -1;
	}
	xasprintf(&u->path, "%s%s", *p == '/' ? "" : "/", p);
	if (port == 443)
		xasprintf(&u->hostport, "%s%s%s", u->literal == 6 ? "[" : "",
		    u->host, u->literal == 6 ? "]" : "");
	else
		xasprintf(&u->hostport, "%s%s%s:%ld", u->literal == 6 ? "[" :
		    "", u->host, u->literal == 6 ? "]" : "", port);
	xasprintf(&u->origin, "https://%s", u->hostport);
	return 0;
}

/* A P-256 public key from its uncompressed point, checked; or NULL. */
static EVP_PKEY *
p256_public(const unsigned char pub[65])
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;
	OSSL_PARAM	 params[3];
	char		 group[] = "prime256v1";

	if (pub[0] != 0x04)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(
	    OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, 65);
	params[2] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) == NULL)
		return NULL;
	if (EVP_PKEY_fromdata_init(ctx) <= 0 || EVP_PKEY_fromdata(ctx,
	    &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	if (pkey == NULL)
		return NULL;
	ctx = EVP_PKEY_CTX_new(pkey, NULL);
	if (ctx == NULL || EVP_PKEY_public_check(ctx) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/* The uncompressed point of KEY's public half (65 bytes). */
static int
p256_point(EVP_PKEY *key, unsigned char out[65])
{
	size_t	len = 0;

	if (EVP_PKEY_get_octet_string_param(key,
	    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out, 65, &len) != 1 ||
	    len != 65 || out[0] != 0x04)
		return -1;
	return 0;
}

static EVP_PKEY *
p256_generate(void)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/* HMAC-SHA-256 of A || B under KEY (one HKDF step of RFC 5869). */
static int
hmac256(const unsigned char *key, size_t klen, const unsigned char *a,
    size_t alen, const unsigned char *b, size_t blen, unsigned char out[32])
{
	EVP_MAC		*mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX	*m;
	OSSL_PARAM	 params[2];
	char		 digest[] = "SHA256";
	size_t		 outl = 0;
	int		 ok;

	if (mac == NULL)
		return -1;
	m = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (m == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	ok = EVP_MAC_init(m, key, klen, params) == 1 &&
	    EVP_MAC_update(m, a, alen) == 1 &&
	    (blen == 0 || EVP_MAC_update(m, b, blen) == 1) &&
	    EVP_MAC_final(m, out, &outl, 32) == 1 && outl == 32;
	EVP_MAC_CTX_free(m);
	return ok ? 0 : -1;
}

int
webpush_encrypt(const unsigned char ua_pub[65], const unsigned char auth[16],
    const unsigned char *plain, size_t len, const unsigned char *salt_in,
    unsigned char **out, size_t *outlen)
{
	EVP_PKEY	*ua = NULL, *as = NULL;
	EVP_PKEY_CTX	*dctx = NULL;
	EVP_CIPHER_CTX	*cctx = NULL;
	unsigned char	 as_pub[65], secret[32], prk[32], ikm[32], cek[32],
			 nonce[32], salt[16], info[14 + 65 + 65], *o = NULL,
			 *rec = NULL;
	static const unsigned char one = 1;
	size_t		 slen = sizeof secret;
	int		 rc = -1, n, fin;

	if (len + 1 + 16 > RECORD_SIZE - 86)
		return -1;
	if ((ua = p256_public(ua_pub)) == NULL || (as = p256_generate()) ==
	    NULL || p256_point(as, as_pub) != 0)
		goto out;
	/* ecdh_secret = ECDH(as_private, ua_public) */
	if ((dctx = EVP_PKEY_CTX_new(as, NULL)) == NULL ||
	    EVP_PKEY_derive_init(dctx) <= 0 ||
	    EVP_PKEY_derive_set_peer(dctx, ua) <= 0 ||
	    EVP_PKEY_derive(dctx, secret, &slen) <= 0 || slen != 32)
		goto out;
	/* IKM = HKDF(auth, ecdh_secret, "WebPush: info" 0 ua as, 32) */
	memcpy(info, "WebPush: info", 14);	/* with its NUL */
	memcpy(info + 14, ua_pub, 65);
	memcpy(info + 79, as_pub, 65);
	if (hmac256(auth, 16, secret, 32, NULL, 0, prk) != 0 ||
	    hmac256(prk, 32, info, sizeof info, &one, 1, ikm) != 0)
		goto out;
	/* RFC 8188: CEK and NONCE from the salt and IKM. */
	if (salt_in != NULL)
		memcpy(salt, salt_in, 16);
	else if (RAND_bytes(salt, 16) != 1)
		goto out;
	if (hmac256(salt, 16, ikm, 32, NULL, 0, prk) != 0 ||
	    hmac256(prk, 32, (const unsigned char *)
	    "Content-Encoding: aes128gcm\0\1", 29, NULL, 0, cek) != 0 ||
	    hmac256(prk, 32, (const unsigned char *)
	    "Content-Encoding: nonce\0\1", 25, NULL, 0, nonce) != 0)
		goto out;
	/* One record: the text, then 2 (the last record's delimiter). */
	rec = xmalloc(len + 1);
	memcpy(rec, plain, len);
	rec[len] = 2;
	o = xmalloc(86 + len + 1 + 16);
	memcpy(o, salt, 16);
	o[16] = (RECORD_SIZE >> 24) & 0xff;
	o[17] = (RECORD_SIZE >> 16) & 0xff;
	o[18] = (RECORD_SIZE >> 8) & 0xff;
	o[19] = RECORD_SIZE & 0xff;
	o[20] = 65;
	memcpy(o + 21, as_pub, 65);
	if ((cctx = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(cctx, EVP_aes_128_gcm(), NULL, cek, nonce) !=
	    1 || EVP_EncryptUpdate(cctx, o + 86, &n, rec, (int)len + 1) != 1 ||
	    EVP_EncryptFinal_ex(cctx, o + 86 + n, &fin) != 1 ||
	    EVP_CIPHER_CTX_ctrl(cctx, EVP_CTRL_GCM_GET_TAG, 16,
	    o + 86 + n + fin) != 1)
		goto out;
	*out = o;
	*outlen = 86 + (size_t)n + (size_t)fin + 16;
	o = NULL;
	rc = 0;
out:
	OPENSSL_cleanse(secret, sizeof secret);
	OPENSSL_cleanse(prk, sizeof prk);
	OPENSSL_cleanse(ikm, sizeof ikm);
	OPENSSL_cleanse(cek, sizeof cek);
	free(o);
	free(rec);
	EVP_CIPHER_CTX_free(cctx);
	EVP_PKEY_CTX_free(dctx);
	EVP_PKEY_free(ua);
	EVP_PKEY_free(as);
	return rc;
}

/*
 * RFC 8292 token for AUD: an ES256 JWT (raw r || s signature) with
 * aud, exp (TOKEN_LIFETIME ahead, under the 24 hours allowed) and sub.
 * xmalloc'd, or NULL.
 */
static char *
vapid_token(const char *aud)
{
	struct config	*cf = ws->srv->cf;
	EVP_MD_CTX	*md = NULL;
	ECDSA_SIG	*sig = NULL;
	const BIGNUM	*r, *s;
	const unsigned char *p;
	unsigned char	 der[128], raw[64];
	size_t		 derlen = sizeof der;
	char		*hdr, *claims, *body = NULL, *c64, *sig64, *tok = NULL,
			*sub = NULL;

	if (cf->webpush_subject != NULL)
		sub = xstrdup(cf->webpush_subject);
	else
		xasprintf(&sub, "https://%s", cf->server_name);
	hdr = webpush_b64url((const unsigned char *)
	    "{\"typ\":\"JWT\",\"alg\":\"ES256\"}", 27);
	/* aud and sub carry no '"' or '\\': parsed URLs / operator text. */
	xasprintf(&claims, "{\"aud\":\"%s\",\"exp\":%lld,\"sub\":\"%s\"}",
	    aud, (long long)time(NULL) + TOKEN_LIFETIME, sub);
	c64 = webpush_b64url((unsigned char *)claims, strlen(claims));
	xasprintf(&body, "%s.%s", hdr, c64);
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, ws->vapid) != 1 ||
	    EVP_DigestSign(md, der, &derlen, (unsigned char *)body,
	    strlen(body)) != 1)
		goto out;
	p = der;
	if ((sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen)) == NULL)
		goto out;
	ECDSA_SIG_get0(sig, &r, &s);
	if (BN_bn2binpad(r, raw, 32) != 32 || BN_bn2binpad(s, raw + 32, 32) !=
	    32)
		goto out;
	sig64 = webpush_b64url(raw, 64);
	xasprintf(&tok, "%s.%s", body, sig64);
	free(sig64);
out:
	ECDSA_SIG_free(sig);
	EVP_MD_CTX_free(md);
	free(hdr);
	free(claims);
	free(c64);
	free(body);
	free(sub);
	return tok;
}

/* Only printable ASCII without quotes goes into the token's JSON. */
static int
json_safe(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s >= 0x7f || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

/*
 * Read the VAPID key at PATH: 1 with *KEY, 0 when there is no file,
 * -1 with ERR when it cannot be read or is not a P-256 private key.
 */
static int
read_vapid(const char *path, EVP_PKEY **key, char *err, size_t errlen)
{
	FILE	*f;
	char	 group[64];

	*key = NULL;
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	*key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (*key == NULL || !EVP_PKEY_is_a(*key, "EC") ||
	    EVP_PKEY_get_utf8_string_param(*key, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof group, NULL) != 1 ||
	    strcmp(group, "prime256v1") != 0) {
		snprintf(err, errlen, "%s: not a P-256 private key", path);
		EVP_PKEY_free(*key);
		*key = NULL;
		return -1;
	}
	return 1;
}

/* The sub claim: a mailto: or https: URI fit for the token's JSON. */
static int
subject_ok(const char *s)
{
	return s == NULL || ((strncmp(s, "mailto:", 7) == 0 ||
	    strncmp(s, "https://", 8) == 0) && json_safe(s));
}

int
webpush_check_config(const struct config *cf, const char *state_dir,
    const char **key, char *err, size_t errlen)
{
	SSL_CTX		*ctx;
	EVP_PKEY	*pkey;
	char		*path;
	int		 rc;

	if (!cf->webpush)
		return 0;
	if (!subject_ok(cf->webpush_subject)) {
		*key = "webpush_subject";
		snprintf(err, errlen, "webpush_subject: a mailto: or https: "
		    "URI of printable ASCII without quotes or backslashes");
		return -1;
	}
	if (cf->webpush_ca_file != NULL) {
		ctx = SSL_CTX_new(TLS_client_method());
		rc = ctx != NULL && SSL_CTX_load_verify_file(ctx,
		    cf->webpush_ca_file) == 1;
		SSL_CTX_free(ctx);
		if (!rc) {
			*key = "webpush_ca_file";
			snprintf(err, errlen, "webpush_ca_file %s: no "
			    "certificates could be loaded",
			    cf->webpush_ca_file);
			return -1;
		}
	}
	path = config_path(state_dir, "vapid.pem");
	rc = read_vapid(path, &pkey, err, errlen);
	EVP_PKEY_free(pkey);
	free(path);
	if (rc < 0) {
		*key = "webpush";
		return -1;
	}
	return 0;
}

/*
 * STATE_DIR/vapid.pem: the VAPID key, made on the first start with
 * push on (mode 0600, like secret.key).
 */
static int
load_vapid(struct server *srv, char *err, size_t errlen)
{
	char		*path = server_state_path(srv, "vapid.pem");
	FILE		*f;
	EVP_PKEY	*key = NULL;
	unsigned char	 pub[65];
	int		 fd, rc = -1, got;

	if ((got = read_vapid(path, &key, err, errlen)) < 0)
		goto out;
	if (got == 0) {
		if ((key = p256_generate()) == NULL) {
			snprintf(err, errlen, "cannot make a VAPID key");
			goto out;
		}
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			if (fd != -1)
				close(fd);
			goto out;
		}
		got = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
		if (fclose(f) != 0 || got != 1) {
			snprintf(err, errlen, "%s: cannot write", path);
			unlink(path);
			goto out;
		}
		log_info("webpush: made a new VAPID key %s", path);
	}
	if (p256_point(key, pub) != 0) {
		snprintf(err, errlen, "%s: no public key", path);
		goto out;
	}
	ws->vapid = key;
	ws->vapid_pub = webpush_b64url(pub, sizeof pub);
	key = NULL;
	rc = 0;
out:
	EVP_PKEY_free(key);
	free(path);
	return rc;
}

int
webpush_init(struct server *srv, char *err, size_t errlen)
{
	if (!srv->cf->webpush || ws != NULL)
		return 0;
	ws = xcalloc(1, sizeof *ws);
	ws->srv = srv;
	TAILQ_INIT(&ws->queue);
	TAILQ_INIT(&ws->running);
	ws->rate = strmap_create();
	if (load_vapid(srv, err, errlen) != 0)
		goto fail;
	if ((ws->dns = evdns_base_new(srv->base,
	    EVDNS_BASE_INITIALIZE_NAMESERVERS)) == NULL &&
	    (ws->dns = evdns_base_new(srv->base, 0)) == NULL) {
		snprintf(err, errlen, "webpush: no resolver");
		goto fail;
	}
	/* /etc/hosts too, for names the operator keeps there. */
	evdns_base_load_hosts(ws->dns, NULL);
	if ((ws->ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ws->ctx, TLS1_2_VERSION) != 1) {
		snprintf(err, errlen, "webpush: no TLS client context");
		goto fail;
	}
	SSL_CTX_set_verify(ws->ctx, SSL_VERIFY_PEER, NULL);
	if (srv->cf->webpush_ca_file != NULL ? SSL_CTX_load_verify_file(
	    ws->ctx, srv->cf->webpush_ca_file) != 1 :
	    SSL_CTX_set_default_verify_paths(ws->ctx) != 1) {
		snprintf(err, errlen, "webpush: cannot load the trusted "
		    "certificates%s%s", srv->cf->webpush_ca_file != NULL ?
		    " of " : "", srv->cf->webpush_ca_file != NULL ?
		    srv->cf->webpush_ca_file : "");
		goto fail;
	}
	if (!subject_ok(srv->cf->webpush_subject)) {
		snprintf(err, errlen, "webpush_subject: a mailto: or https: "
		    "URI of printable ASCII without quotes or backslashes");
		goto fail;
	}
	log_info("webpush: on, VAPID key %s", ws->vapid_pub);
	return 0;
fail:
	webpush_free(srv);
	return -1;
}

static void
rate_free(const char *key, void *v, void *arg)
{
	(void)key;
	(void)arg;
	free(v);
}

struct rate_sweep {
	time_t	  now;
	char	**keys;
	size_t	  n;
};

static void
rate_stale(const char *key, void *v, void *arg)
{
	struct rate_sweep	*sw = arg;
	struct wp_rate		*r = v;

	if (sw->now - r->start >= WEBPUSH_RATE_WINDOW) {
		sw->keys = xreallocarray(sw->keys, sw->n + 1, sizeof *sw->keys);
		sw->keys[sw->n++] = xstrdup(key);
	}
}

/*
 * May ACCOUNT be pushed to now?  At most WEBPUSH_RATE_MAX pushes per
 * WEBPUSH_RATE_WINDOW (the spec asks for a notification rate limit; a
 * phone told a few times knows).  Windows that ended are swept when
 * many accounts are counted, so the map stays small.
 */
static int
rate_ok(const char *account)
{
	struct rate_sweep	 sw;
	struct wp_rate		*r;
	char			 key[128];
	time_t			 now = time(NULL);
	size_t			 i;

	snprintf(key, sizeof key, "%s", account);
	for (i = 0; key[i] != '\0'; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
	if (strmap_count(ws->rate) > 4096) {
		memset(&sw, 0, sizeof sw);
		sw.now = now;
		strmap_foreach(ws->rate, rate_stale, &sw);
		for (i = 0; i < sw.n; i++) {
			free(strmap_del(ws->rate, sw.keys[i]));
			free(sw.keys[i]);
		}
		free(sw.keys);
	}
	if ((r = strmap_get(ws->rate, key)) == NULL) {
		r = xcalloc(1, sizeof *r);
		strmap_put(ws->rate, key, r);
	}
	if (now - r->start >= WEBPUSH_RATE_WINDOW) {
		r->start = now;
		r->n = 0;
	}
	if (r->n >= WEBPUSH_RATE_MAX)
		return 0;
	r->n++;
	return 1;
}

static void
job_free(struct wp_job *j)
{
	if (j->bev != NULL)
		bufferevent_free(j->bev);
	webpush_url_clear(&j->url);
	free(j->account);
	free(j->endpoint);
	free(j->body);
	free(j);
}

void
webpush_free(struct server *srv)
{
	struct wp_job	*j;

	(void)srv;
	if (ws == NULL)
		return;
	while ((j = TAILQ_FIRST(&ws->queue)) != NULL) {
		TAILQ_REMOVE(&ws->queue, j, entry);
		job_free(j);
	}
	/*
	 * A job still resolving is freed by its callback, if that ever
	 * runs (evdns calls back later even when cancelled).
	 */
	while ((j = TAILQ_FIRST(&ws->running)) != NULL) {
		TAILQ_REMOVE(&ws->running, j, entry);
		if (j->req != NULL) {
			j->orphan = 1;
			evdns_getaddrinfo_cancel(j->req);
		} else
			job_free(j);
	}
	if (ws->dns != NULL)
		evdns_base_free(ws->dns, 0);
	if (ws->rate != NULL) {
		strmap_foreach(ws->rate, rate_free, NULL);
		strmap_free(ws->rate);
	}
	if (ws->ctx != NULL)
		SSL_CTX_free(ws->ctx);
	EVP_PKEY_free(ws->vapid);
	free(ws->vapid_pub);
	free(ws);
	ws = NULL;
}

const char *
webpush_vapid_key(struct server *srv)
{
	if (ws == NULL || !srv->cf->webpush)
		return NULL;
	return ws->vapid_pub;
}

/* KEYS "p256dh=...;auth=..." (any order, other keys ignored). */
static int
parse_keys(const char *keys, char **p256dh, char **auth)
{
	char		*copy = xstrdup(keys), *item, *save = NULL, *v;
	unsigned char	 buf[80];
	size_t		 n;
	EVP_PKEY	*k;

	*p256dh = *auth = NULL;
	for (item = strtok_r(copy, ";", &save); item != NULL;
	    item = strtok_r(NULL, ";", &save)) {
		if ((v = strchr(item, '=')) == NULL)
			continue;
		*v++ = '\0';
		if (strcmp(item, "p256dh") == 0 && *p256dh == NULL)
			*p256dh = xstrdup(v);
		else if (strcmp(item, "auth") == 0 && *auth == NULL)
			*auth = xstrdup(v);
	}
	free(copy);
	if (*p256dh == NULL || *auth == NULL ||
	    webpush_unb64url(*auth, buf, sizeof buf, &n) != 0 || n != 16 ||
	    webpush_unb64url(*p256dh, buf, sizeof buf, &n) != 0 || n != 65 ||
	    (k = p256_public(buf)) == NULL)
		goto bad;
	EVP_PKEY_free(k);
	return 0;
bad:
	free(*p256dh);
	free(*auth);
	*p256dh = *auth = NULL;
	return -1;
}

/* Store the subscription, within the per-account bound. */
static int
reg_store(struct server *srv, const char *account, const char *endpoint,
    const char *p256dh, const char *auth)
{
	struct store	*st = srv->store;
	int64_t		 others = 0;
	int		 rc;

	if (store_begin(st) != STORE_OK)
		return WEBPUSH_INTERNAL;
	if (store_webpush_expire(st, account, (int64_t)time(NULL) -
	    WEBPUSH_EXPIRE_DAYS * 86400LL) != STORE_OK ||
	    store_webpush_count_others(st, account, endpoint, &others) !=
	    STORE_OK) {
		store_rollback(st);
		return WEBPUSH_INTERNAL;
	}
	if (others >= WEBPUSH_MAX_SUBS) {
		store_rollback(st);
		return WEBPUSH_MAX_REACHED;
	}
	rc = store_webpush_put(st, account, endpoint, p256dh, auth,
	    (int64_t)time(NULL));
	if (rc != STORE_OK) {
		store_rollback(st);
		return WEBPUSH_INTERNAL;
	}
	if (store_commit(st) != STORE_OK)
		return WEBPUSH_INTERNAL;
	log_info("webpush: account=%s registered a subscription", account);
	return WEBPUSH_OK;
}

static void
reg_free(struct wp_reg *r)
{
	free(r->account);
	free(r->endpoint);
	free(r->p256dh);
	free(r->auth);
	free(r);
}

/* Every address of AI may be reached (or allow_private says so). */
static int
addrs_allowed(struct server *srv, struct evutil_addrinfo *ai)
{
	if (ai == NULL)
		return 0;
	if (srv->cf->webpush_allow_private)
		return 1;
	for (; ai != NULL; ai = ai->ai_next)
		if (webpush_addr_refused(ai->ai_addr))
			return 0;
	return 1;
}

static void
reg_cancel(void *arg)
{
	struct wp_reg	*r = arg;

	r->c = NULL;
	if (r->req != NULL)
		evdns_getaddrinfo_cancel(r->req);
}

static void
reg_resolved(int result, struct evutil_addrinfo *ai, void *arg)
{
	struct wp_reg	*r = arg;
	int		 rc;

	r->req = NULL;
	if (result == EVUTIL_EAI_CANCEL || (r->c == NULL && !r->starting)) {
		if (ai != NULL)
			evutil_freeaddrinfo(ai);
		reg_free(r);
		return;
	}
	if (result != 0 || !addrs_allowed(r->srv, ai))
		rc = WEBPUSH_BAD_ENDPOINT;
	else
		rc = reg_store(r->srv, r->account, r->endpoint, r->p256dh,
		    r->auth);
	if (ai != NULL)
		evutil_freeaddrinfo(ai);
	if (r->starting) {
		r->early_rc = rc;
		return;
	}
	/* Input may go on after DONE. */
	conn_unwait(r->c);
	if (!conn_is_closing(r->c))
		r->done(r->c, r->endpoint, rc);
	reg_free(r);
}

int
webpush_register(struct server *srv, struct conn *c, const char *account,
    const char *endpoint, const char *keys, webpush_done_fn done)
{
	struct webpush_url	 u;
	struct evutil_addrinfo	 hints;
	struct wp_reg		*r;
	char			*p256dh, *auth;
	int			 rc;

	if (webpush_vapid_key(srv) == NULL)
		return WEBPUSH_DISABLED;
	if (webpush_url_parse(endpoint, &u) != 0)
		return WEBPUSH_BAD_ENDPOINT;
	if (parse_keys(keys, &p256dh, &auth) != 0) {
		webpush_url_clear(&u);
		return WEBPUSH_BAD_KEYS;
	}
	r = xcalloc(1, sizeof *r);
	r->srv = srv;
	r->c = c;
	r->account = xstrdup(account);
	r->endpoint = xstrdup(endpoint);
	r->p256dh = p256dh;
	r->auth = auth;
	r->done = done;
	r->early_rc = -1;
	r->starting = 1;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	/* A literal address or a name in the hosts file answers at once. */
	r->req = evdns_getaddrinfo(ws->dns, u.host, u.port, &hints,
	    reg_resolved, r);
	webpush_url_clear(&u);
	r->starting = 0;
	if (r->early_rc != -1) {
		rc = r->early_rc;
		reg_free(r);
		return rc;
	}
	if (r->req == NULL) {
		/* Answered with an error during the call. */
		reg_free(r);
		return WEBPUSH_BAD_ENDPOINT;
	}
	conn_wait(c, reg_cancel, r);
	return WEBPUSH_PENDING;
}

int
webpush_count(struct server *srv, const char *account)
{
	int64_t	n = 0;

	/* Every endpoint differs from "": the count of all of them. */
	if (store_webpush_count_others(srv->store, account, "", &n) !=
	    STORE_OK)
		return -1;
	return (int)n;
}

int
webpush_unregister(struct server *srv, const char *account,
    const char *endpoint)
{
	if (store_webpush_del(srv->store, account, endpoint) != STORE_OK)
		return WEBPUSH_INTERNAL;
	return WEBPUSH_OK;
}

/* Queue one encrypted push for SUB. */
static void
enqueue(const char *account, const struct webpush_sub *sub,
    const char *line)
{
	struct wp_job	*j;
	unsigned char	 pub[80], auth[80];
	size_t		 npub, nauth;

	if (ws->nqueued >= WEBPUSH_QUEUE_MAX) {
		log_warnx("webpush: queue full, a push to account=%s dropped",
		    account);
		return;
	}
	j = xcalloc(1, sizeof *j);
	if (webpush_url_parse(sub->endpoint, &j->url) != 0 ||
	    webpush_unb64url(sub->p256dh, pub, sizeof pub, &npub) != 0 ||
	    npub != 65 || webpush_unb64url(sub->auth, auth, sizeof auth,
	    &nauth) != 0 || nauth != 16 || webpush_encrypt(pub, auth,
	    (const unsigned char *)line, strlen(line), NULL, &j->body,
	    &j->bodylen) != 0) {
		log_warnx("webpush: account=%s has a bad subscription",
		    account);
		job_free(j);
		return;
	}
	j->account = xstrdup(account);
	j->endpoint = xstrdup(sub->endpoint);
	TAILQ_INSERT_TAIL(&ws->queue, j, entry);
	ws->nqueued++;
}

void
webpush_send(struct server *srv, const char *account, const char *line)
{
	struct webpush_sub	*subs = NULL;
	int			 n, i;

	if (webpush_vapid_key(srv) == NULL)
		return;
	if (strlen(line) > WEBPUSH_PAYLOAD_MAX) {
		log_info("webpush: a line too long for a push was not sent");
		return;
	}
	/* Subscriptions not renewed for a while are taken as abandoned. */
	if (store_webpush_expire(srv->store, account, (int64_t)time(NULL) -
	    WEBPUSH_EXPIRE_DAYS * 86400LL) != STORE_OK)
		return;
	if (!rate_ok(account)) {
		log_debug("webpush: account=%s over its push rate", account);
		return;
	}
	n = store_webpush_subs(srv->store, account, WEBPUSH_MAX_SUBS, &subs);
	for (i = 0; i < n; i++)
		enqueue(account, &subs[i], line);
	if (n > 0)
		store_webpush_free(subs, n);
	job_next();
}

/* Start queued jobs while fewer than WEBPUSH_RUNNING_MAX run. */
static void
job_next(void)
{
	struct wp_job	*j;

	while (ws->nrunning < WEBPUSH_RUNNING_MAX &&
	    (j = TAILQ_FIRST(&ws->queue)) != NULL) {
		TAILQ_REMOVE(&ws->queue, j, entry);
		TAILQ_INSERT_TAIL(&ws->running, j, entry);
		ws->nqueued--;
		ws->nrunning++;
		job_start(j);
	}
}

/* The exchange is over (answered or failed): free J, start the next. */
static void
job_done(struct wp_job *j)
{
	TAILQ_REMOVE(&ws->running, j, entry);
	job_free(j);
	ws->nrunning--;
	job_next();
}

/* The push service's status line. */
static void
job_read(struct bufferevent *bev, void *arg)
{
	struct wp_job	*j = arg;
	char		*line;
	int		 status = 0;
	size_t		 n;

	if ((line = evbuffer_readln(bufferevent_get_input(bev), &n,
	    EVBUFFER_EOL_CRLF)) == NULL) {
		if (evbuffer_get_length(bufferevent_get_input(bev)) > 1024)
			goto done;
		return;
	}
	if (sscanf(line, "HTTP/1.%*1d %3d", &status) != 1)
		status = 0;
	free(line);
	if (status == 404 || status == 410) {
		/* RFC 8030 section 7.3: the subscription is gone. */
		log_info("webpush: account=%s subscription expired (%d), "
		    "dropped", j->account, status);
		store_webpush_del(ws->srv->store, j->account, j->endpoint);
	} else if (status < 200 || status > 299)
		log_info("webpush: push to account=%s refused (%d)",
		    j->account, status);
	else
		log_debug("webpush: pushed to account=%s (%d)", j->account,
		    status);
done:
	job_done(j);
}

static void
job_event(struct bufferevent *bev, short what, void *arg)
{
	struct wp_job	*j = arg;
	unsigned long	 e;
	char		 buf[256] = "";

	if (what & BEV_EVENT_CONNECTED)
		return;
	if ((e = bufferevent_get_openssl_error(bev)) != 0)
		ERR_error_string_n(e, buf, sizeof buf);
	log_info("webpush: push to account=%s failed: %s%s%s",
	    j->account, (what & BEV_EVENT_TIMEOUT) ? "timeout" :
	    (what & BEV_EVENT_EOF) ? "closed" : "error",
	    buf[0] != '\0' ? " " : "", buf);
	job_done(j);
}

/*
 * Resolved: connect to the first address that may be reached -- the
 * address checked is the one connected to -- and send the request.
 */
static void
job_resolved(int result, struct evutil_addrinfo *ai, void *arg)
{
	struct wp_job		*j = arg;
	struct evutil_addrinfo	*a;
	struct timeval		 tv = { PUSH_TIMEOUT, 0 };
	struct evbuffer		*out;
	SSL			*ssl;
	char			*tok;

	j->req = NULL;
	if (j->orphan) {
		if (ai != NULL)
			evutil_freeaddrinfo(ai);
		job_free(j);
		return;
	}
	if (result != 0) {
		log_info("webpush: endpoint of account=%s not resolved: %s",
		    j->account, evutil_gai_strerror(result));
		goto fail;
	}
	for (a = ai; a != NULL; a = a->ai_next)
		if (ws->srv->cf->webpush_allow_private ||
		    !webpush_addr_refused(a->ai_addr))
			break;
	if (a == NULL) {
		log_info("webpush: endpoint of account=%s has no address "
		    "that may be reached", j->account);
		goto fail;
	}
	if ((ssl = SSL_new(ws->ctx)) == NULL)
		goto fail;
	if (j->url.literal)
		X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), j->url.host);
	else {
		SSL_set_tlsext_host_name(ssl, j->url.host);
		SSL_set1_host(ssl, j->url.host);
	}
	j->bev = bufferevent_openssl_socket_new(ws->srv->base, -1, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE |
	    BEV_OPT_DEFER_CALLBACKS);
	if (j->bev == NULL) {
		SSL_free(ssl);
		goto fail;
	}
	bufferevent_setcb(j->bev, job_read, NULL, job_event, j);
	bufferevent_set_timeouts(j->bev, &tv, &tv);
	if ((tok = vapid_token(j->url.origin)) == NULL)
		goto fail;
	out = bufferevent_get_output(j->bev);
	evbuffer_add_printf(out, "POST %s HTTP/1.1\r\nHost: %s\r\n"
	    "TTL: %d\r\nUrgency: high\r\nContent-Encoding: aes128gcm\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "Content-Length: %zu\r\nAuthorization: vapid t=%s, k=%s\r\n"
	    "Connection: close\r\n\r\n", j->url.path, j->url.hostport,
	    PUSH_TTL, j->bodylen, tok, ws->vapid_pub);
	evbuffer_add(out, j->body, j->bodylen);
	free(tok);
	bufferevent_enable(j->bev, EV_READ | EV_WRITE);
	if (bufferevent_socket_connect(j->bev, a->ai_addr,
	    (int)a->ai_addrlen) != 0) {
		log_info("webpush: cannot connect for account=%s", j->account);
		goto fail;
	}
	evutil_freeaddrinfo(ai);
	return;
fail:
	if (ai != NULL)
		evutil_freeaddrinfo(ai);
	job_done(j);
}

static void
job_start(struct wp_job *j)
{
	struct evutil_addrinfo	hints;
	struct evdns_getaddrinfo_request *req;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	req = evdns_getaddrinfo(ws->dns, j->url.host, j->url.port, &hints,
	    job_resolved, j);
	/* NULL: answered already (job_resolved ran and may have freed J). */
	if (req != NULL)
		j->req = req;
}
