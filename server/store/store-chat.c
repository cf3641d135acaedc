/*
 * store-chat.c -- IRC statements: chat history, room state, client
 * certificates and server state.  Schema: migration 3 in store.c.
 *
 * History queries compare (time, id) row values so that messages of the
 * same millisecond keep their order and a msgid reference is exact; the
 * index chat_messages_target_time (target, time, id) serves them all.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "names.h"
#include "store-int.h"
#include "store-chat.h"
#include "xmalloc.h"

/* The schema version that created the tables used here. */
#define IRC_SCHEMA	3

enum {
	I_CHAT_INSERT,
	I_CHAT_RANGE_ASC,
	I_CHAT_RANGE_DESC,
	I_CHAT_GET,
	I_CHAT_DELETE,
	I_CHAT_LAST_TIME,
	I_CHAT_HIDE,
	I_CHAT_PUBLISH,
	I_CHAT_BY_ACCOUNT,
	I_CHAT_ERASE,
	I_CHAT_PSEUDONYMIZE,
	I_CHAT_EVENTS_ERASE,
	I_STATE_GET,
	I_STATE_SET,
	I_ROOM_LIST,
	I_ROOM_SAVE,
	I_ROOM_UNEVENT,
	I_MASK_LIST,
	I_MASK_ADD,
	I_MASK_DEL,
	I_DM_PARTY_ADD,
	I_DM_CONVS,
	I_DM_RENAME,
	I_DM_PARTY_MOVE,
	I_DM_PARTY_DEL,
	I_ROOM_RENAME,
	I_CHAT_RETARGET,
	I_COUNT
};

#define CHAT_COLS "id, time, msgid, target, command, source, account, " \
	"sender, tags, text, shown"

