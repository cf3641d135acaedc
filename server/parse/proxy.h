/*
 * proxy.h -- the PROXY protocol header (HAProxy's proxy-protocol.txt,
 * versions 1 and 2) that a reverse proxy sends first on a connection to
 * name the client it relays.  Pure: bytes in, addresses out.
 */
#ifndef HEARTH_PROXY_H
#define HEARTH_PROXY_H

#include <sys/socket.h>
#include <stddef.h>

#define PROXY_V1_MAX	107		/* the whole line, CR LF included */
#define PROXY_V2_MAX	(16 + 4096)	/* header and TLVs we accept */
#define PROXY_MAX	PROXY_V2_MAX

#define PROXY_MORE	0		/* a valid beginning: read on */
#define PROXY_BAD	(-1)		/* not a PROXY header */

struct proxy_hdr {
	int			version;	/* 1 or 2 */
	/*
	 * AF_INET or AF_INET6 with the client's address in SRC; AF_UNSPEC
	 * for v1 UNKNOWN, v2 LOCAL and families other than TCP over IP:
	 * the connection keeps its own address.
	 */
	int			family;
	struct sockaddr_storage	src;
	socklen_t		srclen;
};

/*
 * Parse the header at the start of BUF (LEN bytes).  Returns its length
 * (> 0) and fills H; PROXY_MORE when BUF is a valid beginning of a
 * header but not all of it (every proper prefix of a valid header gives
 * PROXY_MORE); PROXY_BAD when BUF cannot begin a valid header.  Never
 * reads past LEN nor past PROXY_MAX bytes.
 */
int	proxy_parse(const unsigned char *buf, size_t len, struct proxy_hdr *h);

/* A v1 line for H (AF_INET/AF_INET6 or UNKNOWN) into OUT; its length. */
size_t	proxy_format_v1(const struct proxy_hdr *h, unsigned short dport,
	    char *out, size_t outlen);

#endif
