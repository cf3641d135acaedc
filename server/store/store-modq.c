/*
 * store-modq.c -- SQL of the moderation queue, reports, sanctions,
 * moderator notes and audit log queries.
 *
 * Listing functions hand rows to a store_row_cb as column names and text
 * values (NULL for SQL NULL), so the admin layer can print them for
 * people or as JSON without a struct per query.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store-int.h"
#include "store-modq.h"
#include "xmalloc.h"

enum {
	Q_FIND_OPEN,
	Q_INSERT,
	Q_TOUCH,
	Q_REPORT_INSERT,
	Q_REPORT_COUNT,
	Q_LIST_OPEN,
	Q_GET,
	Q_REPORTS,
	Q_VIEW,
	Q_VIEWERS,
	Q_CLOSE,
	Q_CLOSE_ITEM,
	Q_AUTHOR_HISTORY,
	Q_SANCTION_INSERT,
	Q_SANCTION_LIFT,
	Q_SANCTION_ACTIVE,
	Q_SANCTION_EXPIRE,
	Q_SANCTION_RESCOPE,
	Q_NOTE_INSERT,
	Q_NOTES,
	Q_AUDIT_QUERY,
	Q_REPORTS_BY,
	Q_LOGINS_OF,
	Q_ACTIONS_ABOUT,
	Q_OPEN_STATS,
	Q_OPEN_IDS,
	Q_OPEN_PREV,
	Q_COUNT
};

#define PRIORITY "CASE kind WHEN 'crisis' THEN 0 WHEN 'report' THEN 1 " \
	"WHEN 'held' THEN 2 ELSE 3 END"

static const struct store_sql modq_sql[] = {
	{ Q_FIND_OPEN,
	  "SELECT id FROM modq WHERE kind = ?1 AND item_type = ?2 AND "
	  "item_ref = ?3 AND state = 'open'" },
	{ Q_INSERT,
	  "INSERT INTO modq (kind, item_type, item_ref, author, location, "
	  "excerpt, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)" },
	{ Q_TOUCH, "UPDATE modq SET updated = ?2 WHERE id = ?1" },
	{ Q_REPORT_INSERT,
	  "INSERT OR IGNORE INTO reports (modq_id, reporter, reason, via, "
	  "created) VALUES (?1, ?2, ?3, ?4, ?5)" },
	{ Q_REPORT_COUNT,
	  "SELECT count(DISTINCT r.reporter) FROM reports r JOIN modq q ON "
	  "q.id = r.modq_id WHERE q.item_type = ?1 AND q.item_ref = ?2 AND "
	  "r.created >= ?3" },
	{ Q_LIST_OPEN,
	  "SELECT id, kind, item_type, item_ref, author, location, excerpt, "
	  "datetime(created, 'unixepoch') AS created, "
	  "(SELECT count(*) FROM reports r WHERE r.modq_id = modq.id) "
	  "AS reports FROM modq WHERE state = 'open' ORDER BY " PRIORITY
	  ", created, id LIMIT ?1" },
	{ Q_GET,
	  "SELECT id, kind, item_type, item_ref, author, location, excerpt, "
	  "state, resolution, resolved_by, datetime(created, 'unixepoch') "
	  "AS created, datetime(updated, 'unixepoch') AS updated "
	  "FROM modq WHERE id = ?1" },
	{ Q_REPORTS,
	  "SELECT reporter, via, reason, datetime(created, 'unixepoch') AS "
	  "created FROM reports WHERE modq_id = ?1 ORDER BY created, id" },
	{ Q_VIEW,
	  "INSERT INTO modq_views (modq_id, moderator, time) VALUES "
	  "(?1, ?2, ?3) ON CONFLICT (modq_id, moderator) DO UPDATE SET "
	  "time = excluded.time" },
	{ Q_VIEWERS,
	  "SELECT moderator, datetime(time, 'unixepoch') AS time FROM "
	  "modq_views WHERE modq_id = ?1 ORDER BY time" },
	{ Q_CLOSE,
	  "UPDATE modq SET state = 'closed', resolution = ?2, "
	  "resolved_by = ?3, updated = ?4 WHERE id = ?1 AND state = 'open'" },
	{ Q_CLOSE_ITEM,
	  "UPDATE modq SET state = 'closed', resolution = ?3, "
	  "resolved_by = ?4, updated = ?5 WHERE item_type = ?1 AND "
	  "item_ref = ?2 AND state = 'open'" },
	{ Q_AUTHOR_HISTORY,
	  "SELECT datetime(time, 'unixepoch') AS time, actor, action, target, "
	  "reason FROM audit_log WHERE action != 'hold' AND (target = ?1 OR "
	  "target IN (SELECT msgid FROM chat_messages WHERE lower(account) = "
	  "lower(?1) AND account IS NOT NULL) OR "
	  "target IN (SELECT a.msgid FROM articles a JOIN accounts u ON "
	  "u.id = a.author_id WHERE u.name_fold = lower(?1))) "
	  "ORDER BY time DESC, id DESC LIMIT 20" },
	{ Q_SANCTION_INSERT,
	  "INSERT INTO sanctions (kind, target_type, target, scope, reason, "
	  "actor, created, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" },
	{ Q_SANCTION_LIFT,
	  "UPDATE sanctions SET lifted = ?5, lifted_by = ?6 WHERE kind = ?1 "
	  "AND target_type = ?2 AND lower(target) = lower(?3) AND "
	  "lower(scope) = lower(?4) AND lifted IS NULL" },
	{ Q_SANCTION_ACTIVE,
	  "SELECT id, kind, target_type, target, scope, reason, actor, "
	  "datetime(created, 'unixepoch') AS created, "
	  "CASE WHEN expires IS NULL THEN 'never' ELSE "
	  "datetime(expires, 'unixepoch') END AS expires FROM sanctions "
	  "WHERE lifted IS NULL AND (expires IS NULL OR expires > ?1) "
	  "ORDER BY id" },
	{ Q_SANCTION_EXPIRE,
	  "UPDATE sanctions SET lifted = ?1, lifted_by = 'expiry' WHERE "
	  "lifted IS NULL AND expires IS NOT NULL AND expires <= ?1 "
	  "RETURNING id, kind, target_type, target, scope" },
	{ Q_SANCTION_RESCOPE,
	  "UPDATE sanctions SET scope = ?2 WHERE lower(scope) = lower(?1) "
	  "AND lifted IS NULL" },
	{ Q_NOTE_INSERT,
	  "INSERT INTO mod_notes (account, author, note, created) VALUES "
	  "(?1, ?2, ?3, ?4)" },
	{ Q_NOTES,
	  "SELECT datetime(created, 'unixepoch') AS created, author, note "
	  "FROM mod_notes WHERE lower(account) = lower(?1) ORDER BY created, "
	  "id" },
	{ Q_REPORTS_BY,
	  "SELECT q.item_type, q.item_ref, r.reason, r.via, "
	  "datetime(r.created, 'unixepoch') AS created FROM reports r "
	  "JOIN modq q ON q.id = r.modq_id WHERE lower(r.reporter) = "
	  "lower(?1) ORDER BY r.created, r.id" },
	{ Q_LOGINS_OF,
	  "SELECT proto, ip_hash, datetime(time, 'unixepoch') AS time "
	  "FROM logins WHERE lower(account) = lower(?1) ORDER BY time, id" },
	{ Q_ACTIONS_ABOUT,
	  "SELECT datetime(time, 'unixepoch') AS time, action, target, "
	  "reason FROM audit_log WHERE action IN ('warn','ban','unban',"
	  "'mute','unmute','hide','unhide','approve','reject','ban.expire',"
	  "'mute.expire','account.probation') AND (lower(target) = lower(?1) "
	  "OR target IN (SELECT msgid FROM chat_messages WHERE lower(account) "
	  "= lower(?1) AND account IS NOT NULL) OR target IN (SELECT a.msgid FROM articles a JOIN "
	  "accounts u ON u.id = a.author_id WHERE u.name_fold = lower(?1))) "
	  "ORDER BY time DESC, id DESC LIMIT 50" },
	{ Q_OPEN_STATS,
	  "SELECT count(*), min(id), (SELECT max(id) FROM modq), "
	  "(SELECT min(created) FROM modq) FROM modq WHERE state = 'open'" },
	{ Q_OPEN_IDS,
	  "SELECT id FROM modq WHERE state = 'open' AND id >= ?1 AND "
	  "id <= ?2 ORDER BY id LIMIT ?3" },
	{ Q_OPEN_PREV,
	  "SELECT max(id) FROM modq WHERE state = 'open' AND id < ?1" },
	{ Q_AUDIT_QUERY,
	  "SELECT id, datetime(time, 'unixepoch') AS time, actor, action, "
	  "target, reason FROM audit_log WHERE (?1 IS NULL OR actor = ?1) "
	  "AND (?2 IS NULL OR target = ?2) AND (?3 IS NULL OR action = ?3 OR "
	  "action LIKE ?3 || '.%') AND time >= ?4 AND time <= ?5 "
	  "ORDER BY time DESC, id DESC LIMIT ?6" },
};

int
store_modq_prepare(struct store *st)
{
	st->modq_stmts = xcalloc(Q_COUNT, sizeof *st->modq_stmts);
	return store_prepare(st, modq_sql, sizeof modq_sql /
	    sizeof modq_sql[0], st->modq_stmts);
}

void
store_modq_finalize(struct store *st)
{
	if (st->modq_stmts == NULL)
		return;
	store_finalize(st->modq_stmts, Q_COUNT);
	free(st->modq_stmts);
	st->modq_stmts = NULL;
}

static sqlite3_stmt *
q(struct store *st, int id)
{
	return store_reset(st->modq_stmts[id]);
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

/*
 * The open queue entry for this kind and item, made when missing.
 * *ISNEW says which.
 */