static const struct store_sql irc_sql[] = {
	{ I_CHAT_INSERT,
	  "INSERT INTO chat_messages (time, msgid, target, command, source, "
	  "account, sender, tags, text, shown) VALUES (?1, ?2, ?3, ?4, ?5, "
	  "?6, ?7, ?8, ?9, ?10)" },
	{ I_CHAT_RANGE_ASC,
	  "SELECT " CHAT_COLS " FROM chat_messages WHERE target = ?1 AND "
	  "(time, id) > (?2, ?3) AND (time, id) < (?4, ?5) AND hidden = 0 "
	  "AND (?7 OR command IN ('PRIVMSG', 'NOTICE')) "
	  "ORDER BY time, id LIMIT ?6" },
	{ I_CHAT_RANGE_DESC,
	  "SELECT " CHAT_COLS " FROM chat_messages WHERE target = ?1 AND "
	  "(time, id) > (?2, ?3) AND (time, id) < (?4, ?5) AND hidden = 0 "
	  "AND (?7 OR command IN ('PRIVMSG', 'NOTICE')) "
	  "ORDER BY time DESC, id DESC LIMIT ?6" },
	{ I_CHAT_GET,
	  "SELECT " CHAT_COLS " FROM chat_messages WHERE msgid = ?1" },
	{ I_CHAT_DELETE,
	  "DELETE FROM chat_messages WHERE msgid = ?1" },
	/* The target's latest message, if that one is inside (?2, ?3). */
	{ I_CHAT_LAST_TIME,
	  "SELECT t FROM (SELECT time AS t FROM chat_messages WHERE "
	  "target = ?1 AND hidden = 0 AND command IN ('PRIVMSG', 'NOTICE') "
	  "ORDER BY time DESC, id DESC LIMIT 1) "
	  "WHERE t > ?2 AND t < ?3" },
	{ I_CHAT_HIDE,
	  "UPDATE chat_messages SET hidden = ?2 WHERE msgid = ?1 AND "
	  "hidden != ?2" },
	{ I_CHAT_PUBLISH,
	  "UPDATE chat_messages SET hidden = 0, time = ?2 WHERE msgid = ?1 "
	  "AND hidden = 1" },
	{ I_CHAT_BY_ACCOUNT,
	  "SELECT " CHAT_COLS " FROM chat_messages WHERE lower(account) = "
	  "lower(?1) AND account IS NOT NULL AND substr(target, 1, 1) != "
	  "'@' AND command IN ('PRIVMSG', 'NOTICE') ORDER BY time, id" },
	{ I_CHAT_ERASE,
	  "DELETE FROM chat_messages WHERE lower(account) = lower(?1) AND "
	  "account IS NOT NULL" },
	/* Pseudonymized, a member keeps their words, not their comings
	 * and goings (draft/event-playback rows). */
	{ I_CHAT_EVENTS_ERASE,
	  "DELETE FROM chat_messages WHERE lower(account) = lower(?1) AND "
	  "account IS NOT NULL AND command NOT IN ('PRIVMSG', 'NOTICE')" },
	{ I_CHAT_PSEUDONYMIZE,
	  "UPDATE chat_messages SET account = NULL, sender = '', source = "
	  "?2 || '!former@former-member', tags = NULL WHERE lower(account) = "
	  "lower(?1) AND account IS NOT NULL" },
	{ I_STATE_GET,
	  "SELECT value FROM irc_state WHERE name = ?1" },
	{ I_STATE_SET,
	  "INSERT INTO irc_state (name, value) VALUES (?1, ?2) "
	  "ON CONFLICT (name) DO UPDATE SET value = excluded.value" },
	{ I_ROOM_LIST,
	  "SELECT id, name, topic, topic_setter, topic_time, modes, chan_key, "
	  "user_limit, history, created FROM rooms ORDER BY name_fold" },
	{ I_ROOM_SAVE,
	  "UPDATE rooms SET topic = ?2, topic_setter = ?3, topic_time = ?4, "
	  "modes = ?5, chan_key = ?6, user_limit = ?7 WHERE id = ?1" },
	{ I_ROOM_UNEVENT,
	  "UPDATE rooms SET topic = ?2, topic_setter = '', topic_time = 0 "
	  "WHERE name_fold = lower(?1) AND topic LIKE 'Next: % - %' AND "
	  "topic_setter <> '' AND instr(topic_setter, '!') = 0" },
	{ I_MASK_LIST,
	  "SELECT room_id, kind, mask, setter, time FROM room_masks "
	  "ORDER BY room_id, kind, time" },
	{ I_MASK_ADD,
	  "INSERT OR REPLACE INTO room_masks (room_id, kind, mask, setter, "
	  "time) VALUES (?1, ?2, ?3, ?4, ?5)" },
	{ I_MASK_DEL,
	  "DELETE FROM room_masks WHERE room_id = ?1 AND kind = ?2 AND "
	  "mask = ?3" },
	{ I_DM_PARTY_ADD,
	  "INSERT INTO dm_parties (party, conv, peer) VALUES (?1, ?2, ?3) "
	  "ON CONFLICT (party, conv) DO NOTHING" },
	{ I_DM_CONVS,
	  "SELECT conv, peer FROM dm_parties WHERE party = ?1" },
	/*
	 * Erasure: the conversation gets the placeholder's key; what was
	 * addressed to the erased end (rows not sent by ?3, or all of a
	 * conversation with oneself, ?4) shows the placeholder (?5).
	 */
	{ I_DM_RENAME,
	  "UPDATE chat_messages SET target = ?2, shown = CASE WHEN ?4 OR "
	  "account IS NULL OR lower(account) != lower(?3) THEN ?5 ELSE "
	  "shown END WHERE target = ?1" },
	{ I_DM_PARTY_MOVE,
	  "UPDATE dm_parties SET conv = ?2, peer = ?3 WHERE conv = ?1" },
	{ I_DM_PARTY_DEL,
	  "DELETE FROM dm_parties WHERE party = ?1" },
	/* A renamed room (IRCv3 channel-rename): its record and history. */
	{ I_ROOM_RENAME,
	  "UPDATE rooms SET name = ?2, name_fold = ?3 WHERE name_fold = ?1" },
	{ I_CHAT_RETARGET,
	  "UPDATE chat_messages SET target = ?2 WHERE target = ?1" },
};

/*
 * Prepare the statements, unless the schema predates them (a store
 * opened at an older version, as the migration tests do).
 */
