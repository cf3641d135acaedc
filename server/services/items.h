/*
 * items.h -- moderation decisions applied to stored items.
 */
#ifndef HEARTH_ITEMS_H
#define HEARTH_ITEMS_H

#include <stddef.h>

#include "hearth.h"

/*
 * Apply ACTION (approve, reject, hide, unhide) to the item ITEM_TYPE
 * ("article": REF a Message-ID; "chat": REF a msgid; "user": nothing) in
 * the caller's transaction.  0, or -1 with the reason in MSG.
 */
int	 items_apply(struct server *, const char *item_type, const char *ref,
	    const char *action, const char *actor, char *msg, size_t msglen);

#endif
