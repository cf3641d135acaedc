/*
 * proxy.c -- PROXY protocol v1 (a text line) and v2 (binary) headers.
 *
 * v1: "PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n" or "PROXY UNKNOWN...\r\n",
 * at most 107 bytes, single spaces, addresses as inet_pton reads them
 * and of the named family, ports 0-65535 without leading zeros.
 * v2: the 12-byte signature, version 2 with LOCAL or PROXY, a family
 * byte and a 16-bit length of what follows (addresses, then TLVs, which
 * are skipped).  Only TCP over IPv4/IPv6 carries an address we use.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "proxy.h"

static const unsigned char v2sig[12] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a
};
static const char v1sig[] = "PROXY ";

/* 1 when S (NUL-terminated) is a port: 0-65535, no leading zero. */
static int
port_ok(const char *s, unsigned *out)
{
	unsigned	v = 0;
	size_t		i, n = strlen(s);

	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 65535)
		return 0;
	*out = v;
	return 1;
}

static int
parse_v1(const unsigned char *buf, size_t len, struct proxy_hdr *h)
{
	char		 line[PROXY_V1_MAX + 1], *f[6], *p;
	size_t		 i, end, nf = 0;
	unsigned	 sport, dport;
	unsigned char	 addr[16];
	int		 af;

	/* The signature, as far as we have it. */
	for (i = 0; i < len && i < sizeof v1sig - 1; i++)
		if (buf[i] != (unsigned char)v1sig[i])
			return PROXY_BAD;
	for (end = 0; end < len && end < PROXY_V1_MAX; end++)
		if (buf[end] == '\n')
			break;
	if (end == len)
		return len < PROXY_V1_MAX ? PROXY_MORE : PROXY_BAD;
	if (end == PROXY_V1_MAX || end < sizeof v1sig || buf[end - 1] != '\r')
		return PROXY_BAD;
	memcpy(line, buf, end - 1);
	line[end - 1] = '\0';
	/* No NUL, CR or other control bytes inside the line. */
	for (i = 0; i < end - 1; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] ==
		    0x7f)
			return PROXY_BAD;
	memset(h, 0, sizeof *h);
	h->version = 1;
	if (strncmp(line + 6, "UNKNOWN", 7) == 0 && (line[13] == '\0' ||
	    line[13] == ' ')) {
		h->family = AF_UNSPEC;
		return (int)end + 1;
	}
	/* Exactly six fields, separated by single spaces. */
	for (p = line; nf < 6; nf++) {
		f[nf] = p;
		if ((p = strchr(p, ' ')) == NULL) {
			nf++;
			break;
		}
		*p++ = '\0';
	}
	if (nf != 6 || p != NULL)
		return PROXY_BAD;
	for (i = 1; i < 6; i++)
		if (*f[i] == '\0')
			return PROXY_BAD;
	if (strcmp(f[1], "TCP4") == 0)
		af = AF_INET;
	else if (strcmp(f[1], "TCP6") == 0)
		af = AF_INET6;
	else
		return PROXY_BAD;
	if (inet_pton(af, f[3], addr) != 1 || inet_pton(af, f[2], addr) != 1 ||
	    !port_ok(f[4], &sport) || !port_ok(f[5], &dport))
		return PROXY_BAD;
	h->family = af;
	if (af == AF_INET) {
		struct sockaddr_in	*in = (struct sockaddr_in *)&h->src;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, addr, 4);
		in->sin_port = htons((unsigned short)sport);
		h->srclen = sizeof *in;
	} else {
		struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)&h->src;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, addr, 16);
		in6->sin6_port = htons((unsigned short)sport);
		h->srclen = sizeof *in6;
	}
	return (int)end + 1;
}

static int
parse_v2(const unsigned char *buf, size_t len, struct proxy_hdr *h)
{
	size_t		i, total, need;
	unsigned	cmd, fam, proto;

	for (i = 0; i < len && i < sizeof v2sig; i++)
		if (buf[i] != v2sig[i])
			return PROXY_BAD;
	if (len < 16)
		return len > 12 && (buf[12] >> 4) != 2 ? PROXY_BAD : PROXY_MORE;
	cmd = buf[12] & 0x0f;
	fam = buf[13] >> 4;
	proto = buf[13] & 0x0f;
	total = 16 + ((size_t)buf[14] << 8 | buf[15]);
	if ((buf[12] >> 4) != 2 || cmd > 1 || fam > 3 || proto > 2 ||
	    total > PROXY_V2_MAX)
		return PROXY_BAD;
	need = fam == 1 ? 12 : fam == 2 ? 36 : fam == 3 ? 216 : 0;
	if (total - 16 < need)
		return PROXY_BAD;
	if (len < total)
		return PROXY_MORE;
	memset(h, 0, sizeof *h);
	h->version = 2;
	h->family = AF_UNSPEC;
	/* LOCAL (a health check), UNSPEC, UNIX or DGRAM: keep our own. */
	if (cmd == 0 || proto != 1 || (fam != 1 && fam != 2))
		return (int)total;
	if (fam == 1) {
		struct sockaddr_in	*in = (struct sockaddr_in *)&h->src;

		in->sin_family = AF_INET;
		memcpy(&in->sin_addr, buf + 16, 4);
		memcpy(&in->sin_port, buf + 24, 2);
		h->srclen = sizeof *in;
		h->family = AF_INET;
	} else {
		struct sockaddr_in6	*in6 = (struct sockaddr_in6 *)&h->src;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, buf + 16, 16);
		memcpy(&in6->sin6_port, buf + 48, 2);
		h->srclen = sizeof *in6;
		h->family = AF_INET6;
	}
	return (int)total;
}

int
proxy_parse(const unsigned char *buf, size_t len, struct proxy_hdr *h)
{
	if (len == 0)
		return PROXY_MORE;
	if (buf[0] == 'P')
		return parse_v1(buf, len, h);
	if (buf[0] == 0x0d)
		return parse_v2(buf, len, h);
	return PROXY_BAD;
}

size_t
proxy_format_v1(const struct proxy_hdr *h, unsigned short dport, char *out,
    size_t outlen)
{
	char	a[INET6_ADDRSTRLEN];
	int	n;

	if (h->family == AF_INET) {
		const struct sockaddr_in *in = (const void *)&h->src;

		inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
		n = snprintf(out, outlen, "PROXY TCP4 %s 127.0.0.1 %u %u\r\n",
		    a, ntohs(in->sin_port), dport);
	} else if (h->family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)&h->src;

		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
		n = snprintf(out, outlen, "PROXY TCP6 %s ::1 %u %u\r\n", a,
		    ntohs(in6->sin6_port), dport);
	} else
		n = snprintf(out, outlen, "PROXY UNKNOWN\r\n");
	return n < 0 || (size_t)n >= outlen ? 0 : (size_t)n;
}
