/*
 * export.h -- everything stored about a member, in formats that can be
 * read without Hearth.
 *
 * The archive has two files:
 *	member.json	the profile, the list of their articles (id, time,
 *			state, groups), their chat messages, the reports they
 *			filed (not reports about them), the private groups
 *			whose access list holds them, their feed tokens
 *			(id, label, created, last used: never the token)
 *			and their sign-in records (time, protocol, keyed
 *			address hash);
 *	articles.mbox	their articles in full, as mboxrd (RFC 4155): a
 *			"From " separator line per article, lines starting
 *			with ">*From " quoted with one more ">".
 */
#ifndef HEARTH_EXPORT_H
#define HEARTH_EXPORT_H

#include <event2/buffer.h>

#include "hearth.h"

/* STORE_OK, STORE_NOTFOUND (no such account) or STORE_ERROR. */
int	export_member(struct server *, const char *name, struct evbuffer *json,
	    struct evbuffer *mbox);
/* JSON string with escapes, for any bytes (invalid UTF-8 -> U+FFFD). */
void	json_add_string(struct evbuffer *, const char *s, size_t len);

#endif