int
store_modq_upsert(struct store *st, const char *kind, const char *item_type,
    const char *item_ref, const char *author, const char *location,
    const char *excerpt, int64_t *id, int *isnew)
{
	sqlite3_stmt	*s = q(st, Q_FIND_OPEN);
	int		 rc;
	time_t		 now = time(NULL);

	bind_text(s, 1, kind);
	bind_text(s, 2, item_type);
	bind_text(s, 3, item_ref);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		*isnew = 0;
		s = q(st, Q_TOUCH);
		sqlite3_bind_int64(s, 1, *id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
		return store_step_done(st, s, "modq touch");
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "modq find");
		return STORE_ERROR;
	}
	s = q(st, Q_INSERT);
	bind_text(s, 1, kind);
	bind_text(s, 2, item_type);
	bind_text(s, 3, item_ref);
	bind_text(s, 4, author);
	bind_text(s, 5, location);
	bind_text(s, 6, excerpt != NULL ? excerpt : "");
	sqlite3_bind_int64(s, 7, (sqlite3_int64)now);
	if (store_step_done(st, s, "modq insert") != STORE_OK)
		return STORE_ERROR;
	*id = sqlite3_last_insert_rowid(st->db);
	*isnew = 1;
	return STORE_OK;
}

/* STORE_EXISTS when this reporter already reported this entry. */
int
store_modq_report(struct store *st, int64_t id, const char *reporter,
    const char *reason, const char *via)
{
	sqlite3_stmt	*s = q(st, Q_REPORT_INSERT);

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, reporter);
	bind_text(s, 3, reason != NULL ? reason : "");
	bind_text(s, 4, via);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	if (store_step_done(st, s, "report insert") != STORE_OK)
		return STORE_ERROR;
	return sqlite3_changes(st->db) > 0 ? STORE_OK : STORE_EXISTS;
}

