/*
 * nntp.h -- the NNTP reader service (RFC 3977 and extensions).
 */
#ifndef HEARTH_NNTP_H
#define HEARTH_NNTP_H

#include <stddef.h>

#include "conn.h"

extern const struct proto_ops nntp_ops;

/* Post an article as the server (event announcements). */
int	nntp_post_system(struct server *, const char *group,
	    const char *subject, const char *body, char *msgid,
	    size_t msgidlen);

/* Register the article hooks with the moderation engine. */
void	nntp_mod_init(struct server *);

#endif