int
store_chat_open(struct store *st)
{
	if (store_schema_version(st) < IRC_SCHEMA)
		return 0;
	st->nchat_stmts = I_COUNT;
	st->chat_stmts = xcalloc(I_COUNT, sizeof *st->chat_stmts);
	return store_prepare(st, irc_sql, sizeof irc_sql / sizeof irc_sql[0],
	    st->chat_stmts);
}

void
store_chat_close(struct store *st)
{
	if (st->chat_stmts == NULL)
		return;
	store_finalize(st->chat_stmts, st->nchat_stmts);
	free(st->chat_stmts);
	st->chat_stmts = NULL;
}

static sqlite3_stmt *
stmt(struct store *st, int id)
{
	if (st->chat_stmts == NULL)
		return NULL;
	return store_reset(st->chat_stmts[id]);
}

static void
bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}


void
chat_msg_clear(struct chat_msg *m)
{
	free(m->msgid);
	free(m->target);
	free(m->command);
	free(m->source);
	free(m->account);
	free(m->sender);
	free(m->tags);
	free(m->text);
	free(m->shown);
	memset(m, 0, sizeof *m);
}

int
store_chat_insert(struct store *st, const struct chat_msg *m)
{
	sqlite3_stmt	*s = stmt(st, I_CHAT_INSERT);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, m->time);
	sqlite3_bind_text(s, 2, m->msgid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, m->target, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, m->command, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, m->source, -1, SQLITE_STATIC);
	bind_text_or_null(s, 6, m->account);
	sqlite3_bind_text(s, 7, m->sender, -1, SQLITE_STATIC);
	bind_text_or_null(s, 8, m->tags);
	sqlite3_bind_text(s, 9, m->text, -1, SQLITE_STATIC);
	bind_text_or_null(s, 10, m->shown);
	return store_batch_step_chat(st, s, "chat insert");
}

/* Read a row of CHAT_COLS into M, pointing into the statement. */
static void
chat_row(sqlite3_stmt *s, struct chat_msg *m)
{
	m->id = sqlite3_column_int64(s, 0);
	m->time = sqlite3_column_int64(s, 1);
	m->msgid = (char *)sqlite3_column_text(s, 2);
	m->target = (char *)sqlite3_column_text(s, 3);
	m->command = (char *)sqlite3_column_text(s, 4);
	m->source = (char *)sqlite3_column_text(s, 5);
	m->account = (char *)sqlite3_column_text(s, 6);
	m->sender = (char *)sqlite3_column_text(s, 7);
	m->tags = (char *)sqlite3_column_text(s, 8);
	m->text = (char *)sqlite3_column_text(s, 9);
	m->shown = (char *)sqlite3_column_text(s, 10);
}

/* Hand every row of S to CB; the statement is reset after. */
static int
chat_rows(struct store *st, sqlite3_stmt *s, store_chat_cb cb, void *arg,
    const char *what)
{
	struct chat_msg	m;
	int		rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		chat_row(s, &m);
		cb(&m, arg);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, what);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_chat_range(struct store *st, const char *target, int64_t lo_t,
    int64_t lo_id, int64_t hi_t, int64_t hi_id, int desc, int limit,
    store_chat_cb cb, void *arg)
{
	return store_chat_range_ev(st, target, lo_t, lo_id, hi_t, hi_id, desc,
	    limit, 0, cb, arg);
}

