/*
 * rooms.h -- what happens to a chat room as a whole: a rename (IRCv3
 * draft/channel-rename) moves its stored record, its history and the
 * moderators' sanctions scoped to it, in one transaction.
 */
#ifndef HEARTH_ROOMS_H
#define HEARTH_ROOMS_H

#include "hearth.h"

/*
 * Room OLD (folded OLD_FOLD) is now NAME (folded FOLD): the rooms row
 * if it has one, every stored line, and active bans and mutes scoped to
 * OLD follow; ACTOR's rename is audited.  0, or -1 on a database error
 * (then nothing changed).
 */
int	 room_rename(struct server *, const char *actor, const char *old,
	    const char *old_fold, const char *name, const char *fold);

#endif