/* Distinct reporters of an item since SINCE, across queue entries. */
int
store_modq_report_count(struct store *st, const char *item_type,
    const char *item_ref, time_t since)
{
	sqlite3_stmt	*s = q(st, Q_REPORT_COUNT);
	int		 n = 0;

	bind_text(s, 1, item_type);
	bind_text(s, 2, item_ref);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)since);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return n;
}

int
store_modq_list_open(struct store *st, int limit, store_row_cb cb, void *arg)
{
	sqlite3_stmt	*s = q(st, Q_LIST_OPEN);

	sqlite3_bind_int(s, 1, limit);
	return store_rows(st, s, cb, arg, "modq list");
}

/* One entry (STORE_NOTFOUND when missing) through CB. */
int
store_modq_get(struct store *st, int64_t id, store_row_cb cb, void *arg)
{
	sqlite3_stmt	*s = q(st, Q_GET);
	int		 found = 0;
	const char	*names[16], *vals[16];
	int		 i, n;

	sqlite3_bind_int64(s, 1, id);
	n = sqlite3_column_count(s);
	if (sqlite3_step(s) == SQLITE_ROW) {
		for (i = 0; i < n && i < 16; i++) {
			names[i] = sqlite3_column_name(s, i);
			vals[i] = (const char *)sqlite3_column_text(s, i);
		}
		if (cb != NULL)
			cb(n, names, vals, arg);
		found = 1;
	}
	sqlite3_reset(s);
	return found ? STORE_OK : STORE_NOTFOUND;
}

