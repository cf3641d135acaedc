/*
 * store-chat.h -- live talk in the database: room and private-message
 * history, persistent room state (topic, modes, key, limit,
 * ban/exception/invite lists) and small server state (the cloak key).
 * The statements live in store-chat.c, prepared once when the store
 * opens.
 */
#ifndef HEARTH_STORE_CHAT_H
#define HEARTH_STORE_CHAT_H

#include <stdint.h>

#include "store.h"

/*
 * One stored channel or private message.  Strings are owned by the
 * struct.  A private message's target is its conversation key (see
 * store_dm_key()) and SHOWN the target it was delivered with.
 */
struct chat_msg {
	int64_t	 id;
	int64_t	 time;		/* milliseconds since the epoch */
	char	*msgid;
	char	*target;	/* case-folded channel name */
	char	*command;	/* PRIVMSG, NOTICE, or a channel event */
	char	*source;	/* nick!user@cloak at the time */
	char	*account;	/* NULL: not logged in */
	char	*sender;	/* session id, for redaction rights */
	char	*tags;		/* escaped client-only tags, or NULL */
	char	*text;		/* an event: what follows its target */
	char	*shown;		/* private: target as delivered; else NULL */
};

void	 chat_msg_clear(struct chat_msg *);
/* Insert M (autocommit: durable once this returns STORE_OK). */
int	 store_chat_insert(struct store *, const struct chat_msg *m);
typedef void (*store_chat_cb)(const struct chat_msg *, void *);
/*
 * Messages of TARGET strictly between (LO_T, LO_ID) and (HI_T, HI_ID),
 * ordered by (time, id), at most LIMIT, latest first when DESC.
 */
int	 store_chat_range(struct store *, const char *target, int64_t lo_t,
	    int64_t lo_id, int64_t hi_t, int64_t hi_id, int desc, int limit,
	    store_chat_cb, void *);
/*
 * The same, with channel events (JOIN, PART, QUIT, TOPIC, MODE, KICK:
 * draft/event-playback) too when EVENTS; store_chat_range() leaves them
 * out.
 */
int	 store_chat_range_ev(struct store *, const char *target,
	    int64_t lo_t, int64_t lo_id, int64_t hi_t, int64_t hi_id,
	    int desc, int limit, int events, store_chat_cb, void *);
/* Look a message up by msgid; fills M (caller clears). */
int	 store_chat_get(struct store *, const char *msgid, struct chat_msg *);
int	 store_chat_delete(struct store *, const char *msgid);
int	 store_chat_hide(struct store *, const char *msgid, int hidden);
int	 store_chat_publish(struct store *, const char *msgid, int64_t ms);
int	 store_chat_by_account(struct store *, const char *account,
	    store_chat_cb, void *);
int	 store_chat_erase(struct store *, const char *account,
	    const char *placeholder, int remove);
/* Time of the latest message of TARGET in (LO, HI), or STORE_NOTFOUND. */
int	 store_chat_last_time(struct store *, const char *target, int64_t lo,
	    int64_t hi, int64_t *out);

/*
 * Private messages (migration 10).  An end is "a:" and a folded account
 * name, or "n:" and a folded nick.  store_dm_key() writes the key of the
 * conversation of E1 and E2 (in either order) to BUF.
 */
void	 store_dm_key(const char *e1, const char *e2, char *buf, size_t len);
/* The end "a:name" (folded) of ACCOUNT's private conversations. */
void	 store_dm_account_end(const char *account, char *buf, size_t len);
int	 store_dm_party_add(struct store *, const char *party,
	    const char *conv, const char *peer);
typedef void (*store_dm_conv_cb)(const char *conv, const char *peer,
	    void *);
/* The conversations of account end PARTY, with the other end's name. */
int	 store_dm_convs(struct store *, const char *party, store_dm_conv_cb,
	    void *);
int	 store_dm_erase(struct store *, const char *party,
	    const char *account, const char *ph_party,
	    const char *placeholder);

/* Key/value server state. *VALUE is xmalloc'd. */
int	 store_state_get(struct store *, const char *name, char **value);
int	 store_state_set(struct store *, const char *name,
	    const char *value);

/* Registered rooms with their full state. */
struct room_state {
	int64_t		 id;
	const char	*name;
	const char	*topic;
	const char	*topic_setter;
	int64_t		 topic_time;
	const char	*modes;		/* letters from imnstRM, "+nt" */
	const char	*key;		/* NULL: none */
	int		 limit;
	int		 history;
	int64_t		 created;
};
typedef void (*store_room_state_cb)(const struct room_state *, void *);
int	 store_room_state_list(struct store *, store_room_state_cb, void *);
int	 store_room_save(struct store *, int64_t id, const char *topic,
	    const char *setter, int64_t topic_time, const char *modes,
	    const char *key, int limit);
/* NAME's topic back to TOPIC if an old event announcement replaced it. */
int	 store_room_topic_unevent(struct store *, const char *name,
	    const char *topic);
typedef void (*store_room_mask_cb)(int64_t room, char kind,
	    const char *mask, const char *setter, int64_t when, void *);
int	 store_room_mask_list(struct store *, store_room_mask_cb, void *);
int	 store_room_mask_add(struct store *, int64_t room, char kind,
	    const char *mask, const char *setter, int64_t when);
int	 store_room_mask_del(struct store *, int64_t room, char kind,
	    const char *mask);
/* Room OLD_FOLD renamed NAME (FOLD): its row and its history follow. */
int	 store_room_rename(struct store *, const char *old_fold,
	    const char *name, const char *fold);


/* Called by store_open/store_close only. */
int	 store_chat_open(struct store *);
void	 store_chat_close(struct store *);

#endif
