/*
 * store-ircv3.c -- SQL of the per-account IRCv3 state (see
 * store-ircv3.h): read markers (migration 14), profile metadata
 * (migration 15).
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store-int.h"
#include "store-ircv3.h"
#include "xmalloc.h"

enum {
	V_MARK_GET,
	V_MARK_SET,
	V_META_LIST,
	V_META_SET,
	V_META_DEL,
	V_META_CLEAR,
	V_COUNT
};

static const struct store_sql ircv3_sql[] = {
	{ V_MARK_GET, "SELECT r.time FROM read_markers r JOIN accounts a "
	  "ON a.id = r.account_id WHERE a.name_fold = lower(?1) AND "
	  "r.target = ?2" },
	/* A marker only moves forward: max() of the old and the new. */
	{ V_MARK_SET, "INSERT INTO read_markers (account_id, target, time) "
	  "SELECT id, ?2, ?3 FROM accounts WHERE name_fold = lower(?1) "
	  "ON CONFLICT (account_id, target) DO UPDATE SET "
	  "time = max(time, excluded.time)" },
	{ V_META_LIST, "SELECT m.key, m.value FROM account_metadata m JOIN "
	  "accounts a ON a.id = m.account_id WHERE a.name_fold = lower(?1) "
	  "ORDER BY m.key" },
	{ V_META_SET, "INSERT INTO account_metadata (account_id, key, value) "
	  "SELECT id, ?2, ?3 FROM accounts WHERE name_fold = lower(?1) "
	  "ON CONFLICT (account_id, key) DO UPDATE SET value = excluded.value" },
	{ V_META_DEL, "DELETE FROM account_metadata WHERE key = ?2 AND "
	  "account_id = (SELECT id FROM accounts WHERE name_fold = lower(?1))" },
	{ V_META_CLEAR, "DELETE FROM account_metadata WHERE account_id = "
	  "(SELECT id FROM accounts WHERE name_fold = lower(?1))" },
};

int
store_ircv3_prepare(struct store *st)
{
	st->ircv3 = xcalloc(V_COUNT, sizeof *st->ircv3);
	return store_prepare(st, ircv3_sql, sizeof ircv3_sql /
	    sizeof ircv3_sql[0], st->ircv3);
}

void
store_ircv3_finalize(struct store *st)
{
	if (st->ircv3 == NULL)
		return;
	store_finalize(st->ircv3, V_COUNT);
	free(st->ircv3);
	st->ircv3 = NULL;
}

int
store_read_marker_get(struct store *st, const char *account,
    const char *target, int64_t *ms)
{
	sqlite3_stmt	*s = store_reset(st->ircv3[V_MARK_GET]);
	int		 rc;

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, target, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*ms = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	store_log_error(st, "read marker get");
	return STORE_ERROR;
}

int
store_read_marker_set(struct store *st, const char *account,
    const char *target, int64_t ms, int64_t *now)
{
	sqlite3_stmt	*s = store_reset(st->ircv3[V_MARK_SET]);
	int		 rc;

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, target, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, ms);
	if ((rc = store_step_changes(st, s, "read marker set")) != STORE_OK)
		return rc;
	return store_read_marker_get(st, account, target, now);
}

int
store_metadata_list(struct store *st, const char *account, store_meta_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = store_reset(st->ircv3[V_META_LIST]);

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	return store_step_pairs(st, s, cb, arg, "metadata list");
}

int
store_metadata_set(struct store *st, const char *account, const char *key,
    const char *value)
{
	sqlite3_stmt	*s = store_reset(st->ircv3[value != NULL ? V_META_SET :
			    V_META_DEL]);

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	if (value != NULL)
		sqlite3_bind_text(s, 3, value, -1, SQLITE_STATIC);
	return store_step_changes(st, s, "metadata set");
}

int
store_metadata_clear(struct store *st, const char *account)
{
	sqlite3_stmt	*s = store_reset(st->ircv3[V_META_CLEAR]);

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	return store_step_done(st, s, "metadata clear");
}