/* Item fields of entry ID (caller frees); STORE_NOTFOUND when missing. */
int
store_modq_item(struct store *st, int64_t id, char **kind, char **item_type,
    char **item_ref, char **author, int *open)
{
	sqlite3_stmt	*s = q(st, Q_GET);
	int		 rc;

	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
	}
	*kind = store_col_text(s, 1);
	*item_type = store_col_text(s, 2);
	*item_ref = store_col_text(s, 3);
	*author = store_col_text(s, 4);
	*open = strcmp((const char *)sqlite3_column_text(s, 7), "open") == 0;
	sqlite3_reset(s);
	return STORE_OK;
}

int
store_modq_reports(struct store *st, int64_t id, store_row_cb cb, void *arg)
{
	sqlite3_stmt	*s = q(st, Q_REPORTS);

	sqlite3_bind_int64(s, 1, id);
	return store_rows(st, s, cb, arg, "modq reports");
}

int
store_modq_view(struct store *st, int64_t id, const char *moderator)
{
	sqlite3_stmt	*s = q(st, Q_VIEW);

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, moderator);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	return store_step_done(st, s, "modq view");
}

int
store_modq_viewers(struct store *st, int64_t id, store_row_cb cb, void *arg)
{
	sqlite3_stmt	*s = q(st, Q_VIEWERS);

	sqlite3_bind_int64(s, 1, id);
	return store_rows(st, s, cb, arg, "modq viewers");
}

int
store_modq_author_history(struct store *st, const char *author,
    store_row_cb cb, void *arg)
{
	sqlite3_stmt	*s = q(st, Q_AUTHOR_HISTORY);

	bind_text(s, 1, author);
	return store_rows(st, s, cb, arg, "author history");
}

int
store_modq_close(struct store *st, int64_t id, const char *resolution,
    const char *actor)
{
	sqlite3_stmt	*s = q(st, Q_CLOSE);

	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, resolution);
	bind_text(s, 3, actor);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)time(NULL));
	return store_step_changes(st, s, "modq close");
}

/* Close every open entry about an item (it was acted upon). */
int
store_modq_close_item(struct store *st, const char *item_type,
    const char *item_ref, const char *resolution, const char *actor)
{
	sqlite3_stmt	*s = q(st, Q_CLOSE_ITEM);

	bind_text(s, 1, item_type);
	bind_text(s, 2, item_ref);
	bind_text(s, 3, resolution);
	bind_text(s, 4, actor);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	return store_step_done(st, s, "modq close item");
}

int
store_sanction_add(struct store *st, const char *kind,
    const char *target_type, const char *target, const char *scope,
    const char *reason, const char *actor, time_t expires, int64_t *id)
{
	sqlite3_stmt	*s = q(st, Q_SANCTION_INSERT);

	bind_text(s, 1, kind);
	bind_text(s, 2, target_type);
	bind_text(s, 3, target);
	bind_text(s, 4, scope != NULL ? scope : "*");
	bind_text(s, 5, reason != NULL ? reason : "");
	bind_text(s, 6, actor);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)time(NULL));
	if (expires > 0)
		sqlite3_bind_int64(s, 8, (sqlite3_int64)expires);
	if (store_step_done(st, s, "sanction add") != STORE_OK)
		return STORE_ERROR;
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

int
store_sanction_lift(struct store *st, const char *kind,
    const char *target_type, const char *target, const char *scope,
    const char *actor)
{
	sqlite3_stmt	*s = q(st, Q_SANCTION_LIFT);

	bind_text(s, 1, kind);
	bind_text(s, 2, target_type);
	bind_text(s, 3, target);
	bind_text(s, 4, scope != NULL ? scope : "*");
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	bind_text(s, 6, actor);
	return store_step_changes(st, s, "sanction lift");
}

/* Active sanctions scoped to room OLD now cover NEW (a rename). */
int
store_sanction_rescope(struct store *st, const char *old, const char *new)
{
	sqlite3_stmt	*s = q(st, Q_SANCTION_RESCOPE);

	bind_text(s, 1, old);
	bind_text(s, 2, new);
	return store_step_done(st, s, "sanction rescope");
}

