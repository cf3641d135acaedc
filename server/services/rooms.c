/*
 * rooms.c -- a chat room renamed (IRCv3 draft/channel-rename).  The
 * stored record (topic, modes, masks hang off its id), the history
 * (chat_messages.target is the folded name) and the sanctions scoped to
 * the room all take the new name together, so a rename neither loses a
 * room's past nor lets anyone out of a room ban or mute.
 */
#include <stdio.h>

#include "log.h"
#include "modq.h"
#include "rooms.h"
#include "store.h"
#include "store-chat.h"
#include "store-modq.h"

int
room_rename(struct server *srv, const char *actor, const char *old,
    const char *old_fold, const char *name, const char *fold)
{
	if (store_begin(srv->store) != STORE_OK)
		return -1;
	if (store_room_rename(srv->store, old_fold, name, fold) != STORE_OK ||
	    store_sanction_rescope(srv->store, old, name) != STORE_OK ||
	    store_audit(srv->store, actor, "room.rename", old, name) !=
	    STORE_OK || store_commit(srv->store) != STORE_OK) {
		store_rollback(srv->store);
		log_warnx("room rename %s -> %s failed", old, name);
		return -1;
	}
	modq_sanctions_reload(srv);
	return 0;
}