int
store_chat_range_ev(struct store *st, const char *target, int64_t lo_t,
    int64_t lo_id, int64_t hi_t, int64_t hi_id, int desc, int limit,
    int events, store_chat_cb cb, void *arg)
{
	sqlite3_stmt	*s = stmt(st, desc ? I_CHAT_RANGE_DESC :
			    I_CHAT_RANGE_ASC);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(s, 7, events != 0);
	sqlite3_bind_text(s, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, lo_t);
	sqlite3_bind_int64(s, 3, lo_id);
	sqlite3_bind_int64(s, 4, hi_t);
	sqlite3_bind_int64(s, 5, hi_id);
	sqlite3_bind_int(s, 6, limit);
	return chat_rows(st, s, cb, arg, "chat range");
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

int
store_chat_get(struct store *st, const char *msgid, struct chat_msg *out)
{
	sqlite3_stmt	*s = stmt(st, I_CHAT_GET);
	struct chat_msg	 m;
	int		 rc;

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		chat_row(s, &m);
		out->id = m.id;
		out->time = m.time;
		out->msgid = dup_or_null(m.msgid);
		out->target = dup_or_null(m.target);
		out->command = dup_or_null(m.command);
		out->source = dup_or_null(m.source);
		out->account = dup_or_null(m.account);
		out->sender = dup_or_null(m.sender);
		out->tags = dup_or_null(m.tags);
		out->text = dup_or_null(m.text);
		out->shown = dup_or_null(m.shown);
		sqlite3_reset(s);
		return STORE_OK;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	store_log_error(st, "chat get");
	return STORE_ERROR;
}

int
store_chat_delete(struct store *st, const char *msgid)
{
	sqlite3_stmt	*s = stmt(st, I_CHAT_DELETE);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	return store_step_done(st, s, "chat delete");
}

int
store_chat_last_time(struct store *st, const char *target, int64_t lo,
    int64_t hi, int64_t *out)
{
	sqlite3_stmt	*s = stmt(st, I_CHAT_LAST_TIME);
	int		 rc, found = 0;

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, lo);
	sqlite3_bind_int64(s, 3, hi);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*out = sqlite3_column_int64(s, 0);
		found = 1;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_log_error(st, "chat last time");
		return STORE_ERROR;
	}
	return found ? STORE_OK : STORE_NOTFOUND;
}

int
store_state_get(struct store *st, const char *name, char **value)
{
	sqlite3_stmt	*s = stmt(st, I_STATE_GET);

	*value = NULL;
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return store_one_text(st, s, value, "irc state get");
}

int
store_state_set(struct store *st, const char *name, const char *value)
{
	sqlite3_stmt	*s = stmt(st, I_STATE_SET);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	return store_step_done(st, s, "irc state set");
}

int
store_room_state_list(struct store *st, store_room_state_cb cb, void *arg)
{
	sqlite3_stmt		*s = stmt(st, I_ROOM_LIST);
	struct room_state	 r;
	int			 rc;

	if (s == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(s, 0);
		r.name = (const char *)sqlite3_column_text(s, 1);
		r.topic = (const char *)sqlite3_column_text(s, 2);
		r.topic_setter = (const char *)sqlite3_column_text(s, 3);
		r.topic_time = sqlite3_column_int64(s, 4);
		r.modes = (const char *)sqlite3_column_text(s, 5);
		r.key = (const char *)sqlite3_column_text(s, 6);
		r.limit = sqlite3_column_int(s, 7);
		r.history = sqlite3_column_int(s, 8);
		r.created = sqlite3_column_int64(s, 9);
		cb(&r, arg);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "room state list");
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_room_save(struct store *st, int64_t id, const char *topic,
    const char *setter, int64_t topic_time, const char *modes,
    const char *key, int limit)
{
	sqlite3_stmt	*s = stmt(st, I_ROOM_SAVE);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, topic != NULL ? topic : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 3, setter != NULL ? setter : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, topic_time);
	sqlite3_bind_text(s, 5, modes, -1, SQLITE_STATIC);
	bind_text_or_null(s, 6, key);
	sqlite3_bind_int(s, 7, limit);
	return store_step_done(st, s, "room save");
}

/*
 * Room NAME's topic back to TOPIC if an event announcement (before
 * issue 15) replaced it: "Next: TITLE - WHEN", set by the service (a
 * setter without "!").  A topic people set is never touched.
 */
int
store_room_topic_unevent(struct store *st, const char *name,
    const char *topic)
{
	sqlite3_stmt	*s = stmt(st, I_ROOM_UNEVENT);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, topic, -1, SQLITE_STATIC);
	return store_step_done(st, s, "room topic restore");
}

