/*
 * fuzz_proxy.c -- server/parse/proxy.c: PROXY protocol v1 and v2.
 *
 * Checked for any input x:
 *  - the result is PROXY_BAD, PROXY_MORE or a length 1..min(|x|,
 *    PROXY_MAX); a v1 header is at most 107 bytes and ends in CR LF;
 *  - incremental reading is consistent: when x parses as a header of n
 *    bytes, every proper prefix of x gives PROXY_MORE and x[0..n) gives
 *    n again with the same address; when x is PROXY_MORE so is every
 *    prefix (hence a prefix found bad stays bad whatever follows);
 *  - an address read is of the family announced, and a v1 line made
 *    from it (proxy_format_v1) parses back to the same address.
 */
#include <string.h>

#include "fuzz.h"
#include "proxy.h"

static int
same_addr(const struct proxy_hdr *a, const struct proxy_hdr *b)
{
	if (a->family != b->family)
		return 0;
	if (a->family == AF_UNSPEC)
		return 1;
	return a->srclen == b->srclen && memcmp(&a->src, &b->src,
	    a->srclen) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_hdr	h, h2;
	char			line[PROXY_V1_MAX + 1];
	size_t			i, n;
	int			r, r2;

	memset(&h, 0, sizeof h);
	r = proxy_parse(data, size, &h);
	FUZZ_CHECK(r == PROXY_BAD || r == PROXY_MORE || (r > 0 &&
	    (size_t)r <= size && r <= PROXY_MAX));
	if (r > 0) {
		FUZZ_CHECK(h.version == 1 || h.version == 2);
		if (h.version == 1)
			FUZZ_CHECK(r <= PROXY_V1_MAX && data[r - 2] == '\r' &&
			    data[r - 1] == '\n');
		FUZZ_CHECK(h.family == AF_UNSPEC || h.family == AF_INET ||
		    h.family == AF_INET6);
		if (h.family != AF_UNSPEC)
			FUZZ_CHECK(h.src.ss_family == h.family);
		for (i = 0; i < (size_t)r; i++)
			FUZZ_CHECK(proxy_parse(data, i, &h2) == PROXY_MORE);
		memset(&h2, 0, sizeof h2);
		FUZZ_CHECK(proxy_parse(data, (size_t)r, &h2) == r);
		FUZZ_CHECK(same_addr(&h, &h2));
		n = proxy_format_v1(&h, 119, line, sizeof line);
		FUZZ_CHECK(n > 0);
		memset(&h2, 0, sizeof h2);
		r2 = proxy_parse((const uint8_t *)line, n, &h2);
		FUZZ_CHECK(r2 == (int)n);
		FUZZ_CHECK(same_addr(&h, &h2));
	} else if (r == PROXY_MORE) {
		/*
		 * A beginning: every shorter prefix is one too (so a prefix
		 * found bad stays bad whatever follows).
		 */
		for (i = 0; i < size; i++)
			FUZZ_CHECK(proxy_parse(data, i, &h2) == PROXY_MORE);
	}
	return 0;
}