int
store_sanction_active(struct store *st, time_t now, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = q(st, Q_SANCTION_ACTIVE);

	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	return store_rows(st, s, cb, arg, "sanctions");
}

/* Lift what expired by NOW; each lifted row goes through CB. */
int
store_sanction_expire(struct store *st, time_t now, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = q(st, Q_SANCTION_EXPIRE);

	sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
	return store_rows(st, s, cb, arg, "sanction expire");
}

int
store_note_add(struct store *st, const char *account, const char *author,
    const char *note)
{
	sqlite3_stmt	*s = q(st, Q_NOTE_INSERT);

	bind_text(s, 1, account);
	bind_text(s, 2, author);
	bind_text(s, 3, note);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)time(NULL));
	return store_step_done(st, s, "note add");
}

int
store_notes(struct store *st, const char *account, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = q(st, Q_NOTES);

	bind_text(s, 1, account);
	return store_rows(st, s, cb, arg, "notes");
}

int
store_audit_query(struct store *st, const char *actor, const char *target,
    const char *action, time_t since, time_t until, int limit,
    store_row_cb cb, void *arg)
{
	sqlite3_stmt	*s = q(st, Q_AUDIT_QUERY);

	bind_text(s, 1, actor);
	bind_text(s, 2, target);
	bind_text(s, 3, action);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)since);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)(until > 0 ? until :
	    (time_t)1 << 40));
	sqlite3_bind_int(s, 6, limit);
	return store_rows(st, s, cb, arg, "audit query");
}

/* Reports NAME filed (not reports about NAME). */
int
store_reports_by(struct store *st, const char *name, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = q(st, Q_REPORTS_BY);

	bind_text(s, 1, name);
	return store_rows(st, s, cb, arg, "reports by");
}

int
store_logins_of(struct store *st, const char *name, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = q(st, Q_LOGINS_OF);

	bind_text(s, 1, name);
	return store_rows(st, s, cb, arg, "logins of");
}

/*
 * What moderators did about NAME or their words (without who did it:
 * moderators act for the community, and reporters stay unnamed).
 */
int
store_actions_about(struct store *st, const char *name, store_row_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = q(st, Q_ACTIONS_ABOUT);

	bind_text(s, 1, name);
	return store_rows(st, s, cb, arg, "actions about");
}

/*
 * The open entries as a newsgroup: how many, the lowest open id and the
 * highest id ever given (entries are never deleted, so ids are never
 * reused), and when the first entry was made.
 */
int
store_modq_open_stats(struct store *st, int64_t *count, int64_t *low,
    int64_t *high, int64_t *first)
{
	sqlite3_stmt	*s = q(st, Q_OPEN_STATS);
	int		 rc = sqlite3_step(s);

	if (rc == SQLITE_ROW) {
		*count = sqlite3_column_int64(s, 0);
		*low = sqlite3_column_int64(s, 1);
		*high = sqlite3_column_int64(s, 2);
		*first = sqlite3_column_int64(s, 3);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		store_log_error(st, "modq stats");
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* Open entry ids in LO..HI, at most LIMIT; the number seen or an error. */
int
store_modq_open_ids(struct store *st, int64_t lo, int64_t hi, int limit,
    int (*cb)(int64_t, void *), void *arg)
{
	sqlite3_stmt	*s = q(st, Q_OPEN_IDS);
	int64_t		*ids = NULL;
	int		 rc, n = 0, i;

	sqlite3_bind_int64(s, 1, lo);
	sqlite3_bind_int64(s, 2, hi);
	sqlite3_bind_int(s, 3, limit);
	/* Collected first: the callback may run other queries. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ids = xreallocarray(ids, (size_t)n + 1, sizeof *ids);
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		free(ids);
		store_log_error(st, "modq open ids");
		return STORE_ERROR;
	}
	for (i = 0; i < n; i++)
		if (cb(ids[i], arg) != 0) {
			i++;
			break;
		}
	free(ids);
	return i;
}

/* The open entry before NUM, or 0. */
int64_t
store_modq_open_prev(struct store *st, int64_t num)
{
	sqlite3_stmt	*s = q(st, Q_OPEN_PREV);
	int64_t		 id = 0;

	sqlite3_bind_int64(s, 1, num);
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}