int
store_room_mask_list(struct store *st, store_room_mask_cb cb, void *arg)
{
	sqlite3_stmt	*s = stmt(st, I_MASK_LIST);
	const char	*kind;
	int		 rc;

	if (s == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		kind = (const char *)sqlite3_column_text(s, 1);
		cb(sqlite3_column_int64(s, 0), kind != NULL ? kind[0] : 'b',
		    (const char *)sqlite3_column_text(s, 2),
		    (const char *)sqlite3_column_text(s, 3),
		    sqlite3_column_int64(s, 4), arg);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "room mask list");
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_room_mask_add(struct store *st, int64_t room, char kind,
    const char *mask, const char *setter, int64_t when)
{
	sqlite3_stmt	*s = stmt(st, I_MASK_ADD);
	char		 k[2] = { kind, '\0' };

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, room);
	sqlite3_bind_text(s, 2, k, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, mask, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, setter, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, when);
	return store_step_done(st, s, "room mask add");
}

int
store_room_mask_del(struct store *st, int64_t room, char kind,
    const char *mask)
{
	sqlite3_stmt	*s = stmt(st, I_MASK_DEL);
	char		 k[2] = { kind, '\0' };

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(s, 1, room);
	sqlite3_bind_text(s, 2, k, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, mask, -1, SQLITE_STATIC);
	return store_step_done(st, s, "room mask del");
}





/*
 * Room OLD_FOLD is now NAME (folded FOLD): its rooms row, if it has
 * one, and every stored line of it follow.  The caller holds the
 * transaction.
 */
int
store_room_rename(struct store *st, const char *old_fold, const char *name,
    const char *fold)
{
	sqlite3_stmt	*s = stmt(st, I_ROOM_RENAME);
	int		 rc;

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, old_fold, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, fold, -1, SQLITE_STATIC);
	if ((rc = store_step_done(st, s, "room rename")) != STORE_OK)
		return rc;
	if ((s = stmt(st, I_CHAT_RETARGET)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, old_fold, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, fold, -1, SQLITE_STATIC);
	return store_step_done(st, s, "chat retarget");
}

/* Hide (HIDDEN 1) or show again a message; STORE_NOTFOUND if no change. */
int
store_chat_hide(struct store *st, const char *msgid, int hidden)
{
	sqlite3_stmt	*s = stmt(st, I_CHAT_HIDE);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, hidden);
	return store_step_changes(st, s, "chat hide");
}

/*
 * A held message approved: visible, at time MS (when the room saw it);
 * STORE_NOTFOUND when it was not waiting.
 */
int
store_chat_publish(struct store *st, const char *msgid, int64_t ms)
{
	sqlite3_stmt	*s = stmt(st, I_CHAT_PUBLISH);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, ms);
	return store_step_changes(st, s, "chat publish");
}

/* Every message ACCOUNT sent, hidden ones too (member export). */
int
store_chat_by_account(struct store *st, const char *account,
    store_chat_cb cb, void *arg)
{
	sqlite3_stmt	*s = stmt(st, I_CHAT_BY_ACCOUNT);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	return chat_rows(st, s, cb, arg, "chat by account");
}

/*
 * Erasure: delete ACCOUNT's messages (REMOVE) or make them a former
 * member's (PLACEHOLDER as the nick).  No commit.
 */
int
store_chat_erase(struct store *st, const char *account,
    const char *placeholder, int remove)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (!remove) {
		if ((s = stmt(st, I_CHAT_EVENTS_ERASE)) == NULL)
			return STORE_ERROR;
		sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
		if (store_step_done(st, s, "chat events erase") != STORE_OK)
			return STORE_ERROR;
	}
	s = stmt(st, remove ? I_CHAT_ERASE : I_CHAT_PSEUDONYMIZE);
	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	if (!remove)
		sqlite3_bind_text(s, 2, placeholder, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "chat erase");
		return STORE_ERROR;
	}
	return STORE_OK;
}

/*
 * Private messages.  A conversation's key is "@" and its two ends,
 * sorted, joined by a space; see migration 10.
 */
void
store_dm_account_end(const char *account, char *buf, size_t len)
{
	snprintf(buf, len, "a:%s", account);
	names_fold(buf, buf, len);
}

void
store_dm_key(const char *e1, const char *e2, char *buf, size_t len)
{
	if (strcmp(e1, e2) > 0) {
		const char	*t = e1;

		e1 = e2;
		e2 = t;
	}
	snprintf(buf, len, "@%s %s", e1, e2);
}

