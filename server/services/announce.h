/*
 * announce.h -- articles the server posts itself.
 */
#ifndef HEARTH_ANNOUNCE_H
#define HEARTH_ANNOUNCE_H

#include <stddef.h>

#include "hearth.h"

/*
 * Post SUBJECT/BODY (UTF-8, LF line ends) to GROUP as the server.  The
 * Message-ID goes to MSGID (MSGIDLEN bytes).  0, or -1 after logging.
 */
int	 announce_post(struct server *, const char *group,
	    const char *subject, const char *body, char *msgid,
	    size_t msgidlen);

#endif
