/*
 * store-history.c -- SQL of the message-id history (see store-history.h).
 */
#include <stdlib.h>
#include <string.h>

#include "store-int.h"
#include "store-history.h"
#include "xmalloc.h"

enum {
	H_ADD,
	H_GET,
	H_EXPIRE,
	H_COUNT
};

static const struct store_sql history_sql[] = {
	{ H_ADD, "INSERT INTO history (msgid, reason, remembered) "
	  "VALUES (?1, ?2, ?3) ON CONFLICT (msgid) DO UPDATE SET "
	  "remembered = max(remembered, excluded.remembered)" },
	{ H_GET, "SELECT reason FROM history WHERE msgid = ?1" },
	{ H_EXPIRE, "DELETE FROM history WHERE remembered < ?1" },
};

int
store_history_prepare(struct store *st)
{
	st->history = xcalloc(H_COUNT, sizeof *st->history);
	return store_prepare(st, history_sql, sizeof history_sql /
	    sizeof history_sql[0], st->history);
}

void
store_history_finalize(struct store *st)
{
	if (st->history == NULL)
		return;
	store_finalize(st->history, H_COUNT);
	free(st->history);
	st->history = NULL;
}

int
store_history_add(struct store *st, const char *msgid, const char *reason,
    int64_t when)
{
	sqlite3_stmt	*s = store_reset(st->history[H_ADD]);

	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, when);
	return store_step_done(st, s, "history add");
}

int
store_history_get(struct store *st, const char *msgid, const char **reason)
{
	static const char *const reasons[] = { "rejected", "cancelled",
	    "expired", "control", NULL };
	sqlite3_stmt	*s = store_reset(st->history[H_GET]);
	const char	*r;
	size_t		 i;
	int		 rc;

	*reason = NULL;
	sqlite3_bind_text(s, 1, msgid, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW) {
		store_log_error(st, "history get");
		sqlite3_reset(s);
		return STORE_ERROR;
	}
	r = (const char *)sqlite3_column_text(s, 0);
	for (i = 0; r != NULL && reasons[i] != NULL; i++)
		if (strcmp(r, reasons[i]) == 0)
			*reason = reasons[i];
	sqlite3_reset(s);
	return STORE_OK;
}

int
store_history_expire(struct store *st, int64_t before, int64_t *n)
{
	sqlite3_stmt	*s = store_reset(st->history[H_EXPIRE]);
	int		 rc;

	sqlite3_bind_int64(s, 1, before);
	rc = store_step_done(st, s, "history expire");
	if (n != NULL)
		*n = rc == STORE_OK ? sqlite3_changes(st->db) : 0;
	return rc;
}