/* Note that account end PARTY has conversation CONV with PEER. */
int
store_dm_party_add(struct store *st, const char *party, const char *conv,
    const char *peer)
{
	sqlite3_stmt	*s = stmt(st, I_DM_PARTY_ADD);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, party, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, conv, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, peer, -1, SQLITE_STATIC);
	return store_step_done(st, s, "dm party add");
}

int
store_dm_convs(struct store *st, const char *party, store_dm_conv_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = stmt(st, I_DM_CONVS);

	if (s == NULL)
		return STORE_ERROR;
	sqlite3_bind_text(s, 1, party, -1, SQLITE_STATIC);
	return store_step_pairs(st, s, cb, arg, "dm convs");
}

struct dm_conv_list {
	char	**conv;
	size_t	  n;
};

static void
dm_conv_collect(const char *conv, const char *peer, void *arg)
{
	struct dm_conv_list	*l = arg;

	(void)peer;
	l->conv = xreallocarray(l->conv, l->n + 1, sizeof *l->conv);
	l->conv[l->n++] = xstrdup(conv);
}

/*
 * The other end of conversation CONV, seen from PARTY, into BUF; 1 when
 * it is a conversation with oneself.
 */
static int
dm_other_end(const char *conv, const char *party, char *buf, size_t len)
{
	const char	*a = conv + 1, *sp = strchr(a, ' ');
	size_t		 alen;

	if (sp == NULL) {
		snprintf(buf, len, "%s", party);
		return 1;
	}
	alen = (size_t)(sp - a);
	if (strlen(party) == alen && strncmp(a, party, alen) == 0)
		snprintf(buf, len, "%s", sp + 1);
	else
		snprintf(buf, len, "%.*s", (int)alen, a);
	return strcmp(buf, party) == 0;
}

/*
 * Erasure of account end PARTY (ACCOUNT): each of its conversations
 * gets the key of a conversation with PH_PARTY (the placeholder's end,
 * an "n:" end so the other member can still page it as PLACEHOLDER),
 * what was addressed to the erased member shows PLACEHOLDER, and PARTY
 * keeps no conversation, so whoever takes the name later reads
 * nothing.  The erased member's own lines are then removed or
 * pseudonymized by store_chat_erase().  No commit.
 */
int
store_dm_erase(struct store *st, const char *party, const char *account,
    const char *ph_party, const char *placeholder)
{
	struct dm_conv_list	 l = { NULL, 0 };
	sqlite3_stmt		*s;
	char			 other[256], nkey[600];
	size_t			 i;
	int			 rc, self;

	rc = store_dm_convs(st, party, dm_conv_collect, &l);
	for (i = 0; rc == STORE_OK && i < l.n; i++) {
		self = dm_other_end(l.conv[i], party, other, sizeof other);
		store_dm_key(ph_party, self ? ph_party : other, nkey,
		    sizeof nkey);
		if ((s = stmt(st, I_DM_RENAME)) == NULL) {
			rc = STORE_ERROR;
			break;
		}
		sqlite3_bind_text(s, 1, l.conv[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, nkey, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, account, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 4, self);
		sqlite3_bind_text(s, 5, placeholder, -1, SQLITE_STATIC);
		if ((rc = store_step_done(st, s, "dm rename")) != STORE_OK)
			break;
		if ((s = stmt(st, I_DM_PARTY_MOVE)) == NULL) {
			rc = STORE_ERROR;
			break;
		}
		sqlite3_bind_text(s, 1, l.conv[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, nkey, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, placeholder, -1, SQLITE_STATIC);
		rc = store_step_done(st, s, "dm party move");
	}
	if (rc == STORE_OK) {
		/* The moved rows of PARTY itself, if any, go too. */
		if ((s = stmt(st, I_DM_PARTY_DEL)) == NULL)
			rc = STORE_ERROR;
		else {
			sqlite3_bind_text(s, 1, party, -1, SQLITE_STATIC);
			rc = store_step_done(st, s, "dm party del");
		}
	}
	for (i = 0; i < l.n; i++)
		free(l.conv[i]);
	free(l.conv);
	return rc;
}
