/*
 * store-access.c -- SQL of private groups' access lists and of feed
 * tokens.
 *
 * Reading commands do not come here: the access list is joined into
 * the news statements of store-news.c (GROUP_LEVEL), so one query both
 * finds a group or article and says whether this reader may see it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store-int.h"
#include "store-access.h"
#include "xmalloc.h"

#define ISO(col) "strftime('%Y-%m-%dT%H:%M:%SZ', " col ", 'unixepoch')"

enum {
	M_ACCESS_ADD,
	M_ACCESS_REMOVE,
	M_ACCESS_LIST,
	M_ACCESS_OF,
	M_GROUP_TABLE,
	M_TOKEN_ADD,
	M_TOKEN_COUNT,
	M_TOKEN_LIST,
	M_TOKEN_REVOKE,
	M_TOKEN_FIND,
	M_TOKEN_USED,
	M_COUNT
};

static const struct store_sql members_sql[] = {
	{ M_ACCESS_ADD, "INSERT OR IGNORE INTO group_access (group_id, "
	  "account_id, added, added_by) VALUES (?1, ?2, ?3, ?4)" },
	{ M_ACCESS_REMOVE, "DELETE FROM group_access WHERE group_id = ?1 AND "
	  "account_id = ?2" },
	{ M_ACCESS_LIST, "SELECT a.name AS account, a.role AS role, "
	  ISO("x.added") " AS added, x.added_by AS added_by "
	  "FROM group_access x JOIN accounts a ON a.id = x.account_id "
	  "WHERE x.group_id = ?1 ORDER BY a.name_fold" },
	{ M_ACCESS_OF, "SELECT g.name AS \"group\", g.visibility AS "
	  "visibility, " ISO("x.added") " AS added FROM group_access x "
	  "JOIN groups g ON g.id = x.group_id WHERE x.account_id = ?1 "
	  "ORDER BY g.name" },
	{ M_GROUP_TABLE, "SELECT g.name AS name, g.status AS status, "
	  "g.visibility AS visibility, (SELECT count(*) FROM group_access x "
	  "WHERE x.group_id = g.id) AS access, g.description AS description "
	  "FROM groups g ORDER BY g.name" },
	{ M_TOKEN_ADD, "INSERT INTO feed_tokens (account_id, hash, label, "
	  "created) VALUES (?1, ?2, ?3, ?4)" },
	{ M_TOKEN_COUNT, "SELECT count(*) FROM feed_tokens WHERE "
	  "account_id = ?1" },
	{ M_TOKEN_LIST, "SELECT id AS id, label AS label, " ISO("created")
	  " AS created, " ISO("last_used") " AS last_used FROM feed_tokens "
	  "WHERE account_id = ?1 ORDER BY id" },
	{ M_TOKEN_REVOKE, "DELETE FROM feed_tokens WHERE account_id = ?1 AND "
	  "(?2 = 0 OR id = ?2)" },
	{ M_TOKEN_FIND, "SELECT t.account_id, t.id FROM feed_tokens t "
	  "JOIN accounts a ON a.id = t.account_id WHERE t.hash = ?1 AND "
	  "a.status = 'active'" },
	{ M_TOKEN_USED, "UPDATE feed_tokens SET last_used = ?2 WHERE id = ?1 "
	  "AND (last_used IS NULL OR last_used < ?2 - 3600)" },
};

int
store_members_prepare(struct store *st)
{
	st->members = xcalloc(M_COUNT, sizeof *st->members);
	return store_prepare(st, members_sql, sizeof members_sql /
	    sizeof members_sql[0], st->members);
}

void
store_members_finalize(struct store *st)
{
	if (st->members == NULL)
		return;
	store_finalize(st->members, M_COUNT);
	free(st->members);
	st->members = NULL;
}

int
store_group_access_add(struct store *st, int64_t group, int64_t account,
    const char *actor)
{
	sqlite3_stmt	*s = store_reset(st->members[M_ACCESS_ADD]);

	sqlite3_bind_int64(s, 1, group);
	sqlite3_bind_int64(s, 2, account);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(s, 4, actor, -1, SQLITE_STATIC);
	if (store_step_done(st, s, "access add") != STORE_OK)
		return STORE_ERROR;
	return sqlite3_changes(st->db) > 0 ? STORE_OK : STORE_EXISTS;
}

int
store_group_access_remove(struct store *st, int64_t group, int64_t account)
{
	sqlite3_stmt	*s = store_reset(st->members[M_ACCESS_REMOVE]);

	sqlite3_bind_int64(s, 1, group);
	sqlite3_bind_int64(s, 2, account);
	return store_step_changes(st, s, "access remove");
}

int
store_group_access_list(struct store *st, int64_t group, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = store_reset(st->members[M_ACCESS_LIST]);

	sqlite3_bind_int64(s, 1, group);
	return store_rows(st, s, cb, arg, "access list");
}

int
store_group_access_of(struct store *st, int64_t account, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = store_reset(st->members[M_ACCESS_OF]);

	sqlite3_bind_int64(s, 1, account);
	return store_rows(st, s, cb, arg, "access of");
}

int
store_group_table(struct store *st, store_row_cb cb, void *arg)
{
	return store_rows(st, store_reset(st->members[M_GROUP_TABLE]), cb, arg,
	    "group table");
}

int
store_feed_token_add(struct store *st, int64_t account, const char *hash,
    const char *label, int64_t *id)
{
	sqlite3_stmt	*s = store_reset(st->members[M_TOKEN_ADD]);

	sqlite3_bind_int64(s, 1, account);
	sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, label, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)time(NULL));
	if (store_step_done(st, s, "token add") != STORE_OK)
		return STORE_ERROR;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

int
store_feed_token_count(struct store *st, int64_t account)
{
	sqlite3_stmt	*s = store_reset(st->members[M_TOKEN_COUNT]);
	int		 n = -1;

	sqlite3_bind_int64(s, 1, account);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	else
		store_log_error(st, "token count");
	sqlite3_reset(s);
	return n;
}

int
store_feed_token_list(struct store *st, int64_t account, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = store_reset(st->members[M_TOKEN_LIST]);

	sqlite3_bind_int64(s, 1, account);
	return store_rows(st, s, cb, arg, "token list");
}

int
store_feed_token_revoke(struct store *st, int64_t account, int64_t id)
{
	sqlite3_stmt	*s = store_reset(st->members[M_TOKEN_REVOKE]);

	sqlite3_bind_int64(s, 1, account);
	sqlite3_bind_int64(s, 2, id);
	return store_step_changes(st, s, "token revoke");
}

int
store_feed_token_find(struct store *st, const char *hash, int64_t *account,
    int64_t *id)
{
	sqlite3_stmt	*s = store_reset(st->members[M_TOKEN_FIND]);
	int		 rc;

	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*account = sqlite3_column_int64(s, 0);
		*id = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	store_log_error(st, "token find");
	return STORE_ERROR;
}

void
store_feed_token_used(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt	*s = store_reset(st->members[M_TOKEN_USED]);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	(void)store_step_done(st, s, "token used");
}
